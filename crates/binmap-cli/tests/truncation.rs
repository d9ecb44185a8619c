//! Files that change while binmap reads them (README "Safety").
//!
//! A mapped file truncated by another process: binmap exits with status 1
//! and one clear line (its SIGBUS handler), never dies of the signal, never
//! prints values from the hole, and leaves no output file. A file rewritten
//! in place while it is read: an error, not mixed numbers. `--no-mmap` reads
//! the same as the map.
//!
//! Timing is made deterministic by stopping binmap mid-scan: the test stops
//! reading binmap's stdout (binmap blocks on the full pipe), or sends
//! SIGSTOP, then changes the file, then lets binmap go on.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_binmap");
const SHRANK: &str = "error: the input file shrank while binmap was reading it (another process truncated it, or its storage failed); binmap stopped: what it printed is incomplete and no output file was written. Use --no-mmap (or BINMAP_NO_MMAP=1) for files that may change.\n";
/// 4 M u64 values: 32 MB of real (not sparse) pages.
const N: u64 = 4 << 20;

fn u64_file(path: &Path, n: u64) {
    let bytes: Vec<u8> = (0..n).flat_map(|i| i.to_le_bytes()).collect();
    std::fs::write(path, bytes).expect("write");
}

fn spawn(args: &[&str]) -> Child {
    Command::new(BIN).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn binmap")
}

fn truncate(path: &Path, len: u64) {
    std::fs::OpenOptions::new().write(true).open(path).expect("open").set_len(len).expect("truncate");
}

/// Start `show FILE -l 'v: u64[..]' --format jsonl`, read its first 64 KB,
/// stop reading so that it blocks mid-scan, call `change`, then read the
/// rest. Returns (status, stdout, stderr).
fn change_mid_scan(path: &Path, extra: &[&str], change: impl FnOnce()) -> (std::process::ExitStatus, Vec<u8>, String) {
    let p = path.display().to_string();
    let mut args = vec!["show", &p, "-l", "v: u64[..]", "--format", "jsonl"];
    args.extend(extra);
    let mut child = spawn(&args);
    let mut stdout = child.stdout.take().expect("stdout");
    let mut out = vec![0u8; 1 << 16];
    stdout.read_exact(&mut out).expect("first 64 KB");
    // binmap now fills the pipe and blocks (it formats at most a few
    // hundred thousand rows ahead, of 4 million).
    std::thread::sleep(Duration::from_millis(200));
    change();
    stdout.read_to_end(&mut out).expect("rest");
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("stderr");
    (child.wait().expect("wait"), out, err)
}

/// Every complete line is the value at its row: nothing read from a hole.
fn check_lines(out: &[u8]) -> usize {
    let text = String::from_utf8_lossy(out);
    let complete = match text.rfind('\n') {
        Some(i) => &text[..i],
        None => "",
    };
    let mut n = 0;
    for (i, line) in complete.lines().enumerate() {
        assert_eq!(line, i.to_string(), "line {i}");
        n += 1;
    }
    n
}

#[test]
fn truncated_while_mapped_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("big.bin");
    u64_file(&path, N);
    let t = Instant::now();
    let (status, out, err) = change_mid_scan(&path, &[], || truncate(&path, 4096));
    assert_eq!(status.signal(), None, "killed by a signal; stderr: {err}");
    assert_eq!(status.code(), Some(1), "{err}");
    assert_eq!(err, SHRANK);
    let lines = check_lines(&out);
    assert!((8192..N as usize).contains(&lines), "{lines} lines");
    eprintln!("truncated after {lines} of {N} rows: exit 1 in {:?}", t.elapsed());
}

#[test]
fn truncated_while_mapped_leaves_no_output_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("big.bin");
    let dest = dir.path().join("out.jsonl");
    let (p, d) = (path.display().to_string(), dest.display().to_string());
    for attempt in 0..3 {
        u64_file(&path, N);
        let mut child = spawn(&["show", &p, "-l", "v: u64[..]", "--format", "jsonl", "-o", &d]);
        // Wait until output reaches the temporary file, then freeze binmap.
        let t = Instant::now();
        let started = loop {
            let writing = std::fs::read_dir(dir.path()).expect("list").filter_map(|e| e.ok()).any(|e| {
                e.file_name().to_string_lossy().starts_with(".binmap-") && e.metadata().is_ok_and(|m| m.len() > 0)
            });
            if writing {
                break true;
            }
            if child.try_wait().expect("try_wait").is_some() || t.elapsed() > Duration::from_secs(20) {
                break false;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        let pid = child.id() as libc::pid_t;
        if !started {
            // Finished before we could stop it: try again.
            let _ = child.kill();
            let _ = child.wait();
            eprintln!("attempt {attempt}: binmap finished before it could be stopped");
            continue;
        }
        // SAFETY: `pid` is our child, not yet waited for.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0);
        truncate(&path, 4096);
        // SAFETY: as above.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGCONT) }, 0);
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.signal(), None, "killed by a signal; stderr: {err}");
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(err, SHRANK);
        assert!(!dest.exists(), "a partial output file was written");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["big.bin"], "the temporary file was not removed");
        return;
    }
    panic!("binmap always finished before it could be stopped");
}

#[test]
fn rewritten_while_mapped_is_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("big.bin");
    u64_file(&path, N);
    let (status, out, err) = change_mid_scan(&path, &[], || {
        use std::os::unix::fs::FileExt;
        let f = std::fs::OpenOptions::new().write(true).open(&path).expect("open");
        // Same size, new bytes near the end: binmap reads them later.
        f.write_all_at(&[0xff; 4096], (N - 1024) * 8).expect("rewrite");
    });
    assert_eq!(status.signal(), None, "{err}");
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("changed while binmap was reading it (it was modified)"), "{err}");
    let _ = out;
}

#[test]
fn no_mmap_survives_truncation() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("big.bin");
    u64_file(&path, N);
    let (status, out, err) = change_mid_scan(&path, &["--no-mmap"], || truncate(&path, 4096));
    assert_eq!(status.signal(), None, "{err}");
    // All rows were read before the truncation: every line is right, and
    // the change is still reported.
    assert_eq!(check_lines(&out), N as usize);
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("changed while binmap was reading it (it was {} bytes and is 4096 now)", N * 8)),
        "{err}"
    );
}

#[test]
fn no_mmap_reads_the_same_as_the_map() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("db.bin");
    let mut bytes = 3000u32.to_le_bytes().to_vec();
    for i in 0..3000u32 {
        let mut name = format!("rec{i}").into_bytes();
        name.resize(12, 0);
        bytes.extend(name);
        bytes.extend((i64::from(i) * 1_000_003).to_le_bytes());
        bytes.extend((i as f32 / 7.0).to_le_bytes());
    }
    std::fs::write(&path, &bytes).expect("write");
    let p = path.display().to_string();
    let layout = "n: u32\nrecords: { name: bytes[12], time: i64, value: f32 }[n]";
    let npy = dir.path().join("db.npy");
    let npy_s = npy.display().to_string();
    let run = |args: &[&str], how: u8| {
        let mut c = Command::new(BIN);
        match how {
            1 => c.arg("--no-mmap").args(args),
            2 => c.args(args).env("BINMAP_NO_MMAP", "1"),
            _ => c.args(args).env_remove("BINMAP_NO_MMAP"),
        };
        let out = c.output().expect("run");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let cases: Vec<Vec<&str>> = vec![
        vec!["show", &p, "-l", layout],
        vec!["show", &p, "-l", layout, "--format", "json"],
        vec!["show", &p, "-l", layout, "--format", "csv"],
        vec!["show", &p, "-l", layout, "records.value", "--rows", "-5..", "--format", "jsonl"],
        vec!["info", &p, "-l", layout],
        vec!["hex", "-l", "64", &p],
        vec!["convert", &p, "-l", layout, "-o", &npy_s],
    ];
    for args in &cases {
        let mapped = run(args, 0);
        let mapped_npy = std::fs::read(&npy).ok();
        for how in [1, 2] {
            assert!(run(args, how) == mapped, "{args:?} ({how}) differs from the mapped read");
            if args[0] == "convert" {
                assert!(std::fs::read(&npy).ok() == mapped_npy, "convert .npy differs");
            }
        }
    }
    // A .npy read back without a layout, both ways.
    let a = run(&["show", &npy_s, "--format", "csv", "--rows", "..3"], 0);
    assert_eq!(a, run(&["show", &npy_s, "--format", "csv", "--rows", "..3"], 1));
    assert!(
        String::from_utf8_lossy(&a).starts_with("name,time,value\nrec0,0,0.0\n"),
        "{}",
        String::from_utf8_lossy(&a)
    );
}
