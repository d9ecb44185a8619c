#!/usr/bin/env python3
"""`binmap guess` on a 1 GB record file (issue 17: under 2 s; it samples,
it never reads the whole file).

    cargo build --release -p binmap-cli
    python3 bench/guess.py                 # 1 GB (1,000,000,000 bytes), 5 runs
    python3 bench/guess.py --mb 64 --runs 3

Data: a header `count: u32` then `count` records of
{ time: i64 (increasing), x: f64 (a random walk), name: S8 (one of 7 ticker
names), value: f32 (rounded to cents) }, 28 bytes each, little endian,
written in chunks by numpy into a temporary directory under /tmp and deleted
afterwards. Every run is a whole process (`binmap guess FILE`) timed with
time.perf_counter around subprocess.run, after one warm-up run; the figure
is the median. Two cases: the page cache warm (the file was just written),
and cold pages for the file (`posix_fadvise(DONTNEED)` before every run;
the kernel may keep some pages anyway). The guess is checked: confident,
the count field and the record size found.
"""

import argparse
import os
import shutil
import sys
import tempfile

import numpy as np

from common import fmt_s, find_binmap, median_time, run_timed

DT = np.dtype([("time", "<i8"), ("x", "<f8"), ("name", "S8"), ("value", "<f4")])
NAMES = np.array([b"MSFT", b"GOOG", b"INTC", b"AAPL", b"AMZN", b"NVDA", b"IBM"], dtype="S8")


def write(path, total_bytes):
    """The header and as many records as fit in total_bytes; returns the count."""
    n = (total_bytes - 4) // DT.itemsize
    rng = np.random.default_rng(17)
    chunk = 4_000_000
    with open(path, "wb") as f:
        f.write(np.uint32(n).tobytes())
        t, x = 1_600_000_000_000, 12.5
        for start in range(0, n, chunk):
            k = min(chunk, n - start)
            a = np.empty(k, DT)
            steps = rng.integers(1, 120, k)
            a["time"] = t + np.cumsum(steps)
            t = int(a["time"][-1])
            a["x"] = x + np.cumsum(rng.normal(0, 1e-3, k))
            x = float(a["x"][-1])
            a["name"] = NAMES[rng.integers(0, len(NAMES), k)]
            a["value"] = np.round(rng.normal(20, 3, k), 2)
            a.tofile(f)
    return n


def drop_cache(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=1000, help="file size in MB (10^6 bytes); default 1000")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    binmap = find_binmap()
    tmp = tempfile.mkdtemp(prefix="binmap-guess-", dir="/tmp")
    try:
        path = os.path.join(tmp, "records.bin")
        n = write(path, a.mb * 1_000_000)
        size = os.path.getsize(path)
        print("file: %s, %d bytes, %d records of %d bytes after a u32 count" % (path, size, n, DT.itemsize))

        secs, code, out, err = run_timed([binmap, "guess", path])
        text = out.decode()
        ok = code == 0 and "# confident" in text and "count: i32" in text and "records of 28 bytes" in text
        print(text)
        if not ok:
            sys.exit("error: unexpected guess (exit %d): %s" % (code, err.decode()[-500:]))

        def once():
            run_timed([binmap, "guess", path])

        warm, ts = median_time(once, a.runs)
        print("warm page cache: median %s over %d runs (%s)" % (fmt_s(warm), a.runs, ", ".join(fmt_s(t) for t in ts)))

        def cold():
            drop_cache(path)
            run_timed([binmap, "guess", path])

        cold_t, ts = median_time(cold, a.runs)
        print("file pages dropped before each run: median %s over %d runs (%s)"
              % (fmt_s(cold_t), a.runs, ", ".join(fmt_s(t) for t in ts)))
        print("target: under 2 s for 1 GB: %s" % ("met" if max(warm, cold_t) < 2.0 else "MISSED"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
