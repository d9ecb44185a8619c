#!/usr/bin/env python3
"""The Python package (issue 13) against numpy, pyarrow, the CLI and a
`struct` loop, side by side in one run.

    python3 bench/make_records.py          # once: /tmp/records_50M.bin (1.2 GB)
    pip install ./python pyarrow           # the package under test
    python3 bench/python.py [--runs 5] [--file /tmp/records_50M.bin] [--var-records 200000]

Workloads (median of --runs after a warm-up, warm page cache):

A. open + map of the 1.2 GB file and the record array (Python time)
   against np.memmap;
B. f["records"]["value"].sum() against np.memmap(...)["value"].sum();
C. f.to_arrow("records") against pyarrow.table built from the memmap's
   fields (which copies);
D. f.stats("value", by="name", where="value > 0") against the CLI's
   `binmap stats` (whole process, and minus the start-up measured on the
   8-record db.dat);
E. decoding a variable-size layout (a count, then records of a u16 length,
   that many bytes of UTF-8, an f64 and an i32) into Python: the struct loop
   a user would write against f.values() (the JSON shape), f.to_arrow(),
   open alone (resolving the map), and f.to_pandas(), in wall time and, for
   to_arrow, in CPU time (it runs on all cores); and the flight log's fixed
   records (t, x, y, z) by struct against f["log"] (a view).
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, List, Tuple

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from common import find_binmap  # noqa: E402

import binmap  # noqa: E402

TICK = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])
LAYOUT = "type Tick = { name: bytes[12], time: i64, value: f32 }\nrecords: Tick[..]"
VAR_LAYOUT = "n: u32\nmsgs: { len: u16, text: utf8[len], t: f64, v: i32 }[n]"


def median(
    fn: Callable[[], Any],
    runs: int,
    warmup: bool = True,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """The median time of ``fn`` (``clock=time.process_time``: CPU time of
    the process, all threads)."""
    if warmup:
        fn()
    ts = []
    for _ in range(runs):
        t = clock()
        fn()
        ts.append(clock() - t)
    return statistics.median(ts)


def pair(
    fa: Callable[[], Any],
    fb: Callable[[], Any],
    runs: int,
    clock: Callable[[], float] = time.perf_counter,
) -> Tuple[float, float]:
    """Medians of fa and fb, run alternately (a busy machine slows both
    alike); ``clock=time.process_time`` for CPU time (all threads)."""
    fa()
    fb()
    ta, tb = [], []
    for _ in range(runs):
        t = clock()
        fa()
        ta.append(clock() - t)
        t = clock()
        fb()
        tb.append(clock() - t)
    return statistics.median(ta), statistics.median(tb)


def fmt(s: float) -> str:
    if s >= 0.1:
        return f"{s:.3f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def var_file(path: Path, n: int) -> None:
    rng = np.random.default_rng(5)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "théta"]
    out = [struct.pack("<I", n)]
    for i in range(n):
        text = " ".join(
            words[j] for j in rng.integers(0, len(words), int(rng.integers(1, 5)))
        ).encode()
        out.append(struct.pack("<H", len(text)) + text + struct.pack("<di", i * 0.5, int(i % 1000)))
    path.write_bytes(b"".join(out))


def struct_loop(path: Path) -> List[Tuple[str, float, int]]:
    b = path.read_bytes()
    (n,) = struct.unpack_from("<I", b, 0)
    off = 4
    out = []
    for _ in range(n):
        (ln,) = struct.unpack_from("<H", b, off)
        off += 2
        text = b[off : off + ln].decode("utf-8")
        off += ln
        t, v = struct.unpack_from("<di", b, off)
        off += 12
        out.append((text, t, v))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--file", default="/tmp/records_50M.bin")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--var-records", type=int, default=200_000)
    ap.add_argument("--skip-cli", action="store_true")
    a = ap.parse_args()
    path = Path(a.file)
    if not path.exists():
        sys.exit(f"{path} is missing: run python3 bench/make_records.py first")
    rows: List[Tuple[str, str, str, str, str]] = []

    def row(work: str, ours: float, peer_name: str, peer: float, target: str) -> None:
        ratio = peer / ours if ours > 0 else float("inf")
        rows.append((work, fmt(ours), f"{peer_name}: {fmt(peer)}", f"{ratio:.2f}x", target))
        print(
            f"{work:58} binmap {fmt(ours):>10}   {peer_name} {fmt(peer):>10}   {ratio:6.2f}x",
            flush=True,
        )

    n = path.stat().st_size // TICK.itemsize
    print(f"{path}: {n:,} records, {path.stat().st_size / 1e9:.2f} GB; runs={a.runs}", flush=True)

    # A. open + map (Python time).
    def open_binmap() -> None:
        f = binmap.open(path, LAYOUT)
        f["records"]

    def open_numpy() -> None:
        np.memmap(path, dtype=TICK, mode="r")

    row(
        "A. open + map + record array",
        median(open_binmap, 50),
        "np.memmap",
        median(open_numpy, 50),
        "< 1 ms",
    )

    # B. the sum of a strided field: the same memory.
    f = binmap.open(path, LAYOUT)
    mm = np.memmap(path, dtype=TICK, mode="r")
    t_b, t_n = pair(lambda: f["records"]["value"].sum(), lambda: mm["value"].sum(), 2 * a.runs)
    assert f["records"]["value"].sum() == mm["value"].sum()
    row('B. f["records"]["value"].sum()', t_b, "np.memmap", t_n, "within 10%")

    # C. Arrow.
    import pyarrow as pa

    def arrow_numpy() -> Any:
        return pa.table({k: pa.array(mm[k]) for k in TICK.names})

    t_b, t_n = pair(lambda: f.to_arrow("records"), arrow_numpy, a.runs)
    row('C. to_arrow("records")', t_b, "pa.table(memmap)", t_n, ">= 2x")
    c_b, c_n = pair(lambda: f.to_arrow("records"), arrow_numpy, a.runs, time.process_time)
    row("C. the same, CPU time of the process (all threads)", c_b, "pa.table(memmap)", c_n, "")

    # D. stats against the CLI.
    if not a.skip_cli:
        exe = find_binmap()
        cond = "value > 0"
        cmd = [
            exe,
            "stats",
            str(path),
            "-l",
            LAYOUT,
            "value",
            "--by",
            "name",
            "--where",
            cond,
            "-f",
            "json",
        ]
        small = [exe, "stats", str(ROOT / "examples/db.dat"), "-l", LAYOUT, "value", "--by", "name",
                 "--where", cond, "-f", "json"]  # fmt: skip
        run = lambda c: subprocess.run(
            c, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )  # noqa: E731
        t_b, t_cli = pair(lambda: f.stats("value", by="name", where=cond), lambda: run(cmd), a.runs)
        t_start = median(lambda: run(small), a.runs)
        row("D. stats value --by name --where 'value > 0'", t_b, "CLI", t_cli, "same speed")
        row(
            "D'. the same, CLI minus its start-up",
            t_b,
            "CLI - start",
            t_cli - t_start,
            "same speed",
        )

    # E. variable-size records into Python.
    with tempfile.TemporaryDirectory() as d:
        vp = Path(d) / "var.bin"
        var_file(vp, a.var_records)
        g = binmap.open(vp, VAR_LAYOUT)
        ref = struct_loop(vp)
        vals = g.values("msgs")
        assert [(r["text"], r["t"], r["v"]) for r in vals] == ref
        t_s = median(lambda: struct_loop(vp), max(3, a.runs // 2))
        row(f"E. {a.var_records:,} variable-size records: f.values()", median(lambda: g.values("msgs"), a.runs),
            "struct loop", t_s, ">= 10x")  # fmt: skip
        row(
            "E. the same: f.to_arrow()",
            median(lambda: g.to_arrow("msgs"), a.runs),
            "struct loop",
            t_s,
            ">= 10x",
        )
        row(
            "E. the same: open + f.to_arrow()",
            median(lambda: binmap.open(vp, VAR_LAYOUT).to_arrow("msgs"), a.runs),
            "struct loop",
            t_s,
            ">= 10x",
        )
        row(
            "E. the same: open alone (resolving the map)",
            median(lambda: binmap.open(vp, VAR_LAYOUT), a.runs),
            "struct loop",
            t_s,
            "",
        )
        c_s = median(lambda: struct_loop(vp), max(3, a.runs // 2), clock=time.process_time)
        row(
            "E. the same: f.to_arrow(), CPU time (all threads)",
            median(lambda: g.to_arrow("msgs"), a.runs, clock=time.process_time),
            "struct loop",
            c_s,
            ">= 10x",
        )
        row(
            "E. the same: open + f.to_arrow(), CPU time",
            median(
                lambda: binmap.open(vp, VAR_LAYOUT).to_arrow("msgs"),
                a.runs,
                clock=time.process_time,
            ),
            "struct loop",
            c_s,
            ">= 10x",
        )
        row(
            "E. the same: f.to_pandas()",
            median(lambda: g.to_pandas("msgs"), a.runs),
            "struct loop",
            t_s,
            ">= 10x",
        )
        # The flight log's fixed records: t, x, y, z.
        lp = Path(d) / "log.b"
        m = 1_000_000
        rng = np.random.default_rng(1)
        lp.write_bytes(struct.pack("<i", m) + rng.normal(size=(m, 4)).tobytes())
        lf = binmap.open(lp, ROOT / "examples/flight_log.bml")

        def log_struct() -> Any:
            b = lp.read_bytes()
            (k,) = struct.unpack_from("<i", b)
            return [struct.unpack_from("<dddd", b, 4 + 32 * i) for i in range(k)]

        def log_binmap() -> Any:
            log = binmap.open(lp, ROOT / "examples/flight_log.bml")["log"]
            return log["t"], log["x"], log["y"], log["z"]

        assert lf["log"]["x"][5] == log_struct()[5][1]
        row("E. 1,000,000 flight-log records into t, x, y, z", median(log_binmap, a.runs), "struct loop",
            median(log_struct, max(3, a.runs // 2)), ">= 10x")  # fmt: skip

    print()
    print("| workload | binmap | peer | peer / binmap | target |")
    print("|---|---:|---:|---:|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
