#!/usr/bin/env python3
"""binmap convert -o x.parquet / x.arrow against pyarrow, on record files.

    python3 bench/parquet.py [--records 5000000] [--runs 5] [--dir /tmp] [--arrow]

Data: numpy records [('name','S12'), ('time','<i8'), ('value','<f4')]
(bench/make_records.py's generator, into --dir, never the repository).
Each contender is timed as a whole process (start-up, mapping, building,
writing), interleaved round by round; the medians and the ratio are
printed. The peer is what a numpy user writes:

    mm = np.memmap(F, dtype=dt, mode='r')
    t = pa.table({'name': pc.cast(pa.array(mm['name']), pa.string()),
                  'time': pa.array(mm['time']), 'value': pa.array(mm['value'])})
    pq.write_table(t, OUT)                     # snappy, 1 Mi-row row groups
    # --arrow: pa.ipc.new_file(OUT, t.schema).write_table(t)

After timing, both outputs are read back with pyarrow and compared.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import make_records  # noqa: E402

PEER = """\
import sys, numpy as np, pyarrow as pa, pyarrow.compute as pc, pyarrow.parquet as pq
F, OUT = sys.argv[1], sys.argv[2]
dt = np.dtype([('name', 'S12'), ('time', '<i8'), ('value', '<f4')])
mm = np.memmap(F, dtype=dt, mode='r')
t = pa.table({'name': pc.cast(pa.array(mm['name']), pa.string()),
              'time': pa.array(mm['time']), 'value': pa.array(mm['value'])})
if OUT.endswith('.parquet'):
    pq.write_table(t, OUT, compression='snappy')
else:
    with pa.ipc.new_file(OUT, t.schema) as w:
        w.write_table(t, max_chunksize=1 << 20)
"""

LAYOUT = "type Tick = { name: bytes[12], time: i64, value: f32 }\nrecords: Tick[..]"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=5_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", default="/tmp")
    ap.add_argument("--arrow", action="store_true", help="Arrow IPC instead of Parquet")
    a = ap.parse_args()
    exe = common.find_binmap()
    n = a.records
    name = "records_%s.bin" % ({50_000_000: "50M", 500_000: "500k"}.get(n) or str(n))
    data = os.path.join(a.dir, name)
    make_records.make(data, n, 50 if n == 50_000_000 else n)
    ext = "arrow" if a.arrow else "parquet"
    outs = {k: os.path.join(a.dir, "bench_parquet_%s.%s" % (k, ext)) for k in ("binmap", "pyarrow")}
    argv = {
        "binmap": [exe, "convert", data, "-l", LAYOUT, "-o", outs["binmap"]],
        "pyarrow": [sys.executable, "-c", PEER, data, outs["pyarrow"]],
    }
    times = {k: [] for k in argv}
    for k, cmd in argv.items():  # warm-up: page cache, first run costs
        _, rc, _, err = common.run_timed(cmd)
        if rc != 0:
            sys.exit("%s failed: %s" % (k, common.first_line(err)))
    for _ in range(a.runs):
        for k, cmd in argv.items():
            t, rc, _, err = common.run_timed(cmd)
            if rc != 0:
                sys.exit("%s failed: %s" % (k, common.first_line(err)))
            times[k].append(t)
    med = {k: statistics.median(v) for k, v in times.items()}
    print("%s records -> .%s, %d runs (whole process, medians)" % (format(n, ","), ext, a.runs))
    for k in argv:
        print("  %-8s %s   (%s)  %.0f MB" % (k, common.fmt_s(med[k]), ", ".join("%.3f" % t for t in times[k]),
                                           os.path.getsize(outs[k]) / 1e6))
    print("  ratio: binmap is %.2fx pyarrow's speed" % (med["pyarrow"] / med["binmap"]))
    check(outs, a.arrow)
    for p in outs.values():
        os.remove(p)


def check(outs, arrow):
    """Both files hold the same table (names as text, values bit for bit)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    read = (lambda p: pa.ipc.open_file(p).read_all()) if arrow else pq.read_table
    b, p = read(outs["binmap"]), read(outs["pyarrow"])
    same = b.num_rows == p.num_rows and all(
        b.column(c).combine_chunks().equals(p.column(c).combine_chunks()) for c in ("name", "time", "value"))
    print("  check: %d rows, same values as pyarrow: %s" % (b.num_rows, "yes" if same else "NO"))
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
