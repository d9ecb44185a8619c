"""Helpers shared by the benchmark scripts: finding the binary, timing,
running shell commands, formatting times."""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def find_binmap():
    """$BINMAP, else target/release/binmap (else the debug build, with a warning)."""
    env = os.environ.get("BINMAP")
    cands = [Path(env)] if env else [ROOT / "target/release/binmap", ROOT / "target/debug/binmap"]
    for p in cands:
        if not p.is_absolute():
            p = ROOT / p
        if p.exists():
            if "debug" in p.parts:
                print("warning: using a DEBUG build (%s): timings are not meaningful" % p, file=sys.stderr)
            return str(p)
    sys.exit("error: binmap binary not found (%s); build it with `cargo build --release` or set BINMAP"
             % ", ".join(map(str, cands)))


def median_time(fn, runs, warmup=True):
    """(median, all times) of `runs` calls of fn, after one warm-up call."""
    if warmup:
        fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), ts


def sh(cmd):
    """Run a shell command, output handled by the command line itself; fail loudly."""
    r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s" % (r.returncode, cmd, r.stderr.decode(errors="replace")[-2000:]))
    return r.stdout


def fmt_s(s):
    if s is None:
        return "n/a"
    return "%.3f s" % s if s >= 0.1 else "%.1f ms" % (s * 1e3)


def run_timed(argv, stdout=subprocess.PIPE, stdin=None):
    """Run argv (a list, no shell) once and time it as a whole process; never raises
    on failure. Returns (seconds, returncode, stdout bytes or None, stderr bytes)."""
    t = time.perf_counter()
    r = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, stdin=stdin)
    return time.perf_counter() - t, r.returncode, r.stdout, r.stderr


def first_line(b):
    """The first non-empty line of a command's stderr (bytes or str), for a one-line report."""
    if isinstance(b, bytes):
        b = b.decode(errors="replace")
    for line in b.splitlines():
        if line.strip():
            return line.strip()
    return "(no message)"
