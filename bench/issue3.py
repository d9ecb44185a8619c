#!/usr/bin/env python3
"""Issue 3 benchmark: binmap `struct iter-unpack`, `.npy` show and convert against their peers, in one run.

    python3 bench/make_npy.py              # once: /tmp/struct_1M.bin, /tmp/f64_1GiB.npy, ...
    python3 bench/issue3.py [--runs 3] [--skip-pandas] [--only a,b,c]

The binary: $BINMAP, else target/release/binmap (else target/debug/binmap,
with a warning: debug timings mean nothing). Every figure is the median of
--runs runs (default 3; at least 5 for the millisecond-scale (b)), measured
in this same run with a warm page cache, so compare the ratios, not the
absolute times.

Workloads:

(a) Python's struct.iter_unpack('<12sqf') on 1 M records (/tmp/struct_1M.bin,
    24 MB; see make_npy.py: 1 name in 8 is random bytes, 1 value in 64 a
    random float32 bit pattern, so both the text and the hex paths and
    NaN/inf/subnormals are exercised).
    JSON, binmap:  `binmap struct iter-unpack '<12sqf' FILE --format json > /dev/null`
             (whole process: start-up, read, unpack, format, write).
    JSON, CPython in-process: read the file (`open().read()`, timed), then
             `for t in struct.iter_unpack(FMT, buf): out.write(json.dumps([b2j(t[0]), t[1], t[2]],
             ensure_ascii=False, separators=(',', ':')) + "\\n")` to /dev/null, where
             b2j(b) is `b.decode('utf-8')` when the 12 bytes are valid UTF-8 and
             `{"hex": b.hex()}` otherwise: exactly binmap's text (compact
             separators, non-ASCII unescaped, control characters \\uXXXX,
             floats by repr, NaN/Infinity as json.dumps writes them).
    JSON, CPython whole process: the same loop in `python3 -c ... FILE > /dev/null`
             (interpreter start-up included; imports only struct, json, sys).
    repr, binmap:  `binmap struct iter-unpack '<12sqf' FILE > /dev/null` (default format).
    repr, CPython: `out.write(repr(t) + "\\n")` per tuple, in-process and as
             a whole `python3 -c` process, as above.
    Before timing, both formats are run on the first 1,000 records by both
    sides and compared byte for byte ("outputs identical: yes/no").
(b) a 1 GiB .npy (np.save of 134,217,728 float64, /tmp/f64_1GiB.npy) and the
    same values as shape (16777216, 8) (/tmp/f64_2d_1GiB.npy).
    binmap:  `binmap show FILE --rows 1000000..1000010` and `--rows -10..`
             (table format, full repr digits), run as a subprocess (no shell)
             timed with time.perf_counter, output to /dev/null.
    numpy:   `python3 -c "import numpy as np; a = np.load(F, mmap_mode='r'); print(a[1000000:1000010])"`
             (and `a[-10:]`), a whole process the same way. NOT the same text:
             numpy prints 8 significant digits, binmap every digit plus the
             row index; both map the file and touch only the selected rows.
    Peak RSS (`/usr/bin/time -v`, "Maximum resident set size") of the same
    binmap commands on the 1 GiB files and on a 12 MB .npy (1,500,000
    float64; /tmp/f64_12MB.npy): it must not grow with the file. numpy's
    process is listed for reference.
(c) the whole 1 GiB .npy to CSV (134,217,728 lines after a header, about 2.6 GB).
    binmap:  `binmap convert /tmp/f64_1GiB.npy -o /tmp/binmap_i3.csv` (whole
             process; `convert` writes atomically: temp file, fsync, rename).
             Also `binmap show FILE --format csv > /tmp/...csv` (the same
             bytes, no fsync) to show what the fsync costs, and `> /dev/null`
             (formatting alone, no disk).
    pyarrow: in-process `a = np.load(F, mmap_mode='r')`;
             `pyarrow.csv.write_csv(pa.table({'data': a}), OUT)` (table build
             included; it is zero-copy). Same numbers, different text: the
             header is quoted ("data"), integral values have no ".0", and
             values under 1e-4 are written without an exponent (0.00001234
             where binmap and pandas write 1.234e-05); checked below. Also
             `write_csv(..., '/dev/null')`, compared with binmap's `> /dev/null`.
    pandas:  in-process `pd.DataFrame({'data': a}).to_csv(OUT, index=False)`
             (frame build included: it copies 1 GiB). ONE run only, on the
             whole array, because it is slow (minutes); --skip-pandas skips it.
    No warm-up run here (each run takes seconds, input in the page cache);
    outputs go to /tmp and are deleted. After timing, the binmap and pandas
    files are compared with `cmp`, both binmap's and pyarrow's are read back
    with pyarrow.csv and compared with the array (exact round-trip), and the
    text of binmap and pyarrow is compared line by line on the first 1 M values.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from common import find_binmap, median_time, sh, fmt_s  # noqa: E402
STRUCT = "/tmp/struct_1M.bin"
STRUCT_1K = "/tmp/binmap_i3_struct_1k.bin"
FMT = "<12sqf"
NPY = "/tmp/f64_1GiB.npy"
NPY2 = "/tmp/f64_2d_1GiB.npy"
NPY_SMALL = "/tmp/f64_12MB.npy"
N_F64 = 134_217_728
SIZES = {STRUCT: 24_000_000, NPY: N_F64 * 8 + 128, NPY2: N_F64 * 8 + 128, NPY_SMALL: 1_500_000 * 8 + 128}
SELS = (("1000000..1000010", "a[1000000:1000010]"), ("-10..", "a[-10:]"))

# The CPython side of (a): one definition, used in-process and as `python3 -c`.
PY_STRUCT = r'''
import json, struct, sys

def b2j(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return {"hex": b.hex()}

def as_json(path, fmt, out):
    with open(path, "rb") as f:
        buf = f.read()
    dumps = json.dumps
    for t in struct.iter_unpack(fmt, buf):
        out.write(dumps([b2j(t[0]), t[1], t[2]], ensure_ascii=False, separators=(",", ":")) + "\n")

def as_repr(path, fmt, out):
    with open(path, "rb") as f:
        buf = f.read()
    for t in struct.iter_unpack(fmt, buf):
        out.write(repr(t) + "\n")
'''
PY_STRUCT_MAIN = PY_STRUCT + '\n{"json": as_json, "repr": as_repr}[sys.argv[1]](sys.argv[2], sys.argv[3], sys.stdout)\n'

PY_NPY_SLICE = "import numpy as np, sys; a = np.load(sys.argv[1], mmap_mode='r'); print(%s)"


def run(argv, stdout=subprocess.DEVNULL):
    """Run argv without a shell (no bash start-up in the figure); fail loudly."""
    r = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s" % (r.returncode, shlex.join(argv),
                                                            r.stderr.decode(errors="replace")[-2000:]))
    return r.stdout


def max_rss_kb(argv):
    r = subprocess.run(["/usr/bin/time", "-v"] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr.decode(errors="replace"))
    return int(m.group(1)) if r.returncode == 0 and m else None


class Table:
    def __init__(self):
        self.rows = []

    def add(self, group, what, secs, base=None, note=""):
        self.rows.append((group, what, secs, base, note))

    def show(self):
        print()
        print("| workload | command | median | vs binmap | note |")
        print("|---|---|---|---|---|")
        for group, what, secs, base, note in self.rows:
            ratio = ("%.2fx" % (secs / base)) if base else ""
            print("| %s | %s | %s | %s | %s |" % (group, what, fmt_s(secs), ratio, note))


def bench_a(exe, runs, tab):
    ns = {}
    exec(PY_STRUCT, ns)
    with open(STRUCT, "rb") as f:
        Path(STRUCT_1K).write_bytes(f.read(1000 * 24))
    same = {}
    for kind in ("json", "repr"):
        b = run([exe, "struct", "iter-unpack", FMT, STRUCT_1K, "--format", kind], stdout=subprocess.PIPE)
        p = run([sys.executable, "-c", PY_STRUCT_MAIN, kind, STRUCT_1K, FMT], stdout=subprocess.PIPE)
        same[kind] = (b == p)
        print("(a) %s, first 1,000 records, binmap vs CPython: outputs identical: %s" % (kind, "yes" if b == p else "no"))
    os.remove(STRUCT_1K)

    for kind, label in (("json", "--format json"), ("repr", "(repr, the default)")):
        argv = [exe, "struct", "iter-unpack", FMT, STRUCT] + (["--format", "json"] if kind == "json" else [])
        tb, _ = median_time(lambda: run(argv), runs)
        tab.add("(a) 1 M `<12sqf` -> %s" % kind, "`binmap struct iter-unpack '<12sqf' FILE %s`" % label, tb, tb,
                "outputs identical (1,000 records): %s" % ("yes" if same[kind] else "NO"))

        fn = ns["as_" + kind]

        def inproc():
            with open(os.devnull, "w", encoding="utf-8") as out:
                fn(STRUCT, FMT, out)

        ti, _ = median_time(inproc, runs)
        loop = ("`json.dumps([b2j(t[0]), t[1], t[2]], ...)`" if kind == "json" else "`repr(t)`")
        tab.add("", "CPython in-process: read + `struct.iter_unpack` + %s per tuple" % loop, ti, tb, "")
        argv2 = [sys.executable, "-c", PY_STRUCT_MAIN, kind, STRUCT, FMT]
        tw, _ = median_time(lambda: run(argv2), runs)
        tab.add("", "CPython whole process `python3 -c ...` (same loop)", tw, tb, "interpreter start-up included")


def bench_b(exe, runs, tab):
    runs = max(runs, 5)
    for path, shape in ((NPY, "1-D"), (NPY2, "2-D (16777216, 8)")):
        for sel, pysel in SELS:
            argv = [exe, "show", path, "--rows", sel]
            tb, ts = median_time(lambda: run(argv), runs)
            tab.add("(b) 1 GiB .npy, %s" % shape, "`binmap show %s --rows %s`" % (os.path.basename(path), sel), tb, tb,
                    "target < 50 ms: %s" % ("met" if tb < 0.05 else "MISSED"))
            argv2 = [sys.executable, "-c", PY_NPY_SLICE % pysel, path]
            tn, _ = median_time(lambda: run(argv2), runs)
            tab.add("", "`python3 -c \"...np.load(F, mmap_mode='r'); print(%s)\"`" % pysel, tn, tb,
                    "whole process; numpy's 8-digit print, not the same text")


def bench_b_rss(exe):
    rows = []
    for path in (NPY, NPY2, NPY_SMALL):
        for sel, pysel in SELS:
            rows.append((path, "`binmap show --rows %s`" % sel, max_rss_kb([exe, "show", path, "--rows", sel])))
    for path in (NPY, NPY_SMALL):
        sel, pysel = SELS[0]
        rows.append((path, "python3 + numpy, `print(%s)`" % pysel,
                     max_rss_kb([sys.executable, "-c", PY_NPY_SLICE % pysel, path])))
    print()
    print("| (b) peak RSS | command | max RSS |")
    print("|---|---|---|")
    for path, what, kb in rows:
        print("| %s (%.1f MB) | %s | %s |" % (os.path.basename(path), os.path.getsize(path) / 1e6, what,
                                            ("%.1f MB" % (kb / 1024)) if kb else "failed"))


def bench_c(exe, runs, skip_pandas, tab):
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    outs = {k: "/tmp/binmap_i3_%s.csv" % k for k in ("binmap", "show", "pyarrow", "pandas")}

    def rm(p):
        if os.path.exists(p):
            os.remove(p)

    def conv():
        rm(outs["binmap"])
        run([exe, "convert", NPY, "-o", outs["binmap"]])

    tb, _ = median_time(conv, runs, warmup=False)
    tab.add("(c) 1 GiB .npy -> CSV", "`binmap convert f64_1GiB.npy -o OUT.csv`", tb, tb,
            "134 M values, %.2f GB written; fsync + rename" % (os.path.getsize(outs["binmap"]) / 1e9))

    def show():
        rm(outs["show"])  # a new file each run, as for the others (rewriting a truncated file costs more on ext4)
        with open(outs["show"], "wb") as f:
            run([exe, "show", NPY, "--format", "csv"], stdout=f)

    ts, _ = median_time(show, runs, warmup=False)
    tab.add("", "`binmap show f64_1GiB.npy --format csv > OUT.csv`", ts, tb, "same bytes, no fsync")
    same_show = sh("cmp %s %s > /dev/null && echo yes || echo no" % (outs["binmap"], outs["show"])).decode().strip()
    rm(outs["show"])
    tn, _ = median_time(lambda: run([exe, "show", NPY, "--format", "csv"]), runs, warmup=False)
    tab.add("", "`binmap show f64_1GiB.npy --format csv > /dev/null`", tn, tb, "formatting only, no disk")

    def arrow():
        rm(outs["pyarrow"])
        a = np.load(NPY, mmap_mode="r")
        pacsv.write_csv(pa.table({"data": a}), outs["pyarrow"])

    tp, _ = median_time(arrow, runs, warmup=False)
    tab.add("", "pyarrow in-process: `np.load(mmap)` + `write_csv(pa.table({'data': a}))`", tp, tb,
            "same numbers, different text (see below)")
    tpn, _ = median_time(lambda: pacsv.write_csv(pa.table({"data": np.load(NPY, mmap_mode="r")}), "/dev/null"),
                         runs, warmup=False)
    tab.add("", "pyarrow in-process, the same to `/dev/null`", tpn, tn, "ratio vs binmap `show > /dev/null`")

    same_pandas = None
    if not skip_pandas:
        import pandas as pd

        def pandas():
            rm(outs["pandas"])
            a = np.load(NPY, mmap_mode="r")
            pd.DataFrame({"data": a}).to_csv(outs["pandas"], index=False)

        tpd, _ = median_time(pandas, 1, warmup=False)
        same_pandas = sh("cmp %s %s > /dev/null && echo yes || echo no" % (outs["binmap"], outs["pandas"])).decode().strip()
        tab.add("", "pandas in-process: `np.load(mmap)` + `DataFrame({'data': a}).to_csv(index=False)`", tpd, tb,
                "1 run only (slow); frame build included; same bytes as binmap: %s" % same_pandas)
        rm(outs["pandas"])

    # exactness: read both back, compare with the array; compare the text on the first 1 M values
    a = np.load(NPY, mmap_mode="r")
    back = {}
    for k in ("binmap", "pyarrow"):
        t = pacsv.read_csv(outs[k], convert_options=pacsv.ConvertOptions(column_types={"data": pa.float64()}))
        back[k] = bool(np.array_equal(t.column("data").to_numpy(), a)) and t.num_rows == len(a)
        del t
    ndiff, example, n = 0, None, 1_000_000
    with open(outs["binmap"]) as fb, open(outs["pyarrow"]) as fp:
        hb, hp = fb.readline().rstrip("\n"), fp.readline().rstrip("\n")
        for i in range(n):
            lb, lp = fb.readline(), fp.readline()
            if lb != lp:
                ndiff += 1
                if example is None:
                    example = "%s vs %s" % (lb.strip(), lp.strip())
    for k in ("binmap", "pyarrow"):
        rm(outs[k])
    print()
    print("(c) checks: binmap convert == binmap show --format csv: %s; binmap == pandas (cmp): %s;"
          % (same_show, same_pandas if same_pandas else "not run"))
    print("    read back with pyarrow.csv, equal to the array: binmap %s, pyarrow %s;"
          % ("yes" if back["binmap"] else "NO", "yes" if back["pyarrow"] else "NO"))
    print("    headers: binmap %r, pyarrow %r; of the first %d values, %d lines differ in text (e.g. %s)"
          % (hb, hp, n, ndiff, example))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--only", default="a,b,c", help="comma list of workloads: a,b,c")
    a = ap.parse_args()
    exe = find_binmap()
    for p, want in SIZES.items():
        if not os.path.exists(p) or os.path.getsize(p) != want:
            sys.exit("error: %s missing or wrong size: run `python3 bench/make_npy.py` first" % p)
    if not os.path.exists("/usr/bin/time"):
        print("warning: /usr/bin/time not found: (b) peak RSS skipped", file=sys.stderr)
    # fail early and clearly if the binary cannot do the job at all
    run([exe, "show", NPY_SMALL, "--rows", "0..2"])
    run([exe, "struct", "calcsize", FMT])
    print("binmap: %s; runs: %d (median), warm page cache; %d cores" % (exe, a.runs, os.cpu_count()))
    try:
        import numpy, pyarrow, pandas
        print("numpy %s, pyarrow %s, pandas %s, python %s" % (
            numpy.__version__, pyarrow.__version__, pandas.__version__, sys.version.split()[0]))
    except ImportError as e:
        sys.exit("error: %s (pip install numpy pandas pyarrow)" % e)
    only = set(a.only.split(","))
    tab = Table()
    if "a" in only:
        sh("cat %s > /dev/null" % STRUCT)
        bench_a(exe, a.runs, tab)
    if "b" in only:
        bench_b(exe, a.runs, tab)
    if "c" in only:
        sh("cat %s > /dev/null" % NPY)  # warm the page cache
        bench_c(exe, a.runs, a.skip_pandas, tab)
    tab.show()
    if "b" in only and os.path.exists("/usr/bin/time"):
        bench_b_rss(exe)


if __name__ == "__main__":
    main()
