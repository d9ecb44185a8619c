#!/usr/bin/env python3
"""Issue 15: text in, groups and copies at memory speed.

    cargo build --release
    python3 bench/issue15.py                      # everything, 3 rounds: about 15 minutes
    python3 bench/issue15.py --only pack --runs 5
    python3 bench/issue15.py --only by,npy --skip-pandas

Workloads (whole processes, warm page cache, binmap and its peers taking
turns in each round, medians; peak RSS of every run from os.wait4):

- pack: the CSV of 5 M `S12/i64/f32` records (`show --format csv` of the
  first 5 M records of records_50M.bin) to the binary file: `binmap pack`
  against pyarrow `read_csv` (types given) + numpy `tofile`, and pandas
  `read_csv` + `tofile`. The same records as JSON Lines and as one JSON
  document (`show --format jsonl/json`): binmap only (the target is JSONL
  within 1.5x of CSV). Every output is compared with the original bytes.
  Peak memory of `binmap pack` on the CSV of all 50 M records (1.4 GB of
  text) too.
- by: `binmap stats F -l L value --by name -f json` on 50 M records with
  4,096 distinct names, the same with 7 names (records_50M.bin), and
  `--by time` on 50 M records with 1 M distinct integer keys. Peers:
  DuckDB over an Arrow table built from the numpy memmap (whole process;
  the group-by alone is timed inside the process too), pandas groupby.
  The results are checked against numpy (counts exactly; sum, mean, std
  within 1e-9 relative).
- npy: `binmap convert f64_1GiB.npy -o out.npy` (the data range copied
  from the input file by copy_file_range; temp file, fsync, rename), the
  same with BINMAP_BENCH_NO_FSYNC=1 (no fsync: what the fsync costs),
  against `cp`, `dd bs=8M conv=fsync` (a copy with the same fsync) and
  numpy `np.load` + `np.save`.

CPU time (user + sys) and peak RSS of every run come from /usr/bin/time
(its wait4): on this shared machine the CPU time moves less with the load
than the wall time.

Data go to /tmp (made once, kept): /tmp/records_50M.bin (make_records.py),
/tmp/i15_names4096_50M.bin, /tmp/i15_keys1M_50M.bin, /tmp/f64_1GiB.npy
(make_npy.py's), the CSV/JSONL/JSON texts (/tmp/i15_*.csv ...). Outputs are
deleted after each run.
"""

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, find_binmap  # noqa: E402

DT = "[('name','S12'),('time','<i8'),('value','<f4')]"
LAYOUT = "records: { name: bytes[12], time: i64, value: f32 }[..]"
OUT = "/tmp/i15_out.bin"


RSS_FILE = "/tmp/i15_rss.txt"


def run_once(argv, stdout=subprocess.DEVNULL, env=None):
    """(wall seconds, peak RSS bytes, CPU seconds (user + sys), return code,
    stdout bytes or None, stderr text).

    The command runs under /usr/bin/time, which reports its peak RSS: a
    child of this (large) Python process would start from this process's
    peak (ru_maxrss is inherited at fork), /usr/bin/time's children do not."""
    t = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", RSS_FILE] + argv, stdout=stdout,
                       stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t
    try:
        m, u, s = open(RSS_FILE).read().split()[-3:]
        rss, cpu = int(m) * 1024, float(u) + float(s)
    except (OSError, ValueError, IndexError):
        rss, cpu = 0, None
    return wall, rss, cpu, r.returncode, r.stdout, r.stderr.decode(errors="replace")


class C:
    """A contender: a command, its times and peak memory."""

    def __init__(self, label, argv, capture=False, once=False, after=None, env=None):
        self.label, self.argv, self.capture, self.once, self.after = label, argv, capture, once, after
        self.env = None if env is None else dict(os.environ, **env)
        self.times, self.rss, self.cpu, self.failed, self.out, self.inner = [], [], [], None, None, []

    def run(self):
        if self.failed or (self.once and self.times):
            return
        wall, rss, cpu, rc, out, err = run_once(self.argv, subprocess.PIPE if self.capture else subprocess.DEVNULL,
                                                self.env)
        if rc != 0:
            self.failed = (err.strip().splitlines() or ["exit %d" % rc])[-1]
            return
        self.times.append(wall)
        self.rss.append(rss)
        if cpu is not None:
            self.cpu.append(cpu)
        self.out = out
        for line in (out or b"").splitlines():
            if line.startswith(b"INNER "):
                self.inner.append(float(line.split()[1]))
        if self.after:
            self.after()

    def med(self):
        return statistics.median(self.times) if self.times else None


def rounds(cs, runs, warm=True):
    if warm:
        for c in cs:
            if not c.once:
                c.run()
                c.times.clear()
                c.rss.clear()
                c.cpu.clear()
                c.inner.clear()
    for _ in range(runs):
        for c in cs:
            c.run()


def fmt_s(s):
    return "n/a" if s is None else ("%.3f s" % s if s >= 0.1 else "%.1f ms" % (s * 1e3))


def fmt_mb(b):
    return "%.0f MB" % (b / 1e6) if b else "n/a"


def table_rows(title, base, cs, notes=None):
    rows = []
    for c in cs:
        m = c.med()
        ratio = "" if c is base or m is None or base.med() is None else "%.2fx" % (m / base.med())
        note = (notes or {}).get(c.label, "")
        if c.failed:
            note = "FAILED: " + c.failed
        if c.inner:
            note = ("in-process part %s; " % fmt_s(statistics.median(c.inner))) + note
        if c.once and c.times:
            note = "1 run; " + note
        cpu = fmt_s(statistics.median(c.cpu)) if c.cpu else "n/a"
        rows.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            title, c.label, fmt_s(m), ratio or ("1.00x" if c is base else "n/a"), cpu,
            fmt_mb(max(c.rss) if c.rss else 0), note.strip("; ")))
        title = ""
    return rows


def py(code):
    return [sys.executable, "-c", code]


def ensure(path, make):
    if not os.path.exists(path):
        print("making %s ..." % path, file=sys.stderr, flush=True)
        make()


def gen_records(path, n, kind):
    import numpy as np
    dt = np.dtype(eval(DT))
    rng = np.random.default_rng(15)
    names = np.array([b"N%04d_profit" % i for i in range(4096)], dtype="S12")
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        done = 0
        while done < n:
            k = min(5_000_000, n - done)
            a = np.empty(k, dt)
            if kind == "names":
                a["name"] = names[rng.integers(0, 4096, size=k)]
                a["time"] = np.arange(done, done + k)
            else:
                a["name"] = b"key"
                a["time"] = rng.integers(0, 1_000_000, size=k)
            a["value"] = np.round(rng.normal(0, 3, size=k), 2).astype(np.float32)
            a.tofile(f)
            done += k
    os.replace(tmp, path)


def rm(p):
    if os.path.exists(p):
        os.remove(p)


# ------------------------------------------------------------------ pack
def bench_pack(exe, runs, skip_pandas, log):
    import numpy as np
    src = "/tmp/records_50M.bin"
    ensure(src, lambda: subprocess.run([sys.executable, str(ROOT / "bench/make_records.py")], check=True))
    n = 5_000_000
    ref = "/tmp/i15_records_5M.bin"
    ensure(ref, lambda: subprocess.run(["head", "-c", str(24 * n), src], stdout=open(ref, "wb"), check=True))
    texts = {}
    for fmt in ("csv", "jsonl", "json"):
        p = "/tmp/i15_5M.%s" % fmt
        ensure(p, lambda p=p, fmt=fmt: subprocess.run([exe, "show", ref, "-l", LAYOUT, "--format", fmt, "-o", p],
                                                      check=True))
        texts[fmt] = p
    big = "/tmp/i15_50M.csv"
    ensure(big, lambda: subprocess.run([exe, "show", src, "-l", LAYOUT, "--format", "csv", "-o", big], check=True))
    refbytes = open(ref, "rb").read()
    same = {}

    def checker(key):
        def f():
            same[key] = same.get(key, True) and open(OUT, "rb").read() == refbytes
            rm(OUT)
        return f

    b = C("`binmap pack -l L records.csv -o OUT`", [exe, "pack", "-l", LAYOUT, texts["csv"], "-o", OUT],
          after=checker("csv"))
    bj = C("`binmap pack -l L records.jsonl -o OUT`", [exe, "pack", "-l", LAYOUT, texts["jsonl"], "-o", OUT],
           after=checker("jsonl"))
    bjs = C("`binmap pack -l L records.json -o OUT`", [exe, "pack", "-l", LAYOUT, texts["json"], "-o", OUT],
            after=checker("json"))
    pa_code = (
        "import time, numpy as np, pyarrow as pa, pyarrow.csv as pc\n"
        "t0 = time.perf_counter()\n"
        "t = pc.read_csv(%r, convert_options=pc.ConvertOptions(column_types={'name': pa.binary(), "
        "'time': pa.int64(), 'value': pa.float32()}))\n"
        "a = np.empty(t.num_rows, np.dtype(%s))\n"
        "a['name'] = t['name'].to_numpy(zero_copy_only=False).astype('S12')\n"
        "a['time'] = t['time'].to_numpy(); a['value'] = t['value'].to_numpy()\n"
        "a.tofile(%r)\n"
        "print('INNER', time.perf_counter() - t0)\n" % (texts["csv"], DT, OUT))
    pa_ = C("pyarrow `read_csv` + numpy `tofile`, whole process", py(pa_code), capture=True, after=checker("pyarrow"))
    cs = [b, pa_]
    if not skip_pandas:
        pd_code = (
            "import time, numpy as np, pandas as pd\n"
            "t0 = time.perf_counter()\n"
            "df = pd.read_csv(%r, dtype={'name': str, 'time': np.int64, 'value': np.float32}, keep_default_na=False)\n"
            "a = np.empty(len(df), np.dtype(%s))\n"
            "a['name'] = df['name'].to_numpy().astype('S12'); a['time'] = df['time'].to_numpy()\n"
            "a['value'] = df['value'].to_numpy(); a.tofile(%r)\n"
            "print('INNER', time.perf_counter() - t0)\n" % (texts["csv"], DT, OUT))
        cs.append(C("pandas `read_csv` + numpy `tofile`, whole process", py(pd_code), capture=True,
                    after=checker("pandas")))
    cs += [bj, bjs]
    log("pack: %d rounds" % runs)
    rounds(cs, runs)
    big_run = C("`binmap pack -l L records_50M.csv -o OUT` (50 M records, 1.4 GB of CSV)",
                [exe, "pack", "-l", LAYOUT, big, "-o", OUT], once=True, after=lambda: rm(OUT))
    big_run.run()
    notes = {c.label: "output == original: %s" % ("yes" if same.get(k) else "NO")
             for c, k in [(b, "csv"), (bj, "jsonl"), (bjs, "json"), (pa_, "pyarrow")] + (
                 [(cs[2], "pandas")] if not skip_pandas else [])}
    rows = table_rows("CSV of 5 M records -> binary", b, [b] + [c for c in cs if c not in (b, bj, bjs)], notes)
    rows += table_rows("JSON Lines / JSON of 5 M records", b, [bj, bjs], notes)
    rows += table_rows("peak memory, 50 M records", big_run, [big_run], {})
    ver = []
    if b.med() and pa_.med():
        r = pa_.med() / b.med()
        ver.append("pack CSV: %.2fx pyarrow read_csv + tofile (target 3x): %s" % (r, "met" if r >= 3 else "MISSED"))
    if b.med() and bj.med():
        r = bj.med() / b.med()
        ver.append("pack JSONL: %.2fx the CSV time (target <= 1.5x): %s" % (r, "met" if r <= 1.5 else "MISSED"))
    if big_run.rss:
        ver.append("pack 50 M records: peak RSS %s (5 M: %s); target 64 MiB: %s" % (
            fmt_mb(big_run.rss[0]), fmt_mb(max(b.rss)), "met" if big_run.rss[0] <= 64 << 20 else "MISSED"))
    return rows, ver


# ------------------------------------------------------------------ by
def check_by(out, path, key):
    import json
    import numpy as np
    mm = np.memmap(path, dtype=np.dtype(eval(DT)), mode="r")
    got = json.loads(out)
    u, inv = np.unique(mm[key], return_inverse=True)
    v = mm["value"].astype(np.float64)
    cnt = np.bincount(inv)
    s = np.bincount(inv, weights=v)
    mean = s / cnt
    m2 = np.bincount(inv, weights=(v - mean[inv]) ** 2)
    std = np.sqrt(m2 / cnt)
    if len(got) != len(u):
        return "MISMATCH: %d groups, numpy %d" % (len(got), len(u))
    bad = 0
    for i, g in enumerate(got):
        rel = lambda a, b: abs(a - b) <= 1e-9 * max(1.0, abs(b))  # noqa: E731
        if g["count"] != cnt[i] or not rel(g["sum"], s[i]) or not rel(g["mean"], mean[i]) or not rel(g["std"], std[i]):
            bad += 1
    return "%d groups; counts, sums, means, stds vs numpy: %s" % (len(u), "agree" if not bad else "%d DIFFER" % bad)


def bench_by(exe, runs, skip_pandas, log):
    files = {
        "4,096 names": ("/tmp/i15_names4096_50M.bin", "name", lambda p: gen_records(p, 50_000_000, "names")),
        "7 names": ("/tmp/records_50M.bin", "name",
                    lambda p: subprocess.run([sys.executable, str(ROOT / "bench/make_records.py")], check=True)),
        "1 M integer keys": ("/tmp/i15_keys1M_50M.bin", "time", lambda p: gen_records(p, 50_000_000, "keys")),
    }
    rows, ver, meds = [], [], {}
    for what, (path, key, make) in files.items():
        ensure(path, lambda: make(path))
        subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)
        b = C("`binmap stats F -l L value --by %s -f json`" % key,
              [exe, "stats", path, "-l", LAYOUT, "value", "--by", key, "-f", "json"], capture=True)
        duck = (
            "import time, numpy as np, pyarrow as pa, duckdb\n"
            "mm = np.memmap(%r, dtype=np.dtype(%s), mode='r')\n"
            "t = pa.table({'%s': pa.array(mm['%s']) if '%s' == 'time' else pa.array(mm['name'], pa.binary()), "
            "'value': pa.array(mm['value'])})\n"
            "con = duckdb.connect()\n"
            "t0 = time.perf_counter()\n"
            "r = con.execute(\"select %s, count(value), min(value), max(value), avg(value), stddev_pop(value), "
            "sum(value) from t group by %s\").fetchall()\n"
            "print('INNER', time.perf_counter() - t0)\n" % (path, DT, key, key, key, key, key))
        d = C("DuckDB over an Arrow table built from the memmap, whole process", py(duck), capture=True)
        cs = [b, d]
        if not skip_pandas:
            pdc = (
                "import time, numpy as np, pandas as pd\n"
                "mm = np.memmap(%r, dtype=np.dtype(%s), mode='r')\n"
                "df = pd.DataFrame({'%s': mm['%s'], 'value': mm['value']})\n"
                "t0 = time.perf_counter()\n"
                "g = df.groupby('%s').value; r = g.agg(['count','min','max','mean','sum']); r['std'] = g.std(ddof=0)\n"
                "print('INNER', time.perf_counter() - t0)\n" % (path, DT, key, key, key))
            cs.append(C("pandas groupby, whole process", py(pdc), capture=True, once=True))
        log("by (%s): %d rounds" % (what, runs))
        rounds(cs, runs)
        check = check_by(b.out, path, key) if b.out else "binmap failed"
        rows += table_rows("`--by`, 50 M records, %s" % what, b, cs, {b.label: check})
        meds[what] = (b.med(), d.med(), statistics.median(d.inner) if d.inner else None)
    m4, m7 = meds.get("4,096 names", (None,) * 3), meds.get("7 names", (None,) * 3)
    if m4[0] and m7[0]:
        r = m4[0] / m7[0]
        ver.append("--by 4,096 names: %.2fx the 7-name time (target <= 2x): %s" % (r, "met" if r <= 2 else "MISSED"))
    if m4[0] and m4[2]:
        # DuckDB's query alone (in-process) against binmap's whole process.
        r = m4[2] / m4[0]
        ver.append("--by 4,096 names: %.2fx DuckDB's group-by alone (target 2x): %s" % (r, "met" if r >= 2 else "MISSED"))
    if m4[0] and m4[1]:
        r = m4[1] / m4[0]
        ver.append("--by 4,096 names: %.2fx DuckDB's whole process (target 3x): %s" % (r, "met" if r >= 3 else "MISSED"))
    return rows, ver


# ------------------------------------------------------------------ npy
def bench_npy(exe, runs, log):
    src = "/tmp/f64_1GiB.npy"
    ensure(src, lambda: subprocess.run([sys.executable, str(ROOT / "bench/make_npy.py")], check=True))
    subprocess.run(["cat", src], stdout=subprocess.DEVNULL, check=True)
    same = {}

    def checker(key):
        def f():
            ok = subprocess.run(["cmp", "-s", src, OUT]).returncode == 0
            same[key] = same.get(key, True) and ok
            rm(OUT)
        return f

    b = C("`binmap convert f64_1GiB.npy -o OUT.npy`", [exe, "convert", src, "-o", OUT + ".npy"],
          after=lambda: (os.replace(OUT + ".npy", OUT), checker("binmap")()))
    bn = C("the same with `BINMAP_BENCH_NO_FSYNC=1` (no fsync)", [exe, "convert", src, "-o", OUT + ".npy"],
           after=lambda: (os.replace(OUT + ".npy", OUT), checker("binmap-nofsync")()),
           env={"BINMAP_BENCH_NO_FSYNC": "1"})
    cp = C("`cp f64_1GiB.npy OUT`", ["cp", src, OUT], after=checker("cp"))
    dd = C("`dd bs=8M conv=fsync` (a copy with an fsync)", ["dd", "if=" + src, "of=" + OUT, "bs=8M", "conv=fsync",
                                                           "status=none"], after=checker("dd"))
    npc = C("numpy `np.save(OUT, np.load(F))`, whole process",
            py("import numpy as np; np.save(%r, np.load(%r))" % (OUT + ".npy", src)),
            after=lambda: (os.replace(OUT + ".npy", OUT), checker("numpy")()))
    log("npy: %d rounds" % runs)
    rounds([b, bn, cp, dd, npc], runs)
    notes = {c.label: "same bytes: %s" % ("yes" if same.get(k) else "NO")
             for c, k in [(b, "binmap"), (bn, "binmap-nofsync"), (cp, "cp"), (dd, "dd"), (npc, "numpy")]}
    rows = table_rows(".npy 1 GiB -> .npy", b, [b, bn, cp, dd, npc], notes)
    ver = []
    if b.med() and cp.med():
        r = b.med() / cp.med()
        ver.append("npy copy: %.2fx the time of cp (target <= 1.5x): %s; fsync's share: dd with fsync %s vs cp %s" % (
            r, "met" if r <= 1.5 else "MISSED", fmt_s(dd.med()), fmt_s(cp.med())))
    if bn.med() and cp.med():
        ver.append("npy copy without fsync (BINMAP_BENCH_NO_FSYNC=1): %s, %.2fx cp; the fsync costs binmap %s" % (
            fmt_s(bn.med()), bn.med() / cp.med(), fmt_s(b.med() - bn.med())))
    return rows, ver


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="pack,by,npy")
    ap.add_argument("--skip-pandas", action="store_true")
    a = ap.parse_args()
    exe_src = find_binmap()
    # A copy of this run's own (a rebuild meanwhile does not change it;
    # another run of this script at the same time does not replace it).
    exe = "/tmp/i15_binmap.%d" % os.getpid()
    subprocess.run(["cp", exe_src, exe], check=True)

    def log(s):
        print(s, file=sys.stderr, flush=True)

    load0 = open("/proc/loadavg").read().split()[:3]
    t0 = time.time()
    rows, ver = [], []
    for w in a.only.split(","):
        if w == "pack":
            r, v = bench_pack(exe, a.runs, a.skip_pandas, log)
        elif w == "by":
            r, v = bench_by(exe, a.runs, a.skip_pandas, log)
        elif w == "npy":
            r, v = bench_npy(exe, a.runs, log)
        else:
            sys.exit("unknown workload %r" % w)
        rows += r
        ver += v
    import numpy
    import pyarrow
    import pandas
    import duckdb
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print("%s, commit %s, binary %s, %d runs (median), warm page cache, %d cores" % (
        time.strftime("%Y-%m-%d"), commit, exe_src, a.runs, os.cpu_count()))
    print("load average %s at start, %s at end; %.0f s in all" % (
        " ".join(load0), " ".join(open("/proc/loadavg").read().split()[:3]), time.time() - t0))
    print("numpy %s, pyarrow %s, pandas %s, duckdb %s, python %s" % (
        numpy.__version__, pyarrow.__version__, pandas.__version__, duckdb.__version__, sys.version.split()[0]))
    print("command: %s" % " ".join(shlex.quote(x) for x in ["python3", "bench/issue15.py"] + sys.argv[1:]))
    print()
    print("| workload | command | median | vs binmap | CPU (user+sys) | peak RSS | note |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(r)
    print()
    for v in ver:
        print("- " + v)
    rm(exe)


if __name__ == "__main__":
    main()
