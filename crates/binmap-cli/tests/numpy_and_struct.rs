//! numpy and Python struct notations through the CLI: typestrs, `dtype()`
//! and `struct()` in layouts, `.npy` without a layout, `convert`, `layout
//! --from-*` (whose output, used instead, gives identical output), and the
//! tutorials' own snippets with `binmap struct`. Values are checked against
//! numpy and CPython by the library fixture tests and the differential passes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn binmap(args: &[&str]) -> String {
    let out = Command::cargo_bin("binmap").expect("bin").current_dir(root()).args(args).output().expect("run");
    assert!(out.status.success(), "binmap {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf8")
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)).expect("golden")
}

#[test]
fn typestrs_in_a_bml_layout() {
    let got =
        binmap(&["show", "examples/data.bin", "-l", "rows: <i4\ncols: =i4\ndata: f8[rows, cols]", "--format", "json"]);
    assert_eq!(got, golden("data.json"));
    let got = binmap(&["show", "examples/tmp.b", "-l", "a: >i4; b: >f8; c: S5", "--format", "json"]);
    assert_eq!(got, "{\"a\":123,\"b\":0.1,\"c\":\"hello\"}\n");
}

#[test]
fn the_tutorial_header_dtype() {
    // header_dtype = dtype([('rows', int32), ('cols', int32)]), then the data at offset itemsize.
    let layout = "header: dtype(\"[('rows', '<i4'), ('cols', '<i4')]\")\ndata: f8[header.rows, header.cols]";
    let got = binmap(&["show", "examples/data.bin", "-l", layout, "data", "--format", "json"]);
    assert_eq!(got, binmap(&["show", "examples/data.bin", "-l", "examples/data.bml", "data", "--format", "json"]));
    let got = binmap(&["show", "examples/data.bin", "-l", layout, "header", "--format", "json"]);
    assert_eq!(got, "{\"rows\":6,\"cols\":5}\n");
}

#[test]
fn the_tutorial_record_dtype_in_every_spelling() {
    let want = binmap(&["show", "examples/db.dat", "-l", "examples/db.bml", "records", "--format", "json"]);
    for dtype in [
        "[('name', 'S12'), ('time', '<i8'), ('value', '<f4')]",
        "{'names': ['name', 'time', 'value'], 'formats': ['S12', '<i8', '<f4']}",
        "{'names': ['name', 'time', 'value'], 'formats': ['S12', 'i8', 'f4'], 'offsets': [0, 12, 20], 'itemsize': 24}",
    ] {
        let layout = format!("records: dtype(\"{dtype}\")[..]");
        assert_eq!(binmap(&["show", "examples/db.dat", "-l", &layout, "records", "--format", "json"]), want, "{dtype}");
    }
    // The comma string names the fields f0, f1, f2, as numpy does.
    let got =
        binmap(&["show", "examples/db.dat", "-l", "r: dtype(\"S12,<i8,<f4\")[..]", "--rows", "0", "--format", "json"]);
    assert_eq!(got, "[{\"f0\":\"MSFT_profit\",\"f1\":10,\"f2\":6.2}]\n");
}

#[test]
fn struct_formats_in_a_layout() {
    let got = binmap(&["show", "examples/tmp.b", "-l", "t: struct(\"!id5s\")", "--format", "json"]);
    assert_eq!(got, "{\"t\":{\"f0\":123,\"f1\":0.1,\"f2\":\"hello\"}}\n");
}

#[test]
fn layout_from_dtype_and_struct_used_instead_gives_identical_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let bml = dir.path().join("l.bml");
    let dtype = "[('name', 'S12'), ('time', '<i8'), ('value', '<f4')]";
    let text = binmap(&["layout", "--from-dtype", dtype]);
    assert!(text.contains("type Record = { name: bytes[12], time: i64, value: f32 }"), "{text}");
    std::fs::write(&bml, &text).expect("write");
    let printed = binmap(&["show", "examples/db.dat", "-l", &bml.display().to_string(), "--format", "json"]);
    let original =
        binmap(&["show", "examples/db.dat", "-l", &format!("records: dtype(\"{dtype}\")[..]"), "--format", "json"]);
    assert_eq!(printed, original);

    let text = binmap(&["layout", "--from-struct", "!id5s"]);
    std::fs::write(&bml, &text).expect("write");
    let printed = binmap(&["show", "examples/tmp.b", "-l", &bml.display().to_string(), "--format", "json"]);
    let original = binmap(&["show", "examples/tmp.b", "-l", "records: struct(\"!id5s\")[..]", "--format", "json"]);
    assert_eq!(printed, original);
}

#[test]
fn npy_files_need_no_layout() {
    let data = root().join("crates/binmap/tests/data/numpy");
    for f in std::fs::read_dir(&data).expect("ls").flatten() {
        let p = f.path();
        if p.extension().and_then(|e| e.to_str()) != Some("npy") {
            continue;
        }
        let ps = p.display().to_string();
        // Shown without a layout; the printed layout, used instead, gives identical output.
        let auto = binmap(&["show", &ps, "--format", "json"]);
        let text = binmap(&["layout", "--from-npy", &ps]);
        let dir = tempfile::tempdir().expect("tmp");
        let bml = dir.path().join("l.bml");
        std::fs::write(&bml, &text).expect("write");
        assert_eq!(binmap(&["show", &ps, "-l", &bml.display().to_string(), "--format", "json"]), auto, "{ps}");
        assert!(binmap(&["info", &ps]).contains("data"), "{ps}");
    }
}

#[test]
fn fortran_order_npy_shows_the_logical_array() {
    let p = root().join("crates/binmap/tests/data/numpy/f8_fortran.npy").display().to_string();
    let c = root().join("crates/binmap/tests/data/numpy/f8_c.npy").display().to_string();
    let (f, c) = (binmap(&["show", &p, "--format", "json"]), binmap(&["show", &c, "--format", "json"]));
    // The fixture script saves the same logical array in both orders.
    assert_eq!(f, c);
}

#[test]
fn convert_to_npy_and_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let npy = dir.path().join("db.npy").display().to_string();
    binmap(&["convert", "examples/db.dat", "-l", "examples/db.bml", "-o", &npy]);
    let head = std::fs::read(&npy).expect("read");
    assert!(
        String::from_utf8_lossy(&head[..128])
            .contains("'descr': [('name', '|S12'), ('time', '<i8'), ('value', '<f4')]")
    );
    let want = binmap(&["show", "examples/db.dat", "-l", "examples/db.bml", "records", "--format", "json"]);
    assert_eq!(binmap(&["show", &npy, "data", "--format", "json"]), want);
    // .npy to CSV, and a column to .npy.
    let csv = dir.path().join("db.csv").display().to_string();
    binmap(&["convert", &npy, "-o", &csv]);
    assert_eq!(std::fs::read_to_string(&csv).expect("read"), golden("db.csv"));
    let col = dir.path().join("v.npy").display().to_string();
    binmap(&["convert", "examples/db.dat", "-l", "examples/db.bml", "records.value", "--rows", "-2..", "-o", &col]);
    assert_eq!(binmap(&["show", &col, "--format", "json"]), "{\"data\":[-1.05,5.6]}\n");
    // JSON back to binary, like pack.
    let json = dir.path().join("db.json");
    std::fs::write(&json, binmap(&["show", "examples/db.dat", "-l", "examples/db.bml", "--format", "json"]))
        .expect("w");
    let bin = dir.path().join("db.dat").display().to_string();
    binmap(&["convert", &json.display().to_string(), "-l", "examples/db.bml", "-o", &bin]);
    assert_eq!(std::fs::read(&bin).expect("read"), std::fs::read(root().join("examples/db.dat")).expect("read"));
}

#[test]
fn the_tutorials_struct_snippets() {
    let bytes = |args: &[&str]| {
        let out = Command::cargo_bin("binmap").expect("bin").args(args).output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    // struct.pack('iii', 123, 124, 125) and struct.pack('!iii', 123, 124, 125)
    assert_eq!(bytes(&["struct", "pack", "iii", "123", "124", "125"]), b"{\0\0\0|\0\0\0}\0\0\0");
    assert_eq!(bytes(&["struct", "pack", "!iii", "123", "124", "125"]), b"\0\0\0{\0\0\0|\0\0\0}");
    // struct.pack('!id5s', 123, 0.1, b'hello') is tmp.b; unpacking it prints Python's tuple.
    let tmp = std::fs::read(root().join("examples/tmp.b")).expect("read");
    assert_eq!(bytes(&["struct", "pack", "!id5s", "123", "0.1", "hello"]), tmp);
    let p = root().join("examples/tmp.b").display().to_string();
    assert_eq!(bytes(&["struct", "unpack", "!id5s", &p]), b"(123, 0.1, b'hello')\n");
    assert_eq!(bytes(&["struct", "unpack", "!id5s", &p, "--format", "json"]), b"[123,0.1,\"hello\"]\n");
    assert_eq!(bytes(&["struct", "calcsize", "!id5s"]), b"17\n");
    // array.b: struct.pack('i', len(x)) then 'd' per value.
    let a = root().join("examples/array.b").display().to_string();
    let out = Command::cargo_bin("binmap").expect("bin").args(["struct", "unpack", "i", &a]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unpack requires a buffer of 4 bytes"));
}
