#!/usr/bin/env python3
"""The hostile-input budgets, measured: binmap's cases with a layout of
1,000,000 fields against the budget README's "Safety" section states (1 s of
CPU time, a peak resident set of the inputs plus 64 MiB plus 32 bytes per
byte of layout or JSON text).

    cargo build --release
    python3 bench/budgets.py            # 5 runs of each case, medians
    python3 bench/budgets.py --runs 9

The test suite (crates/binmap-cli/tests/bad_inputs.rs) runs the same cases
but only fails at ten times the CPU budget, so that a busy machine cannot
fail it; this script is where the budget itself is measured and reported.
Each case is a whole process, measured with os.wait4 (user + system CPU
time, ru_maxrss), run --runs times; the figure is the median, and the
minimum is shown beside it (CPU time under load grows with the kernel's
page-fault cost). A case whose median is over budget prints OVER.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import find_binmap  # noqa: E402

N = 1_000_000
CPU_BUDGET = 1.0
SLACK = 64 << 20
PER_TEXT_BYTE = 32
KINDS = [
    ("u8", b"\x07"),
    ("i16", b"\x01\x00"),
    ("u32be", b"\x00\x00\x00\x05"),
    ("f32", b"\x00\x00\x80\x3f"),
    ("f64", b"\x00" * 7 + b"\x40"),
    ("bool", b"\x01"),
    ("bytes[3]", b"ab\x00"),
    ("utf8[2]", b"hi"),
    ("c64", b"\x00" * 8),
    ("i64", b"\x09" + b"\x00" * 7),
]


def measure(binmap: str, args: list[str], cwd: str) -> tuple[int, float, int]:
    """(exit code, CPU seconds, peak resident bytes) of one run."""
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen([binmap, *args], cwd=cwd, stdout=null, stderr=null)
        _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    binmap = find_binmap()
    with tempfile.TemporaryDirectory(prefix="binmap_budgets_") as d:
        layout = "".join(f"f{i}: u8\n" for i in range(N))
        Path(d, "l.bml").write_text(layout)
        Path(d, "in.bin").write_bytes(b"\x07" * N)
        Path(d, "short.bin").write_bytes(b"\x07" * (N - 1))
        json = "{" + ",".join(f'"f{i}":7' for i in range(N)) + "}\n"
        Path(d, "in.json").write_text(json)
        mixed = "".join(f"f{i}: {KINDS[i % 10][0]}\n" for i in range(N))
        Path(d, "mixed.bml").write_text(mixed)
        mixed_data = b"".join(KINDS[i % 10][1] for i in range(N))
        Path(d, "mixed.bin").write_bytes(mixed_data)
        text, data = len(layout), N
        cases = [
            ("show (table)", ["show", "in.bin", "-l", "l.bml"], 0, data + PER_TEXT_BYTE * text),
            ("show --format json", ["show", "in.bin", "-l", "l.bml", "--format", "json"], 0, data + PER_TEXT_BYTE * text),
            ("show one field by name", ["show", "in.bin", "-l", "l.bml", "f999999"], 0, data + PER_TEXT_BYTE * text),
            ("pack from JSON", ["pack", "in.json", "-l", "l.bml", "-o", "out.bin"], 0,
             data + PER_TEXT_BYTE * (text + len(json))),
            ("a file one byte short", ["show", "short.bin", "-l", "l.bml"], 1, data + PER_TEXT_BYTE * text),
            ("info", ["info", "in.bin", "-l", "l.bml"], 0, data + PER_TEXT_BYTE * text),
            ("mixed types as JSON", ["show", "mixed.bin", "-l", "mixed.bml", "--format", "json"], 0,
             len(mixed_data) + PER_TEXT_BYTE * len(mixed)),
        ]
        print(f"binmap: {binmap}; {args.runs} runs per case; load average {os.getloadavg()[0]:.2f}")
        print(f"{'case (1,000,000 fields)':<26} {'CPU median':>10} {'min':>7} {'budget':>7} "
              f"{'RSS MiB':>8} {'budget':>7}  verdict")
        over = 0
        for name, argv, code, memory in cases:
            cpus, rss = [], []
            for _ in range(args.runs):
                got, cpu, peak = measure(binmap, argv, d)
                if got != code:
                    sys.exit(f"binmap {' '.join(argv)}: exit {got}, expected {code}")
                cpus.append(cpu)
                rss.append(peak)
            med, peak = statistics.median(cpus), statistics.median(rss)
            limit = memory + SLACK
            ok = med <= CPU_BUDGET and peak <= limit
            over += not ok
            print(f"{name:<26} {med:>9.2f}s {min(cpus):>6.2f}s {CPU_BUDGET:>6.1f}s "
                  f"{peak / 2**20:>8.1f} {limit / 2**20:>7.0f}  {'ok' if ok else 'OVER'}")
        print(f"{len(cases) - over} of {len(cases)} cases within budget "
              f"({time.strftime('%Y-%m-%d %H:%M')})")


if __name__ == "__main__":
    main()
