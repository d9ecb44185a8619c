//! A 100 GB file (sparse: it takes no disk) whose header says so: the map
//! is built by arithmetic, a slice of it shows at once, and every command
//! that reads a slice of it stays in constant memory.
//!
//! `ulimit -v` cannot bound these runs (the map of the file alone takes
//! 100 GB of address space), so memory is measured instead: the peak
//! resident set of each binmap process, from `wait4`
//! (`common::measure`, which any test over a big file can use). Each
//! command must stay under [`CONSTANT`], and within [`SAME`] of the same
//! command on a 1 MB file with the same layout: memory does not grow with
//! the file.

mod common;

use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{Run, measure};

const BIN: &str = env!("CARGO_BIN_EXE_binmap");
const LAYOUT: &str = "n: u64\nrecords: { name: bytes[12], time: i64, value: f32 }[n]";
/// Records of the 100 GB file.
const HUGE: u64 = (100 << 30) / 24;
/// Records of the 1 MB file.
const SMALL: u64 = ((1 << 20) - 8) / 24;
/// The peak resident set any command over a slice may reach.
const CONSTANT: u64 = 32 << 20;
/// How much more the 100 GB file may cost than the 1 MB one.
const SAME: u64 = 4 << 20;
/// A slice command is instant: this much CPU time is generous.
const CPU: Duration = Duration::from_secs(1);

/// `records` records of 24 bytes after an 8-byte count, sparse: only
/// record `at` ("MID_record", 42, 1.5) and the last one ("LAST_record")
/// hold bytes. `None` when the filesystem cannot hold the file sparsely.
fn records_file(path: &Path, records: u64, at: u64) -> Option<String> {
    let f = std::fs::File::create(path).expect("create");
    if let Err(e) = f.set_len(8 + records * 24) {
        eprintln!("skipped: {} cannot hold a sparse file of {} bytes: {e}", path.display(), 8 + records * 24);
        return None;
    }
    f.write_all_at(&records.to_le_bytes(), 0).expect("header");
    let mut mid = *b"MID_record\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    mid[12..20].copy_from_slice(&42i64.to_le_bytes());
    mid[20..].copy_from_slice(&1.5f32.to_le_bytes());
    f.write_all_at(&mid, 8 + at * 24).expect("middle record");
    f.write_all_at(b"LAST_record\0", 8 + (records - 1) * 24).expect("last record");
    let used = f.metadata().expect("stat").blocks() * 512;
    if used > 64 << 20 {
        eprintln!("skipped: {} stores sparse files in full ({used} bytes on disk)", path.display());
        let _ = std::fs::remove_file(path);
        return None;
    }
    Some(path.display().to_string())
}

fn binmap(args: &[&str]) -> Run {
    let r = measure(Command::new(BIN).args(args));
    assert_eq!(r.code(), 0, "binmap {args:?}: {}", r.stderr);
    assert!(r.cpu() <= CPU, "binmap {args:?} used {:?} of CPU time", r.cpu());
    r
}

#[test]
fn a_slice_of_a_100_gb_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let Some(p) = records_file(&dir.path().join("huge.bin"), HUGE, HUGE / 2) else { return };
    let r = binmap(&["show", &p, "-l", LAYOUT, "--rows", "-2..", "--format", "csv"]);
    assert_eq!(String::from_utf8_lossy(&r.stdout), "name,time,value\n,0,0.0\nLAST_record,0,0.0\n");
    let rows = format!("{}..{}", HUGE / 2, HUGE / 2 + 2);
    let r = binmap(&["show", &p, "-l", LAYOUT, "--rows", &rows, "--format", "json"]);
    assert_eq!(
        String::from_utf8_lossy(&r.stdout),
        "[{\"name\":\"MID_record\",\"time\":42,\"value\":1.5},{\"name\":\"\",\"time\":0,\"value\":0.0}]\n"
    );
    let r = binmap(&["info", &p, "-l", LAYOUT]);
    let text = String::from_utf8_lossy(&r.stdout);
    assert!(text.contains(&format!("[{HUGE}]")), "{text}");
    assert!(text.contains("107,374,182,392 bytes, the whole file"), "{text}");
}

/// `show` (a table and CSV), `info`, the annotated hex dump of rows and
/// the plain hex dump of 256 bytes, each on a slice deep into the 100 GB
/// file and on a 1 MB file: the same small peak resident set.
#[test]
fn slices_of_a_100_gb_file_in_constant_memory() {
    let dir = tempfile::tempdir().expect("tmp");
    let Some(huge) = records_file(&dir.path().join("huge.bin"), HUGE, HUGE / 2) else { return };
    let small = records_file(&dir.path().join("small.bin"), SMALL, SMALL / 2).expect("a 1 MB file");
    let commands = |p: &str, at: u64| -> Vec<Vec<String>> {
        let rows = format!("{at}..{}", at + 3);
        let offset = (8 + at * 24).to_string();
        [
            vec!["show", p, "-l", LAYOUT, "--rows", &rows],
            vec!["show", p, "-l", LAYOUT, "--rows", &rows, "-f", "csv"],
            vec!["info", p, "-l", LAYOUT],
            vec!["hex", p, "--layout", LAYOUT, "--rows", &rows, "--color", "never"],
            vec!["hex", "-s", &offset, "-l", "256", p],
        ]
        .iter()
        .map(|c| c.iter().map(|s| s.to_string()).collect())
        .collect()
    };
    let at_huge = commands(&huge, HUGE / 2);
    let at_small = commands(&small, SMALL / 2);
    for (big, little) in at_huge.iter().zip(&at_small) {
        let args: Vec<&str> = big.iter().map(String::as_str).collect();
        let r = binmap(&args);
        let little: Vec<&str> = little.iter().map(String::as_str).collect();
        let base = binmap(&little);
        // The same command prints the same rows from both files (offsets,
        // row numbers and sizes aside): the slice was really read.
        let text = String::from_utf8_lossy(&r.stdout);
        if args[0] != "info" {
            assert!(text.contains("MID_record") || text.contains("4d49 445f"), "binmap {args:?}: {text}");
        }
        eprintln!(
            "{:>6.1} MiB resident on 100 GB, {:>6.1} MiB on 1 MB, {:>5} ms ({} ms CPU): binmap {}",
            r.max_rss as f64 / 1048576.0,
            base.max_rss as f64 / 1048576.0,
            r.wall.as_millis(),
            r.cpu().as_millis(),
            args.iter().map(|a| if *a == LAYOUT { "LAYOUT" } else { a }).collect::<Vec<_>>().join(" ")
        );
        assert!(r.max_rss <= CONSTANT, "binmap {args:?} peaked at {} bytes resident", r.max_rss);
        assert!(
            r.max_rss <= base.max_rss + SAME,
            "binmap {args:?}: {} bytes resident on 100 GB, {} on 1 MB",
            r.max_rss,
            base.max_rss
        );
    }
}
