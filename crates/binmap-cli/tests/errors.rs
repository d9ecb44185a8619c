//! Every error of SPEC §5 (and the other bad inputs the engine guards
//! against), through the CLI: the exit code and the message, including the
//! location note and the hex context where the error is about data.

use assert_cmd::Command;

struct Case<'a> {
    /// Layout text.
    layout: &'a str,
    /// File bytes.
    bytes: &'a [u8],
    /// Extra arguments after `show FILE -l LAYOUT`.
    args: &'a [&'a str],
    code: i32,
    /// Every one of these must appear in stderr.
    expect: &'a [&'a str],
}

fn run(c: &Case<'_>) {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("in.bin");
    std::fs::write(&file, c.bytes).expect("write");
    let out = Command::cargo_bin("binmap")
        .expect("bin")
        .args(["show", &file.display().to_string(), "-l", c.layout])
        .args(c.args)
        .timeout(std::time::Duration::from_secs(10))
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(c.code), "layout {:?}: stderr {err}", c.layout);
    assert!(!err.contains("panicked"), "panic for {:?}: {err}", c.layout);
    for e in c.expect {
        assert!(err.contains(e), "layout {:?}: expected {e:?} in:\n{err}", c.layout);
    }
}

#[test]
fn file_shorter_than_the_layout() {
    let mut b = Vec::new();
    b.extend_from_slice(&100_000i32.to_le_bytes());
    b.extend_from_slice(&6000i32.to_le_bytes());
    b.extend_from_slice(&[0; 240]);
    run(&Case {
        layout: "rows: i32\ncols: i32\ndata: f64[rows, cols]",
        bytes: &b,
        args: &[],
        code: 1,
        expect: &[
            "error: layout needs 4,800,000,008 bytes but ",
            "in.bin has 248",
            "--> data: f64[rows, cols] at offset 0x8 with rows = 100000, cols = 6000",
            "bytes around offset 0x8:",
            "a086 0100 7017 0000",
        ],
    });
}

#[test]
fn scalar_past_the_end() {
    run(&Case {
        layout: "a: u32\nb: u64",
        bytes: &[1, 2, 3, 4, 5],
        args: &[],
        code: 1,
        expect: &["layout needs 12 bytes but", "has 5", "--> b: u64 at offset 0x4"],
    });
}

#[test]
fn header_sizes_that_overflow() {
    let mut b = Vec::new();
    b.extend_from_slice(&(1u64 << 62).to_le_bytes());
    b.extend_from_slice(&(1u64 << 62).to_le_bytes());
    run(&Case {
        layout: "a: u64\nb: u64\nd: f64[a, b]",
        bytes: &b,
        args: &[],
        code: 1,
        expect: &[
            "array shape [4,611,686,018,427,387,904, 4,611,686,018,427,387,904] overflows a 64-bit element count",
            "--> d: f64[a, b] at offset 0x10",
        ],
    });
    // Count fits, bytes do not.
    let b = (1u64 << 62).to_le_bytes();
    run(&Case {
        layout: "n: u64\nd: f64[n]",
        bytes: &b,
        args: &[],
        code: 1,
        expect: &["array of 4,611,686,018,427,387,904 elements of 8 bytes overflows a 64-bit size"],
    });
    // Arithmetic in an expression.
    run(&Case {
        layout: "n: u64\nd: u8[n * n * n]",
        bytes: &b,
        args: &[],
        code: 1,
        expect: &["overflow in `n * n * n`"],
    });
}

#[test]
fn a_bool_that_is_7() {
    run(&Case {
        layout: "ok: bool\nflag: bool",
        bytes: &[1, 7],
        args: &[],
        code: 1,
        expect: &["bool at offset 0x1 is 7, not 0 or 1", "> 00000000: 0107"],
    });
}

#[test]
fn invalid_utf8() {
    run(&Case {
        layout: "s: utf8[5]",
        bytes: b"ab\xffcd",
        args: &[],
        code: 1,
        expect: &["invalid UTF-8 in a utf8[5] field at offset 0x2", "6162 ff63 64"],
    });
}

#[test]
fn layout_syntax_errors_point_with_a_caret() {
    run(&Case {
        layout: "rows: i32\ncols: i32\ndata: f64[rows, cols",
        bytes: &[],
        args: &[],
        code: 1,
        expect: &[
            "layout syntax: expected ']', found end of layout",
            "--> <layout>:3:21",
            "3 | data: f64[rows, cols",
            "  |                     ^",
        ],
    });
    run(&Case {
        layout: "a: i33",
        bytes: &[],
        args: &[],
        code: 1,
        expect: &["unknown type 'i33'", "<layout>:1:4", "^^^"],
    });
    run(&Case {
        layout: "a: u8 b: u8",
        bytes: &[],
        args: &[],
        code: 1,
        expect: &["expected a new line, ';' or ',' after the item, found 'b'"],
    });
    run(&Case { layout: "a: u8[n]", bytes: &[1], args: &[], code: 1, expect: &["unknown field 'n'", "<layout>:1:7"] });
    run(&Case {
        layout: "x: f32\na: u8[x]",
        bytes: &[0; 8],
        args: &[],
        code: 1,
        expect: &["'x' is not an integer or text field"],
    });
    run(&Case { layout: "s: \"abc", bytes: &[], args: &[], code: 1, expect: &["unterminated string"] });
    run(&Case {
        layout: "a: u8 == 300",
        bytes: &[1],
        args: &[],
        code: 1,
        expect: &["'== 300' cannot be checked on a field of type u8"],
    });
}

#[test]
fn magic_and_version_checks() {
    run(&Case {
        layout: "magic: bytes[4] == \"RIFF\"\nsize: u32",
        bytes: b"RIFX\0\0\0\0",
        args: &[],
        code: 1,
        expect: &[
            "check failed for magic: expected \"RIFF\", found \"RIFX\"",
            "--> magic: bytes[4] == \"RIFF\" at offset 0x0",
        ],
    });
    run(&Case {
        layout: "v: u16be == 3",
        bytes: &[0, 4],
        args: &[],
        code: 1,
        expect: &["check failed for v: expected 3, found 4"],
    });
    // Checks inside every element of a record array.
    run(&Case {
        layout: "r: { tag: u8 == 1, v: u8 }[..]",
        bytes: &[1, 5, 1, 6, 2, 7],
        args: &[],
        code: 1,
        expect: &["check failed for tag: expected 1, found 2", "at offset 0x4"],
    });
}

#[test]
fn partial_record_at_the_end_is_reported() {
    run(&Case {
        layout: "r: { a: u32, b: u16 }[..]",
        bytes: &[0; 14],
        args: &[],
        code: 1,
        expect: &["ends with 2 trailing bytes that are not a whole 6-byte element (2 whole elements fit)"],
    });
}

#[test]
fn placement_past_the_end() {
    run(&Case {
        layout: "@ 100 x: u8",
        bytes: &[0; 5],
        args: &[],
        code: 1,
        expect: &["placement @ 100 = 100 is past the end of", "(5 bytes)"],
    });
    run(&Case {
        layout: "@ filesize - 8 x: u8",
        bytes: &[0; 5],
        args: &[],
        code: 1,
        expect: &["placement @ filesize - 8 = -3 is negative"],
    });
}

#[test]
fn corrupt_counts_never_allocate() {
    // 2^32-1 variable-size elements claimed by a 9-byte file.
    let mut b = u32::MAX.to_le_bytes().to_vec();
    b.extend_from_slice(&[3, b'a', b'b', b'c', 0]);
    run(&Case {
        layout: "n: u32\nitems: { len: u8, text: utf8[len] }[n]",
        bytes: &b,
        args: &[],
        code: 1,
        expect: &["array claims 4,294,967,295 variable-size elements but only 5 bytes remain", "with n = 4294967295"],
    });
    run(&Case {
        layout: "n: i8\nx: bytes[n]",
        bytes: &[0xfb],
        args: &[],
        code: 1,
        expect: &["size n = -5 is negative"],
    });
}

#[test]
fn cstr_without_terminator() {
    run(&Case {
        layout: "c: cstr",
        bytes: b"abc",
        args: &[],
        code: 1,
        expect: &["cstr at offset 0x0 has no NUL byte before the end of"],
    });
}

#[test]
fn zero_size_elements_to_the_end() {
    run(&Case {
        layout: "e: {}[..]",
        bytes: &[1],
        args: &[],
        code: 1,
        expect: &["T[..] of a zero-size element would never end"],
    });
}

#[test]
fn bad_command_lines_exit_2() {
    run(&Case {
        layout: "x: u8",
        bytes: &[1],
        args: &["nope"],
        code: 2,
        expect: &["no field 'nope' in path 'nope'; fields here: x"],
    });
    run(&Case {
        layout: "x: u8[2]",
        bytes: &[1, 2],
        args: &["x[5]"],
        code: 2,
        expect: &["index 5 is out of range for 'x', whose axis 0 has 2 elements: 0..2, or -2..-1 from the end"],
    });
    run(&Case {
        layout: "x: u8[2]",
        bytes: &[1, 2],
        args: &["--rows", "a..b"],
        code: 2,
        expect: &["bad row range 'a..b'"],
    });
    run(&Case { layout: "x: u8", bytes: &[1], args: &["--format", "xml"], code: 2, expect: &["invalid value 'xml'"] });
    run(&Case { layout: "x: u8", bytes: &[1], args: &["--rows", "1..2"], code: 2, expect: &["--rows needs an array"] });
}

#[test]
fn missing_files() {
    let out = Command::cargo_bin("binmap")
        .expect("bin")
        .args(["show", "/nonexistent/x.bin", "-l", "x: u8"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/x.bin: No such file or directory"));
    let out = Command::cargo_bin("binmap").expect("bin").args(["show", "/tmp", "-l", "x: u8"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/tmp is a directory, not a file"));
    let out = Command::cargo_bin("binmap")
        .expect("bin")
        .args(["show", "/tmp/x.bin", "-l", "missing.bml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("layout file missing.bml does not exist"));
}

fn pack(layout: &str, input: &str, ext: &str) -> (Option<i32>, String, std::path::PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let inp = dir.path().join(format!("in.{ext}"));
    std::fs::write(&inp, input).expect("write");
    let out_path = dir.path().join("out.bin");
    std::fs::write(&out_path, b"old contents").expect("write");
    let out = Command::cargo_bin("binmap")
        .expect("bin")
        .args(["pack", "-l", layout, &inp.display().to_string(), "-o", &out_path.display().to_string()])
        .output()
        .expect("run");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned(), out_path, dir)
}

#[test]
fn pack_errors_leave_the_output_untouched() {
    let cases: [(&str, &str, &str, &str); 9] = [
        ("x: u8", r#"{"x": 256}"#, "json", "256 is out of range for u8 (0..=255)"),
        ("x: i16", r#"{"x": 1.5}"#, "json", "'1.5' is not an integer (for a i16)"),
        ("x: f32", r#"{"x": "a"}"#, "json", "expected a number for a f32, found \"a\""),
        ("n: u8\nv: u8[n]", r#"{"n": 3, "v": [1, 2]}"#, "json", "n = 3 but v has 2 elements"),
        ("x: u8", r#"{"x": 1, "y": 2}"#, "json", "unknown field 'y'; the layout has x"),
        ("x: u8\ny: u8", r#"{"x": 1}"#, "json", "field 'y' is missing from the input"),
        ("s: bytes[2]", r#"{"s": "abc"}"#, "json", "3 bytes do not fit in a 2-byte field"),
        ("x: u8", r#"{"x": 1,}"#, "json", "bad JSON"),
        ("r: {a: u8, b: u8}[..]", "a,b\n1,2\n3,300\n", "csv", "300 is out of range for u8"),
    ];
    for (layout, input, ext, want) in cases {
        let (code, err, out_path, _dir) = pack(layout, input, ext);
        assert_eq!(code, Some(1), "{layout} {input}: {err}");
        assert!(err.contains(want), "{layout} {input}: expected {want:?} in {err}");
        assert_eq!(std::fs::read(&out_path).expect("read"), b"old contents", "output changed for {input}");
        let leftovers: Vec<_> = std::fs::read_dir(out_path.parent().expect("dir"))
            .expect("ls")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }
}

#[test]
fn pack_error_names_the_path() {
    let (code, err, _, _dir) = pack("r: {a: u8, b: u8}[2]", r#"{"r": [{"a": 1, "b": 2}, {"a": 3, "b": -1}]}"#, "json");
    assert_eq!(code, Some(1));
    assert!(err.contains("-1 is out of range for u8") && err.contains("at r[1].b"), "{err}");
}

#[test]
fn set_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("x.bin");
    std::fs::write(&f, [2u8, 10, 20]).expect("write");
    let fs = f.display().to_string();
    for (assign, code, want) in [
        ("v[0]=300", 1, "300 is out of range for u8"),
        ("n=1", 1, "'n' sizes or places other fields in the layout"),
        ("v[9]=1", 2, "index 9 is out of range"),
        ("v", 2, "'v' is not PATH=VALUE"),
        ("v=[1,2,3]", 1, "'v': could not broadcast 3 values (shape (3,)) into shape (2,)"),
    ] {
        let out = Command::cargo_bin("binmap")
            .expect("bin")
            .args(["set", &fs, "-l", "n: u8\nv: u8[n]", assign])
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{assign}: {err}");
        assert!(err.contains(want), "{assign}: expected {want:?} in {err}");
        assert_eq!(std::fs::read(&f).expect("read"), [2, 10, 20]);
    }
}
