//! Hostile inputs (issue 6's corpus, beyond the SPEC §5 cases in
//! `errors.rs`): every case runs the real binary under a 1 GiB address-space
//! limit and a time limit, and must end with the exact exit code and
//! message: no panic, no hang, no allocation from a size the file claims.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;

/// Run `binmap ARGS` under `ulimit -v` (1 GiB) and return (code, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let bin = cargo_bin("binmap");
    let mut script = String::from("ulimit -v 1048576; exec \"$0\"");
    for i in 0..args.len() {
        script.push_str(&format!(" \"${}\"", i + 1));
    }
    let start = Instant::now();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .arg(&bin)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run");
    assert!(start.elapsed() < Duration::from_secs(10), "binmap {args:?} took {:?}", start.elapsed());
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.signal().is_none(), "binmap {args:?} died of signal {:?}: {err}", out.status.signal());
    assert!(!err.contains("panicked"), "binmap {args:?} panicked: {err}");
    (out.status.code().unwrap_or(-1), err)
}

fn case(layout: &str, bytes: &[u8], code: i32, want: &str) {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("in.bin"), bytes).expect("write");
    std::fs::write(dir.path().join("l.bml"), layout).expect("write");
    let (got, err) = run(dir.path(), &["show", "in.bin", "-l", "l.bml", "--format", "json"]);
    assert_eq!(got, code, "layout {layout:?}: {err}");
    assert!(err.contains(want), "layout {layout:?}: expected {want:?} in:\n{err}");
}

#[test]
fn truncation_in_every_field_kind() {
    for layout in [
        "x: u32",
        "x: f64be",
        "x: c128",
        "x: bytes[8]",
        "x: utf8[8]",
        "x: ucs4[2]",
        "x: void[8]",
        "x: f64[4]",
        "x: { a: u16, b: u64 }",
        "x: { a: u16, b: u64 }[2]",
        "x: u8[2, 3]",
        "x: <i8",
        "x: dtype(\"[('a', '<u2'), ('b', '>f8')]\")",
        "x: struct(\"<iq\")",
    ] {
        case(layout, &[1, 2, 3], 1, "but in.bin has 3");
    }
    case("x: cstr", b"abc", 1, "has no NUL byte before the end of");
    case("n: u8\nx: { len: u8, s: bytes[len] }[n]", &[2, 1, b'a', 9, b'b'], 1, "layout needs");
}

#[test]
fn sizes_that_lie() {
    let big = 1u64 << 33;
    let mut b = big.to_le_bytes().to_vec();
    b.extend_from_slice(&big.to_le_bytes());
    case("n: u64\nm: u64\nd: u8[n, m, n]", &b, 1, "overflows a 64-bit element count");
    case("n: u64\nd: f64[n * 1000000000000]", &b[..8], 1, "= 8589934592000000000000 is larger than any file");
    case(
        "n: u64\nd: f64[n * n * n * n * n]",
        &b[..8],
        1,
        "overflow in `n * n * n * n` with 633825300114114700748351602688 * 8589934592",
    );
    case("n: i32\nd: u8[n]", &(-1i32).to_le_bytes(), 1, "size n = -1 is negative");
    // Variable-size elements nested in variable-size elements, claiming more than the file.
    let mut b = 2u32.to_le_bytes().to_vec();
    b.extend_from_slice(&u32::MAX.to_le_bytes());
    case(
        "n: u32\na: { m: u32, b: { k: u8, s: bytes[k] }[m] }[n]",
        &b,
        1,
        "variable-size elements but only 0 bytes remain",
    );
    case("r: { a: u32, b: u16 }[..]", &[0; 13], 1, "1 trailing bytes that are not a whole 6-byte element");
    case("@ 1000000000000 x: u8", &[0], 1, "is past the end of in.bin");
    case("b: bool[3]", &[0, 1, 7], 1, "bool at offset 0x2 is 7, not 0 or 1");
    case("s: utf8[3]", b"a\xc3(", 1, "invalid UTF-8 in a utf8[3] field at offset 0x1");
    case("s: ucs4[1]", &0x11_0000u32.to_le_bytes(), 1, "not a Unicode scalar value");
}

#[test]
fn hostile_layouts() {
    let deep = format!("a: {}u8{}", "{ x: ".repeat(10_000), " }".repeat(10_000));
    case(&deep, &[0], 1, "layout nests deeper than 64 levels");
    let deep = format!("a: u8[{}1{}]", "(".repeat(10_000), ")".repeat(10_000));
    case(&deep, &[0], 1, "layout nests deeper than 64 levels");
    // 200,000 fields resolve and show in linear time.
    let many: String = (0..200_000).map(|i| format!("f{i}: u8\n")).collect();
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("in.bin"), vec![7u8; 200_000]).expect("write");
    std::fs::write(dir.path().join("l.bml"), &many).expect("write");
    let (code, err) = run(dir.path(), &["show", "in.bin", "-l", "l.bml", "f199999"]);
    assert_eq!(code, 0, "{err}");
    // An empty layout describes nothing; binary garbage is not a layout.
    case("", &[1, 2], 0, "");
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("in.bin"), [1u8]).expect("write");
    std::fs::write(dir.path().join("l.bml"), [0xff, 0xfe, 0x00, 0x12]).expect("write");
    let (code, err) = run(dir.path(), &["show", "in.bin", "-l", "l.bml"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("layout file l.bml is not UTF-8 text"), "{err}");
}

#[test]
fn npy_headers_that_lie() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }".to_vec();
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(b' ');
    }
    header.push(b'\n');
    let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    npy.extend_from_slice(&(header.len() as u16).to_le_bytes());
    npy.extend_from_slice(&header);
    npy.extend_from_slice(&[0; 16]);
    std::fs::write(dir.path().join("lie.npy"), &npy).expect("write");
    let (code, err) = run(dir.path(), &["show", "lie.npy", "--rows", "0..2"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("layout needs 8,000,000,000,") && err.contains("lie.npy has 144"), "{err}");
    std::fs::write(dir.path().join("bad.npy"), b"\x93NUMPY\x09\x00garbage").expect("write");
    let (code, err) = run(dir.path(), &["show", "bad.npy"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.to_lowercase().contains("version"), "{err}");
}

#[test]
fn special_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let (code, err) = run(dir.path(), &["show", "/dev/zero", "-l", "x: u8"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("/dev/zero is not a regular file"), "{err}");
    let (code, err) = run(dir.path(), &["show", ".", "-l", "x: u8"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(". is a directory, not a file"), "{err}");
    std::fs::write(dir.path().join("empty.bin"), []).expect("write");
    let (code, err) = run(dir.path(), &["show", "empty.bin", "-l", "x: u8"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("layout needs 1 bytes but empty.bin has 0"), "{err}");
    // A FIFO is read to its end, like stdin.
    let fifo = dir.path().join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, [1u8, 2]).expect("write fifo"))
    };
    let out = std::process::Command::new(cargo_bin("binmap"))
        .args(["show", &fifo.display().to_string(), "-l", "x: u8[2]", "--format", "json"])
        .output()
        .expect("run");
    writer.join().expect("writer");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"x\":[1,2]}\n");
}
