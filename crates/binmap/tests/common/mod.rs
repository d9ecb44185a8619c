//! Helpers shared by the layout-language tests: a layout's JSON for some
//! bytes, and the error a layout (or its map) gives.

use binmap::select::select;
use binmap::sink::json::JsonWriter;
use binmap::{Layout, Map};

/// `show -f json` of `bytes` read with `layout`, without the final newline.
pub fn json(layout: &str, bytes: &[u8]) -> String {
    let l = Layout::parse(layout).unwrap_or_else(|e| panic!("{layout}: {e}"));
    let map = Map::new(&l, bytes, "t.bin").unwrap_or_else(|e| panic!("{layout}: {e}"));
    let sel = select(&map, &[]).expect("select");
    let mut out = Vec::new();
    JsonWriter::new(map.data(), &mut out).document(&sel, &[]).expect("json");
    String::from_utf8(out).expect("utf8").trim_end().to_string()
}

/// The error of parsing `layout`, or of mapping it onto `bytes`.
pub fn err(layout: &str, bytes: &[u8]) -> String {
    match Layout::parse(layout) {
        Err(e) => e.to_string(),
        Ok(l) => Map::new(&l, bytes, "t.bin").expect_err("should fail").to_string(),
    }
}
