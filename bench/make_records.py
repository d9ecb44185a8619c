#!/usr/bin/env python3
"""Generate the record files the benchmarks read (into /tmp, never the repo).

    python3 bench/make_records.py [--dir /tmp]

Writes, unless a file of the right size is already there:

* /tmp/records_50M.bin   50,000,000 records, 1.2 GB
* /tmp/records_500k.bin     500,000 records, 12 MB (same layout; for flat-memory checks)

numpy dtype [('name','S12'), ('time','<i8'), ('value','<f4')] (24 bytes a
record, the tutorial's db.dat layout: binmap `type Tick = { name: bytes[12],
time: i64, value: f32 }`, `records: Tick[..]`). Names are a handful of
tutorial-style tickers; times increase by a random 1..60 step; values are
normal(0, 3) rounded to 2 decimals, stored as float32. Fixed seed:
deterministic. Written in chunks of 5 M records (about 120 MB of RAM).
"""

import argparse
import os
import sys
import time

import numpy as np

DTYPE = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])
NAMES = np.array([b"MSFT_profit", b"GOOG_profit", b"INTC_profit", b"GOOD_profit",
                  b"AAPL_profit", b"AMZN_loss", b"IBM_profit"], dtype="S12")
CHUNK = 5_000_000


def make(path, n, seed):
    want = n * DTYPE.itemsize
    if os.path.exists(path) and os.path.getsize(path) == want:
        print("%s: exists, %d bytes, kept" % (path, want))
        return
    rng = np.random.default_rng(seed)
    t0 = time.time()
    tmp = path + ".part"
    last_time = 0
    with open(tmp, "wb") as f:
        done = 0
        while done < n:
            k = min(CHUNK, n - done)
            a = np.empty(k, dtype=DTYPE)
            a["name"] = NAMES[rng.integers(0, len(NAMES), size=k)]
            steps = rng.integers(1, 61, size=k, dtype=np.int64)
            a["time"] = last_time + np.cumsum(steps)
            last_time = int(a["time"][-1])
            a["value"] = np.round(rng.normal(0.0, 3.0, size=k), 2).astype(np.float32)
            a.tofile(f)
            done += k
    os.replace(tmp, path)
    print("%s: wrote %d records, %d bytes, in %.1f s" % (path, n, want, time.time() - t0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default="/tmp")
    a = ap.parse_args()
    if os.path.realpath(a.dir).startswith(os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))):
        sys.exit("refusing to write benchmark data into the repository")
    make(os.path.join(a.dir, "records_50M.bin"), 50_000_000, 50)
    make(os.path.join(a.dir, "records_500k.bin"), 500_000, 5)


if __name__ == "__main__":
    main()
