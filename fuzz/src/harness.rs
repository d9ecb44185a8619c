//! The code paths the fuzz targets drive, as plain functions of their input.
//!
//! Shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`, through the
//! `binmap-fuzz` library) and by the regression tests of the library
//! (`crates/binmap/tests/fuzz_regressions.rs` includes this file with
//! `#[path]`), so a saved crashing input replays exactly what the fuzzer ran.
//! Depends on `binmap` and `std` only. Every function must return (whatever
//! the library answers, `Ok` or `Err`) without panicking, hanging or
//! allocating without bound.

#![allow(dead_code)]

use binmap::encode::Origin;
use binmap::hex::annotate::{AnnotateOptions, range_of, write_annotated};
use binmap::hex::xxd::{self, Kind, Options, SeekSpec};
use binmap::select::{Rows, parse_path, select};
use binmap::sink::{Format, render};
use binmap::{Layout, Map};

pub const FORMATS: [Format; 4] = [Format::Json, Format::Jsonl, Format::Csv, Format::Table];

/// Most output one call may write: 4 MiB plus 256 bytes per input byte.
/// Fuzz inputs are a few KiB: more is an amplification (a tiny file that
/// prints gigabytes, or loops) and is reported as a failure rather than left
/// to run out of memory or time.
pub fn output_cap(input_len: usize) -> u64 {
    (4 << 20) + 256 * input_len as u64
}

/// A sink that counts what is written and fails past its cap ([`output_cap`]).
pub struct Out {
    pub len: u64,
    pub cap: u64,
    pub exceeded: bool,
}

impl Out {
    pub fn new(input_len: usize) -> Out {
        Out { len: 0, cap: output_cap(input_len), exceeded: false }
    }

    /// Fail (panic) when the last call wrote more than the cap; then start over.
    pub fn check(&mut self, what: impl FnOnce() -> String, input_len: usize) {
        if self.exceeded {
            panic!("output amplification: {} wrote more than {} bytes for a {input_len}-byte input", what(), self.cap);
        }
        self.len = 0;
    }

    /// Start over without checking.
    pub fn clear(&mut self) {
        self.len = 0;
        self.exceeded = false;
    }
}

impl std::io::Write for Out {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.len + b.len() as u64 > self.cap {
            self.exceeded = true;
            return Err(std::io::Error::other("fuzz output cap"));
        }
        self.len += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `layout_parse`: any bytes as layout text; a layout that parses is also
/// printed back, and resolved against an empty and a small file.
pub fn layout_parse(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let Ok(layout) = Layout::parse(&text) else { return };
    let printed = binmap::layout::print::to_bml(&layout.root);
    let _ = Layout::parse(&printed);
    let small: Vec<u8> = (0..64u8).collect();
    for data in [&[][..], &small[..]] {
        if let Ok(map) = Map::new(&layout, data, "fuzz.bin") {
            let mut out = Out::new(bytes.len());
            let _ = render(&map, None, None, Format::Json, &mut out);
            out.check(|| "render json".into(), bytes.len());
        }
    }
}

/// `dtype_struct`: the text before the first NUL byte as a numpy dtype and
/// as a Python `struct` format; the bytes after it as data.
pub fn dtype_struct(bytes: &[u8]) {
    let (text, data) = match bytes.iter().position(|b| *b == 0) {
        Some(i) => (&bytes[..i], &bytes[i + 1..]),
        None => (bytes, &[][..]),
    };
    let text = String::from_utf8_lossy(text);

    if let Ok(ty) = binmap::layout::numpy::dtype(&text) {
        let _ = binmap::layout::numpy::descr(&ty);
        let _ = ty.fixed_size();
        let _ = ty.describe();
        let printed = binmap::layout::print::type_text(&ty);
        if let Ok(layout) = Layout::parse(&format!("x: {printed}")) {
            map_and_render(&layout, data);
        }
    }

    if let Ok(fmt) = binmap::pystruct::parse(&text) {
        let size = binmap::pystruct::calcsize(&fmt);
        let _ = fmt.value_count();
        let st = binmap::pystruct::to_struct_type(&fmt);
        let _ = binmap::layout::print::to_bml(&st);
        // The whole buffer (usually the wrong size: an error), then exactly one record.
        let _ = binmap::pystruct::unpack(&fmt, data);
        let _ = binmap::pystruct::check_iter(&fmt, data.len() as u64);
        if let Ok(size) = usize::try_from(size)
            && size <= data.len()
        {
            let rec = &data[..size];
            if let Ok(values) = binmap::pystruct::unpack(&fmt, rec) {
                let _ = binmap::pystruct::repr_tuple(&values);
                let _ = binmap::pystruct::json_array(&values);
                if binmap::pystruct::check_iter(&fmt, size as u64).is_ok() {
                    let mut out = Vec::new();
                    binmap::pystruct::write_record(&fmt, rec, binmap::pystruct::Style::Repr, &mut out);
                    binmap::pystruct::write_record(&fmt, rec, binmap::pystruct::Style::Json, &mut out);
                }
                let _ = binmap::pystruct::pack(&fmt, &values);
            }
        }
    }
}

/// `npy_header`: the bytes as a `.npy` file: header, layout, map, JSON.
pub fn npy_header(bytes: &[u8]) {
    let _ = binmap::npy::read_header(bytes);
    let Ok(layout) = binmap::npy::layout(bytes, "fuzz.npy") else { return };
    let Ok(map) = Map::new(&layout, bytes, "fuzz.npy") else { return };
    let mut out = Out::new(bytes.len());
    let _ = render(&map, None, None, Format::Json, &mut out);
    out.check(|| "render json".into(), bytes.len());
}

/// `hex_reverse`: the bytes as `xxd` text for `-r` (normal and `-p`), and
/// as a file to dump with option combinations drawn from its first byte.
pub fn hex_reverse(bytes: &[u8]) {
    // `xxd -r` into a stream fills a jump to a large offset with zeros, as
    // xxd does: a short text may ask for much output, so reverse output is
    // capped but not counted as a failure.
    let mut out = Out::new(bytes.len());
    let _ = xxd::reverse(bytes, &Options::default(), &mut out);
    out.clear();
    let plain = Options { kind: Kind::Plain, ..Options::default() };
    let _ = xxd::reverse(bytes, &plain, &mut out);
    out.clear();

    let sel = bytes.first().copied().unwrap_or(0);
    let cols = [None, Some(0), Some(1), Some(7), Some(16), Some(33), Some(256), Some(-1)][usize::from(sel & 7)];
    let group = [None, Some(0), Some(1), Some(3), Some(4), Some(8), Some(300), Some(-2)][usize::from((sel >> 3) & 7)];
    let combos = [
        Options::default(),
        Options { kind: Kind::Plain, cols, ..Options::default() },
        Options { kind: Kind::Bits, cols, group, ..Options::default() },
        Options { kind: Kind::LittleEndian, cols, group, upper: true, ..Options::default() },
        Options {
            kind: Kind::Include,
            cols,
            capitalize: true,
            name: Some(b"9fuzz.bin".to_vec()),
            ..Options::default()
        },
        Options { kind: Kind::Include, name: None, ..Options::default() },
        Options { cols, group, autoskip: true, decimal: true, ebcdic: sel & 64 != 0, ..Options::default() },
        Options {
            seek: Some(SeekSpec { relative: sel & 64 != 0, negative: sel & 128 != 0, value: i64::from(sel) - 100 }),
            length: Some(i64::from(sel & 31) - 3),
            display_offset: u64::MAX - u64::from(sel),
            pipe: sel & 32 != 0,
            ..Options::default()
        },
    ];
    for opts in &combos {
        let _ = xxd::dump(bytes, opts, &mut out);
        out.check(|| format!("dump {opts:?}"), bytes.len());
    }
}

/// The layouts of `pack_input`: the examples' and a few written for it.
pub const PACK_LAYOUTS: &[&str] = &[
    include_str!("../../examples/array.bml"),
    include_str!("../../examples/data.bml"),
    include_str!("../../examples/db.bml"),
    include_str!("../../examples/flight_log.bml"),
    include_str!("../../examples/flight_path.bml"),
    include_str!("../../examples/tmp.bml"),
    "magic: bytes[4] == \"BMAP\"\nn: u16be\nrec: { a: i8, b: u32be, c: f16, d: bool, e: char, s: utf8[3] }[n]",
    "rows: u8\ncols: u8\nm: f32[rows, cols]",
    "n: u8\ntype S = cstr\nnames: S[n]\nalign 4\nv: { re: c64, w: bf16, u: ucs4[2] }[..]",
    "count: u32\n@ filesize - 4 crc: u32\nitems: { id: u64, tag: bytes[2], ok: bool }[count]",
];

/// `pack_input`: the first byte picks a layout; the rest is JSON for
/// `pack`, and CSV for `csv_doc` and `pack`. What packs is mapped back.
pub fn pack_input(bytes: &[u8]) {
    let Some((&which, rest)) = bytes.split_first() else { return };
    let layout_text = PACK_LAYOUTS[usize::from(which) % PACK_LAYOUTS.len()];
    let Ok(layout) = Layout::parse(layout_text) else { return };
    let text = String::from_utf8_lossy(rest);
    if let Ok(doc) = binmap::text::json_read::parse_json(&text)
        && let Ok(packed) = binmap::pack::pack(&layout, &doc, Origin::Json)
    {
        map_and_render(&layout, &packed);
    }
    if let Ok(doc) = binmap::pack::csv_doc(&layout, &text, &Default::default()).map(|t| t.doc)
        && let Ok(packed) = binmap::pack::pack(&layout, &doc, Origin::Text)
    {
        map_and_render(&layout, &packed);
    }
}

/// Resolve `layout` against `data`; when it resolves, render it as JSON.
fn map_and_render(layout: &Layout, data: &[u8]) {
    if let Ok(map) = Map::new(layout, data, "fuzz.bin") {
        let mut out = Out::new(data.len());
        let _ = render(&map, None, None, Format::Json, &mut out);
        out.check(|| "render json".into(), data.len());
    }
}

/// `map_and_show`: resolve layout text against file bytes and, when that
/// succeeds, show everything: every format of the whole file and of every
/// top-level path, `select` of each path, the annotated hex dump, `info`
/// and `.npy` conversion.
pub fn map_and_show(layout_text: &str, data: &[u8]) {
    let Ok(layout) = Layout::parse(layout_text) else { return };
    let Ok(map) = Map::new(&layout, data, "fuzz.bin") else { return };
    let n = data.len();
    let mut out = Out::new(n);
    for f in FORMATS {
        let _ = render(&map, None, None, f, &mut out);
        out.check(|| format!("render {f:?}"), n);
    }
    let tail = Some(Rows { start: Some(-2), end: None, single: false });
    for f in [Format::Json, Format::Table] {
        let _ = render(&map, None, tail, f, &mut out);
        out.check(|| format!("render {f:?} --rows -2.."), n);
    }

    let mut paths = Vec::new();
    if let binmap::map::NodeKind::Struct(members) = &map.root.kind {
        for m in members {
            let Some(name) = &m.name else { continue };
            paths.push(name.to_string());
            if matches!(m.node.kind, binmap::map::NodeKind::Array(_)) {
                paths.push(format!("{name}[0]"));
                paths.push(format!("{name}[-1]"));
            }
        }
    }
    for p in &paths {
        if let Ok(segs) = parse_path(p) {
            let _ = select(&map, &segs);
        }
        for f in FORMATS {
            let _ = render(&map, Some(p), None, f, &mut out);
            out.check(|| format!("render {f:?} {p}"), n);
        }
        let _ = range_of(&map, Some(p), None);
        let _ = range_of(&map, Some(p), tail);
    }

    for opts in [
        AnnotateOptions::default(),
        AnnotateOptions { cols: 5, group: 3, upper: true, color: true, start: 1, end: u64::MAX },
    ] {
        let _ = write_annotated(&map, &opts, &mut out);
        out.check(|| format!("annotated dump {opts:?}"), n);
    }
    let info = binmap::info::Info::of(&map);
    let _ = info.to_text();
    let _ = info.to_json();
    let _ = binmap::convert::write_npy(&map, None, None, &mut out);
    out.check(|| "write_npy".into(), n);
}
