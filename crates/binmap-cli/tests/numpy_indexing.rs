//! numpy's basic indexing in paths and numpy's broadcasting in `set`
//! (issue 14, items 4 and 5): `data[2]`, `data[:, 1]`, `data[1:3, ::2]`,
//! `records[-1]`, `records[::1000].value`, `x[::-1]`, `x[n-1]`, in every
//! command that takes a path, with numpy's shapes and errors.
//!
//! The files are made here with known contents (`data[i, j] = 5 i + j`,
//! record `i` = (`r{i}`, `10 i`, `i / 2`)), so every expected value is
//! plain arithmetic; `.ci/differential_index.py` draws random slices and
//! compares them with numpy itself.

mod common;

use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_binmap");
const DATA: &str = "rows: i32\ncols: i32\ndata: f64[rows, cols]";
const RECORDS: &str = "n: u32\nrecords: { name: bytes[12], time: i64, value: f32 }[n]";

/// `binmap ARGS`: (exit code, stdout, stderr).
fn binmap(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().expect("run binmap");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `binmap ARGS`, which must succeed: its stdout.
fn ok(args: &[&str]) -> String {
    let (code, out, err) = binmap(args);
    assert_eq!(code, 0, "binmap {args:?}: {err}");
    out
}

/// `binmap ARGS`, which must fail with a usage or input error: its stderr.
fn fails(args: &[&str]) -> String {
    let (code, out, err) = binmap(args);
    assert!(code == 1 || code == 2, "binmap {args:?} exited {code}: {out}{err}");
    assert!(out.is_empty(), "binmap {args:?} printed {out}");
    err
}

/// data.bin of the numpy tutorial: 6 x 5 float64, `data[i, j] = 5 i + j`.
fn data_file(dir: &Path) -> String {
    let mut b = Vec::new();
    b.extend(6i32.to_le_bytes());
    b.extend(5i32.to_le_bytes());
    for v in 0..30 {
        b.extend(f64::from(v).to_le_bytes());
    }
    let p = dir.join("data.bin");
    std::fs::write(&p, b).expect("write");
    p.display().to_string()
}

/// `n` records: (`r{i}`, `10 i`, `i / 2`).
fn records_file(dir: &Path, n: u32) -> String {
    let mut b = n.to_le_bytes().to_vec();
    for i in 0..n {
        let mut name = [0u8; 12];
        let text = format!("r{i}");
        name[..text.len()].copy_from_slice(text.as_bytes());
        b.extend(name);
        b.extend((i64::from(i) * 10).to_le_bytes());
        b.extend((i as f32 / 2.0).to_le_bytes());
    }
    let p = dir.join("records.bin");
    std::fs::write(&p, b).expect("write");
    p.display().to_string()
}

/// `v` as binmap prints a float64 (shortest repr, like numpy's).
fn f(v: i64) -> String {
    format!("{:?}", v as f64)
}

/// A JSON list of `data` values.
fn list(values: impl IntoIterator<Item = i64>) -> String {
    format!("[{}]", values.into_iter().map(f).collect::<Vec<_>>().join(","))
}

/// Python's `range(len)[start:stop:step]`, written out by the definition.
fn py_slice(len: i64, start: Option<i64>, stop: Option<i64>, step: i64) -> Vec<i64> {
    let norm = |v: i64| if v < 0 { v + len } else { v };
    let mut out = Vec::new();
    let mut i = match start {
        Some(s) if step > 0 => norm(s).clamp(0, len),
        Some(s) => norm(s).clamp(-1, len - 1),
        None if step > 0 => 0,
        None => len - 1,
    };
    let end = match stop {
        Some(s) if step > 0 => norm(s).clamp(0, len),
        Some(s) => norm(s).clamp(-1, len - 1),
        None if step > 0 => len,
        None => -1,
    };
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(i);
        i += step;
    }
    out
}

#[test]
fn rows_columns_and_blocks_of_a_2d_array_as_numpy_gives_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = data_file(dir.path());
    let json = |p: &str| ok(&["show", &d, "-l", DATA, p, "-f", "json"]);
    // A single index drops a dimension, a slice keeps it.
    assert_eq!(json("data[2]"), format!("{}\n", list(10..15)));
    assert_eq!(json("data[:, 1]"), format!("{}\n", list((0..6).map(|i| 5 * i + 1))));
    assert_eq!(json("data[1:3, ::2]"), "[[5.0,7.0,9.0],[10.0,12.0,14.0]]\n");
    assert_eq!(json("data[-1]"), format!("{}\n", list(25..30)));
    assert_eq!(json("data[::-1, -1]"), format!("{}\n", list((0..6).rev().map(|i| 5 * i + 4))));
    assert_eq!(json("data[-3:]"), format!("[{},{},{}]\n", list(15..20), list(20..25), list(25..30)));
    assert_eq!(json("data[2][3]"), "13.0\n");
    assert_eq!(json("data[2, 3]"), "13.0\n");
    assert_eq!(json("data[1:3][1]"), format!("{}\n", list(10..15)));
    assert_eq!(json("data[:, 1:3][::-2]"), "[[26.0,27.0],[16.0,17.0],[6.0,7.0]]\n");
    // Out-of-range slices are empty, as in Python.
    assert_eq!(json("data[10:]"), "[]\n");
    assert_eq!(json("data[:, 7:]"), "[[],[],[],[],[],[]]\n");
    assert_eq!(json("data[4:2]"), "[]\n");
    // Every slice of a row against Python's rule.
    for start in [None, Some(-7), Some(-2), Some(0), Some(1), Some(4), Some(9)] {
        for stop in [None, Some(-9), Some(-1), Some(0), Some(2), Some(5), Some(8)] {
            for step in [-3, -1, 1, 2] {
                let part = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
                let path = format!("data[0, {}:{}:{step}]", part(start), part(stop));
                let want = list(py_slice(5, start, stop, step));
                assert_eq!(json(&path), format!("{want}\n"), "{path}");
            }
        }
    }
}

#[test]
fn every_format_of_show_prints_the_selection() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = data_file(dir.path());
    let show = |p: &str, fmt: &str| ok(&["show", &d, "-l", DATA, p, "-f", fmt]);
    assert_eq!(show("data[1:3, ::2]", "csv"), "5.0,7.0,9.0\n10.0,12.0,14.0\n");
    assert_eq!(show("data[1:3, ::2]", "jsonl"), "[5.0,7.0,9.0]\n[10.0,12.0,14.0]\n");
    assert_eq!(show("data[1:3, ::2]", "table"), "      0     1     2\n0   5.0   7.0   9.0\n1  10.0  12.0  14.0\n");
    assert_eq!(show("data[:, 1]", "csv"), "data\n1.0\n6.0\n11.0\n16.0\n21.0\n26.0\n");
    assert_eq!(show("data[::-2, 0]", "table"), "   data\n0  25.0\n1  15.0\n2   5.0\n");
    // --rows slices the selection's first dimension.
    assert_eq!(ok(&["show", &d, "-l", DATA, "data[:, 4]", "--rows", "-2..", "-f", "json"]), "[24.0,29.0]\n");
    // Several paths: each one's own shape.
    assert_eq!(
        ok(&["show", &d, "-l", DATA, "rows", "data[rows-1, cols-1]", "data[1, ::2]", "-f", "json"]),
        "{\"rows\":6,\"data[rows-1, cols-1]\":29.0,\"data[1, ::2]\":[5.0,7.0,9.0]}\n"
    );
}

#[test]
fn records_sliced_and_projected() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = records_file(dir.path(), 2500);
    let json = |p: &str| ok(&["show", &r, "-l", RECORDS, p, "-f", "json"]);
    assert_eq!(json("records[-1]"), "{\"name\":\"r2499\",\"time\":24990,\"value\":1249.5}\n");
    assert_eq!(json("records[::1000].value"), "[0.0,500.0,1000.0]\n");
    assert_eq!(
        json("records[:10].time"),
        format!("[{}]\n", (0..10).map(|i| (i * 10).to_string()).collect::<Vec<_>>().join(","))
    );
    assert_eq!(json("records[-3:].name"), "[\"r2497\",\"r2498\",\"r2499\"]\n");
    assert_eq!(json("records[::-1000].time"), "[24990,14990,4990]\n");
    assert_eq!(json("records[n-1].time"), "24990\n");
    assert_eq!(json("records.time[n // 2]"), "12500\n");
    assert_eq!(
        json("records[5:2500:1000]"),
        format!(
            "[{}]\n",
            [5, 1005, 2005]
                .map(|i| format!("{{\"name\":\"r{i}\",\"time\":{},\"value\":{:?}}}", i * 10, i as f32 / 2.0))
                .join(",")
        )
    );
    assert_eq!(
        ok(&["show", &r, "-l", RECORDS, "records[::1000]", "-f", "csv"]),
        "name,time,value\nr0,0,0.0\nr1000,10000,500.0\nr2000,20000,1000.0\n"
    );
    assert_eq!(ok(&["show", &r, "-l", RECORDS, "records[2498:].value"]), "    value\n0  1249.0\n1  1249.5\n");
}

#[test]
fn the_tutorials_cpp_snippet_is_one_command() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let (b, l) = (format!("{root}/array.b"), format!("{root}/array.bml"));
    let out = ok(&["show", &b, "-l", &l, "n", "x[0]", "x[50]", "x[n-1]"]);
    assert_eq!(out, "n: 100\nx[0]: 0.0\nx[50]: 0.5050505050505051\nx[n-1]: 1.0\n");
    // The last three of the whole array (as the tutorial's script wrote them).
    let all = ok(&["show", &b, "-l", &l, "x", "-f", "json"]);
    let all: Vec<&str> = all.trim().trim_matches(['[', ']']).split(',').collect();
    assert_eq!(ok(&["show", &b, "-l", &l, "x[-3:]", "-f", "json"]), format!("[{}]\n", all[97..].join(",")));
    assert_eq!(ok(&["show", &b, "-l", &l, "x[::-1][0]"]), "x[::-1][0]: 1.0\n");
    assert_eq!(ok(&["show", &b, "-l", &l, "x[(n - 1) // 3 * 3 % 100]"]), "x[(n - 1) // 3 * 3 % 100]: 1.0\n");
}

#[test]
fn indexing_errors_are_numpys() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = data_file(dir.path());
    let err = |p: &str| fails(&["show", &d, "-l", DATA, p]);
    let e = err("data[6]");
    assert!(e.contains("index 6 is out of range for 'data', whose axis 0 has 6 elements"), "{e}");
    let e = err("data[0, -6]");
    assert!(e.contains("index -6 is out of range for 'data', whose axis 1 has 5 elements"), "{e}");
    let e = err("data[::0]");
    assert!(e.contains("'data[::0]': slice step cannot be zero"), "{e}");
    let e = err("data[1, 2, 3]");
    assert!(e.contains("too many indices: 'data' has 2 dimension(s), and 3 were indexed"), "{e}");
    let e = err("data[nope]");
    assert!(e.contains("no field 'nope' for the index nope"), "{e}");
    let e = err("data[1:2:3:4]");
    assert!(e.contains("more than two ':'"), "{e}");
    let e = err("rows[0]");
    assert!(e.contains("a scalar cannot be indexed"), "{e}");
}

#[test]
fn convert_and_hex_take_the_same_selection() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = data_file(dir.path());
    let npy = dir.path().join("x.npy").display().to_string();
    ok(&["convert", &d, "-l", DATA, "data[1:3, ::2]", "-o", &npy]);
    let bytes = std::fs::read(&npy).expect("npy");
    let header = String::from_utf8_lossy(&bytes[..128]).into_owned();
    assert!(header.contains("'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)"), "{header}");
    let values: Vec<f64> = bytes[128..].chunks(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
    assert_eq!(values, [5.0, 7.0, 9.0, 10.0, 12.0, 14.0]);
    assert_eq!(
        ok(&["convert", &d, "-l", DATA, "data[::-1, 2]", "-o", "-", "--to", "csv"]),
        "data\n27.0\n22.0\n17.0\n12.0\n7.0\n2.0\n"
    );
    // The annotated dump of a slice spans it: rows 2 and 3 of data are bytes 0x58..0xa8.
    let hex = ok(&["hex", &d, "--layout", DATA, "--path", "data[2:4]", "--color", "never"]);
    assert!(hex.starts_with("00000058: "), "{hex}");
    assert!(hex.lines().last().is_some_and(|l| l.starts_with("00000098: ")), "{hex}");
    assert_eq!(hex.lines().count(), 5, "{hex}");
}

#[test]
fn stats_and_select_scan_whole_arrays() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = records_file(dir.path(), 10);
    let e = fails(&["stats", &r, "-l", RECORDS, "records[::2].value"]);
    assert!(e.contains("scan whole arrays, not slices of them; limit the rows with --rows"), "{e}");
}

/// Bytes of `path`, 8-byte floats after the 8-byte header.
fn floats(path: &str) -> Vec<f64> {
    std::fs::read(path).expect("read")[8..].chunks(8).map(|c| f64::from_le_bytes(c.try_into().expect("8"))).collect()
}

#[test]
fn set_broadcasts_like_numpy() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = data_file(dir.path());
    let start: Vec<f64> = (0..30).map(f64::from).collect();
    let set = |args: &[&str]| {
        std::fs::write(
            &d,
            [
                &6i32.to_le_bytes()[..],
                &5i32.to_le_bytes(),
                &start.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>(),
            ]
            .concat(),
        )
        .expect("reset");
        ok(&[&["set", &d, "-l", DATA][..], args].concat());
        floats(&d)
    };
    let expect =
        |f: &dyn Fn(usize, usize, f64) -> f64| -> Vec<f64> { (0..30).map(|k| f(k / 5, k % 5, start[k])).collect() };
    assert_eq!(set(&["data[0]=7"]), expect(&|i, _, v| if i == 0 { 7.0 } else { v }));
    assert_eq!(set(&["data=0"]), vec![0.0; 30]);
    assert_eq!(set(&["data[:, 1]=2"]), expect(&|_, j, v| if j == 1 { 2.0 } else { v }));
    assert_eq!(
        set(&["data[1:3, ::2]=-1"]),
        expect(&|i, j, v| if (1..3).contains(&i) && j % 2 == 0 { -1.0 } else { v })
    );
    assert_eq!(set(&["data[-1]=[1, 2, 3, 4, 5]"]), expect(&|i, j, v| if i == 5 { j as f64 + 1.0 } else { v }));
    assert_eq!(set(&["data[::-1, 0]=[0, 1, 2, 3, 4, 5]"]), expect(&|i, j, v| if j == 0 { 5.0 - i as f64 } else { v }));
    assert_eq!(set(&["data=[[9],[8],[7],[6],[5],[4]]"]), expect(&|i, _, _| 9.0 - i as f64));
    assert_eq!(set(&["data[rows-1, cols-1]=0.5"]), expect(&|i, j, v| if (i, j) == (5, 4) { 0.5 } else { v }));
    // Setting a size to the value it has writes nothing and is not an error.
    assert_eq!(set(&["rows=6", "cols=5"]), start);

    // A shape mismatch, a value out of range, a size changed: refused,
    // and the file keeps every byte.
    let before = std::fs::read(&d).expect("read");
    let e = fails(&["set", &d, "-l", DATA, "data[0]=7", "data[0]=[1,2,3]"]);
    assert!(e.contains("'data[0]': could not broadcast 3 values (shape (3,)) into shape (5,)"), "{e}");
    let e = fails(&["set", &d, "-l", DATA, "data[0]=7", "data=[[1,2],[3,4]]"]);
    assert!(e.contains("could not broadcast 4 values (shape (2, 2)) into shape (6, 5)"), "{e}");
    let e = fails(&["set", &d, "-l", DATA, "data[0]=7", "data[0]=[1,[2],3,4,5]"]);
    assert!(e.contains("not rectangular"), "{e}");
    let e = fails(&["set", &d, "-l", DATA, "data[0]=7", "rows=7"]);
    assert!(e.contains("'rows' sizes or places other fields"), "{e}");
    assert_eq!(std::fs::read(&d).expect("read"), before);
}

#[test]
fn set_broadcasts_over_records() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = records_file(dir.path(), 20);
    let values = |r: &str| ok(&["show", r, "-l", RECORDS, "records.value", "-f", "json"]);
    ok(&["set", &r, "-l", RECORDS, "records[:10].value=1.5"]);
    let want: Vec<String> =
        (0..20).map(|i| if i < 10 { "1.5".into() } else { format!("{:?}", i as f32 / 2.0) }).collect();
    assert_eq!(values(&r), format!("[{}]\n", want.join(",")));
    ok(&["set", &r, "-l", RECORDS, "records.value=0"]);
    assert_eq!(values(&r), format!("[{}]\n", vec!["0.0"; 20].join(",")));
    ok(&["set", &r, "-l", RECORDS, "records[::-5].name=x", "n=20"]);
    assert_eq!(ok(&["show", &r, "-l", RECORDS, "records[4::5].name", "-f", "json"]), "[\"x\",\"x\",\"x\",\"x\"]\n");
    assert_eq!(ok(&["show", &r, "-l", RECORDS, "records[3].name", "-f", "json"]), "\"r3\"\n");
    let e = fails(&["set", &r, "-l", RECORDS, "records[:2]=0"]);
    assert!(e.contains("is not a single value"), "{e}");
}

/// A sparse file of `count` 24-byte records after a u64 count: record
/// `at` is ("MID", 42, 1.5), the rest zeros. `None` when the filesystem
/// cannot hold it sparsely.
fn sparse_records(path: &Path, count: u64, at: u64) -> Option<String> {
    let f = std::fs::File::create(path).expect("create");
    if f.set_len(8 + count * 24).is_err() {
        return None;
    }
    f.write_all_at(&count.to_le_bytes(), 0).expect("count");
    let mut rec = *b"MID\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    rec[12..20].copy_from_slice(&42i64.to_le_bytes());
    rec[20..].copy_from_slice(&1.5f32.to_le_bytes());
    f.write_all_at(&rec, 8 + at * 24).expect("record");
    (f.metadata().expect("stat").blocks() * 512 <= 64 << 20).then(|| path.display().to_string())
}

#[test]
fn a_strided_slice_of_a_big_file_does_not_walk_it() {
    let layout = "n: u64\nrecords: { name: bytes[12], time: i64, value: f32 }[n]";
    let dir = tempfile::tempdir().expect("tmp");
    // 1 GB: every 1000th value, the record at 7000 among them.
    let count = (1u64 << 30) / 24;
    let Some(p) = sparse_records(&dir.path().join("1g.bin"), count, 7000) else { return };
    let r = common::measure(Command::new(BIN).args(["show", &p, "-l", layout, "records[::1000].value", "-f", "json"]));
    assert_eq!(r.code(), 0, "{}", r.stderr);
    let text = String::from_utf8_lossy(&r.stdout);
    let values: Vec<&str> = text.trim().trim_matches(['[', ']']).split(',').collect();
    assert_eq!(values.len() as u64, count.div_ceil(1000));
    assert_eq!((values[6], values[7], values[8]), ("0.0", "1.5", "0.0"));
    // 100 GB, every 100 millionth record: 45 values. Walking the skipped
    // records, or a list of them, would take minutes and gigabytes; the
    // stride takes neither. (The kernel's time to fault in holes of a
    // sparse file is its own: only binmap's user time is bounded.)
    let count = (100u64 << 30) / 24;
    let Some(p) = sparse_records(&dir.path().join("100g.bin"), count, 300_000_000) else { return };
    let r =
        common::measure(Command::new(BIN).args(["show", &p, "-l", layout, "records[::100000000].time", "-f", "csv"]));
    assert_eq!(r.code(), 0, "{}", r.stderr);
    let text = String::from_utf8_lossy(&r.stdout);
    assert_eq!(text.lines().count() as u64, 1 + count.div_ceil(100_000_000));
    assert_eq!(text.lines().nth(4), Some("42"));
    assert!(r.user <= Duration::from_secs(2), "{:?} of user CPU time", r.user);
    assert!(r.max_rss <= 128 << 20, "{} bytes resident", r.max_rss);
}

#[test]
fn arrays_of_elements_of_varying_size_slice_too() {
    // Each element has a NUL-terminated name: the elements are walked, not strided.
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("walked.bin");
    let mut b = vec![5u8];
    for i in 0..5u8 {
        b.extend(format!("n{}", "x".repeat(i as usize)).as_bytes());
        b.extend([0, i * 10, i, i + 1]);
    }
    std::fs::write(&p, b).expect("write");
    let p = p.display().to_string();
    let l = "n: u8\nr: { name: cstr, v: u8, w: u8[2] }[n]";
    let json = |path: &str| ok(&["show", &p, "-l", l, path, "-f", "json"]);
    assert_eq!(json("r[::-2].v"), "[40,20,0]\n");
    assert_eq!(json("r[1:3].name"), "[\"nx\",\"nxx\"]\n");
    assert_eq!(json("r[-1].w"), "[4,5]\n");
    assert_eq!(json("r.w[:, 1]"), "[1,2,3,4,5]\n");
    assert_eq!(json("r.w[3]"), "[3,4]\n");
    assert_eq!(json("r[n-2].v"), "30\n");
    assert_eq!(ok(&["show", &p, "-l", l, "r[::2].v", "-f", "csv"]), "v\n0\n20\n40\n");
    let e = fails(&["show", &p, "-l", l, "r.w[:, ::-1]"]);
    assert!(e.contains("a slice inside elements of varying size"), "{e}");
    ok(&["set", &p, "-l", l, "r[1::2].v=7"]);
    assert_eq!(json("r.v"), "[0,7,20,7,40]\n");
}
