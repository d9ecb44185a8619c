#!/usr/bin/env python3
"""Live randomized differential test of `binmap convert -o x.parquet / x.arrow`
against numpy, read back with pyarrow and DuckDB.

    python3 .ci/differential_arrow.py [--seed S] [--cases N] [--only I] [--keep DIR] [--binmap PATH]

Each case i (its random generator is seeded with (S, i), so any one case can be
rerun alone with --only i) builds a random numpy structured dtype (every
integer type in both byte orders, float16/32/64 in both orders, bool,
complex64/128, S, U and V fields, sub-arrays of one and two dimensions,
nested structs up to 3 levels, numpy align=True padding), fills 0..60 records
(1 case in 10 with 2,000..20,000) with random data including special values
(NaN payloads, -0.0, infinities, subnormals, extreme integers, non-UTF-8 and
interior-NUL bytes), writes it with numpy's tofile and the layout
`records: dtype("...")[..]`, then runs `binmap convert` to .parquet and to
.arrow (sometimes with --rows A..B, sometimes with --split K, the parts read
back one after another) and reads the results back with

  * pyarrow: `pq.read_table`, `pa.ipc.open_file(...).read_all()`;
  * DuckDB: `SELECT * FROM 'x.parquet'`, and the .arrow file through
    pyarrow then DuckDB (`SELECT * FROM tbl`; DuckDB cannot import Arrow's
    float16, so those columns are cast to float32 by pyarrow first).

Every value is compared with numpy's: integers and bools exactly, floats
bit for bit (a reader that widens float16 to float32 is compared after the
same widening, NaN-aware: any NaN for a NaN), S fields as numpy's bytes
(trailing NULs stripped; text when every value in the column is UTF-8),
U fields as text, V fields as raw bytes, complex numbers as {real, imag}.

The last line is `N passed, M failed`, with the number of values compared
before it; the exit status is non-zero on any mismatch. Every failure message
carries the command that reproduces it.
The binary: --binmap, else $BINMAP, else target/release/binmap, else target/debug/binmap.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from differential import find_binmap  # noqa: E402 (the script's own directory)

ROOT = Path(__file__).resolve().parents[1]

INTS = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]
FLOATS = ["f2", "f4", "f8"]
COMPLEX = ["c8", "c16"]


class Failure(Exception):
    pass


# ------------------------------------------------------------ random cases
def random_leaf(rng):
    r = rng.random()
    order = rng.choice(["<", ">"])
    if r < 0.35:
        return order + rng.choice(INTS)
    if r < 0.6:
        return order + rng.choice(FLOATS)
    if r < 0.65:
        return "?"
    if r < 0.72:
        return order + rng.choice(COMPLEX)
    if r < 0.86:
        return "S%d" % rng.randint(1, 9)
    if r < 0.93:
        return order + "U%d" % rng.randint(1, 4)
    return "V%d" % rng.randint(1, 5)


def random_dtype(rng, depth=0):
    fields = []
    for k in range(rng.randint(1, 5)):
        r = rng.random()
        if r < 0.15 and depth < 2:
            t = random_dtype(rng, depth + 1)
        else:
            t = np.dtype(random_leaf(rng))
        if rng.random() < 0.2:
            shape = (rng.randint(0, 3),) if rng.random() < 0.6 else (rng.randint(1, 3), rng.randint(0, 3))
            fields.append(("f%d_%d" % (depth, k), t, shape))
        else:
            fields.append(("f%d_%d" % (depth, k), t))
    return np.dtype(fields, align=rng.random() < 0.3)


SPECIAL = {
    2: [0x7e00, 0xfe01, 0x7c01, 0x8000, 0x7c00, 0xfc00, 0x0001, 0x03ff],
    4: [0x7fc00000, 0xffc00001, 0x7f800001, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x007fffff],
    8: [0x7ff8000000000000, 0xfff8000000000001, 0x7ff0000000000001, 0x8000000000000000,
        0x7ff0000000000000, 0xfff0000000000000, 0x0000000000000001, 0x000fffffffffffff],
}
TEXTS = [b"", b"abc", b"h\xc3\xa9llo", b"a\0b", b"MSFT_profit", b"\xff\xfe", b"\x00x", b"\xe2\x82\xac"]
UTEXTS = ["", "a", "\u20ac", "\U0001f600b", "x\0y", "naïve"]


def fill(rng, npr, a):
    """Fill the array `a` (a field of a structured array, any shape) with random values in place."""
    dt = a.dtype
    if dt.names:
        for name in dt.names:
            fill(rng, npr, a[name])
        return
    n = a.size
    k = dt.kind
    if k in "iu":
        info = np.iinfo(dt)
        vals = npr.integers(info.min, info.max, size=n, endpoint=True, dtype=dt.newbyteorder("="))
        ext = npr.random(n) < 0.1
        vals[ext] = npr.choice(np.array([info.min, info.max, 0], dtype=vals.dtype), size=int(ext.sum()))
    elif k == "f":
        bits = npr.integers(0, 2 ** (8 * dt.itemsize), size=n, dtype=np.uint64)
        spec = npr.random(n) < 0.3
        bits[spec] = npr.choice(SPECIAL[dt.itemsize], size=int(spec.sum()))
        # by bits, then byte-swapped as bits: NaN payloads survive
        vals = bits.astype("u%d" % dt.itemsize).astype(dt.str.replace("f", "u")).view(dt)
    elif k == "c":
        vals = np.empty(n, dtype=dt)
        fill(rng, npr, vals.view(dt.str[0].replace("|", "=") + "f%d" % (dt.itemsize // 2)))
    elif k == "b":
        vals = npr.random(n) < 0.5
    elif k == "S":
        vals = np.array([rng.choice(TEXTS)[:dt.itemsize] for _ in range(n)], dtype=dt)
    elif k == "U":
        vals = np.array([rng.choice(UTEXTS)[:dt.itemsize // 4] for _ in range(n)], dtype=dt)
    else:
        vals = np.array([bytes(npr.integers(0, 256, size=dt.itemsize, dtype=np.uint8)) for _ in range(n)], dtype=dt)
    a[...] = np.asarray(vals, dtype=dt).reshape(a.shape)


# ------------------------------------------------------------ comparing
def values(arr):
    """A chunked or plain arrow array as one Array."""
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def list_items(a, size, where):
    """The items of a list or fixed-size list column whose lists all hold `size` items."""
    if pa.types.is_fixed_size_list(a.type):
        if a.type.list_size != size:
            raise Failure("%s: fixed-size lists of %d, numpy has %d" % (where, a.type.list_size, size))
        return a.flatten()
    if pa.types.is_list(a.type) or pa.types.is_large_list(a.type):
        lens = a.value_lengths().to_numpy(zero_copy_only=False)
        if len(lens) and not (lens == size).all():
            raise Failure("%s: list lengths %s, numpy has %d" % (where, sorted(set(lens.tolist())), size))
        return a.flatten()
    raise Failure("%s: type %s where numpy has a sub-array" % (where, a.type))


def same_bits(got, want, where, widened_ok):
    """Floats: bits equal; if the reader widened them, after numpy's same widening, any NaN for a NaN."""
    got = np.asarray(got)
    if got.dtype.kind != "f":
        raise Failure("%s: %s where numpy has %s" % (where, got.dtype, want.dtype))
    want = want.astype(want.dtype.newbyteorder("="))
    if got.dtype.itemsize != want.dtype.itemsize:
        if not widened_ok:
            raise Failure("%s: %s where numpy has %s" % (where, got.dtype, want.dtype))
        want = want.astype(got.dtype)
        nan = np.isnan(got) & np.isnan(want)
    else:
        nan = np.zeros(len(got), dtype=bool)
    ut = np.dtype("u%d" % got.dtype.itemsize)
    bad = ~nan & (got.view(ut) != want.view(ut))
    if bad.any():
        i = int(np.argmax(bad))
        raise Failure("%s[%d]: bits 0x%x, numpy has 0x%x" % (where, i, got.view(ut)[i], want.view(ut)[i]))


def compare(a, x, where, reader):
    """Compare arrow array `a` with numpy array `x` (same length); returns the number of values compared."""
    a = values(a)
    if len(a) != len(x):
        raise Failure("%s: %d values, numpy has %d" % (where, len(a), len(x)))
    if a.null_count:
        raise Failure("%s: %d nulls" % (where, a.null_count))
    dt = x.dtype
    if len(x.shape) > 1:
        size = int(np.prod(x.shape[1:]))
        inner = x.reshape((len(x) * x.shape[1],) + x.shape[2:])
        return compare(list_items(a, x.shape[1], where), inner, where + "[]", reader) if size else 0
    if dt.names:
        if not pa.types.is_struct(a.type):
            raise Failure("%s: type %s where numpy has a struct" % (where, a.type))
        names = [a.type.field(i).name for i in range(a.type.num_fields)]
        if names != list(dt.names):
            raise Failure("%s: fields %s, numpy has %s" % (where, names, list(dt.names)))
        return sum(compare(a.field(n), x[n], where + "." + n, reader) for n in dt.names)
    k = dt.kind
    widened = reader == "duckdb"
    if k in "iu":
        got = a.to_numpy(zero_copy_only=False)
        if got.dtype != dt.newbyteorder("="):
            raise Failure("%s: %s where numpy has %s" % (where, a.type, dt))
        bad = got != x
        if bad.any():
            i = int(np.argmax(bad))
            raise Failure("%s[%d]: %r, numpy has %r" % (where, i, got[i], x[i]))
    elif k == "f":
        same_bits(a.to_numpy(zero_copy_only=False), x, where, widened)
    elif k == "c":
        if not pa.types.is_struct(a.type) or [a.type.field(i).name for i in range(a.type.num_fields)] != ["real", "imag"]:
            raise Failure("%s: type %s where numpy has %s" % (where, a.type, dt))
        ft = np.dtype(dt.str[0].replace("|", "=") + "f%d" % (dt.itemsize // 2))
        parts = np.ascontiguousarray(x).view(ft).reshape(len(x), 2)
        same_bits(a.field("real").to_numpy(zero_copy_only=False), parts[:, 0], where + ".real", False)
        same_bits(a.field("imag").to_numpy(zero_copy_only=False), parts[:, 1], where + ".imag", False)
        return 2 * len(x)
    elif k == "b":
        got = a.to_numpy(zero_copy_only=False)
        if got.dtype != np.bool_ or (got != x).any():
            raise Failure("%s: %s %r, numpy has %r" % (where, a.type, got[:5], x[:5]))
    elif k == "S":
        want = x.tolist()
        utf8 = all(_is_utf8(b) for b in want)
        text = pa.types.is_string(a.type) or pa.types.is_large_string(a.type) or pa.types.is_string_view(a.type)
        if text != utf8 and reader != "duckdb":
            raise Failure("%s: type %s, but the values are %sall UTF-8" % (where, a.type, "" if utf8 else "not "))
        got = [v.encode("utf-8") if isinstance(v, str) else v for v in a.to_pylist()]
        _same_list(got, want, where)
    elif k == "U":
        _same_list(a.to_pylist(), x.tolist(), where)
    elif k == "V":
        _same_list(a.to_pylist(), [bytes(v) for v in x.tolist()], where)
    else:
        raise Failure("%s: numpy kind %s not covered" % (where, k))
    return len(x)


def _is_utf8(b):
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _same_list(got, want, where):
    if got != want:
        i = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
        raise Failure("%s[%d]: %r, numpy has %r" % (where, i, got[i], want[i]))


def compare_table(t, arr, where, reader):
    names = list(arr.dtype.names)
    if t.column_names != names:
        raise Failure("%s: columns %s, numpy has %s" % (where, t.column_names, names))
    return sum(compare(t.column(n), arr[n], "%s %s" % (where, n), reader) for n in names)


# ------------------------------------------------------------ one case
def run(exe, args, timeout=120):
    try:
        r = subprocess.run([exe] + args, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure("timed out after %ds: binmap %s" % (timeout, " ".join(args)))
    if r.returncode != 0:
        raise Failure("exit %d: %s\n      $ binmap %s" % (
            r.returncode, r.stderr.decode(errors="replace").strip()[:600], " ".join(args)))


def readers(path):
    """(name, table) for each way of reading `path` back."""
    if path.suffix == ".parquet":
        yield "pyarrow", pq.read_table(path)
        yield "duckdb", duckdb.sql("SELECT * FROM '%s'" % path).to_arrow_table()
    else:
        with pa.ipc.open_file(path) as f:
            tbl = f.read_all()
        yield "pyarrow", tbl
        # DuckDB cannot import Arrow's float16: those columns go in as float32.
        tbl = tbl.cast(pa.schema([f.with_type(without_f16(f.type)) for f in tbl.schema]))
        yield "duckdb", duckdb.sql("SELECT * FROM tbl").to_arrow_table()


def without_f16(t):
    """Type `t` with float16 replaced by float32, however deeply nested."""
    if pa.types.is_float16(t):
        return pa.float32()
    if pa.types.is_struct(t):
        return pa.struct([t.field(i).with_type(without_f16(t.field(i).type)) for i in range(t.num_fields)])
    if pa.types.is_fixed_size_list(t):
        return pa.list_(t.value_field.with_type(without_f16(t.value_type)), t.list_size)
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(without_f16(t.value_type)))
    return t


def one_case(exe, seed, i, tmp):
    rng = random.Random("%d/%d" % (seed, i))
    npr = np.random.default_rng([seed, i])
    dt = random_dtype(rng)
    while dt.itemsize == 0:  # `T[..]` of zero-size records is an error, rightly
        dt = random_dtype(rng)
    n = rng.randint(2000, 20000) if rng.random() < 0.1 else rng.randint(0, 60)
    arr = np.zeros(n, dtype=dt)
    fill(rng, npr, arr)
    d = Path(tmp)
    data = d / "case.bin"
    arr.tofile(data)
    layout = 'records: dtype("%s")[..]' % str(np.lib.format.dtype_to_descr(dt)).replace('"', "'")
    (d / "case.bml").write_text(layout + "\n")
    rows, split = None, None
    r = rng.random()
    if r < 0.25 and n:
        a, b = sorted(rng.randint(-n - 2, n + 2) for _ in range(2))
        rows = "%d..%d" % (a, b)
    elif r < 0.4:
        split = rng.randint(1, 5)
    want = arr[slice(*[int(v) for v in rows.split("..")])] if rows else arr
    compared = 0
    for ext in ("parquet", "arrow"):
        out = d / ("case." + ext)
        args = ["convert", str(data), "-l", str(d / "case.bml"), "-o", str(out)]
        if rows:
            args += ["--rows", rows]
        if split:
            args += ["--split", str(split)]
        run(exe, args)
        paths = [d / ("case-%05d-of-%05d.%s" % (k, split, ext)) for k in range(split)] if split else [out]
        got = {}
        for p in paths:
            for reader, t in readers(p):
                got.setdefault(reader, []).append(t)
        where = "case %d (.%s)" % (i, ext)
        for reader, tables in got.items():
            try:
                t = pa.concat_tables(tables)
            except pa.ArrowInvalid as e:
                raise Failure("%s, %s: the parts do not share a schema: %s\n      $ binmap %s" % (
                    where, reader, e, " ".join(args)))
            try:
                compared += compare_table(t, want, "%s, %s:" % (where, reader), reader)
            except Failure as e:
                raise Failure("%s\n      dtype %s\n      $ binmap %s" % (e, dt, " ".join(args)))
        for p in paths:
            p.unlink()
    return compared


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--only", type=int, default=None, help="run only case I")
    ap.add_argument("--keep", default=None, help="keep the files of failing cases in DIR")
    ap.add_argument("--binmap", default=None, help="the binmap binary")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int(time.time()) % 100000
    exe = find_binmap(a.binmap)
    print("differential_arrow: seed %d, %s, pyarrow %s, duckdb %s, numpy %s" % (
        seed, exe, pa.__version__, duckdb.__version__, np.__version__))
    cases = [a.only] if a.only is not None else range(a.cases)
    passed = failed = values_compared = 0
    for i in cases:
        tmp = tempfile.mkdtemp(prefix="binmap-arrow-")
        try:
            values_compared += one_case(exe, seed, i, tmp)
            passed += 1
        except Failure as e:
            failed += 1
            print("FAIL case %d (rerun: --seed %d --only %d): %s" % (i, seed, i, e))
            if a.keep:
                dest = Path(a.keep) / ("case%d" % i)
                shutil.copytree(tmp, dest, dirs_exist_ok=True)
                print("      files kept in %s" % dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d cases, %d values compared (pyarrow and DuckDB, Parquet and Arrow IPC)" % (
        passed + failed, values_compared))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
