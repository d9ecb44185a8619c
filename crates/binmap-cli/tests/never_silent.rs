//! Exit code 0 means the output is right and complete (issue 10): bytes a
//! layout leaves undescribed are reported (and an error with `--strict`),
//! `-o -` is stdout, an empty layout is an error, a row index out of range
//! is an error while a slice is clamped, an empty table says so, a field
//! whose `if` was false is named as such, and a failed check prints its
//! values in the notation the layout wrote them in.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn binmap() -> Command {
    let mut c = Command::cargo_bin("binmap").expect("binary");
    c.current_dir(root()).env_remove("BINMAP_STRICT");
    c
}

/// Run `binmap ARGS` from the repository root: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = binmap().args(args).output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `data.bin` (248 bytes) read as float32: 120 bytes at the end are described by nothing.
const SHORT: &str = "rows: i32; cols: i32; data: f32[rows, cols]";
const NOTE: &str = "note: bytes 0x80..0xf8 (120 bytes) are not described by the layout\n";

#[test]
fn undescribed_bytes_are_reported_by_every_reading_command() {
    let dir = tempfile::tempdir().expect("tmp");
    let copy = dir.path().join("data.bin");
    std::fs::copy(root().join("examples/data.bin"), &copy).expect("copy");
    let copy = copy.display().to_string();
    let out_npy = dir.path().join("out.npy").display().to_string();
    let cases: [&[&str]; 8] = [
        &["show", "examples/data.bin", "-l", SHORT],
        &["show", "examples/data.bin", "-l", SHORT, "data", "-f", "csv"],
        &["stats", "examples/data.bin", "-l", SHORT, "data"],
        &[
            "select",
            "examples/db.dat",
            "-l",
            "records: { name: bytes[12], time: i64, value: f32 }[7]",
            "--where",
            "value > 0",
        ],
        &["convert", "examples/data.bin", "-l", SHORT, "data", "-o", &out_npy],
        &["set", &copy, "-l", SHORT, "data[0,0]=1.5"],
        &["show", "examples/data.bin", "-l", "@ 4 cols: i32"],
        &["show", "examples/db.dat", "-l", "records: { name: bytes[12], time: i64, value: f32 }[7]"],
    ];
    for args in cases {
        let (code, _, err) = run(args);
        assert_eq!(code, 0, "binmap {args:?}: {err}");
        assert!(err.starts_with("note: ") && err.contains("not described by the layout"), "binmap {args:?}: {err:?}");
    }
    let (_, _, err) = run(cases[0]);
    assert_eq!(err, NOTE);
    // A hole at the start and one at the end, each named.
    let (_, _, err) = run(cases[6]);
    assert_eq!(
        err,
        "note: bytes 0x0..0x4 (4 bytes) are not described by the layout\n\
         note: bytes 0x8..0xf8 (240 bytes) are not described by the layout\n"
    );
    // The 8th record of db.dat (24 bytes) is left out.
    let (_, _, err) = run(cases[7]);
    assert_eq!(err, "note: bytes 0xa8..0xc0 (24 bytes) are not described by the layout\n");
}

#[test]
fn a_layout_that_describes_every_byte_says_nothing() {
    for (name, file) in [("data", "data.bin"), ("db", "db.dat"), ("flight_path", "flight_path.b")] {
        let (code, _, err) = run(&["show", &format!("examples/{file}"), "-l", &format!("examples/{name}.bml")]);
        assert_eq!((code, err.as_str()), (0, ""));
    }
    // `_` padding and `align` gaps are described: the layout says they are there.
    let (code, _, err) = run(&["show", "examples/data.bin", "-l", "_: u32; align 8; data: f64[30]", "--strict"]);
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn strict_makes_undescribed_bytes_an_error() {
    let (code, out, err) = run(&["show", "examples/data.bin", "-l", SHORT, "--strict"]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("error: bytes 0x80..0xf8 (120 bytes) are not described by the layout (--strict)\n"),
        "{err}"
    );
    let out =
        binmap().args(["stats", "examples/data.bin", "-l", SHORT]).env("BINMAP_STRICT", "1").output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // `set --strict` changes nothing.
    let dir = tempfile::tempdir().expect("tmp");
    let copy = dir.path().join("data.bin");
    std::fs::copy(root().join("examples/data.bin"), &copy).expect("copy");
    let (code, _, _) = run(&["set", "--strict", &copy.display().to_string(), "-l", SHORT, "rows=7"]);
    assert_eq!(code, 1);
    assert_eq!(std::fs::read(&copy).expect("read"), std::fs::read(root().join("examples/data.bin")).expect("read"));
}

#[test]
fn info_lists_every_hole() {
    let (code, out, _) = run(&["info", "examples/data.bin", "-l", "rows: i32; @ 8 data: f64[10]"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(
            "file: examples/data.bin (248 bytes)\n\
             layout: describes 84 of the 248 bytes; 164 bytes are not described:\n  \
             bytes 0x4..0x8 (4 bytes)\n  \
             bytes 0x58..0xf8 (160 bytes), at the end of the file\n"
        ),
        "{out}"
    );
    let (_, json, _) = run(&["info", "examples/data.bin", "-l", "rows: i32; @ 8 data: f64[10]", "-f", "json"]);
    assert!(
        json.contains("\"described\":84,\"holes\":[{\"offset\":4,\"size\":4},{\"offset\":88,\"size\":160}]"),
        "{json}"
    );
}

#[test]
fn dash_o_dash_is_stdout() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().display().to_string();
    let db = root().join("examples/db.dat").display().to_string();
    let layout = root().join("examples/db.bml").display().to_string();
    let in_dir = |args: &[&str]| {
        let out = binmap().current_dir(&d).args(args).output().expect("run");
        assert!(out.status.success(), "binmap {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let shown = in_dir(&["show", &db, "-l", &layout, "-f", "csv", "-o", "-"]);
    assert!(shown.starts_with(b"name,time,value\nMSFT_profit,10,6.2\n"));
    let bin = in_dir(&["select", &db, "-l", &layout, "--where", "value > 5", "-f", "bin", "-o", "-"]);
    assert_eq!(bin.len(), 3 * 24);
    let csv = in_dir(&["convert", &db, "-l", &layout, "-o", "-", "--to", "csv"]);
    assert_eq!(csv, in_dir(&["show", &db, "-l", &layout, "-f", "csv"]));
    let npy = in_dir(&["convert", &db, "-l", &layout, "-o", "-", "--to", "npy"]);
    assert!(npy.starts_with(b"\x93NUMPY"));
    assert!(!Path::new(&d).join("-").exists(), "a file named '-' was written");
    // Without --to, stdout has no extension to name the format.
    let out = binmap().current_dir(&d).args(["convert", &db, "-l", &layout, "-o", "-"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--to"));
}

#[test]
fn an_empty_layout_is_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let empty = dir.path().join("empty.bml");
    std::fs::write(&empty, "").expect("write");
    for layout in [empty.display().to_string(), "# only a comment\n".into(), "endian big".into(), "type T = u8".into()]
    {
        let (code, out, err) = run(&["show", "examples/data.bin", "-l", &layout]);
        assert_eq!(code, 1, "{layout:?}: {out}");
        assert!(out.is_empty());
        assert!(err.starts_with("error: layout syntax: the layout has no fields"), "{err}");
    }
}

#[test]
fn a_row_index_out_of_range_is_an_error_a_slice_is_clamped() {
    let (code, out, err) = run(&["show", "examples/data.bin", "-l", "examples/data.bml", "--rows", "10"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(err, "error: row 10 is out of range: the array has 6 rows (0..6, or -6..-1 from the end)\n");
    let (code, _, _) = run(&["show", "examples/data.bin", "-l", "examples/data.bml", "--rows", "-7"]);
    assert_eq!(code, 2);
    let (code, out, _) = run(&["show", "examples/data.bin", "-l", "examples/data.bml", "--rows", "-6", "-f", "csv"]);
    assert_eq!((code, out.as_str()), (0, "0.0,1.0,2.0,3.0,4.0\n"));
    // A slice past the end is empty, as in Python; the table says so.
    let (code, out, _) = run(&["show", "examples/db.dat", "-l", "examples/db.bml", "--rows", "10.."]);
    assert_eq!((code, out.as_str()), (0, "  name  time  value\n(0 rows)\n"));
    let (code, out, _) = run(&["show", "examples/db.dat", "-l", "examples/db.bml", "records.value", "--rows", "8.."]);
    assert_eq!((code, out.as_str()), (0, "  value\n(0 rows)\n"));
    let (code, out, _) = run(&["select", "examples/db.dat", "-l", "examples/db.bml", "--where", "value > 100"]);
    assert_eq!((code, out.as_str()), (0, "  name  time  value\n(0 rows)\n"));
    let (code, out, _) = run(&["show", "examples/db.dat", "-l", "examples/db.bml", "--rows", "10..", "-f", "csv"]);
    assert_eq!((code, out.as_str()), (0, "name,time,value\n"));
}

#[test]
fn a_field_absent_because_its_if_was_false_is_named_as_such() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("f.bin");
    std::fs::write(&f, [5u8, 0]).expect("write");
    let layout = "f: u8; if f == 9 { n: u8 }; if f == 5 { m: bytes[1 + n] }";
    let (code, _, err) = run(&["show", &f.display().to_string(), "-l", layout]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(
            "error: field 'n' is absent here: it is declared under `if f == 9`, which is false in this file\n"
        ),
        "{err}"
    );
    assert!(!err.contains("syntax"), "{err}");
    // A name that is declared nowhere above is still a layout error.
    let (code, _, err) = run(&["show", &f.display().to_string(), "-l", "f: u8; m: bytes[k]"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown field 'k'"), "{err}");
}

#[test]
fn a_failed_check_prints_values_as_the_layout_wrote_them() {
    let (code, _, err) = run(&["show", "examples/db.dat", "-l", "sig: u32 == 0x06054b50; rest: u8[..]"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: check failed for sig: expected 0x06054b50, found 0x5446534d\n"), "{err}");
    let (_, _, err) = run(&["show", "examples/db.dat", "-l", "sig: u8 == 0b0101; rest: u8[..]"]);
    assert!(err.starts_with("error: check failed for sig: expected 0b0101, found 0b1001101\n"), "{err}");
    let (_, _, err) = run(&["show", "examples/db.dat", "-l", "sig: u8 == 7; rest: u8[..]"]);
    assert!(err.starts_with("error: check failed for sig: expected 7, found 77\n"), "{err}");
}

/// `binmap pack -l LAYOUT -o - -` with `json` on stdin: (exit code, bytes, stderr).
fn pack(layout: &str, json: &str) -> (i32, Vec<u8>, String) {
    let out = binmap().args(["pack", "-l", layout, "-o", "-", "-"]).write_stdin(json).output().expect("run");
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_size_given_with_its_text_must_be_the_texts_size() {
    // The README's promise: a given size is checked, never filled with invented NULs.
    let (code, out, err) = pack("examples/flight_path.bml", r#"{"M": 100, "info": "Flight path", "coords": []}"#);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert_eq!(err, "error: M = 100 but info has 11 bytes\n");
    let (code, _, err) = pack("n: u8; w: ucs4[n]", r#"{"n": 3, "w": "ab"}"#);
    assert_eq!(code, 1);
    assert_eq!(err, "error: n = 3 but w has 2 characters\n");
    // Left out, the size is derived; given right, it is accepted.
    let (code, out, _) = pack("examples/flight_path.bml", r#"{"info": "Flight path", "coords": []}"#);
    assert_eq!((code, &out[..8]), (0, &[11, 0, 0, 0, 0, 0, 0, 0][..]));
    let (code, out2, _) = pack("examples/flight_path.bml", r#"{"M": 11, "N": 0, "info": "Flight path", "coords": []}"#);
    assert_eq!((code, out2), (0, out));
    // A size fixed by the layout still pads with NULs, as numpy's S12 does.
    let (code, out, _) = pack("name: bytes[12]; u: ucs4[2]", r#"{"name": "ab", "u": "x"}"#);
    assert_eq!(code, 0);
    assert_eq!(out, b"ab\0\0\0\0\0\0\0\0\0\0x\0\0\0\0\0\0\0");
}

#[test]
fn a_text_sized_by_the_data_shows_its_nuls_and_packs_back_exactly() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("t.bin");
    let bytes = b"\x03ab\0a\0\0\0\0\0\0\0\0\0\0\0";
    std::fs::write(&f, bytes).expect("write");
    let layout = "n: u8; s: utf8[n]; w: ucs4[n]";
    let (code, json, err) = run(&["show", &f.display().to_string(), "-l", layout, "-f", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json.trim_end(), r#"{"n":3,"s":"ab\u0000","w":"a\u0000\u0000"}"#);
    let (code, out, err) = pack(layout, &json);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, bytes);
    // Comparisons see the same bytes: the NUL is part of the text.
    let (code, _, err) = run(&["show", &f.display().to_string(), "-l", &format!("{layout}; let ok = s == \"ab\"")]);
    assert_eq!(code, 0, "{err}");
    let (_, info, _) = run(&["info", &f.display().to_string(), "-l", &format!("{layout}; let ok = s == \"ab\"")]);
    assert!(info.contains("ok = 0"), "{info}");
}
