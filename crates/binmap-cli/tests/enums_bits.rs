//! `enum`, `flags` and `bits` through every command that reads layouts:
//! show (json, csv, table), info, pack, set, hex --layout, select/--where,
//! stats --by, --strict, convert (Arrow, Parquet, npy) and `help layout`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const LAYOUT: &str = "enum Color: u8 { red = 1, green = 2, blue = 4 }
flags Perm: u16 { read = 1, write = 2, exec = 4 }
recs: { c: Color, p: Perm, hdr: bits u16be { version: 3, flags: 5, length: 8 } }[..]";

fn binmap() -> Command {
    Command::cargo_bin("binmap").expect("binary")
}

/// Four records: (color, perm, hdr).
fn file(dir: &Path) -> PathBuf {
    let recs: [(u8, u16, u16); 4] = [(2, 3, 0xa512), (7, 9, 0x0001), (4, 0, 0xffff), (2, 4, 0x2080)];
    let mut b = Vec::new();
    for (c, p, h) in recs {
        b.push(c);
        b.extend(p.to_le_bytes());
        b.extend(h.to_be_bytes());
    }
    let path = dir.join("r.bin");
    std::fs::write(&path, b).expect("write");
    path
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = binmap().args(args).output().expect("run");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn ok(args: &[&str]) -> String {
    let (ok, out, err) = run(args);
    assert!(ok, "{args:?}: {err}");
    out
}

#[test]
fn show_in_every_format_uses_names() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = file(dir.path());
    let f = f.to_str().expect("path");
    let json = ok(&["show", f, "-l", LAYOUT, "-f", "json"]);
    assert_eq!(
        json.trim(),
        r#"{"recs":[{"c":"green","p":"read|write","hdr":{"version":5,"flags":5,"length":18}},{"c":7,"p":"read|8","hdr":{"version":0,"flags":0,"length":1}},{"c":"blue","p":0,"hdr":{"version":7,"flags":31,"length":255}},{"c":"green","p":"exec","hdr":{"version":1,"flags":0,"length":128}}]}"#
    );
    let csv = ok(&["show", f, "-l", LAYOUT, "-f", "csv"]);
    assert_eq!(csv.lines().next(), Some("c,p,hdr.version,hdr.flags,hdr.length"));
    assert_eq!(csv.lines().nth(2), Some("7,read|8,0,0,1"));
    let table = ok(&["show", f, "-l", LAYOUT, "-f", "table"]);
    assert!(table.contains("read|write") && table.contains("blue"), "{table}");
}

#[test]
fn json_and_csv_pack_back_bit_for_bit() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = file(dir.path());
    let original = std::fs::read(&f).expect("read");
    for format in ["json", "csv"] {
        let text = ok(&["show", f.to_str().expect("path"), "-l", LAYOUT, "-f", format]);
        let out = dir.path().join(format!("packed.{format}.bin"));
        let input = dir.path().join(format!("in.{format}"));
        std::fs::write(&input, text).expect("write");
        ok(&["pack", "-l", LAYOUT, input.to_str().expect("path"), "-o", out.to_str().expect("path")]);
        assert_eq!(std::fs::read(&out).expect("read"), original, "{format}");
    }
}

#[test]
fn pack_names_the_unknown_name_and_the_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("in.json");
    std::fs::write(&input, r#"{"recs":[{"c":"gren","p":0,"hdr":{"version":0,"flags":0,"length":0}}]}"#).expect("w");
    let out = dir.path().join("o.bin");
    let (ok, _, err) = run(&["pack", "-l", LAYOUT, input.to_str().expect("p"), "-o", out.to_str().expect("p")]);
    assert!(!ok);
    assert!(err.contains("'gren' is not a name of enum Color (red, green, blue); did you mean 'green'?"), "{err}");
    assert!(err.contains("recs[0].c"), "{err}");
    assert!(!out.exists());
}

#[test]
fn where_and_stats_by_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = file(dir.path());
    let f = f.to_str().expect("path");
    for cond in ["c == green", "c == \"green\"", "c == Color.green", "c == 2", "c in [green, red]"] {
        let out = ok(&["select", f, "-l", LAYOUT, "--where", cond, "-f", "csv"]);
        assert_eq!(out.lines().count(), 3, "{cond}: {out}");
    }
    let out = ok(&["select", f, "-l", LAYOUT, "--where", "p == \"read|write\" || hdr.version == 7", "-f", "jsonl"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    let (ok_, _, err) = run(&["select", f, "-l", LAYOUT, "--where", "c == gren"]);
    assert!(!ok_ && err.contains("did you mean 'green'?"), "{err}");
    let stats = ok(&["stats", f, "-l", LAYOUT, "recs.hdr.length", "--by", "c", "-f", "csv"]);
    let keys: Vec<&str> = stats.lines().skip(1).map(|l| l.split(',').next().unwrap_or("")).collect();
    // Groups in the order of their integers, shown by name.
    assert_eq!(keys, ["green", "blue", "7"], "{stats}");
    assert!(stats.contains("green,hdr.length,2,0,18,128,73.0"), "{stats}");
}

#[test]
fn set_writes_names_and_single_bit_fields() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = file(dir.path());
    let fs = f.to_str().expect("path");
    ok(&["set", fs, "-l", LAYOUT, "recs[1].c=red", "recs[1].p=write|exec", "recs[2].hdr.flags=0"]);
    let b = std::fs::read(&f).expect("read");
    assert_eq!(&b[5..10], [1, 6, 0, 0x00, 0x01]);
    // Record 2's hdr was 0xffff: only the five flag bits (bits 8..13) cleared.
    assert_eq!(&b[13..15], [0xe0, 0xff]);
    let (ok_, _, err) = run(&["set", fs, "-l", LAYOUT, "recs[0].hdr.version=8"]);
    assert!(!ok_ && err.contains("8 does not fit a 3-bit field (0 to 7)"), "{err}");
}

#[test]
fn strict_refuses_unnamed_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = file(dir.path());
    let f = f.to_str().expect("path");
    let (ok_, _, err) = run(&["show", f, "-l", LAYOUT, "--strict"]);
    assert!(!ok_);
    assert!(err.contains("recs[1].c at offset 0x5 is 7, which has no name in enum Color"), "{err}");
    let out = binmap().args(["show", f, "-l", LAYOUT]).env("BINMAP_STRICT", "1").output().expect("run");
    assert!(!out.status.success());
    ok(&["show", f, "-l", LAYOUT]);
}

#[test]
fn info_and_hex_annotate_name_bit_fields() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = file(dir.path());
    let f = f.to_str().expect("path");
    let info =
        ok(&["info", f, "-l", "enum Color: u8 { red = 1 }\nc: Color\nh: bits u16be { a: 3, b: 13 }\nrest: u8[..]"]);
    assert!(info.contains("enum Color (u8)"), "{info}");
    assert!(info.contains("u3 (bits 13..16 of u16be)") && info.contains("h.a"), "{info}");
    let hex = ok(&["hex", f, "--layout", LAYOUT, "--color", "never"]);
    assert!(hex.contains("recs[0]"), "{hex}");
}

#[test]
fn convert_gives_integers_and_a_column_per_bit_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = file(dir.path());
    let f = f.to_str().expect("path");
    let arrow = dir.path().join("o.arrow");
    ok(&["convert", f, "-l", LAYOUT, "-o", arrow.to_str().expect("p")]);
    let parquet = dir.path().join("o.parquet");
    ok(&["convert", f, "-l", LAYOUT, "-o", parquet.to_str().expect("p")]);
    let npy = dir.path().join("o.npy");
    let (ok_, _, err) = run(&["convert", f, "-l", LAYOUT, "-o", npy.to_str().expect("p")]);
    assert!(!ok_ && err.contains("numpy has no bit fields"), "{err}");
    let npy_ok = ok(&["convert", f, "-l", "enum C: u8 { a = 1 }\nc: C[..]", "-o", npy.to_str().expect("p")]);
    let _ = npy_ok;
    let head = std::fs::read(&npy).expect("read");
    assert!(String::from_utf8_lossy(&head).contains("'descr': '|u1'"), "{}", String::from_utf8_lossy(&head));
}

#[test]
fn help_layout_documents_enums_and_bits() {
    let help = ok(&["help", "layout"]);
    for needle in ["enum Name: u8", "flags Name: u16", "bits CONTAINER", "msb", "Color.green"] {
        assert!(help.contains(needle), "{needle}");
    }
}
