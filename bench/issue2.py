#!/usr/bin/env python3
"""Issue 2 benchmark: binmap `show` (CSV, JSONL, memory) against its peers, in one run.

    python3 bench/make_records.py          # once: /tmp/records_50M.bin (1.2 GB), /tmp/records_500k.bin
    python3 bench/issue2.py [--runs 3] [--skip-pandas] [--only a,b,c]

The binary: $BINMAP, else target/release/binmap (else target/debug/binmap,
with a warning: debug timings mean nothing). Every figure is the median of
--runs runs (default 3) after one warm-up run (page cache warm), measured in
this same run, so compare the ratios, not the absolute times.

Workloads (file: 50 M records of numpy [('name','S12'),('time','<i8'),('value','<f4')]):

(a) 5 M records to CSV.
    binmap:  `binmap show FILE -l L records --rows 0..5000000 --format csv > /dev/null`
             (whole process: start-up, map, decode, format, write).
    pyarrow: in-process, `pyarrow.csv.write_csv(table, '/dev/null')`, timed
             without and with building the table from the numpy memmap
             (name S12 -> pa.array -> cast to string, time, value).
    pandas:  in-process, `DataFrame.to_csv('/dev/null', index=False)` of the
             same 5 M records (name decoded to str first, not timed); ONE run
             only, because it is slow.
(b) the `value` column of all 50 M records.
    binmap:  `binmap show FILE -l L records.value --format jsonl | tail -1`
             (formats all 50 M float32 as shortest text, one per line).
    numpy:   `python3 -c 'np.memmap(FILE, dtype)["value"].copy(); print(v[-1])'`
             (whole process incl. interpreter start-up and import numpy; it
             copies the column but formats only ONE number, so it is not the
             same work). For an honest text-to-text comparison, also: binmap
             on a 5 M slice (`--rows 0..5000000`, to /dev/null) against numpy
             formatting the same 5 M float32 in-process as
             `'\\n'.join(map(str, v))` (numpy's shortest repr, the same digits)
             and `np.savetxt` (default '%.18e', fixed width).
(c) peak RSS (`/usr/bin/time -v`, "Maximum resident set size") of
    `binmap show FILE -l L records --rows 0..10 --format csv` and
    `--rows -10..` on the 1.2 GB file and on the 12 MB file: memory must not
    grow with the file.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from common import find_binmap, median_time, sh, fmt_s  # noqa: E402
BIG = "/tmp/records_50M.bin"
SMALL = "/tmp/records_500k.bin"
LAYOUT = "type Tick = { name: bytes[12], time: i64, value: f32 }\nrecords: Tick[..]\n"
N5M = 5_000_000

PY_NUMPY_LAST = (
    "import numpy as np, sys\n"
    "dt = np.dtype([('name','S12'),('time','<i8'),('value','<f4')])\n"
    "v = np.memmap(sys.argv[1], dtype=dt, mode='r')['value'].copy()\n"
    "print(v[-1])\n")


def bench_a(exe, lay, runs, skip_pandas, tab):
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    cmd = "%s show %s -l %s records --rows 0..%d --format csv > /dev/null" % (exe, BIG, lay, N5M)
    tb, _ = median_time(lambda: sh(cmd), runs)
    tab.add("(a) 5 M records -> CSV", "`binmap show ... records --rows 0..5000000 --format csv`", tb, tb)

    dt = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])

    def build():
        mm = np.memmap(BIG, dtype=dt, mode="r")[:N5M]
        return pa.table({"name": pa.compute.cast(pa.array(mm["name"]), pa.string()),
                         "time": pa.array(mm["time"]), "value": pa.array(mm["value"])})

    table = build()
    tbuild, _ = median_time(build, runs)
    twrite, _ = median_time(lambda: pacsv.write_csv(table, "/dev/null"), runs)
    tab.add("", "pyarrow `write_csv` (table already built)", twrite, tb)
    tab.add("", "pyarrow build table from memmap + `write_csv`", tbuild + twrite, tb,
            "build %s" % fmt_s(tbuild))
    del table
    if not skip_pandas:
        import pandas as pd
        mm = np.memmap(BIG, dtype=dt, mode="r")[:N5M]
        df = pd.DataFrame({"name": np.char.decode(mm["name"], "ascii"), "time": mm["time"],
                           "value": mm["value"]})
        tp, _ = median_time(lambda: df.to_csv("/dev/null", index=False), 1, warmup=False)
        tab.add("", "pandas `DataFrame.to_csv`", tp, tb, "1 run only (slow); frame build not timed")
        del df


def bench_b(exe, lay, runs, tab):
    import numpy as np

    cmd = "%s show %s -l %s records.value --format jsonl | tail -1" % (exe, BIG, lay)
    last = sh(cmd).decode().strip()
    tb, _ = median_time(lambda: sh(cmd), runs)
    tab.add("(b) value column, 50 M", "`binmap show ... records.value --format jsonl \\| tail -1`", tb, tb,
            "formats 50 M floats as text; last = %s" % last)
    cmd2 = "%s -c %s %s" % (shlex_quote(sys.executable), shlex_quote(PY_NUMPY_LAST), BIG)
    lastn = sh(cmd2).decode().strip()
    tn, _ = median_time(lambda: sh(cmd2), runs)
    tab.add("", "python: import numpy, memmap `['value'].copy()`, print last", tn, tb,
            "copies the column, formats ONE number; last = %s" % lastn)

    cmd3 = "%s show %s -l %s records.value --rows 0..%d --format jsonl > /dev/null" % (exe, BIG, lay, N5M)
    t5, _ = median_time(lambda: sh(cmd3), runs)
    tab.add("(b') 5 M floats -> text", "`binmap show ... records.value --rows 0..5000000 --format jsonl`", t5, t5)
    dt = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])
    v = np.memmap(BIG, dtype=dt, mode="r")[:N5M]["value"].copy()

    def join_str():
        with open(os.devnull, "w") as f:
            f.write("\n".join(map(str, v)))
            f.write("\n")

    tj, _ = median_time(join_str, runs)
    tab.add("", "numpy in-process `'\\n'.join(map(str, v))` (shortest digits)", tj, t5, "column already copied")
    ts, _ = median_time(lambda: np.savetxt(os.devnull, v), runs)
    tab.add("", "numpy in-process `np.savetxt(v)` ('%.18e')", ts, t5, "column already copied")


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


def bench_c(exe, lay):
    rows = []
    for path in (BIG, SMALL):
        for sel in ("0..10", "-10.."):
            cmd = ["/usr/bin/time", "-v", exe, "show", path, "-l", lay, "records", "--rows", sel, "--format", "csv"]
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            err = r.stderr.decode(errors="replace")
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
            if r.returncode != 0 or not m:
                rows.append((path, sel, None, err.strip().splitlines()[:3]))
            else:
                rows.append((path, sel, int(m.group(1)), ""))
    print()
    print("| (c) peak RSS | --rows | max RSS |")
    print("|---|---|---|")
    for path, sel, kb, err in rows:
        size = os.path.getsize(path)
        print("| %s (%s) | `%s` | %s |" % (os.path.basename(path), "%.1f MB" % (size / 1e6), sel,
                                          ("%.1f MB" % (kb / 1024)) if kb else "failed: %s" % err))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--only", default="a,b,c", help="comma list of workloads: a,b,c")
    a = ap.parse_args()
    exe = find_binmap()
    for p in (BIG, SMALL):
        want = {BIG: 1_200_000_000, SMALL: 12_000_000}[p]
        if not os.path.exists(p) or os.path.getsize(p) != want:
            sys.exit("error: %s missing or wrong size: run `python3 bench/make_records.py` first" % p)
    if not os.path.exists("/usr/bin/time"):
        print("warning: /usr/bin/time not found: (c) skipped", file=sys.stderr)
    lay = "/tmp/binmap_bench_tick.bml"
    Path(lay).write_text(LAYOUT)
    # fail early and clearly if the binary cannot do the job at all
    sh("%s show %s -l %s records --rows 0..2 --format csv > /dev/null" % (exe, SMALL, lay))
    print("binmap: %s; runs: %d (median), warm page cache; %d cores" % (exe, a.runs, os.cpu_count()))
    try:
        import numpy, pyarrow, pandas
        print("numpy %s, pyarrow %s, pandas %s, python %s" % (
            numpy.__version__, pyarrow.__version__, pandas.__version__, sys.version.split()[0]))
    except ImportError as e:
        sys.exit("error: %s (pip install numpy pandas pyarrow)" % e)
    sh("cat %s > /dev/null" % BIG)  # warm the page cache
    tab = Table()
    only = set(a.only.split(","))
    if "a" in only:
        bench_a(exe, lay, a.runs, a.skip_pandas, tab)
    if "b" in only:
        bench_b(exe, lay, a.runs, tab)
    tab.show()
    if "c" in only and os.path.exists("/usr/bin/time"):
        bench_c(exe, lay)


if __name__ == "__main__":
    main()
