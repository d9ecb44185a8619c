//! `pack` takes what binmap prints and what people write (issue 14, items
//! 10 and 11): every shipped example packs back from `show -f
//! json|jsonl|csv` and from `show FILE ARRAY -f json` and `select -f json`;
//! records given as lists; CSV without a header, with `;`, tabs or runs of
//! whitespace, with pandas' unnamed index column; header values given with
//! `--set`; errors that name the CSV line and column. Each through the
//! general path (small inputs) and the stream (inputs past 8 MiB).
//! Files written by numpy's `savetxt` and pandas' `to_csv` themselves are
//! checked by `.ci/differential_text.py`.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::EXAMPLES;

const BIN: &str = env!("CARGO_BIN_EXE_binmap");

fn binmap(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run binmap")
}

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Pack `text` (written to `dir/name`) with `layout` and `extra` options:
/// the bytes, or the error text.
fn pack(dir: &Path, name: &str, text: &[u8], layout: &str, extra: &[&str]) -> Result<Vec<u8>, String> {
    let input = dir.join(name);
    std::fs::write(&input, text).expect("write input");
    let out = dir.join(format!("{name}.out"));
    let _ = std::fs::remove_file(&out);
    let mut args = vec!["pack", "-l", layout, input.to_str().expect("path"), "-o", out.to_str().expect("path")];
    args.extend_from_slice(extra);
    let o = binmap(&args);
    if o.status.success() {
        Ok(std::fs::read(&out).expect("read output"))
    } else {
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(!out.exists(), "no output on an error");
        Err(stderr(&o))
    }
}

/// The text of the flight path's `info` (a header value the CSV and JSON
/// Lines of its coordinates do not hold).
fn flight_info() -> String {
    let fp = example("flight_path.b");
    let o = binmap(&["show", &fp, "-l", &example("flight_path.bml"), "info", "-f", "csv"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).expect("utf8");
    // One CSV cell, quoted (the text has a line break).
    text.trim_end_matches('\n').trim_matches('"').replace("\"\"", "\"")
}

/// Every shipped example: `show -f json|jsonl|csv`, `show FILE ARRAY -f
/// json|jsonl|csv` and `select -f json` pack back to the file (and to
/// `select -f bin`'s output) bit for bit. What JSON Lines and CSV do not
/// hold of flight_path.b (its `info`) is given with `--set`.
#[test]
fn every_example_packs_back_from_what_binmap_prints() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut shipped: Vec<String> = std::fs::read_dir(example(""))
        .expect("examples")
        .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".bml").map(str::to_string))
        .collect();
    shipped.sort();
    let mut listed: Vec<String> = EXAMPLES.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(shipped, listed, "every example is checked here");
    let info = format!("info={}", flight_info());
    for (name, file) in EXAMPLES {
        let (layout, data) = (example(&format!("{name}.bml")), example(file));
        let bytes = std::fs::read(&data).expect("example data");
        let array = binmap::pack::input::main_array(
            &binmap::Layout::parse(&std::fs::read_to_string(&layout).expect("bml")).expect("layout"),
        )
        .and_then(|f| f.name.as_deref().map(str::to_string));
        let set: Vec<&str> = if name == "flight_path" { vec!["--set", &info] } else { Vec::new() };
        for fmt in ["json", "jsonl", "csv"] {
            let mut shows = vec![None];
            shows.extend(array.as_deref().map(Some));
            for path in shows {
                let mut args = vec!["show", &data, "-l", &layout, "-f", fmt];
                args.extend(path);
                let shown = binmap(&args);
                assert!(shown.status.success(), "{name} {fmt}: {}", stderr(&shown));
                // The whole file as JSON holds every field; the rest need the header values.
                let extra: &[&str] = if fmt == "json" && path.is_none() { &[] } else { &set };
                let got = pack(dir.path(), &format!("{name}.{fmt}"), &shown.stdout, &layout, extra);
                assert_eq!(got.as_ref(), Ok(&bytes), "{name}: show {path:?} -f {fmt} then pack");
            }
        }
        // select -f json packs to what select -f bin writes (select takes
        // one-dimensional arrays: not data.bin's matrix, nor tmp.b).
        let cond = match name {
            "db" => "time > 20",
            "flight_path" | "flight_log" => "x > -96.58",
            "array" => "x > 0.5",
            _ => continue,
        };
        let sel = binmap(&["select", &data, "-l", &layout, "--where", cond, "-f", "json"]);
        assert!(sel.status.success(), "{name}: {}", stderr(&sel));
        let bin = dir.path().join(format!("{name}.sel.bin"));
        let o = binmap(&["select", &data, "-l", &layout, "--where", cond, "-f", "bin", "-o", bin.to_str().expect("p")]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let want = std::fs::read(&bin).expect("select bin");
        assert_eq!(
            pack(dir.path(), "sel.json", &sel.stdout, &layout, &set),
            Ok(want),
            "{name}: select -f json then pack"
        );
    }
}

const TICK: &str = "records: { name: bytes[12], time: i64, value: f32 }[..]";

/// The bytes of Tick records.
fn ticks(rows: &[(&str, i64, f32)]) -> Vec<u8> {
    let mut b = Vec::new();
    for (name, time, value) in rows {
        let mut n = [0u8; 12];
        n[..name.len()].copy_from_slice(name.as_bytes());
        b.extend_from_slice(&n);
        b.extend_from_slice(&time.to_le_bytes());
        b.extend_from_slice(&value.to_le_bytes());
    }
    b
}

/// Records given as lists, in JSON, as a top-level list and in JSON Lines;
/// a list of the wrong length names the record and the fields.
#[test]
fn records_as_lists() {
    let dir = tempfile::tempdir().expect("tmp");
    let want = ticks(&[("A", 1, 2.5), ("B", -2, -1.0)]);
    for (name, text) in [
        ("a.json", r#"{"records": [["A", 1, 2.5], ["B", -2, -1]]}"#),
        ("b.json", r#"[["A", 1, 2.5], {"name": "B", "time": -2, "value": -1}]"#),
        ("c.json", r#"[{"name": "A", "time": 1, "value": 2.5}, {"name": "B", "time": -2, "value": -1.0}]"#),
        ("d.jsonl", "[\"A\", 1, 2.5]\n[\"B\", -2, -1]\n"),
    ] {
        assert_eq!(pack(dir.path(), name, text.as_bytes(), TICK, &[]), Ok(want.clone()), "{name}");
    }
    // Nested records and sub-arrays as lists; padding has no value.
    let l = "n: u8\nr: { a: u8, _: u8, p: { x: i8, y: i8 }, v: u8[2] }[n]";
    let got = pack(dir.path(), "n.json", br#"[[1, [2, -3], [4, 5]]]"#, l, &[]);
    assert_eq!(got, Ok(vec![1, 1, 0, 2, 0xfd, 4, 5]));
    let err = pack(dir.path(), "e.json", br#"[["A", 1, 2.5], ["B", 2]]"#, TICK, &[]).unwrap_err();
    assert!(
        err.contains(
            "a list of 2 values for a record of 3 fields (name, time, value): give one value per field, in this order"
        ) && err.contains("at records[1]"),
        "{err}"
    );
    let err = pack(dir.path(), "e.jsonl", b"[\"A\", 1, 2.5, 7]\n", TICK, &[]).unwrap_err();
    assert!(
        err.contains("a list of 4 values for a record of 3 fields") && err.contains("in JSON Lines line 1"),
        "{err}"
    );
    // A record with `if` blocks is given as an object.
    let err =
        pack(dir.path(), "f.json", br#"{"r": [[1, 2]]}"#, "r: { t: u8, if t == 1 { v: u8 } }[..]", &[]).unwrap_err();
    assert!(err.contains("give it as an object of its fields"), "{err}");
}

/// A CSV line of record `i`, and its bytes.
fn big_row(i: u64) -> (String, (String, i64, f32)) {
    let name = format!("N{}", i % 100_000);
    let time = i as i64 * 7 - 3_000_000;
    let value = (i % 1000) as f32 / 4.0 - 100.0;
    (format!("{name},{time},{value:?}"), (name, time, value))
}

/// Inputs past the 8 MiB kept for the general path: streamed, the same
/// bytes from a top-level list of lists, JSON Lines of lists, CSV with `;`
/// and a pandas index; errors name the record, the line and the column.
#[test]
fn large_inputs_of_every_shape_stream() {
    let dir = tempfile::tempdir().expect("tmp");
    let n = 400_000u64;
    let rows: Vec<(String, (String, i64, f32))> = (0..n).map(big_row).collect();
    let want = {
        let r: Vec<(&str, i64, f32)> = rows.iter().map(|(_, (a, b, c))| (a.as_str(), *b, *c)).collect();
        ticks(&r)
    };
    let list = format!(
        "[{}]",
        rows.iter().map(|(_, (a, b, c))| format!("[\"{a}\", {b}, {c:?}]")).collect::<Vec<_>>().join(",\n")
    );
    let jsonl: String = rows.iter().map(|(_, (a, b, c))| format!("[\"{a}\",{b},{c:?}]\n")).collect();
    let semi: String = std::iter::once(",name;time;value\n".replace(',', ";"))
        .chain(rows.iter().enumerate().map(|(i, (l, _))| format!("{i};{}\n", l.replace(',', ";"))))
        .collect();
    let ws: String = rows.iter().map(|(l, _)| format!("  {}\n", l.replace(',', "   "))).collect();
    assert!(jsonl.len() > 9 << 20 && ws.len() > 9 << 20, "past the copy kept for the general path");
    for (name, text, extra) in
        [("l.json", &list, &[][..]), ("l.jsonl", &jsonl, &[]), ("s.csv", &semi, &[]), ("w.txt", &ws, &["--no-header"])]
    {
        assert_eq!(pack(dir.path(), name, text.as_bytes(), TICK, extra).map(|b| b == want), Ok(true), "{name}");
    }
    // A bad cell deep in the input: the record, the line, the column.
    let mut bad = semi.clone();
    let at = bad.len() - 30;
    let line_start = bad[..at].rfind('\n').expect("line") + 1;
    let line_no = bad[..line_start].matches('\n').count() + 1;
    let row = line_no - 2;
    let third = line_start + bad[line_start..].match_indices(';').nth(2).expect("3 ;").0 + 1;
    bad.replace_range(third..third + 1, "x");
    let err = pack(dir.path(), "bad.csv", bad.as_bytes(), TICK, &[]).unwrap_err();
    assert!(err.contains(&format!("at records[{row}].value")), "{err}");
    assert!(err.contains(&format!("in CSV line {line_no}, column 4 (value)")), "{err}");
    let mut bad = jsonl.clone();
    let last = bad.trim_end().rfind('\n').expect("line") + 1;
    bad.insert_str(last, "[\"X\", 1]\n");
    let err = pack(dir.path(), "bad.jsonl", bad.as_bytes(), TICK, &[]).unwrap_err();
    assert!(err.contains("a list of 2 values") && err.contains(&format!("in JSON Lines line {n}")), "{err}");
}

/// CSV as people write it, in small files (the general path) and the same
/// with the stream's results: no header, `;`, tabs, whitespace runs, a
/// pandas index; notes say what was decided.
#[test]
fn csv_as_people_write_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let want = ticks(&[("A", 1, 2.5), ("B b", -2, -1.0)]);
    let cases: [(&str, &str, &[&str], Option<&str>); 8] = [
        ("a.csv", "name,time,value\nA,1,2.5\nB b,-2,-1\n", &[], None),
        ("b.csv", "A,1,2.5\nB b,-2,-1\n", &["--no-header"], None),
        ("c.csv", "name;time;value\nA;1;2.5\n\"B b\";-2;-1\n", &[], Some("separated by ';'")),
        ("d.tsv", "name\ttime\tvalue\nA\t1\t2.5\nB b\t-2\t-1\n", &[], Some("separated by a tab")),
        (
            "e.csv",
            ",name,time,value\n0,A,1,2.5\n1,B b,-2,-1\n",
            &[],
            Some("the first column has no name (pandas' index): skipped"),
        ),
        ("f.csv", "\t,name,time,value\r\n0,A,1,2.5\r\n1,B b,-2,-1\r\n", &["--delimiter", ","], Some("pandas' index")),
        ("g.csv", "A|1|2.5\n\nB b|-2|-1\n", &["--no-header", "--delimiter", "|"], None),
        ("h.csv", "name;time;value\nA;1;2.5\nB b;-2;-1\n", &["--delimiter", ";"], None),
    ];
    for (name, text, extra, note) in cases {
        let input = dir.path().join(name);
        std::fs::write(&input, text).expect("write");
        let mut args = vec!["pack", "-l", TICK, input.to_str().expect("p"), "-o", "-"];
        args.extend_from_slice(extra);
        let o = binmap(&args);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert_eq!(o.stdout, want, "{name}");
        match note {
            Some(n) => {
                assert!(stderr(&o).contains(&format!("note: {n}")) || stderr(&o).contains(n), "{name}: {}", stderr(&o))
            }
            None => assert!(stderr(&o).is_empty(), "{name}: {}", stderr(&o)),
        }
    }
    // Whitespace: runs of spaces and tabs, ends ignored; text with spaces is not possible there.
    let l = "r: { a: i16, b: f64, c: u8 }[..]";
    let mut want = Vec::new();
    for (a, b, c) in [(1i16, 0.5f64, 7u8), (-3, 1e300, 255)] {
        want.extend_from_slice(&a.to_le_bytes());
        want.extend_from_slice(&b.to_le_bytes());
        want.push(c);
    }
    for (name, text, extra) in [
        ("w1.txt", "1 0.5 7\n-3 1e300 255\n", &[][..]),
        (
            "w2.txt",
            "  1\t 5.000000000000000000e-01   7\n\n-3 1.000000000000000053e+300 2.550000000000000000e+02  \n",
            &[],
        ),
        ("w3.txt", "a b c\n1 0.5 7\n-3 1e300 255\n", &[][..]),
        ("w4.csv", "1 0.5 7\n-3 1e300 255\n", &["--delimiter", "whitespace"]),
        ("w5.csv", "1  0.5 7\n-3 1e300 255\n", &["--delimiter", " "]),
    ] {
        let mut extra = extra.to_vec();
        if name != "w3.txt" {
            extra.push("--no-header");
        }
        assert_eq!(pack(dir.path(), name, text.as_bytes(), l, &extra), Ok(want.clone()), "{name}");
    }
    // One column of text without a header: a space is the text's own.
    let got = pack(dir.path(), "one.txt", b"a b\nc;d\n", "v: bytes[4][..]", &["--no-header"]);
    assert_eq!(got, Ok(b"a b\0c;d\0".to_vec()));
    // Integers written as floats (np.savetxt's default %.18e) are exact; a fraction is refused.
    let got = pack(
        dir.path(),
        "i.txt",
        b"1.000000000000000000e+01 -4.611686018427387904e+18\n",
        "r: { a: u8, b: i64 }[..]",
        &["--no-header"],
    );
    let mut want = vec![10u8];
    want.extend_from_slice(&(-4611686018427387904i64).to_le_bytes());
    assert_eq!(got, Ok(want));
    let err = pack(dir.path(), "i2.txt", b"1.5 2\n", "r: { a: u8, b: i64 }[..]", &["--no-header"]).unwrap_err();
    assert!(err.contains("'1.5' is not an integer (for a u8)") && err.contains("in CSV line 1, column 1 (a)"), "{err}");
    // Without a header, one column too many: maybe pandas' index.
    let err = pack(dir.path(), "x.csv", b"0,A,1,2.5\n", TICK, &["--no-header"]).unwrap_err();
    assert!(err.contains("found a record of 4 fields, but the records have 3") && err.contains("index=False"), "{err}");
    // Columns the data decide cannot go without a header.
    let err = pack(dir.path(), "y.csv", b"1,2\n", "r: { n: u8, v: u8[n] }[..]", &["--no-header"]).unwrap_err();
    assert!(err.contains("give a header line"), "{err}");
    let o = binmap(&["pack", "-l", TICK, "x.csv", "-o", "-", "--delimiter", "ab"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// Errors name the CSV line (1-based, the header counted, blank lines
/// too) and the column (1-based, a skipped index counted).
#[test]
fn csv_errors_name_the_line_and_column() {
    let dir = tempfile::tempdir().expect("tmp");
    for (name, text, extra, want) in [
        ("a.csv", "name,time,value\nA,1,2.5\n\nB,zz,1\n", &[][..], "in CSV line 4, column 2 (time)"),
        ("b.csv", "name,time,value\r\nA,1,2.5\r\n\r\n\"B\",zz,1\r\n", &[], "in CSV line 4, column 2 (time)"),
        ("c.csv", ",name,time,value\n0,A,1,2.5\n1,B,2,x\n", &[], "in CSV line 3, column 4 (value)"),
        ("d.csv", "\"multi\nline\",1,2\nB,2,1e999\n", &["--no-header"], "in CSV line 3, column 3 (value)"),
        ("e.csv", "name,time,value\nA,1\n", &[], "in CSV line 2"),
        ("f.csv", "value,name,time\n1,A,1\n1,B,999999999999999999999\n", &[], "in CSV line 3, column 3 (time)"),
    ] {
        let err = pack(dir.path(), name, text.as_bytes(), TICK, extra).unwrap_err();
        assert!(err.contains(want), "{name}: {err}");
    }
}

/// Header values beside the input: `--set PATH=VALUE`, as JSON or text,
/// replacing what the input gives; for the stream's header fields too.
#[test]
fn set_gives_header_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let fp = example("flight_path.bml");
    let coords = binmap(&["show", &example("flight_path.b"), "-l", &fp, "coords", "-f", "csv"]).stdout;
    let info = format!("info={}", flight_info());
    let want = std::fs::read(example("flight_path.b")).expect("read");
    assert_eq!(pack(dir.path(), "coords.csv", &coords, &fp, &["--set", &info]), Ok(want.clone()));
    // Without it: which field to give, and how.
    let err = pack(dir.path(), "coords.csv", &coords, &fp, &[]).unwrap_err();
    assert!(err.contains("the input does not give info: give it with --set info=VALUE"), "{err}");
    // Text as written (a number too, for a text field), or a JSON string.
    let l = "M: i32\nlabel: utf8[M]\nk: u16\nv: u8[..]";
    let got = pack(dir.path(), "v.csv", b"v\n1\n", l, &["--set", "label=123", "--set", "k=0x10"]);
    assert_eq!(got, Ok(vec![3, 0, 0, 0, b'1', b'2', b'3', 16, 0, 1]));
    let got = pack(dir.path(), "v.csv", b"v\n1\n", l, &["--set", "label=\"a\\tb\"", "--set", "k=7"]);
    assert_eq!(got, Ok(vec![3, 0, 0, 0, b'a', b'\t', b'b', 7, 0, 1]));
    // It replaces what a JSON input gives.
    let got = pack(dir.path(), "v.json", br#"{"label": "x", "k": 1, "v": [1]}"#, l, &["--set", "k=2"]);
    assert_eq!(got, Ok(vec![1, 0, 0, 0, b'x', 2, 0, 1]));
    let err = pack(dir.path(), "v.csv", b"v\n1\n", l, &["--set", "lable=x"]).unwrap_err();
    assert!(err.contains("the layout has no field 'lable'; did you mean 'label'?"), "{err}");
    // A layout the stream takes: a plain header field from --set, small and large.
    let l = "version: u32\nn: u32\nrecords: { name: bytes[12], time: i64, value: f32 }[n]";
    let rows: Vec<(String, (String, i64, f32))> = (0..500_000).map(big_row).collect();
    let csv: String =
        std::iter::once("name,time,value\n".to_string()).chain(rows.iter().map(|(l, _)| format!("{l}\n"))).collect();
    let mut want = 3u32.to_le_bytes().to_vec();
    want.extend_from_slice(&500_000u32.to_le_bytes());
    let r: Vec<(&str, i64, f32)> = rows.iter().map(|(_, (a, b, c))| (a.as_str(), *b, *c)).collect();
    want.extend_from_slice(&ticks(&r));
    assert!(csv.len() > 9 << 20);
    assert_eq!(pack(dir.path(), "big.csv", csv.as_bytes(), l, &["--set", "version=3"]).map(|b| b == want), Ok(true));
    let err = pack(dir.path(), "big.csv", csv.as_bytes(), l, &[]).unwrap_err();
    assert!(err.contains("field 'version' is missing") && err.contains("--set version=VALUE"), "{err}");
    let small = "name,time,value\nA,1,2.5\n";
    let got = pack(dir.path(), "s.csv", small.as_bytes(), l, &["--set", "version=9"]);
    let mut want = vec![9, 0, 0, 0, 1, 0, 0, 0];
    want.extend_from_slice(&ticks(&[("A", 1, 2.5)]));
    assert_eq!(got, Ok(want));
    let err = pack(dir.path(), "s.csv", small.as_bytes(), l, &["--set", "records=[]"]).unwrap_err();
    assert!(err.contains("records"), "{err}");
}

/// Floats parse to their exact bits whichever path packs them: 17
/// significant digits, `%.18e`, subnormals, the extremes, halfway cases.
#[test]
fn hard_floats_are_exact() {
    let dir = tempfile::tempdir().expect("tmp");
    let cases: [(&str, f64); 12] = [
        ("0.30000000000000004", 0.30000000000000004),
        ("4.940656458412465442e-324", 5e-324),
        ("2.225073858507201136e-308", 2.2250738585072014e-308),
        ("2.2250738585072009e-308", 2.2250738585072009e-308),
        ("1.797693134862315708e+308", f64::MAX),
        ("9007199254740993", 9007199254740992.0),
        ("9007199254740995", 9007199254740996.0),
        ("-1.000000000000000056e-01", -0.1),
        ("1e23", 1e23),
        ("8.98846567431158e307", 8.98846567431158e307),
        ("2.4703282292062328e-324", 5e-324),
        ("2.4703282292062327e-324", 0.0),
    ];
    let mut text = String::new();
    let mut want = Vec::new();
    for (t, x) in cases {
        text.push_str(&format!("{t}\n"));
        want.extend_from_slice(&x.to_le_bytes());
    }
    assert_eq!(pack(dir.path(), "f.csv", text.as_bytes(), "v: f64[..]", &["--no-header"]), Ok(want.clone()));
    // The same values many times over: the stream.
    let big: String = text.repeat(200_000);
    let bigwant: Vec<u8> = want.repeat(200_000);
    assert!(big.len() > 9 << 20);
    assert_eq!(
        pack(dir.path(), "g.csv", big.as_bytes(), "v: f64[..]", &["--no-header"]).map(|b| b == bigwant),
        Ok(true)
    );
    // f32: %.18e of float32 values, subnormals, a halfway case above the midpoint.
    let cases32: [(&str, f32); 5] = [
        ("6.199999809265136719e+00", 6.2),
        ("1.401298464324817071e-45", f32::from_bits(1)),
        ("7.006492321624085354e-46", 0.0),
        ("7.006492321624085355e-46", f32::from_bits(1)),
        ("16777217.000000000000000001", 16777218.0),
    ];
    let text: String = cases32.iter().map(|(t, _)| format!("{t}\n")).collect();
    let want: Vec<u8> = cases32.iter().flat_map(|(_, x)| x.to_le_bytes()).collect();
    assert_eq!(pack(dir.path(), "h.csv", text.as_bytes(), "v: f32[..]", &["--no-header"]), Ok(want.clone()));
    let big = text.repeat(400_000);
    assert!(big.len() > 9 << 20);
    assert_eq!(
        pack(dir.path(), "i.csv", big.as_bytes(), "v: f32[..]", &["--no-header"]).map(|b| b == want.repeat(400_000)),
        Ok(true)
    );
}
