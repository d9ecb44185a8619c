#!/usr/bin/env python3
"""`binmap hex` against xxd, hexyl and hexdump, in one run.

    python3 bench/hex.py [--runs 3] [--size-mib 256] [--skip-hexdump] [--taskset 0]

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

Each row also gives the CPU time (user + sys, from wait4) and its ratio.
`--taskset 0` runs every command (binmap and the peers alike) on one core:
binmap's parallel formatting then has no second core, and the ratio is
that of the single-threaded paths.
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


PIN = []


def timed(cmd, stdin=None):
    """(wall seconds, CPU seconds: user + sys from wait4) of one run."""
    with open(os.devnull, "wb") as null:
        src = open(stdin, "rb") if stdin else subprocess.DEVNULL
        t = time.perf_counter()
        p = subprocess.Popen(PIN + cmd, stdin=src, stdout=null, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            raise subprocess.CalledProcessError(p.returncode, cmd)
        if stdin:
            src.close()
    return dt, ru.ru_utime + ru.ru_stime


def median(cmd, runs, stdin=None, warm=True):
    """Medians of the wall and CPU times of `runs` runs."""
    if warm:
        timed(cmd, stdin)
    got = [timed(cmd, stdin) for _ in range(runs)]
    return statistics.median(w for w, _ in got), statistics.median(c for _, c in got)


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
    ap.add_argument("--taskset", metavar="CPUS",
                    help="run every command (binmap and its peers) under `taskset -c CPUS`: "
                         "`--taskset 0` puts all on one core")
    a = ap.parse_args()
    if a.taskset:
        PIN[:] = ["taskset", "-c", a.taskset]
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
    print("binmap: %s; runs: %d (median), warm page cache, output to /dev/null; %d cores%s; %s; %s"
          % (binmap, a.runs, os.cpu_count(), ", every command under taskset -c " + a.taskset if a.taskset else "",
             xxd_v,
             subprocess.run(["hexyl", "--version"], capture_output=True, text=True).stdout.strip()
             if hexyl else "hexyl not installed"))
    print()
    print("load average at start: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    print()
    print("| workload (%d MiB) | command | median | vs binmap | CPU (user+sys) | CPU vs binmap | note |" % a.size_mib)
    print("|---|---|---|---|---|---|---|")
    r = a.runs

    def group(title, ours, peers):
        t0, c0 = median(ours[1], r, ours[2] if len(ours) > 2 else None)
        print("| %s | `%s` | %.3f s | 1.00x | %.3f s | 1.00x | %.0f MB/s in |" % (
            title, ours[0], t0, c0, size / t0 / 1e6))
        for p in peers:
            label, cmd = p[0], p[1]
            note = p[3] if len(p) > 3 else ""
            runs, scale, stdin = p[2] if len(p) > 2 and p[2] else (r, 1, None)
            t, c = median(cmd, runs, stdin, warm=runs > 1)
            t, c = t * scale, c * scale
            print("| | `%s` | %.3f s | %.2fx | %.3f s | %.2fx | %s |" % (label, t, t / t0, c, c / c0, note))
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
