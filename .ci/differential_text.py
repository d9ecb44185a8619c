#!/usr/bin/env python3
"""Live randomized differential test of `binmap pack` on text that numpy and
pandas write (issue 14, items 10 and 11).

    python3 .ci/differential_text.py [--seed S] [--cases N] [--only I] [--keep DIR] [--binmap PATH]

Each case i (its random generator seeded with (S, i), so one case reruns alone
with --only i) draws a flat numpy record dtype (some of i1/u1/i2/u2/i4/u4/
i8/u8/f4/f8, either byte order, and S<n> text), 0..400 records of random data
(integer extremes, -0.0, subnormals, the largest floats, 17-digit values;
text with spaces, commas, quotes and `;` where the writer can quote it), and
the layout `records: T[..]` (or a count field `n` and `records: T[n]`). The
bytes `arr.tofile()` writes are the oracle; every text below must pack to
exactly them:

1. `np.savetxt` of the numeric fields (text fields are left out of this
   dtype: savetxt writes bytes as `b'...'`): the default `%.18e` for every
   field, or `%d` for the integers and `%.18e` (or `%r`-like `%.17g`) for
   the floats, with a delimiter of ' ', ',', ';' or a tab; packed with
   `--no-header`, the delimiter given or detected (`auto`). Integers written
   with `%.18e` are exact below 2^53; larger ones are drawn only with `%d`.
   Also a 2-D float array, packed into `data: f64[rows, cols]`.
2. pandas `DataFrame.to_csv` (text decoded to str), with and without its
   index, with `sep` ',', ';' or a tab: the header names the columns, an
   unnamed index column is skipped.
3. `json.dumps(arr.tolist())`: a top-level list of records given as lists;
   and the same as JSON Lines.
4. `binmap show -f json` of the packed file, its `records` path, and
   `select -f json` with a condition that keeps every record: they pack to
   the same bytes.

The last line is `N passed, M failed`; the exit status is non-zero on any
mismatch. Every failure message carries the command that reproduces it.
The binary: --binmap, else $BINMAP, else target/release/binmap.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from typing import List, Optional, Tuple

import numpy as np
import pandas as pd

INTS = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]
FLOATS = ["f4", "f8"]
BML = {"i1": "i8", "u1": "u8", "i2": "i16", "u2": "u16", "i4": "i32", "u4": "u32",
       "i8": "i64", "u8": "u64", "f4": "f32", "f8": "f64"}


def find_binmap(arg: Optional[str]) -> str:
    for p in [arg, os.environ.get("BINMAP"), "target/release/binmap"]:
        if p and os.path.exists(p):
            return p
    sys.exit("error: no binmap binary: build it (cargo build --release), set BINMAP or pass --binmap")


class Mismatch(Exception):
    pass


def draw_dtype(rng: np.random.Generator, text: bool) -> np.dtype:
    n = int(rng.integers(1, 6))
    fields = []
    for k in range(n):
        pick = rng.random()
        if text and pick < 0.2:
            code = "S%d" % int(rng.integers(1, 12))
        elif pick < 0.6:
            code = str(rng.choice(INTS))
        else:
            code = str(rng.choice(FLOATS))
        if code[0] != "S" and code[1] != "1":
            code = str(rng.choice(["<", ">"])) + code
        fields.append(("f%d" % k, code))
    return np.dtype(fields)


def layout_of(dt: np.dtype, counted: bool) -> str:
    parts = []
    for name in dt.names:
        f = dt.fields[name][0]
        if f.kind == "S":
            parts.append("%s: bytes[%d]" % (name, f.itemsize))
        else:
            t = BML[f.str[1:]]
            if f.itemsize > 1:
                t += "be" if f.byteorder == ">" else "le"
            parts.append("%s: %s" % (name, t))
    body = "{ %s }" % ", ".join(parts)
    return ("n: u32\nrecords: %s[n]" % body) if counted else ("records: %s[..]" % body)


def draw_column(rng: np.random.Generator, f: np.dtype, n: int, exact53: bool) -> np.ndarray:
    if f.kind == "S":
        alphabet = list("abcXYZ019 ,;\"'_-")
        vals = []
        for _ in range(n):
            k = int(rng.integers(0, f.itemsize + 1))
            s = "".join(str(rng.choice(alphabet)) for _ in range(k)).strip()
            vals.append(s.encode())
        return np.array(vals, dtype=f)
    if f.kind in "iu":
        info = np.iinfo(f)
        lo, hi = int(info.min), int(info.max)
        if exact53:
            lo, hi = max(lo, -(2 ** 53)), min(hi, 2 ** 53)
        v = rng.integers(lo, hi, n, endpoint=True, dtype=np.int64 if f.kind == "i" else np.uint64)
        extremes = np.array([lo, hi, 0], dtype=v.dtype)
        pick = rng.random(n) < 0.1
        v[pick] = rng.choice(extremes, int(pick.sum()))
        return v.astype(f)
    finfo = np.finfo(f)
    v = rng.standard_normal(n) * 10.0 ** rng.integers(finfo.minexp // 4, finfo.maxexp // 4, n)
    special = np.array([0.0, -0.0, float(finfo.max), -float(finfo.max), float(finfo.smallest_subnormal),
                        float(finfo.tiny), 0.1, 1 / 3], dtype=np.float64)
    pick = rng.random(n) < 0.15
    v[pick] = rng.choice(special, int(pick.sum()))
    return v.astype(f)


def draw_array(rng: np.random.Generator, dt: np.dtype, exact53: bool) -> np.ndarray:
    n = int(rng.choice([0, 1, int(rng.integers(2, 400))]))
    arr = np.zeros(n, dtype=dt)
    for name in dt.names:
        arr[name] = draw_column(rng, dt.fields[name][0], n, exact53)
    return arr


def run(cmd: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True)


def expect_pack(exe: str, layout: str, path: str, want: bytes, extra: List[str], what: str, out: str) -> None:
    if os.path.exists(out):
        os.remove(out)
    cmd = [exe, "pack", "-l", layout, path, "-o", out] + extra
    r = run(cmd)
    if r.returncode != 0:
        raise Mismatch("%s: pack failed (%s): %s" % (what, " ".join(map(repr, cmd)), r.stderr.decode(errors="replace")))
    got = open(out, "rb").read()
    if got != want:
        at = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]), min(len(got), len(want)))
        raise Mismatch("%s: %d bytes packed, %d expected, first difference at %d (%s)"
                       % (what, len(got), len(want), at, " ".join(map(repr, cmd))))


def oracle(arr: np.ndarray, counted: bool) -> bytes:
    head = np.uint32(len(arr)).tobytes() if counted else b""
    return head + arr.tobytes()


def savetxt_case(exe: str, rng: np.random.Generator, tmp: str) -> int:
    big_ints = rng.random() < 0.5
    dt = draw_dtype(rng, text=False)
    arr = draw_array(rng, dt, exact53=not big_ints)
    counted = bool(rng.random() < 0.3)
    layout = layout_of(dt, counted)
    delim = str(rng.choice([" ", ",", ";", "\t"]))
    if big_ints:
        fmt = ["%d" if dt.fields[n][0].kind in "iu" else str(rng.choice(["%.18e", "%.17g"])) for n in dt.names]
    else:
        fmt = "%.18e"
    path = os.path.join(tmp, "savetxt.txt")
    # savetxt writes a structured array's fields through its fmt: as plain values.
    rows = np.array([tuple(r) for r in arr.tolist()], dtype=object).reshape(len(arr), len(dt.names)) if len(arr) else np.zeros((0, len(dt.names)))
    np.savetxt(path, rows if len(arr) else rows, fmt=fmt, delimiter=delim)
    given = [] if rng.random() < 0.5 else ["--delimiter", {"\t": "tab", " ": "whitespace"}.get(delim, delim)]
    if len(dt.names) == 1 and not given and delim != ",":
        given = ["--delimiter", {"\t": "tab", " ": "whitespace"}.get(delim, delim)]
    expect_pack(exe, layout, path, oracle(arr, counted), ["--no-header"] + given,
                "np.savetxt(fmt=%r, delimiter=%r)" % (fmt, delim), os.path.join(tmp, "out.bin"))
    # A 2-D float array, savetxt's default, into a matrix.
    m = (rng.standard_normal((int(rng.integers(1, 30)), int(rng.integers(1, 6))))
         * 10.0 ** rng.integers(-300, 300, 1)[0])
    np.savetxt(path, m)
    expect_pack(exe, "rows: u32\ncols: u32\ndata: f64[rows, cols]", path,
                np.array(m.shape, "<u4").tobytes() + m.astype("<f8").tobytes(), ["--format", "csv"],
                "np.savetxt of a %dx%d float matrix" % m.shape, os.path.join(tmp, "out.bin"))
    return 2


def frame(arr: np.ndarray) -> pd.DataFrame:
    cols = {}
    for name in arr.dtype.names:
        c = arr[name]
        cols[name] = [b.decode() for b in c] if c.dtype.kind == "S" else c.astype(c.dtype.newbyteorder("="))
    return pd.DataFrame(cols, columns=list(arr.dtype.names))


def pandas_case(exe: str, rng: np.random.Generator, tmp: str) -> int:
    dt = draw_dtype(rng, text=True)
    arr = draw_array(rng, dt, exact53=False)
    counted = bool(rng.random() < 0.3)
    layout = layout_of(dt, counted)
    sep = str(rng.choice([",", ";", "\t"]))
    index = bool(rng.random() < 0.5)
    path = os.path.join(tmp, "pandas.csv")
    frame(arr).to_csv(path, sep=sep, index=index)
    expect_pack(exe, layout, path, oracle(arr, counted), [],
                "pandas to_csv(sep=%r, index=%r)" % (sep, index), os.path.join(tmp, "out.bin"))
    return 1


def json_case(exe: str, rng: np.random.Generator, tmp: str) -> int:
    dt = draw_dtype(rng, text=True)
    arr = draw_array(rng, dt, exact53=False)
    counted = bool(rng.random() < 0.3)
    layout = layout_of(dt, counted)
    want = oracle(arr, counted)
    out = os.path.join(tmp, "out.bin")

    def plain(v):
        return v.decode() if isinstance(v, bytes) else v

    rows = [[plain(v) for v in r] for r in arr.tolist()]
    path = os.path.join(tmp, "list.json")
    with open(path, "w") as f:
        json.dump(rows, f)
    expect_pack(exe, layout, path, want, [], "json.dumps(arr.tolist())", out)
    path = os.path.join(tmp, "list.jsonl")
    with open(path, "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    expect_pack(exe, layout, path, want, [], "JSON Lines of arr.tolist()", out)
    checks = 2
    # What binmap prints of the packed file packs back.
    src = os.path.join(tmp, "packed.bin")
    shutil.copy(out, src)
    first = dt.names[0]
    for what, cmd, ext in [
        ("show -f json", [exe, "show", src, "-l", layout, "-f", "json"], "json"),
        ("show records -f json", [exe, "show", src, "-l", layout, "records", "-f", "json"], "json"),
        ("show -f csv", [exe, "show", src, "-l", layout, "-f", "csv"], "csv"),
        ("select -f json", [exe, "select", src, "-l", layout, "--where", "%s == %s || true" % (first, first), "-f", "json"], "json"),
    ]:
        r = run(cmd)
        if r.returncode != 0:
            raise Mismatch("%s failed: %s" % (what, r.stderr.decode(errors="replace")))
        path = os.path.join(tmp, "shown." + ext)
        open(path, "wb").write(r.stdout)
        expect_pack(exe, layout, path, want, [], what + " then pack", out)
        checks += 1
    return checks


def one_case(exe: str, seed: int, i: int, tmp: str) -> int:
    rng = np.random.default_rng([seed, i])
    return savetxt_case(exe, rng, tmp) + pandas_case(exe, rng, tmp) + json_case(exe, rng, tmp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--only", type=int, default=None, help="run only case I of this seed")
    ap.add_argument("--keep", default=None, help="keep the files of a failing case in this folder")
    ap.add_argument("--binmap", default=None, help="the binary (default: $BINMAP, target/release)")
    a = ap.parse_args()
    exe = find_binmap(a.binmap)
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 32)
    print("differential_text: seed %d, %d cases, binary %s, numpy %s, pandas %s"
          % (seed, a.cases, exe, np.__version__, pd.__version__), flush=True)
    cases = [a.only] if a.only is not None else range(a.cases)
    passed = failed = checks = 0
    for i in cases:
        tmp = tempfile.mkdtemp(prefix="bm-text-")
        try:
            checks += one_case(exe, seed, i, tmp)
            passed += 1
        except Mismatch as e:
            failed += 1
            print("FAIL case %d (reproduce: python3 .ci/differential_text.py --seed %d --only %d --keep /tmp/bm-fail)\n  %s"
                  % (i, seed, i, e), flush=True)
            if a.keep:
                shutil.copytree(tmp, a.keep, dirs_exist_ok=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d texts packed and compared with tofile()" % checks)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
