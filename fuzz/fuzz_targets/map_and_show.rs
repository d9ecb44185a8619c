#![no_main]
//! `map_and_show`: a layout drawn from a small grammar (fuzz/src/grammar.rs)
//! plus arbitrary file bytes, resolved and shown every way
//! (`binmap_fuzz::harness::map_and_show`).
//!
//! With `BINMAP_FUZZ_DUMP=DIR` set, each input's layout and file are written
//! to `DIR/layout.bml` and `DIR/data.bin` before they run: that is how a crash
//! becomes a regression test (`cargo fuzz run map_and_show ARTIFACT` with it set).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (layout, file) = binmap_fuzz::grammar::draw(data);
    if let Some(dir) = std::env::var_os("BINMAP_FUZZ_DUMP") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("layout.bml"), &layout).unwrap();
        std::fs::write(dir.join("data.bin"), &file).unwrap();
    }
    binmap_fuzz::harness::map_and_show(&layout, &file);
});
