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
