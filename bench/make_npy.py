#!/usr/bin/env python3
"""Generate the files issue3.py reads (into /tmp, never the repo).

    python3 bench/make_npy.py [--dir /tmp]

Writes, unless a file of the right size is already there:

* /tmp/struct_1M.bin       1,000,000 records of Python struct '<12sqf', 24 MB
* /tmp/f64_1GiB.npy        np.save of 134,217,728 float64 (1 GiB of data + 128-byte header)
* /tmp/f64_2d_1GiB.npy     the same values, np.save of shape (16777216, 8)
* /tmp/f64_12MB.npy        np.save of 1,500,000 float64 (12 MB; for flat-memory checks)

struct_1M.bin (numpy [('name','S12'),('time','<i8'),('value','<f4')], packed,
= struct '<12sqf'): names are, for 7 records in 8, one of eight
tutorial-style tickers padded with NUL bytes (one of them, `café_profit`,
is non-ASCII UTF-8), and for 1 in 8, 12 random bytes (almost always invalid
UTF-8, so binmap's JSON prints them as {"hex": ...}); times are uniform
over the whole int64 range; values are normal(0, 3) as float32, except 1 in
64 which are random float32 bit patterns (NaN, inf, subnormals, huge
exponents). The float64 arrays are standard normal. Fixed seeds:
deterministic. The 1 GiB array is built in memory (about 2 GiB of RAM at
the peak, a few seconds).
"""

import argparse
import os
import sys
import time

import numpy as np

REC = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])
NAMES = np.array([b"MSFT_profit", b"GOOG_profit", b"INTC_profit", b"GOOD_profit",
                  b"AAPL_profit", b"AMZN_loss", b"IBM_profit", "café_profit".encode()], dtype="S12")
N_F64 = 134_217_728
NPY_HEADER = 128  # np.save's v1.0 header for these shapes


def have(path, size):
    if os.path.exists(path) and os.path.getsize(path) == size:
        print("%s: exists, %d bytes, kept" % (path, size))
        return True
    return False


def make_struct(path, n, seed):
    if have(path, n * REC.itemsize):
        return
    t0 = time.time()
    rng = np.random.default_rng(seed)
    a = np.empty(n, dtype=REC)
    a["name"] = NAMES[rng.integers(0, len(NAMES), size=n)]
    rnd = rng.random(n) < 1 / 8
    raw = rng.integers(0, 256, size=(int(rnd.sum()), 12), dtype=np.uint8)
    a["name"][rnd] = raw.view("S12").ravel()  # (S12 drops trailing NULs on read, the bytes stay)
    a["time"] = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, size=n, dtype=np.int64,
                             endpoint=True)
    v = rng.normal(0.0, 3.0, size=n).astype(np.float32)
    bits = rng.random(n) < 1 / 64
    v[bits] = rng.integers(0, 2**32, size=int(bits.sum()), dtype=np.uint32).view(np.float32)
    a["value"] = v
    tmp = path + ".part"
    a.tofile(tmp)
    os.replace(tmp, path)
    print("%s: wrote %d records in %.1f s" % (path, n, time.time() - t0))


def make_f64(dirn):
    big = os.path.join(dirn, "f64_1GiB.npy")
    big2 = os.path.join(dirn, "f64_2d_1GiB.npy")
    small = os.path.join(dirn, "f64_12MB.npy")
    want = N_F64 * 8 + NPY_HEADER
    a = None
    for path, shape, seed in ((big, (N_F64,), 64), (big2, (N_F64 // 8, 8), 64)):
        if have(path, want):
            continue
        t0 = time.time()
        if a is None:
            a = np.random.default_rng(seed).standard_normal(N_F64)
        tmp = path + ".part.npy"
        np.save(tmp, a.reshape(shape))
        os.replace(tmp, path)
        print("%s: wrote shape %s in %.1f s" % (path, shape, time.time() - t0))
    del a
    if not have(small, 1_500_000 * 8 + NPY_HEADER):
        tmp = small + ".part.npy"
        np.save(tmp, np.random.default_rng(12).standard_normal(1_500_000))
        os.replace(tmp, small)
        print("%s: written" % small)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default="/tmp")
    a = ap.parse_args()
    if os.path.realpath(a.dir).startswith(os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))):
        sys.exit("refusing to write benchmark data into the repository")
    make_struct(os.path.join(a.dir, "struct_1M.bin"), 1_000_000, 3)
    make_f64(a.dir)


if __name__ == "__main__":
    main()
