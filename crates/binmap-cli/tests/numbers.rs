//! The number and text types real files use (issue 11 item 9) against
//! Python's own readers: the cases of `tests/numbers/cases.json`, written by
//! `tests/numbers/make.py` (int.from_bytes, cp037 and utf-16 codecs,
//! tarfile headers, float() on FITS card values, an independent IBM float
//! conversion). Each case's bytes are written at test time from hex.

use assert_cmd::Command;
use binmap::text::json_read::{Doc, parse_json};

fn binmap() -> Command {
    Command::cargo_bin("binmap").expect("binary")
}

fn text(doc: &Doc, key: &str) -> Option<String> {
    let Doc::Object(kv) = doc else { return None };
    kv.iter().find(|(k, _)| k == key).and_then(|(_, v)| match v {
        Doc::String(s) => Some(s.clone()),
        _ => None,
    })
}

fn from_hex(h: &str) -> Vec<u8> {
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).expect("hex")).collect()
}

#[test]
fn every_case_of_the_python_oracle() {
    let cases =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/numbers/cases.json")).expect("cases.json");
    let Doc::Array(cases) = parse_json(&cases).expect("json") else { panic!("a list") };
    assert!(cases.len() > 30);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("data.bin");
    let out = dir.path().join("packed.bin");
    let mut failures = Vec::new();
    for case in &cases {
        let name = text(case, "name").expect("name");
        let layout = text(case, "layout").expect("layout");
        let bytes = from_hex(&text(case, "hex").expect("hex"));
        if let Some(input) = text(case, "input") {
            let run = binmap()
                .args(["pack", "-l", &layout, "-", "-o", &out.display().to_string()])
                .write_stdin(input)
                .output()
                .expect("run");
            if !run.status.success() {
                failures.push(format!("{name}: pack failed: {}", String::from_utf8_lossy(&run.stderr)));
            } else if std::fs::read(&out).expect("read") != bytes {
                failures.push(format!("{name}: pack wrote {:02x?}", std::fs::read(&out).expect("read")));
            }
            continue;
        }
        std::fs::write(&file, &bytes).expect("write");
        let run =
            binmap().args(["show", &file.display().to_string(), "-l", &layout, "-f", "json"]).output().expect("run");
        let want = text(case, "json").expect("json");
        let got = String::from_utf8_lossy(&run.stdout).trim_end().to_string();
        if !run.status.success() {
            failures.push(format!("{name}: show failed: {}", String::from_utf8_lossy(&run.stderr)));
            continue;
        }
        if got != want {
            failures.push(format!("{name}:\n  got  {got}\n  want {want}"));
            continue;
        }
        if matches!(case, Doc::Object(kv) if kv.iter().any(|(k, v)| k == "roundtrip" && *v == Doc::Bool(true))) {
            let run = binmap()
                .args(["pack", "-l", &layout, "-", "-o", &out.display().to_string()])
                .write_stdin(run.stdout.clone())
                .output()
                .expect("run");
            if !run.status.success() {
                failures.push(format!("{name}: pack failed: {}", String::from_utf8_lossy(&run.stderr)));
            } else if std::fs::read(&out).expect("read") != bytes {
                failures.push(format!("{name}: show | pack is not bit-identical"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases fail:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = binmap().args(args).output().expect("run");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn new_numbers_in_expressions_stats_where_and_set() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("d.bin");
    let p = f.display().to_string();
    // A tar-like size in octal text, then that many bytes, then i24 records.
    let mut b = b"0000005\0hello".to_vec();
    for v in [-3i32, 7, 100, -8_388_608] {
        b.extend_from_slice(&v.to_le_bytes()[..3]);
        b.extend_from_slice(&[0x41, 0x10, 0, 0]); // ibm32 1.0
    }
    std::fs::write(&f, &b).expect("write");
    let l = "size: ascii_oct[8]\ndata: bytes[size]\nr: { v: i24, x: ibm32be }[..]";
    let (ok, out, err) = run(&["show", &p, "-l", l, "-f", "json"]);
    assert!(ok, "{err}");
    assert!(out.starts_with(r#"{"size":5,"data":"hello","r":[{"v":-3,"x":1.0}"#), "{out}");
    let (ok, out, err) = run(&["stats", &p, "-l", l, "r.v", "r.x", "-f", "csv"]);
    assert!(ok, "{err}");
    assert!(out.contains("-8388608") && out.contains("-8388504"), "min and exact sum: {out}");
    let (ok, out, err) = run(&["select", &p, "-l", l, "--where", "v > 0 && x == 1", "-f", "csv"]);
    assert!(ok, "{err}");
    assert_eq!(out, "v,x\n7,1.0\n100,1.0\n");
    // set: range-checked, written in place.
    let (ok, _, err) = run(&["set", &p, "-l", l, "r[0].v=8388608"]);
    assert!(!ok && err.contains("out of range for i24") && err.contains("r[0].v"), "{err}");
    let (ok, _, err) = run(&["set", &p, "-l", l, "r[0].v=-1", "r[1].x=0.1"]);
    assert!(ok, "{err}");
    let b2 = std::fs::read(&f).expect("read");
    assert_eq!(&b2[13..20], &[0xff, 0xff, 0xff, 0x41, 0x10, 0, 0]);
    assert_eq!(&b2[23..27], &[0x40, 0x19, 0x99, 0x9a], "ibm32 0.1 rounds to nearest, not truncated");
    // The annotated hex dump names the fields.
    let (ok, out, err) = run(&["hex", &p, "--layout", l, "--color", "never"]);
    assert!(ok && out.contains("size") && out.contains("r[0].v"), "{err}{out}");
    // A blank size cannot size an array: the error names the field.
    std::fs::write(&f, b"        hello").expect("write");
    let (ok, _, err) = run(&["show", &p, "-l", l]);
    assert!(!ok && err.contains("'size'"), "{err}");
}

#[test]
fn bad_text_numbers_and_utf16_are_errors_with_offsets() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("d.bin");
    let p = f.display().to_string();
    std::fs::write(&f, b"xx  12x4").expect("write");
    let (ok, _, err) = run(&["show", &p, "-l", "a: u8[2]\nn: ascii_int[6]"]);
    assert!(!ok && err.contains("ascii_int[6] field at offset 0x2") && err.contains("'12x4'"), "{err}");
    std::fs::write(&f, [0x00, 0xd8, 0x41, 0x00]).expect("write");
    let (ok, _, err) = run(&["show", &p, "-l", "t: utf16le[2]"]);
    assert!(!ok && err.contains("unpaired UTF-16 surrogate at offset 0x0"), "{err}");
    let json = dir.path().join("in.json");
    std::fs::write(&json, r#"{"m": 4096}"#).expect("write");
    let (ok, _, err) = run(&["pack", "-l", "m: ascii_oct[4]", &json.display().to_string(), "-o", &p]);
    assert!(!ok && err.contains("4096 does not fit in ascii_oct[4]: '10000' and a NUL takes 6 bytes"), "{err}");
    std::fs::write(&json, r#"{"t": "2020-01-01T00:00:00.5"}"#).expect("write");
    let (ok, _, err) = run(&["pack", "-l", "t: datetime64[s]", &json.display().to_string(), "-o", &p]);
    assert!(!ok && err.contains("not a whole number of seconds"), "{err}");
    std::fs::write(&json, r#"{"x": 1e5000}"#).expect("write");
    let (ok, _, err) = run(&["pack", "-l", "x: f80", &json.display().to_string(), "-o", &p]);
    assert!(!ok && err.contains("out of range for f80"), "{err}");
}
