//! `pack` accounts for every byte (issue 10, items 9 to 11, and the writing
//! side of items 2 to 4).
//!
//! - `show -f json | pack` gives back the file bit for bit for layouts that
//!   describe every byte, with `@` placements that go backwards (an
//!   ELF-like header whose `e_shoff` points to a section table after the
//!   data), read bytes twice, or sit at `filesize - 22` (a ZIP-like end of
//!   central directory read first), and with sizes of `filesize - k`.
//! - Two fields may write the same byte when they agree; when they do not,
//!   the error names both and the offset.
//! - Bytes that no field describes are refused by plain `pack` (naming
//!   them); `pack --onto ORIGINAL` keeps them and gives back ORIGINAL bit
//!   for bit (a gzip-like header and trailer around an undescribed
//!   stream), writes atomically, leaves ORIGINAL alone, and may write over
//!   it.
//!
//! The files are built here, in Rust; nothing binary is committed.

use std::path::Path;

fn binmap() -> assert_cmd::Command {
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_binmap"))
}

/// Run binmap in `dir`: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = binmap().current_dir(dir).args(args).output().expect("run binmap");
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Write `bytes` to `dir/name`.
fn put(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write");
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).expect("read")
}

/// `show -f json` of `file`, then `pack` of that JSON (plainly, or `--onto`
/// an original): the packed bytes, or the error.
fn show_then_pack(dir: &Path, layout: &str, file: &str, onto: Option<&str>) -> Result<Vec<u8>, String> {
    put(dir, "l.bml", layout.as_bytes());
    let (code, json, err) = run(dir, &["show", file, "-l", "l.bml", "-f", "json"]);
    assert_eq!(code, 0, "show {file}: {err}");
    put(dir, "in.json", &json);
    let mut args = vec!["pack", "-l", "l.bml", "in.json", "-o", "packed.bin"];
    if let Some(o) = onto {
        args.extend(["--onto", o]);
    }
    let (code, _, err) = run(dir, &args);
    if code != 0 {
        return Err(format!("exit {code}: {err}"));
    }
    Ok(read(dir, "packed.bin"))
}

fn assert_round_trip(dir: &Path, layout: &str, bytes: &[u8]) {
    put(dir, "orig.bin", bytes);
    let packed = show_then_pack(dir, layout, "orig.bin", None).unwrap_or_else(|e| panic!("{layout}\n{e}"));
    if packed != bytes {
        let at = packed.iter().zip(bytes).position(|(a, b)| a != b).unwrap_or(packed.len().min(bytes.len()));
        panic!("{layout}\npacked {} bytes, the file has {}; first difference at {at:#x}", packed.len(), bytes.len());
    }
}

fn le16(v: u16) -> [u8; 2] {
    v.to_le_bytes()
}

fn le32(v: u32) -> [u8; 4] {
    v.to_le_bytes()
}

/// An ELF-like file: a 16-byte header whose `e_shoff` points to a section
/// table after the data. The layout reads the header, jumps forwards to the
/// table, comes back for the data, and reads the magic twice (once as a
/// number, once as bytes) and a zero-size marker at offset 0.
const ELF_LIKE: &str = r#"
endian little
magic: bytes[4] == "\x7fELF"
e_shoff: u32
e_shnum: u16
e_shentsize: u16 == 12
e_flags: u32
@ e_shoff sections: { name: u32, offset: u32, size: u32 }[e_shnum]
@ 16 data: bytes[e_shoff - 16]
@ 0 start: bytes[0]
@ 0 magic_number: u32
"#;

fn elf_like() -> Vec<u8> {
    let data = b"\x01\x02code here\0\0\0more data\0\0\0\0";
    let shoff = 16 + data.len() as u32;
    let mut f = Vec::new();
    f.extend_from_slice(b"\x7fELF");
    f.extend_from_slice(&le32(shoff));
    f.extend_from_slice(&le16(2));
    f.extend_from_slice(&le16(12));
    f.extend_from_slice(&le32(0x5));
    f.extend_from_slice(data);
    for (name, off, size) in [(1u32, 16u32, 11u32), (7, 30, 9)] {
        f.extend_from_slice(&le32(name));
        f.extend_from_slice(&le32(off));
        f.extend_from_slice(&le32(size));
    }
    f
}

#[test]
fn backward_placements_round_trip() {
    let dir = tempfile::tempdir().expect("tmp");
    assert_round_trip(dir.path(), ELF_LIKE, &elf_like());
}

/// A ZIP-like file: local entries from offset 0, a central directory at
/// `cd_off`, and the end record at `filesize - 22`, which the layout reads
/// first (its count and offset size the rest).
const ZIP_LIKE: &str = r#"
endian little
@ filesize - 22 eocd: { sig: u32 == 0x06054b50, disk: u16, cd_disk: u16, n_here: u16, n: u16, cd_size: u32, cd_off: u32, comment_len: u16 == 0 }
@ 0 files: { sig: u32 == 0x04034b50, name_len: u16, size: u32, name: bytes[name_len], data: bytes[size] }[eocd.n]
@ eocd.cd_off cd: { sig: u32 == 0x02014b50, name_len: u16, offset: u32, name: bytes[name_len] }[eocd.n]
"#;

fn zip_like() -> Vec<u8> {
    let entries: [(&[u8], &[u8]); 3] = [(b"a.txt", b"hello\n"), (b"dir/b.bin", b"\0\x01\x02\0\0"), (b"empty", b"")];
    let mut f = Vec::new();
    let mut offsets = Vec::new();
    for (name, data) in entries {
        offsets.push(f.len() as u32);
        f.extend_from_slice(&le32(0x04034b50));
        f.extend_from_slice(&le16(name.len() as u16));
        f.extend_from_slice(&le32(data.len() as u32));
        f.extend_from_slice(name);
        f.extend_from_slice(data);
    }
    let cd_off = f.len() as u32;
    for ((name, _), off) in entries.iter().zip(&offsets) {
        f.extend_from_slice(&le32(0x02014b50));
        f.extend_from_slice(&le16(name.len() as u16));
        f.extend_from_slice(&le32(*off));
        f.extend_from_slice(name);
    }
    let cd_size = f.len() as u32 - cd_off;
    f.extend_from_slice(&le32(0x06054b50));
    f.extend_from_slice(&[0; 4]);
    f.extend_from_slice(&le16(3));
    f.extend_from_slice(&le16(3));
    f.extend_from_slice(&le32(cd_size));
    f.extend_from_slice(&le32(cd_off));
    f.extend_from_slice(&le16(0));
    f
}

#[test]
fn end_record_at_filesize_minus_22_round_trips() {
    let dir = tempfile::tempdir().expect("tmp");
    assert_round_trip(dir.path(), ZIP_LIKE, &zip_like());
    // The same record read last instead of first.
    let last = "endian little\nbody: bytes[filesize - 22]\n@ filesize - 22 eocd: { sig: u32 == 0x06054b50, rest: bytes[18] }\n";
    assert_round_trip(dir.path(), last, &zip_like());
}

/// Sizes of `filesize - k` are solved from the data (this was a "syntax"
/// error whose advice could not be followed).
#[test]
fn sizes_from_filesize_round_trip() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut f = le32(7).to_vec();
    f.extend_from_slice(b"\x00rest of the file\x00\x00");
    assert_round_trip(dir.path(), "version: u32\nrest: void[filesize - 4]\n", &f);
    assert_round_trip(dir.path(), "version: u32\nrest: u8[filesize - 4]\n", &f);
    let mut g = le32(3).to_vec();
    for x in [1.5f64, -2.0, 1e300] {
        g.extend_from_slice(&x.to_le_bytes());
    }
    g.extend_from_slice(&le32(0xdead_beef));
    let layout = "n: u32\nsamples: f64[(filesize - 8) / 8]\n@ filesize - 4 crc: u32\n";
    assert_round_trip(dir.path(), layout, &g);
    // A tail that runs to the end, with a field reading its last bytes again.
    assert_round_trip(dir.path(), "v: u16[..]\n@ filesize - 2 last: u16\n", &[1, 2, 3, 4, 5, 6]);
}

/// When the data do not determine `filesize`, the error says which field
/// and why, as an input error (exit 1), never a layout syntax error.
#[test]
fn filesize_not_determined_is_a_precise_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    for (layout, input, want) in [
        (
            "a: u8\nrest: bytes[filesize]\n",
            r#"{"a": 1, "rest": "xyz"}"#,
            "filesize = 4 but rest has 3 bytes\n  --> with filesize = 4 (solved from the data)",
        ),
        (
            "a: u8\n@ filesize - 4 x: u64\n",
            r#"{"a": 1, "x": 2}"#,
            "filesize cannot be solved: placed from the end of the file, this field would end 4 bytes past it\n  --> at x",
        ),
        (
            "v: u8[..]\n@ filesize - 2 last: u16be\n",
            r#"{"v": [1, 2, 3], "last": 1}"#,
            "offset 0x1 is written twice with different bytes: 0x02 by v[1], then 0x00 by last",
        ),
    ] {
        put(d, "l.bml", layout.as_bytes());
        put(d, "in.json", input.as_bytes());
        let (code, _, err) = run(d, &["pack", "-l", "l.bml", "in.json", "-o", "out.bin"]);
        assert_eq!(code, 1, "{layout}: {err}");
        assert!(err.contains(want), "{layout}: expected {want:?} in:\n{err}");
        assert!(!err.contains("syntax"), "{layout}: {err}");
        assert!(!d.join("out.bin").exists(), "{layout}: an output was written");
    }
}

/// Two fields may write the same bytes when they agree; otherwise the error
/// names both paths and the offset.
#[test]
fn overlapping_fields_must_agree() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    put(d, "l.bml", b"a: u32\nh: { x: u8, y: u8 }\n@ 1 b: u16be\n");
    put(d, "ok.json", br#"{"a": 16909060, "h": {"x": 5, "y": 6}, "b": 770}"#);
    let (code, _, err) = run(d, &["pack", "-l", "l.bml", "ok.json", "-o", "ok.bin"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(d, "ok.bin"), [4, 3, 2, 1, 5, 6]);
    put(d, "bad.json", br#"{"a": 16909060, "h": {"x": 5, "y": 6}, "b": 771}"#);
    let (code, _, err) = run(d, &["pack", "-l", "l.bml", "bad.json", "-o", "bad.bin"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(
            "error: offset 0x2 is written twice with different bytes: 0x02 by a, then 0x03 by b (fields may overlap only where their bytes agree)"
        ),
        "{err}"
    );
    // In nested fields and elements, the paths are the input's.
    put(d, "l2.bml", b"r: { k: u8, v: u8 }[2]\n@ 3 again: u8\n");
    put(d, "bad2.json", br#"{"r": [{"k": 1, "v": 2}, {"k": 3, "v": 4}], "again": 9}"#);
    let (code, _, err) = run(d, &["pack", "-l", "l2.bml", "bad2.json", "-o", "bad.bin"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("offset 0x3 is written twice with different bytes: 0x04 by r[1].v, then 0x09 by again"),
        "{err}"
    );
    assert!(!d.join("bad.bin").exists());
}

/// A gzip-like file: a header and a trailer placed at `filesize - 8`, and
/// between them a stream that no field describes.
const GZIP_LIKE: &str = r#"
endian little
magic: u16 == 0x8b1f
method: u8
flags: u8
mtime: u32
xfl: u8
os: u8
name: cstr
@ filesize - 8 trailer: { crc32: u32, isize: u32 }
"#;

fn gzip_like() -> Vec<u8> {
    let mut f = vec![0x1f, 0x8b, 8, 8];
    f.extend_from_slice(&le32(1_700_000_000));
    f.extend_from_slice(&[0, 3]);
    f.extend_from_slice(b"hello.txt\0");
    let mut x = 0x2545_f491_u32;
    for _ in 0..300 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        f.push(x as u8);
    }
    f.extend_from_slice(&le32(0x3610_a686));
    f.extend_from_slice(&le32(300));
    f
}

#[test]
fn pack_onto_keeps_what_the_layout_does_not_describe() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let gz = gzip_like();
    put(d, "orig.gz", &gz);
    let packed = show_then_pack(d, GZIP_LIKE, "orig.gz", Some("orig.gz")).unwrap_or_else(|e| panic!("{e}"));
    assert!(packed == gz, "pack --onto the original changed it");

    // An edit of a described value: only its bytes change; the original stays.
    let json = String::from_utf8(run(d, &["show", "orig.gz", "-l", "l.bml", "-f", "json"]).1).expect("utf8");
    put(d, "edit.json", json.replace("1700000000", "1700000001").as_bytes());
    let (code, _, err) = run(d, &["pack", "-l", "l.bml", "edit.json", "--onto", "orig.gz", "-o", "new.gz"]);
    assert_eq!(code, 0, "{err}");
    let mut want = gz.clone();
    want[4] += 1;
    assert!(read(d, "new.gz") == want, "the edit");
    assert!(read(d, "orig.gz") == gz, "ORIGINAL was changed");

    // `-o` may name ORIGINAL itself: it is replaced (atomically) by the result.
    let (code, _, err) = run(d, &["pack", "-l", "l.bml", "edit.json", "--onto", "orig.gz", "-o", "orig.gz"]);
    assert_eq!(code, 0, "{err}");
    assert!(read(d, "orig.gz") == want, "-o ORIGINAL");
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .expect("ls")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Plain `pack` refuses a layout whose holes it would fill with zeros,
/// naming them and suggesting `--onto`; padding and `align` gaps are
/// described (zeros), not holes.
#[test]
fn holes_are_refused_without_onto() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    put(d, "l.bml", b"head: bytes[128]\n@ 248 tail: u8\n");
    put(d, "in.json", br#"{"head": "x", "tail": 1}"#);
    put(d, "out.bin", b"old contents");
    let (code, _, err) = run(d, &["pack", "-l", "l.bml", "in.json", "-o", "out.bin"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the layout does not describe bytes 0x80..0xf8 (120 bytes)"), "{err}");
    assert!(err.contains("--onto ORIGINAL"), "{err}");
    assert_eq!(read(d, "out.bin"), b"old contents", "the output was changed");

    let mut orig = vec![0xa5u8; 249];
    orig[0] = b'x';
    orig[1..128].fill(0);
    put(d, "orig.bin", &orig);
    let (code, _, err) = run(d, &["pack", "-l", "l.bml", "in.json", "--onto", "orig.bin", "-o", "out.bin"]);
    assert_eq!(code, 0, "{err}");
    let mut want = orig.clone();
    want[248] = 1;
    assert!(read(d, "out.bin") == want);

    // Several holes: the first ones, and how many more.
    put(d, "l3.bml", b"a: u8\n@ 2 b: u8\n@ 4 c: u8\n@ 6 d: u8\n@ 8 e: u8\n");
    put(d, "in3.json", br#"{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}"#);
    let (code, _, err) = run(d, &["pack", "-l", "l3.bml", "in3.json", "-o", "out3.bin"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("the layout does not describe byte 0x1 (1 byte), byte 0x3 (1 byte), byte 0x5 (1 byte) and 1 more ranges (4 bytes in all)"),
        "{err}"
    );

    // Bytes past the end of ORIGINAL that no field describes are refused too.
    put(d, "short.bin", &[0; 4]);
    put(d, "l4.bml", b"a: u8\n@ 10 b: u8\n");
    put(d, "in4.json", br#"{"a": 1, "b": 2}"#);
    let (code, _, err) = run(d, &["pack", "-l", "l4.bml", "in4.json", "--onto", "short.bin", "-o", "out4.bin"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("the layout does not describe bytes 0x4..0xa (6 bytes), past the end of the original (4 bytes)"),
        "{err}"
    );

    // `_` padding and `align` gaps are described: zeros, or with --onto the original's bytes.
    put(d, "l5.bml", b"a: u8\n_: u8[2]\nb: u8\nalign 8\nc: u8\n");
    put(d, "in5.json", br#"{"a": 1, "b": 2, "c": 3}"#);
    let (code, _, err) = run(d, &["pack", "-l", "l5.bml", "in5.json", "-o", "out5.bin"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(d, "out5.bin"), [1, 0, 0, 2, 0, 0, 0, 0, 3]);
    put(d, "orig5.bin", &[9; 9]);
    let (code, _, err) = run(d, &["pack", "-l", "l5.bml", "in5.json", "--onto", "orig5.bin", "-o", "out5.bin"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(d, "out5.bin"), [1, 9, 9, 2, 9, 9, 9, 9, 3]);
}

/// `-o -` writes the packed bytes to stdout.
#[test]
fn pack_to_stdout() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    put(d, "in.json", br#"{"w": "ab"}"#);
    let (code, out, err) = run(d, &["pack", "-l", "w: ucs4[3]", "in.json", "-o", "-"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, [b'a', 0, 0, 0, b'b', 0, 0, 0, 0, 0, 0, 0]);
    assert!(!d.join("-").exists());
}

/// Items 2 and 3 from the command line: a float that would be stored as
/// infinity, by `pack` and by `set`; a size that disagrees with its array.
#[test]
fn values_out_of_range_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    put(d, "in.json", br#"{"h": 70000, "f": 1.5}"#);
    let (code, _, err) = run(d, &["pack", "-l", "h: f16\nf: f32", "in.json", "-o", "out.bin"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("70000 is out of range for f16: it would be stored as infinity") && err.contains("--> at h"),
        "{err}"
    );
    put(d, "f.bin", &[0; 6]);
    let (code, _, err) = run(d, &["set", "f.bin", "-l", "h: f16\nf: f32", "f=1e40"]);
    assert_eq!(code, 1);
    assert!(err.contains("1e40 is out of range for f32") && err.contains("--> in f=1e40"), "{err}");
    assert_eq!(read(d, "f.bin"), [0; 6], "set changed the file");
    let (code, _, err) = run(d, &["set", "f.bin", "-l", "h: f16\nf: f32", "h=-inf", "f=3.4028235e38"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(d, "f.bin"), [0, 0xfc, 0xff, 0xff, 0x7f, 0x7f]);

    put(d, "n.json", br#"{"N": 5, "v": [1]}"#);
    let (code, _, err) = run(d, &["pack", "-l", "N: u8\nv: u8[N]", "n.json", "-o", "out.bin"]);
    assert_eq!(code, 1);
    assert!(err.contains("N = 5 but v has 1 element"), "{err}");
}
