//! Compressed regions, `zlib(T) within SIZE` / `deflate(...)` / `gzip(...)`
//! (issue 12, item 7), and `offsetof(field)`: the decompressed bytes are
//! read as T by every command; in place the region is read-only (`pack`
//! and `set` refuse it, saying why); a view read through a pointer to
//! bytes another field describes packs bit for bit and is checked against
//! them; corrupt, cut or oversized streams are errors, never a panic.
//! The compressed data is made here by flate2's encoders.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;

mod common;
use common::{pack, run};

fn zlib(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn deflate(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Compression::best());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// A file: a u16 size, the compressed bytes, then "END".
fn framed(z: &[u8]) -> Vec<u8> {
    let mut f = (z.len() as u16).to_le_bytes().to_vec();
    f.extend(z);
    f.extend(b"END");
    f
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// 40 bytes: 0..40.
fn payload() -> Vec<u8> {
    (0u8..40).collect()
}

fn nums(v: &[u8]) -> String {
    v.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
}

#[test]
fn each_codec_decodes_to_the_bytes_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let want = format!(
        "{{\"n\":{{}},\"data\":{{\"a\":[{}],\"b\":[{}]}},\"tail\":\"END\"}}\n",
        nums(&payload()[..8]),
        nums(&payload()[8..])
    );
    for (codec, z) in [("zlib", zlib(&payload())), ("deflate", deflate(&payload())), ("gzip", gzip(&payload()))] {
        let f = write(dir.path(), codec, &framed(&z));
        let layout = format!("n: u16; data: {codec}({{ a: u8[8], b: u8[..] }}) within n; tail: bytes[3]");
        let (code, out, err) = run(&["show", f.to_str().unwrap(), "-l", &layout, "-f", "json", "--strict"]);
        assert_eq!(code, 0, "{codec}: {err}");
        assert_eq!(out, want.replace("{}", &z.len().to_string()), "{codec}");
    }
}

#[test]
fn fields_inside_are_usable_in_expressions_and_shown_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut inner = vec![3u8, 10, 20, 30];
    inner.extend(b"rest");
    let f = write(dir.path(), "x.bin", &[framed(&zlib(&inner)), vec![7, 8, 9]].concat());
    let layout = "n: u16; z: zlib({ k: u8, v: u8[k], s: u8[..] }) within n; tail: bytes[3]; after: u8[z.k]";
    let p = f.to_str().unwrap();
    let (code, out, err) = run(&["show", p, "-l", layout, "z.v", "-f", "csv"]);
    assert_eq!((code, out.as_str()), (0, "v\n10\n20\n30\n"), "{err}");
    let (code, out, err) = run(&["show", p, "-l", layout, "after", "-f", "json"]);
    assert_eq!((code, out.as_str()), (0, "[7,8,9]\n"), "{err}");
    // info: the file's size and coverage are the file's, whatever the region decompresses to.
    let (code, out, err) = run(&["info", p, "-l", layout]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(&format!("file: {p} ({} bytes)\n", std::fs::metadata(&f).unwrap().len())), "{out}");
    assert!(out.contains("the whole file"), "{out}");
    // hex --layout dumps the file's bytes only.
    let (code, out, err) = run(&["hex", p, "--layout", layout]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), (std::fs::metadata(&f).unwrap().len() as usize).div_ceil(16), "{out}");
}

#[test]
fn a_region_in_place_is_read_only_for_pack_and_set() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "x.bin", &framed(&zlib(&payload())));
    let p = f.to_str().unwrap();
    let layout = "n: u16; data: zlib(u8[..]) within n; tail: bytes[3]";
    let (_, doc, _) = run(&["show", p, "-l", layout, "-f", "json"]);
    let (code, out, err) = pack(layout, &doc);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("binmap cannot write a zlib(...) region: it decompresses but does not compress"), "{err}");
    assert!(err.contains("@ offsetof(data)"), "{err}");
    let (code, _, err) = run(&["set", p, "-l", layout, "data[0]=5"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("'data[0]' is read from decompressed bytes"), "{err}");
    assert_eq!(std::fs::read(&f).unwrap(), framed(&zlib(&payload())), "set changed nothing");
}

#[test]
fn a_view_through_a_pointer_packs_bit_for_bit_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = framed(&zlib(&payload()));
    let f = write(dir.path(), "x.bin", &bytes);
    let layout = "n: u16; raw: bytes[n]; view: zlib(u8[..]) within n @ offsetof(raw); tail: bytes[3]";
    let (code, doc, err) = run(&["show", f.to_str().unwrap(), "-l", layout, "-f", "json", "--strict"]);
    assert_eq!(code, 0, "{err}");
    assert!(doc.contains(&format!("\"view\":[{}]", nums(&payload()))), "{doc}");
    let (code, out, err) = pack(layout, &doc);
    assert_eq!((code, &out), (0, &bytes), "{err}");
    // The same value written otherwise (numbers as other text) is the same value.
    let (code, out, err) = pack(layout, &doc.replace("\"view\":[0,", "\"view\":[0.0,"));
    assert_eq!((code, &out), (0, &bytes), "{err}");
    // Left out: nothing to check.
    let without = doc.replace(&format!(",\"view\":[{}]", nums(&payload())), "");
    assert_ne!(without, doc);
    let (code, out, err) = pack(layout, &without);
    assert_eq!((code, &out), (0, &bytes), "{err}");
    // Changed: binmap cannot compress, and says what to change instead.
    let (code, out, err) = pack(layout, &doc.replace("\"view\":[0,", "\"view\":[9,"));
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("the value given differs from what the compressed bytes at 0x2 decompress to"), "{err}");
    assert!(err.contains("at view"), "{err}");
}

#[test]
fn bad_streams_are_errors_naming_the_field_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let z = zlib(&payload());
    let layout = "n: u16; data: zlib(u8[..]) within n; tail: u8[..]";
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "corrupt",
            {
                let mut c = z.clone();
                c[0] = 0x79;
                framed(&c)
            },
            "not a valid zlib stream",
        ),
        (
            "cut",
            {
                let mut c = framed(&z[..z.len() - 6]);
                c.truncate(c.len() - 3);
                c.extend([0; 3]);
                c
            },
            "cut short",
        ),
        (
            "trailing",
            {
                let mut c = z.clone();
                c.extend([1, 2]);
                framed(&c)
            },
            "the zlib stream ends after",
        ),
        (
            "past the end",
            {
                let mut c = framed(&z);
                c[0] = 0xff;
                c
            },
            "runs past the end",
        ),
    ];
    for (what, bytes, want) in cases {
        let f = write(dir.path(), what, &bytes);
        let (code, _, err) = run(&["show", f.to_str().unwrap(), "-l", layout, "-f", "json"]);
        assert_eq!(code, 1, "{what}: {err}");
        assert!(err.contains(want), "{what}: {err}");
        assert!(err.contains("0x2"), "{what}: the offset: {err}");
        assert!(!err.contains("panicked"), "{what}: {err}");
    }
}

#[test]
fn a_nested_bomb_stops_at_the_limit() {
    // 20 MB of zeros compressed twice: a few hundred bytes that would
    // decompress to 20 MB, far more than 1032 bytes per byte of the file.
    let inner = zlib(&vec![0u8; 20 << 20]);
    let dir = tempfile::tempdir().unwrap();
    let layout = "n: u16; z: zlib({ m: u32, body: zlib(u8[..]) within m }) within n; tail: bytes[3]";
    let mut doc = (inner.len() as u32).to_le_bytes().to_vec();
    doc.extend(&inner);
    let f = write(dir.path(), "bomb.bin", &framed(&zlib(&doc)));
    let (code, _, err) = run(&["show", f.to_str().unwrap(), "-l", layout, "-f", "json"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("bytes per byte of the file"), "{err}");
    assert!(err.contains("body: zlib(u8[..]) within m"), "{err}");
}

#[test]
fn each_element_of_an_array_has_its_own_region() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = [framed(&zlib(b"first")), framed(&deflate(b"second one"))].concat();
    let f = write(dir.path(), "x.bin", &bytes);
    let layout = "chunks: { n: u16, t: match _index { 0 => zlib(u8[..]) within n, _ => u8[0] } }[..]";
    let (code, _, err) = run(&["show", f.to_str().unwrap(), "-l", layout]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("a compressed window is a field's own type"), "{err}");
    let layout = "chunks: { n: u16, if _index == 0 { t: zlib(u8[..]) within n }, if _index == 1 { t: deflate(u8[..]) within n }, end: bytes[3] }[..]";
    let (code, out, err) = run(&["show", f.to_str().unwrap(), "-l", layout, "chunks.t", "-f", "json"]);
    assert_eq!((code, out), (0, format!("[[{}],[{}]]\n", nums(b"first"), nums(b"second one"))), "{err}");
}

#[test]
fn a_compressed_window_is_a_fields_own_type() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "x.bin", &framed(&zlib(&payload())));
    let (code, _, err) = run(&["show", f.to_str().unwrap(), "-l", "n: u16; d: zlib(u8[..]); tail: bytes[3]"]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("zlib(T) needs the size of its compressed bytes: `zlib(T) within SIZE`"), "{err}");
}

#[test]
fn offsetof_is_where_an_earlier_field_starts() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "x.bin", &[1, 2, 3, 4, 5, 6, 7, 8]);
    let p = f.to_str().unwrap();
    let (code, out, err) = run(&[
        "show",
        p,
        "-l",
        "a: u8; r: { x: u8, y: u8 }[2]; at: u8 @ offsetof(r[1].y); b: u8 @ offsetof(a) + 7; rest: u8[..]",
        "at",
        "b",
        "-f",
        "json",
    ]);
    assert_eq!((code, out.as_str()), (0, "{\"at\":5,\"b\":8}\n"), "{err}");
    let (code, _, err) = run(&["show", p, "-l", "let k = 1; v: u8 @ offsetof(k); rest: u8[..]"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("'k' is a number (let, _index), not a field: it has no offset"), "{err}");
}
