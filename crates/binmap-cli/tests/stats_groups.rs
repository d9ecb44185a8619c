//! `stats --by` with many groups (issue 15): more rows than one segment
//! (4 Mi) and more keys than the switch to key partitions (65,536), so
//! both ways of aggregating run; the counts, sums, minima and maxima are
//! exact, and the output is the same byte for byte on 1, 2 and 3 threads.

use std::collections::BTreeMap;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_binmap");
const LAYOUT: &str = "r: { k: u32, v: f32 }[..]";

fn stats(file: &str, threads: &str) -> String {
    let o = Command::new(BIN)
        .args(["stats", file, "-l", LAYOUT, "v", "--by", "k", "-f", "csv"])
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("run binmap");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("utf8")
}

#[test]
fn many_groups_are_exact_and_the_same_on_any_number_of_threads() {
    let dir = tempfile::tempdir().expect("tmp");
    for (keys, rows) in [(100_003u64, 4_500_000u64), (7, 4_300_000)] {
        let path = dir.path().join(format!("g{keys}.bin"));
        let mut data = Vec::with_capacity(rows as usize * 8);
        // key -> (count, sum, min, max); small integers, so every sum is exact.
        let mut want: BTreeMap<u32, (u64, i64, i64, i64)> = BTreeMap::new();
        for i in 0..rows {
            let k = (i.wrapping_mul(7919) % keys) as u32;
            let v = ((i * 31) % 201) as i64 - 100;
            data.extend_from_slice(&k.to_le_bytes());
            data.extend_from_slice(&(v as f32).to_le_bytes());
            let e = want.entry(k).or_insert((0, 0, i64::MAX, i64::MIN));
            e.0 += 1;
            e.1 += v;
            e.2 = e.2.min(v);
            e.3 = e.3.max(v);
        }
        std::fs::write(&path, &data).expect("write");
        let file = path.to_str().expect("path");
        let out = stats(file, "2");
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some("k,column,count,nan,min,max,mean,std,sum"));
        let mut n = 0;
        for (line, (k, (count, sum, min, max))) in lines.zip(&want) {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f[0], k.to_string(), "{line}");
            assert_eq!(f[2], count.to_string(), "{line}");
            assert_eq!(f[4].parse::<f64>().expect("min"), *min as f64, "{line}");
            assert_eq!(f[5].parse::<f64>().expect("max"), *max as f64, "{line}");
            assert_eq!(f[8].parse::<f64>().expect("sum"), *sum as f64, "{line}");
            let mean = *sum as f64 / *count as f64;
            assert!((f[6].parse::<f64>().expect("mean") - mean).abs() <= 1e-9 * mean.abs().max(1.0), "{line}");
            n += 1;
        }
        assert_eq!(n, want.len());
        assert_eq!(stats(file, "1"), out, "1 thread, {keys} keys");
        assert_eq!(stats(file, "3"), out, "3 threads, {keys} keys");
    }
}

/// Keys of 20 bytes (decoded strings, not packed in a `u128`), a `--where`
/// and two columns, with more keys than the switch to key partitions: the
/// same groups, counts and sums as computed here, on 1 and 2 threads.
#[test]
fn many_string_keys_with_a_condition() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("s.bin");
    let layout = "r: { k: bytes[20], a: i16, v: f32 }[..]";
    let (keys, rows) = (70_001u64, 4_400_000u64);
    let mut data = Vec::with_capacity(rows as usize * 26);
    // key -> (count, sum of a, sum of v); only rows with a >= 0 count.
    let mut want: BTreeMap<Vec<u8>, (u64, i64, i64)> = BTreeMap::new();
    for i in 0..rows {
        let k = format!("key-{:016}", (i.wrapping_mul(104_729) % keys) * 3).into_bytes();
        let a = ((i * 17) % 1001) as i16 - 300;
        let v = ((i * 13) % 101) as i64 - 50;
        data.extend_from_slice(&k);
        data.extend_from_slice(&a.to_le_bytes());
        data.extend_from_slice(&(v as f32).to_le_bytes());
        if a >= 0 {
            let e = want.entry(k).or_insert((0, 0, 0));
            e.0 += 1;
            e.1 += i64::from(a);
            e.2 += v;
        }
    }
    std::fs::write(&path, &data).expect("write");
    let run = |threads: &str| {
        let o = Command::new(BIN)
            .args([
                "stats",
                path.to_str().expect("path"),
                "-l",
                layout,
                "a",
                "v",
                "--by",
                "k",
                "-w",
                "a >= 0",
                "-f",
                "csv",
            ])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("run binmap");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).expect("utf8")
    };
    let out = run("2");
    let mut lines = out.lines().skip(1);
    for (k, (count, sa, sv)) in &want {
        for (col, sum) in [("a", *sa), ("v", *sv)] {
            let line = lines.next().expect("a line per group and column");
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!((f[0].as_bytes(), f[1]), (k.as_slice(), col), "{line}");
            assert_eq!(f[2], count.to_string(), "{line}");
            assert_eq!(f[8].parse::<f64>().expect("sum"), sum as f64, "{line}");
        }
    }
    assert_eq!(lines.next(), None);
    assert_eq!(run("1"), out, "1 thread");
}
