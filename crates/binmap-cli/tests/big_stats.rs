//! `stats` and `select` over slices of a 100 GB sparse file whose header
//! says so: the values are right, and memory is the bytes the slice
//! touches plus a constant, not the file's size or the rows' number.

mod common;

use std::os::unix::fs::FileExt;
use std::process::Command;

use common::measure;

const BIN: &str = env!("CARGO_BIN_EXE_binmap");
const LAYOUT: &str = "n: u64\nrecords: { name: bytes[12], time: i64, value: f32 }[n]";
/// A row far past 4 GiB into the file.
const AT: u64 = 2_000_000_000;

/// A sparse 100 GB file of 24-byte records after an 8-byte count, with
/// records `AT..AT+3` set: ("A", 1, 2.0), ("B", 2, -2.0), ("A", 3, NaN).
fn huge_file(dir: &std::path::Path) -> String {
    let path = dir.join("huge.bin");
    let records: u64 = (100 << 30) / 24;
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(8 + records * 24).expect("a sparse 100 GB file");
    f.write_all_at(&records.to_le_bytes(), 0).expect("header");
    for (k, (name, value)) in [(b"A", 2.0f32), (b"B", -2.0), (b"A", f32::NAN)].into_iter().enumerate() {
        let mut rec = [0u8; 24];
        rec[..1].copy_from_slice(name);
        rec[12..20].copy_from_slice(&(k as i64 + 1).to_le_bytes());
        rec[20..].copy_from_slice(&value.to_le_bytes());
        f.write_all_at(&rec, 8 + (AT + k as u64) * 24).expect("records");
    }
    path.display().to_string()
}

/// Run binmap and return (stdout, peak resident set in bytes) of that one
/// run, measured by `common::measure` (from a fresh helper process).
fn run_measured(args: &[&str]) -> (String, u64) {
    let r = measure(Command::new(BIN).args(args));
    assert_eq!(r.code(), 0, "binmap {args:?} failed: {}", r.stderr);
    (String::from_utf8_lossy(&r.stdout).into_owned(), r.max_rss)
}

#[test]
fn stats_of_a_slice_of_a_100_gb_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = huge_file(dir.path());
    let rows = format!("{AT}..{}", AT + 4);
    let (out, _) = run_measured(&["stats", &p, "-l", LAYOUT, "value", "--rows", &rows, "-f", "csv"]);
    // Four rows: 2.0, -2.0, NaN, and an all-zero record (0.0).
    assert_eq!(out, "column,count,nan,min,max,mean,std,sum\nvalue,3,1,-2.0,2.0,0.0,1.632993161855452,0.0\n");
    let (out, _) = run_measured(&["stats", &p, "-l", LAYOUT, "value", "--rows", &rows, "--by", "name", "-f", "csv"]);
    assert_eq!(
        out,
        "name,column,count,nan,min,max,mean,std,sum\n\
         ,value,1,0,0.0,0.0,0.0,0.0,0.0\n\
         A,value,1,1,2.0,2.0,2.0,0.0,2.0\n\
         B,value,1,0,-2.0,-2.0,-2.0,0.0,-2.0\n"
    );
    let (out, _) = run_measured(&["select", &p, "-l", LAYOUT, "--rows", &rows, "-w", "time > 1", "-f", "csv"]);
    assert_eq!(out, "name,time,value\nB,2,-2.0\nA,3,nan\n");
}

#[test]
fn memory_is_the_slice_touched_plus_a_constant() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = huge_file(dir.path());
    let small = dir.path().join("small.bin");
    std::fs::write(&small, [1u8, 0, 0, 0, 0, 0, 0, 0].iter().chain(&[0u8; 24]).copied().collect::<Vec<u8>>())
        .expect("small file");
    let (_, baseline) = run_measured(&["stats", small.to_str().unwrap(), "-l", LAYOUT]);
    // 4 M rows: 96 MB of the file touched (page cache, counted in the
    // resident set because it is mapped); any per-row allocation (8 bytes
    // a row is 32 MB) would break the 16 MiB allowance.
    let rows = 4_000_000u64;
    let range = format!("{AT}..{}", AT + rows);
    let allowance = baseline + rows * 24 + (16 << 20);
    for (extra, counts) in [
        (&[][..], "value,3999999,1,"),
        (&["-w", "value > 0 || time == 2"][..], "value,2,0,"),
        (&["--by", "name"][..], ",value,3999997,0,"),
    ] {
        let mut args = vec!["stats", &p, "-l", LAYOUT, "value", "--rows", &range, "-f", "csv"];
        args.extend_from_slice(extra);
        let (out, rss) = run_measured(&args);
        assert!(out.contains(counts), "{extra:?}: {out}");
        assert!(rss <= allowance, "stats {extra:?}: peak RSS {rss} > {allowance} (baseline {baseline})");
    }
}
