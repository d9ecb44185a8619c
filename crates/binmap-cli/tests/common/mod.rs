//! What the CLI tests share: run a command (the `binmap` binary) and
//! measure what that one run cost: its wall time, CPU time and peak
//! resident memory, from `wait4`.
//!
//! A test file uses it with `mod common;`. The command is not started by
//! the test process itself but by a fresh copy of the test binary (the
//! [`measure_helper`] test, run alone): on Linux a process's peak resident
//! set (`ru_maxrss`) starts from the peak of the process it was forked
//! from, so a child of a test that has built a few hundred megabytes of
//! expected output would report them as its own. Forked from the small
//! helper, it reports its own memory plus a few megabytes at most.
//!
//! A run is killed when it outlives [`WATCHDOG`] or writes more than
//! [`MAX_OUTPUT`] bytes to stdout, so a hang or a runaway dump fails its
//! test instead of blocking the suite or filling the disk.

// Each test file that includes this module uses a part of it.
#![allow(dead_code)]

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The shipped examples: (layout name in examples/, data file).
pub const EXAMPLES: [(&str, &str); 6] = [
    ("data", "data.bin"),
    ("db", "db.dat"),
    ("flight_path", "flight_path.b"),
    ("flight_log", "flight_log.b"),
    ("array", "array.b"),
    ("tmp", "tmp.b"),
];

/// A run still going after this long is killed (SIGKILL).
pub const WATCHDOG: Duration = Duration::from_secs(60);
/// A run that writes more than this to stdout is killed.
pub const MAX_OUTPUT: u64 = 256 << 20;
/// Set in the helper's environment: the folder of the command it runs.
const JOB: &str = "BINMAP_TEST_MEASURE_JOB";

/// One finished run.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
    /// From starting the process to reaping it.
    pub wall: Duration,
    /// CPU time of the process in user mode: its own work.
    pub user: Duration,
    /// CPU time of the kernel for the process: mostly reads and writes, and
    /// the page faults of the memory it touches.
    pub sys: Duration,
    /// Peak resident set of the process, in bytes: its own pages and the
    /// pages of mapped files it touched.
    pub max_rss: u64,
}

impl Run {
    /// The exit code, or -1 when a signal ended the process.
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }

    /// User plus system CPU time.
    pub fn cpu(&self) -> Duration {
        self.user + self.sys
    }
}

/// Run `cmd` (its program, arguments and folder; stdin empty) and measure it.
pub fn measure(cmd: &Command) -> Run {
    let job = tempfile::tempdir().expect("job folder");
    let mut spec = Vec::new();
    let dir = cmd.get_current_dir().map_or_else(|| std::env::current_dir().expect("cwd"), Path::to_path_buf);
    for part in [dir.as_os_str(), cmd.get_program()].into_iter().chain(cmd.get_args()) {
        spec.extend_from_slice(part.as_encoded_bytes());
        spec.push(0);
    }
    std::fs::write(job.path().join("command"), spec).expect("write the command");
    let exe = std::env::current_exe().expect("the test binary");
    let mut helper = Command::new(exe)
        .args(["--exact", "common::measure_helper", "--test-threads=1", "--quiet"])
        .env(JOB, job.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(job.path().join("helper")).expect("helper log"))
        .stderr(Stdio::null())
        .spawn()
        .expect("start the measuring helper");
    let (start, stdout) = (Instant::now(), job.path().join("stdout"));
    let (mut late, mut too_much) = (false, false);
    let finished = loop {
        if let Some(status) = helper.try_wait().expect("wait for the helper") {
            break status;
        }
        late |= start.elapsed() > WATCHDOG;
        too_much |= std::fs::metadata(&stdout).is_ok_and(|m| m.len() > MAX_OUTPUT);
        if late || too_much {
            // The command dies with the helper (PR_SET_PDEATHSIG).
            let _ = helper.kill();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let helper_log = std::fs::read_to_string(job.path().join("helper")).unwrap_or_default();
    assert!(!late, "{cmd:?} still ran after {WATCHDOG:?}");
    assert!(!too_much, "{cmd:?} wrote more than {MAX_OUTPUT} bytes");
    assert!(finished.success(), "the measuring helper failed for {cmd:?}: {helper_log}");
    let usage = std::fs::read_to_string(job.path().join("usage")).expect("the helper's report");
    let v: Vec<u64> = usage.split_whitespace().map(|w| w.parse().expect("a number")).collect();
    let [status, wall_us, user_us, sys_us, max_rss_kb] = v[..] else { panic!("bad report {usage:?}") };
    Run {
        status: ExitStatus::from_raw(i32::try_from(status).expect("status")),
        stdout: std::fs::read(&stdout).expect("stdout"),
        stderr: String::from_utf8_lossy(&std::fs::read(job.path().join("stderr")).expect("stderr")).into_owned(),
        wall: Duration::from_micros(wall_us),
        user: Duration::from_micros(user_us),
        sys: Duration::from_micros(sys_us),
        max_rss: max_rss_kb * 1024,
    }
}

/// The helper: run the command [`measure`] wrote, wait for it with `wait4`
/// and write down what it cost. In a normal test run it does nothing.
#[test]
fn measure_helper() {
    let Some(job) = std::env::var_os(JOB) else { return };
    let job = Path::new(&job);
    let spec = std::fs::read(job.join("command")).expect("the command");
    let mut parts = spec.split(|&b| b == 0).map(|p| {
        // SAFETY: the bytes came from `as_encoded_bytes` in this same binary.
        unsafe { std::ffi::OsStr::from_encoded_bytes_unchecked(p) }
    });
    let (dir, program) = (parts.next().expect("folder"), parts.next().expect("program"));
    let args: Vec<_> = parts.collect();
    let args = &args[..args.len() - 1]; // after the last NUL
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .env_remove(JOB)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(job.join("stdout")).expect("stdout file"))
        .stderr(std::fs::File::create(job.join("stderr")).expect("stderr file"));
    // SAFETY: prctl is async-signal-safe; it only sets a flag of the child.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let start = Instant::now();
    #[allow(clippy::zombie_processes, reason = "reaped below by wait4, which also reports its usage")]
    let child = cmd.spawn().expect("start the command");
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value of that plain C struct, and
    // both pointers are valid for the call; std's Child never reaps on drop,
    // so this pid is ours to reap, once.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = loop {
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r != -1 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            break r;
        }
    };
    assert_eq!(reaped, pid, "wait4: {}", std::io::Error::last_os_error());
    let wall = start.elapsed().as_micros();
    let us = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    let (user, sys) = (us(usage.ru_utime), us(usage.ru_stime));
    let report = format!("{} {wall} {user} {sys} {}\n", status as u32, usage.ru_maxrss);
    std::fs::write(job.join("usage"), report).expect("write the report");
}

/// The `binmap` binary, without `BINMAP_STRICT` from the environment.
pub fn binmap_cmd() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("binmap").expect("binary");
    c.env_remove("BINMAP_STRICT");
    c
}

/// Run `binmap ARGS`: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = binmap_cmd().args(args).output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `binmap pack -l LAYOUT -o - -` with `json` on stdin: (exit code, bytes, stderr).
pub fn pack(layout: &str, json: &str) -> (i32, Vec<u8>, String) {
    let out = binmap_cmd().args(["pack", "-l", layout, "-o", "-", "-"]).write_stdin(json).output().expect("run");
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}
