//! The seed tutorials' examples through the CLI: golden outputs for every
//! command and format, round trips through `pack`, and in-place `set`.
//!
//! Golden files live in `tests/golden/`; after an intended output change,
//! regenerate them with `UPDATE_GOLDEN=1 cargo test -p binmap-cli --test examples`
//! and review the diff. The values themselves are checked against numpy by
//! the fixture tests (`fixtures.rs`).

mod common;

use common::EXAMPLES;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example(name: &str) -> String {
    root().join("examples").join(name).display().to_string()
}

fn binmap() -> Command {
    let mut c = Command::cargo_bin("binmap").expect("binary");
    c.current_dir(root());
    c
}

/// Run `binmap ARGS` (paths relative to the repository root) and compare
/// stdout with `tests/golden/NAME`.
fn golden(name: &str, args: &[&str]) {
    let out = binmap().args(args).output().expect("run");
    assert!(out.status.success(), "binmap {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &out.stdout).expect("write golden");
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&want),
        "binmap {args:?} differs from {}",
        path.display()
    );
}

#[test]
fn every_example_in_every_format() {
    for (name, file) in EXAMPLES {
        let file = format!("examples/{file}");
        let layout = format!("examples/{name}.bml");
        golden(&format!("{name}.table"), &["show", &file, "-l", &layout]);
        golden(&format!("{name}.json"), &["show", &file, "-l", &layout, "--format", "json"]);
        golden(&format!("{name}.csv"), &["show", &file, "-l", &layout, "--format", "csv"]);
        golden(&format!("{name}.jsonl"), &["show", &file, "-l", &layout, "--format", "jsonl"]);
        golden(&format!("{name}.info"), &["info", &file, "-l", &layout]);
        golden(&format!("{name}.info.json"), &["info", &file, "-l", &layout, "--format", "json"]);
    }
}

#[test]
fn paths_and_rows() {
    let (db, dbl) = ("examples/db.dat", "examples/db.bml");
    golden("db.value.jsonl", &["show", db, "-l", dbl, "records.value", "--format", "jsonl"]);
    golden("db.value.json", &["show", db, "-l", dbl, "records.value", "--format", "json"]);
    golden("db.rows-2.csv", &["show", db, "-l", dbl, "--rows", "-2..", "--format", "csv"]);
    golden("db.rows1-3.table", &["show", db, "-l", dbl, "records", "--rows", "1..3"]);
    golden("db.record3.json", &["show", db, "-l", dbl, "records[3]", "--format", "json"]);
    golden("db.last-name.table", &["show", db, "-l", dbl, "records[-1].name"]);
    let (fp, fpl) = ("examples/flight_path.b", "examples/flight_path.bml");
    golden("flight_path.coords.x.json", &["show", fp, "-l", fpl, "coords.x", "--format", "json"]);
    golden("flight_path.info.table", &["show", fp, "-l", fpl, "info"]);
    let (d, dl) = ("examples/data.bin", "examples/data.bml");
    golden("data.cell.table", &["show", d, "-l", dl, "data[1,2]"]);
    golden("data.row.json", &["show", d, "-l", dl, "data", "--rows", "-1", "--format", "json"]);
    golden("data.header.json", &["show", d, "-l", dl, "rows", "--format", "json"]);
}

#[test]
fn flight_path_shows_info_and_coordinates() {
    let out =
        binmap().args(["show", "examples/flight_path.b", "-l", "examples/flight_path.bml"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("info: Flight path around MHK starting from Ward Hall"), "{text}");
    assert!(text.contains("-96.5852293") && text.contains("39.1916258"), "{text}");
}

#[test]
fn inline_layout_text_works_like_a_file() {
    let out = binmap()
        .args(["show", &example("tmp.b"), "-l", "endian big; a: i32; b: f64; c: bytes[5]", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"a\":123,\"b\":0.1,\"c\":\"hello\"}\n");
}

#[test]
fn stdin_input() {
    let bytes = std::fs::read(example("tmp.b")).expect("read");
    let out = binmap()
        .args(["show", "-", "-l", "examples/tmp.bml", "--format", "json"])
        .write_stdin(bytes)
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"a\":123,\"b\":0.1,\"c\":\"hello\"}\n");
}

fn pack_round_trip(name: &str, file: &str, format: &str) {
    let dir = tempfile::tempdir().expect("tmp");
    let text = dir.path().join(format!("in.{format}"));
    let out_path = dir.path().join("out.bin");
    let layout = example(&format!("{name}.bml"));
    let shown = binmap().args(["show", &example(file), "-l", &layout, "--format", format]).output().expect("run");
    assert!(shown.status.success());
    std::fs::write(&text, &shown.stdout).expect("write");
    let packed = binmap()
        .args(["pack", "-l", &layout, &text.display().to_string(), "-o", &out_path.display().to_string()])
        .output()
        .expect("run");
    assert!(packed.status.success(), "pack {name} from {format}: {}", String::from_utf8_lossy(&packed.stderr));
    let want = std::fs::read(example(file)).expect("read");
    let got = std::fs::read(&out_path).expect("read");
    assert!(want == got, "pack of {name} from {format} differs from the original");
}

#[test]
fn show_then_pack_gives_back_every_example() {
    for (name, file) in EXAMPLES {
        pack_round_trip(name, file, "json");
    }
    // CSV carries the last array only: the header sizes are derived.
    for (name, file) in [("db", "db.dat"), ("flight_log", "flight_log.b"), ("array", "array.b"), ("data", "data.bin")] {
        pack_round_trip(name, file, "csv");
    }
}

#[test]
fn pack_derives_size_fields_left_out() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("fp.json");
    std::fs::write(
        &input,
        r#"{"info": "hi", "coords": [{"x": 1.5, "y": -2, "z": 1e300}, {"x": 0, "y": 0, "z": NaN}]}"#,
    )
    .expect("write");
    let out = dir.path().join("fp.b");
    binmap()
        .args([
            "pack",
            "-l",
            "examples/flight_path.bml",
            &input.display().to_string(),
            "-o",
            &out.display().to_string(),
        ])
        .assert()
        .success();
    let shown = binmap()
        .args(["show", &out.display().to_string(), "-l", "examples/flight_path.bml", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&shown.stdout),
        "{\"M\":2,\"N\":2,\"info\":\"hi\",\"coords\":[{\"x\":1.5,\"y\":-2.0,\"z\":1e+300},{\"x\":0.0,\"y\":0.0,\"z\":NaN}]}\n"
    );
}

#[test]
fn set_edits_in_place_and_checks_first() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("data.bin");
    std::fs::copy(example("data.bin"), &f).expect("copy");
    let fs = f.display().to_string();
    binmap().args(["set", &fs, "-l", "examples/data.bml", "data[0,1]=42", "data[-1,-1]=-0.5"]).assert().success();
    let out = binmap()
        .args(["show", &fs, "-l", "examples/data.bml", "data", "--rows", "0", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "[[0.0,42.0,2.0,3.0,4.0]]\n");
    let out =
        binmap().args(["show", &fs, "-l", "examples/data.bml", "data[5,4]", "--format", "json"]).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "-0.5\n");

    // One bad value among good ones: nothing changes.
    let before = std::fs::read(&f).expect("read");
    let out =
        binmap().args(["set", &fs, "-l", "examples/data.bml", "data[0,0]=1", "data[0,2]=abc"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'abc' is not a number (for a f64)"));
    assert_eq!(std::fs::read(&f).expect("read"), before);
}

#[test]
fn set_every_record_and_strings() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("db.dat");
    std::fs::copy(example("db.dat"), &f).expect("copy");
    let fs = f.display().to_string();
    binmap()
        .args(["set", &fs, "-l", "examples/db.bml", "records.value=0", "records[7].name=AAPL_profit"])
        .assert()
        .success();
    let out = binmap()
        .args(["show", &fs, "-l", "examples/db.bml", "--rows", "-1", "--format", "jsonl"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"name\":\"AAPL_profit\",\"time\":1000390,\"value\":0.0}\n");
}

#[test]
fn long_arrays_are_elided_in_tables_like_numpy() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("v.bin");
    let bytes: Vec<u8> = (0u16..2000).flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(&f, bytes).expect("write");
    let out = binmap().args(["show", &f.display().to_string(), "-l", "v: u16[..]"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        "v: u16[2000]\n         v\n0        0\n1        1\n2        2\n...    ...\n1997  1997\n1998  1998\n1999  1999\n"
    );
    // 1000 rows or fewer are shown whole.
    let out = binmap()
        .args(["show", &f.display().to_string(), "-l", "v: u16[..]", "--rows", "..1000"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1001);
}
