#!/usr/bin/env python3
"""`binmap hex` against xxd, hexyl and hexdump, in one run.

    python3 bench/hex.py [--runs 3] [--size-mib 256] [--skip-hexdump]

Data: /tmp/random_256MiB.bin (random bytes, fixed seed; made once, kept),
and from it, once, xxd's dumps /tmp/random_256MiB.xxd and .xxdp (the
inputs of the -r rows). Warm page cache (one warm-up run before timing),
output to /dev/null, every figure the median of --runs runs of the whole
process, measured in this same run: compare the ratios.

Rows: `binmap hex` vs `xxd`, `hexyl --color=never` (hexyl 0.8: no
`--border`-less mode, so it prints more per line) and `hexdump -C`
(bsdextrautils; about a minute on 256 MiB, so ONE run on a 32 MiB slice,
scaled by 8 and labelled as such); `-p` vs `xxd -p`; `-b` vs `xxd -b`;
`-r` vs `xxd -r` (of xxd's dump); `-r -p` vs `xxd -r -p` (of xxd's plain
dump). Output to /dev/null is seekable, so `-r` takes xxd's seeking path
there, as xxd does.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from common import find_binmap  # noqa: E402


def timed(cmd, stdin=None):
    with open(os.devnull, "wb") as null:
        src = open(stdin, "rb") if stdin else subprocess.DEVNULL
        t = time.perf_counter()
        subprocess.run(cmd, stdin=src, stdout=null, stderr=subprocess.PIPE, check=True)
        dt = time.perf_counter() - t
        if stdin:
            src.close()
    return dt


def median(cmd, runs, stdin=None, warm=True):
    if warm:
        timed(cmd, stdin)
    return statistics.median(timed(cmd, stdin) for _ in range(runs))


def ensure(path, size):
    if not os.path.exists(path) or os.path.getsize(path) != size:
        rng = random.Random(256)
        with open(path, "wb") as f:
            left = size
            while left:
                n = min(left, 1 << 24)
                f.write(rng.randbytes(n))
                left -= n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--size-mib", type=int, default=256)
    ap.add_argument("--skip-hexdump", action="store_true")
    a = ap.parse_args()
    binmap = find_binmap()
    size = a.size_mib << 20
    data = "/tmp/random_%dMiB.bin" % a.size_mib
    ensure(data, size)
    dump, pdump = data[:-4] + ".xxd", data[:-4] + ".xxdp"
    for path, args in ((dump, []), (pdump, ["-p"])):
        if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(data):
            with open(path, "wb") as f:
                subprocess.run(["xxd", *args, data], stdout=f, check=True)
    slice32 = "/tmp/random_32MiB_slice.bin"
    if not os.path.exists(slice32) or os.path.getsize(slice32) != 32 << 20:
        with open(data, "rb") as f, open(slice32, "wb") as g:
            g.write(f.read(32 << 20))
    xxd_v = subprocess.run(["xxd", "-v"], capture_output=True, text=True).stderr.strip()
    hexyl = shutil.which("hexyl")
    print("binmap: %s; runs: %d (median), warm page cache, output to /dev/null; %d cores; %s; %s"
          % (binmap, a.runs, os.cpu_count(), xxd_v,
             subprocess.run(["hexyl", "--version"], capture_output=True, text=True).stdout.strip()
             if hexyl else "hexyl not installed"))
    print()
    print("| workload (%d MiB) | command | median | vs binmap | note |" % a.size_mib)
    print("|---|---|---|---|---|")
    r = a.runs

    def group(title, ours, peers):
        t0 = median(ours[1], r, ours[2] if len(ours) > 2 else None)
        print("| %s | `%s` | %.3f s | 1.00x | %.0f MB/s in |" % (title, ours[0], t0, size / t0 / 1e6))
        for p in peers:
            label, cmd = p[0], p[1]
            note = p[3] if len(p) > 3 else ""
            runs, scale, stdin = p[2] if len(p) > 2 and p[2] else (r, 1, None)
            t = median(cmd, runs, stdin, warm=runs > 1) * scale
            print("| | `%s` | %.3f s | %.2fx | %s |" % (label, t, t / t0, note))
            sys.stdout.flush()

    group("hex dump", ("binmap hex FILE", [binmap, "hex", data]),
          [("xxd FILE", ["xxd", data])]
          + ([("hexyl --color=never FILE", [hexyl, "--color=never", data])] if hexyl else [])
          + ([] if a.skip_hexdump else
             [("hexdump -C FILE", ["hexdump", "-C", slice32], (1, size / (32 << 20), None),
               "ONE run on a 32 MiB slice, x%g" % (size / (32 << 20)))]))
    group("plain", ("binmap hex -p FILE", [binmap, "hex", "-p", data]), [("xxd -p FILE", ["xxd", "-p", data])])
    group("bits", ("binmap hex -b FILE", [binmap, "hex", "-b", data]), [("xxd -b FILE", ["xxd", "-b", data])])
    group("reverse", ("binmap hex -r DUMP", [binmap, "hex", "-r", dump]), [("xxd -r DUMP", ["xxd", "-r", dump])])
    group("reverse plain", ("binmap hex -r -p PDUMP", [binmap, "hex", "-r", "-p", pdump]),
          [("xxd -r -p PDUMP", ["xxd", "-r", "-p", pdump])])
    # The annotated dump: the same bytes read as 16-byte records of four
    # fields, so every line names its fields (the target: as fast as plain xxd).
    layout = "records: { id: u32, t: f64, tag: bytes[4] }[..]"
    group("annotated", ("binmap hex FILE --layout L --color never",
                        [binmap, "hex", data, "--layout", layout, "--color", "never"]),
          [("binmap hex FILE --layout L --color always",
            [binmap, "hex", data, "--layout", layout, "--color", "always"], None, "with colour codes"),
           ("xxd FILE", ["xxd", data], None, "plain dump, no annotation")])


if __name__ == "__main__":
    main()
