//! `pack` streams in constant memory (issue 15): 5 M and 50 M CSV records
//! through pipes (no input or output file: nothing on disk), the output
//! checked record by record, peak RSS from `wait4` within 64 MiB. No time
//! is asserted. In a file of its own: a child's peak RSS starts from its
//! parent's at the fork, so this test process must stay small.

use std::io::{BufWriter, Read, Write};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_binmap");
const TICK: &str = "records: { name: bytes[12], time: i64, value: f32 }[..]";

/// A deterministic record: (name, time, value).
fn record(i: u64) -> (String, i64, f32) {
    let name = format!("N{:04}_x", (i.wrapping_mul(2654435761)) % 4096);
    let time = (i as i64) * 37 - 1_000_000;
    let value = ((i % 2001) as f32 - 1000.0) / 8.0;
    (name, time, value)
}

fn record_bytes(i: u64, out: &mut Vec<u8>) {
    let (name, time, value) = record(i);
    let mut n = [0u8; 12];
    n[..name.len()].copy_from_slice(name.as_bytes());
    out.extend_from_slice(&n);
    out.extend_from_slice(&time.to_le_bytes());
    out.extend_from_slice(&value.to_le_bytes());
}

fn csv_line(i: u64, out: &mut Vec<u8>) {
    let (name, time, value) = record(i);
    writeln!(out, "{name},{time},{value:?}").expect("write");
}

/// Peak RSS of `binmap pack` fed `n` CSV records through a pipe, its
/// output read back through a pipe and compared with the expected bytes.
fn pack_through_pipes(n: u64, layout: &str, header: &[u8]) -> u64 {
    // Spawned before this process holds any data, so that the child's peak
    // resident set does not start from this process's (see tests/common).
    #[allow(clippy::zombie_processes, reason = "reaped below by wait4, which also reports its usage")]
    let mut child = Command::new(BIN)
        .args(["pack", "-l", layout, "-", "--format", "csv", "-o", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let feeder = std::thread::spawn(move || {
        let mut w = BufWriter::with_capacity(1 << 20, stdin);
        let mut line = Vec::with_capacity(64);
        w.write_all(b"name,time,value\n")?;
        for i in 0..n {
            line.clear();
            csv_line(i, &mut line);
            w.write_all(&line)?;
        }
        w.flush()
    });
    let want_header = header.to_vec();
    let checker = std::thread::spawn(move || {
        let mut got = vec![0u8; want_header.len()];
        stdout.read_exact(&mut got).expect("header");
        assert_eq!(got, want_header, "header");
        let mut want = Vec::with_capacity(24 << 12);
        let mut buf = vec![0u8; 24 << 12];
        let mut i = 0u64;
        loop {
            let mut filled = 0;
            while filled < buf.len() {
                match stdout.read(&mut buf[filled..]).expect("read") {
                    0 => break,
                    k => filled += k,
                }
            }
            if filled == 0 {
                break;
            }
            assert_eq!(filled % 24, 0, "whole records");
            want.clear();
            for _ in 0..filled / 24 {
                record_bytes(i, &mut want);
                i += 1;
            }
            assert!(buf[..filled] == want[..], "records before {i} differ");
        }
        i
    });
    let mut err = String::new();
    stderr.read_to_string(&mut err).expect("stderr");
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value of that plain C struct; the
    // pid is our child, reaped once here (std's Child does not reap on drop).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid);
    feeder.join().expect("feeder").expect("feeding the input");
    let records = checker.join().expect("checker");
    assert_eq!(status, 0, "binmap pack failed: {err}");
    assert_eq!(records, n);
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn memory_does_not_grow_with_the_input_5m() {
    let rss = pack_through_pipes(5_000_000, TICK, &[]);
    eprintln!("pack of 5 M records: peak RSS {:.1} MiB", rss as f64 / 1048576.0);
    assert!(rss <= 64 << 20, "peak RSS {} MiB for 5 M records", rss >> 20);
}

#[test]
fn memory_does_not_grow_with_the_input_50m() {
    let rss = pack_through_pipes(50_000_000, TICK, &[]);
    eprintln!("pack of 50 M records: peak RSS {:.1} MiB", rss as f64 / 1048576.0);
    assert!(rss <= 64 << 20, "peak RSS {} MiB for 50 M records", rss >> 20);
}
