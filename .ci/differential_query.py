#!/usr/bin/env python3
"""Live randomized differential test of `binmap select`, `binmap stats` and
the `--where` language against numpy.

    python3 .ci/differential_query.py [--seed S] [--cases N] [--only I] [--keep DIR]
                                      [--binmap PATH] [--exprs K] [--known-bugs]

Each case i (its random generator is seeded with (S, i), so any one case can be
rerun alone with --only i) builds a random flat numpy record dtype (some of
i1/u1/i2/u2/i4/u4/i8/u8/f2/f4/f8 in either byte order, S<n> and bool), 0..3000
records (0 and 1 included) of random data (NaN payloads, +-inf, -0.0,
subnormals, integer extremes; some columns drawn from a few values so that
groups and `==` hit; strings from a small vocabulary with empty and
trailing-NUL values), writes it with numpy and writes the binmap layout with
the generator of tests/fixtures/make.py (`records: T[..]`, or a count field
`n` + `records: T[n]`, sometimes with a field after the records). Then, for
K random `--where` expressions (comparisons of fields with literals of their
kind and with other fields, `+ - * / %` on numbers, `in` / `not in` lists,
`&& || !`, with random spellings), evaluated in numpy from the same tree:

1. `binmap select FILE -l L -w EXPR --fields <all, some shuffled> -f jsonl`
   (sometimes with `--rows A..B`) against numpy's `arr[mask]`: the text line
   by line, every value exactly (floats by their bits at their own width, the
   NaN payloads as `{"nan": ...}`), via the serializer of make.py.
2. `binmap select ... -f bin -o X` (first expression of a case): X must be the
   file's bytes with only `arr[mask]` in the table and the count field
   rewritten; np.fromfile(X) must give `arr[mask]`.
3. `binmap stats FILE -l L -f json` without and with the `--where`, and
   `--by` a string, integer or bool field when there is one: count, nan, min
   and max exactly (min/max read back at the column's width), mean/std/sum
   within 1e-12 relative (1e-300 absolute) of numpy's float64
   nanmean/nanstd/nansum or of the exact value (math.fsum; exact integers for
   integer columns, whose sums must be exact).

Semantics of the oracle (binmap's contract, numpy 2 / NEP 50): fields are
strongly typed, literals weak (a Python scalar in numpy), promotion is
np.result_type's; bools count as integers in arithmetic; integer arithmetic
is exact (Python ints; numpy would wrap, binmap computes in i128: a result
past i128 must be binmap's "integer overflow" error, exit 1); floats are
computed by numpy at the promoted width; strings compare as numpy compares S
arrays (trailing NULs of both sides ignored). Integer arithmetic mixing
int64 and uint64 (numpy: float64) is not generated.

One known discrepancy is accepted unless --known-bugs is given: float sums
whose positive or negative part exceeds the largest double can overflow in
binmap's summation order where numpy's does not (inf for a finite sum; NaN
where a real inf of the other sign is there). Any non-finite result is then
accepted for such columns, and counted in the summary line. (String
literals with trailing NULs, bool and mixed-sign integer promotion, computed
NaNs and infinities across lanes were discrepancies once; they are fixed
and always checked.)

The last line is `N passed, M failed`, with the counts of expressions, rows,
values and statistics compared before it; the exit status is non-zero on any
mismatch. Every failure message carries the command that reproduces it.
The binary: --binmap, else $BINMAP, else target/release/binmap, else target/debug/binmap.
"""

import argparse
import importlib.util
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# The serializer, the types (Sc, By, St), the layout writer and the random
# data of the fixtures; the value checker of the show/pack differential.
fm = _load("fixture_make", ROOT / "crates/binmap-cli/tests/fixtures/make.py")
diff = _load("differential", ROOT / ".ci/differential.py")

STATS = {"exprs": 0, "skipped_exprs": 0, "overflow_errors": 0, "selected_rows": 0, "values": 0,
         "bin_files": 0, "stats_runs": 0, "stats_cells": 0, "by_runs": 0, "ill_conditioned": 0,
         "overflow_prone": 0}
KNOWN = [False]


VERBOSE = False


class Failure(Exception):
    pass


class Skip(Exception):
    """An expression outside what the oracle models (regenerated)."""


class Overflow(Exception):
    """Exact integer arithmetic past i128: binmap must refuse."""

    def __init__(self, rows):
        super().__init__("overflow")
        self.rows = rows


def find_binmap(arg):
    env = arg or os.environ.get("BINMAP")
    if env:
        p = Path(env)
        if not p.is_absolute():
            p = Path.cwd() / p
        if not p.exists():
            sys.exit("error: binmap binary %s does not exist" % env)
        return str(p)
    for p in (ROOT / "target/release/binmap", ROOT / "target/debug/binmap"):
        if p.exists():
            return str(p)
    sys.exit("error: no binmap binary: build it (cargo build --release), set BINMAP or pass --binmap")


def run(exe, args, timeout=120):
    try:
        return subprocess.run([exe] + args, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure("timed out after %ds: binmap %s" % (timeout, shell(args)))


def shell(args):
    def q(a):
        if a and all(c.isalnum() or c in "-_./=:,@" for c in a):
            return a
        return "'" + a.replace("'", "'\\''") + "'"
    return " ".join(q(a) for a in args)


def must(r, what, args):
    if r.returncode != 0:
        raise Failure("%s: exit %d: %s\n      $ binmap %s" % (
            what, r.returncode, r.stderr.decode(errors="replace").strip()[:800], shell(args)))
    return r.stdout


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------

INTS = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]
FLOATS = ["f2", "f4", "f8"]
FKIND = {2: "f16", 4: "f32", 8: "f64"}

# Strings of the S fields: few, so that groups and `==` hit; empty,
# interior and trailing NULs (numpy and binmap strip the trailing ones),
# non-UTF-8, prefixes of each other.
VOCAB = [b"", b"a", b"a\x00", b"ab", b"b", b"MSFT_profit", b"GOOG_profit", b"caf\xc3\xa9",
         b"ab\x00cd", b"\xff\xfe", b"zz", b"A", b"a b", b"q'\"\\"]


class Field:
    def __init__(self, name, t):
        self.name, self.t = name, t
        if isinstance(t, fm.By):
            self.kind = "str"
        elif t.kind == "bool":
            self.kind = "bool"
        elif t.kind in ("i", "u"):
            self.kind = "int"
        else:
            self.kind = "float"

    @property
    def dt(self):
        return self.t.np()

    def fkind(self):
        return FKIND[self.t.size]


def rand_record(rng):
    used = set()
    fields = []
    for _ in range(int(rng.integers(1, 7))):
        r = rng.random()
        order = "<" if rng.random() < 0.5 else ">"
        if r < 0.35:
            code = INTS[int(rng.integers(0, len(INTS)))]
            t = fm.Sc(code[0], int(code[1]), order)
        elif r < 0.7:
            code = FLOATS[int(rng.integers(0, len(FLOATS)))]
            t = fm.Sc("f", int(code[1]), order)
        elif r < 0.88:
            t = fm.By(int(rng.integers(1, 13)))
        else:
            t = fm.Sc("bool")
        fields.append(Field(fm.rand_name(rng, used), t))
    mode = str(rng.choice(["suffix", "big", "little", "switch"]))
    st = fm.St([(f.name, f.t) for f in fields], mode)
    return fields, st


def fill(rng, arr, fields, st):
    fm.fill_random(arr, st, rng, strings=VOCAB)
    n = len(arr)
    if n == 0:
        return
    for f in fields:
        if f.kind == "int" and rng.random() < 0.5:
            info = np.iinfo(f.dt)
            pool = sorted({0, 1, 2, 7, info.min, info.max} | ({-1, -3} if info.min < 0 else set()))
            arr[f.name] = np.array(rng.choice(np.array(pool, dtype=object), size=n).tolist(), dtype=f.dt)
        elif f.kind == "float" and rng.random() < 0.5:
            ft = f.dt.type
            with np.errstate(all="ignore"):
                pool = [ft(0.1), ft(-0.0), ft(0.0), ft(1.5), ft(np.nan), ft(-2.5), ft(np.inf), ft(100)]
            pick = rng.random(n) < 0.6
            vals = np.array([pool[int(k)] for k in rng.integers(0, len(pool), size=n)], dtype=f.dt)
            arr[f.name] = np.where(pick, vals, arr[f.name])
        elif f.kind == "bool" and rng.random() < 0.2:
            arr[f.name] = rng.random() < 0.5  # all equal


def build_case(rng):
    fields, st = rand_record(rng)
    dt = st.np()
    r = rng.random()
    if r < 0.06:
        n = 0
    elif r < 0.12:
        n = 1
    elif r < 0.4:
        n = int(rng.integers(2, 40))
    elif r < 0.95:
        n = int(rng.integers(40, 3001))
    elif r < 0.995:
        n = int(rng.integers(4097, 20000))  # several 4096-row lanes
    else:
        n = int(rng.integers(65537, 70000))  # two 65536-row parallel blocks
    arr = np.zeros(n, dtype=dt)
    fill(rng, arr, fields, st)
    body = fm.bml_type(st, "?", rng, {})
    header = str(rng.choice(["none", "none", "u32", "u16be", "i64"]))
    if header == "u16be" and n > 0xFFFF:
        header = "u32"  # a u16 count cannot hold it (the draw is kept for the seed)
    lines, prefix, suffix = [], b"", b""
    if header == "none":
        lines.append("records: %s[..]" % body)
    else:
        lines.append("n: %s" % header)
        lines.append("records: %s[n]" % body)
        prefix = np.array([n], dtype=prefix_dtype(header)).tobytes()
        if rng.random() < 0.3:
            lines.append("tail: u32")
            suffix = np.array([0xDEADBEEF], dtype="<u4").tobytes()
    text = "\n".join(lines) + "\n"
    return fields, st, arr, text, prefix, suffix, header


# --------------------------------------------------------------------------
# --where expressions: a tree, its text, and its value in numpy
# --------------------------------------------------------------------------
#
# Nodes: ("int", v) ("float", v, text) ("bool", b) ("str", bytes) ("field", Field)
#        ("neg", x) ("arith", op, a, b) ("cmp", op, a, b) ("and", a, b) ("or", a, b)
#        ("not", x) ("in", x, [literal nodes], negated)

CMP = ["==", "!=", "<", "<=", ">", ">="]


def float_lit(x, fkind="f64"):
    """A literal node for the float x, written with the shortest digits at fkind."""
    if math.isnan(x):
        return ("float", x, "nan")
    if math.isinf(x):
        return ("float", x, "inf" if x > 0 else "-inf")
    bits = fm.fbits(fkind, x) if fkind != "f64" else int(np.array([x]).view(np.uint64)[0])
    return ("float", x, fm.float_token(fkind, bits, "csv"))


def str_text(b, rng):
    q = "'" if rng.random() < 0.5 else '"'
    try:
        s = b.decode("utf-8")
        out = []
        for ch in s:
            if ch == "\\" or ch == q:
                out.append("\\" + ch)
            elif ch == "\0":
                out.append("\\0" if rng.random() < 0.5 else "\\x00")
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append("\\x%02x" % ord(ch))
            else:
                out.append(ch)
        return q + "".join(out) + q
    except UnicodeDecodeError:
        out = []
        for c in b:
            ch = chr(c)
            if ch == "\\" or ch == q:
                out.append("\\" + ch)
            elif 0x20 <= c < 0x7F:
                out.append(ch)
            else:
                out.append("\\x%02x" % c)
        return q + "".join(out) + q


class Gen:
    def __init__(self, rng, fields, arr):
        self.rng, self.fields, self.arr = rng, fields, arr
        self.nums = [f for f in fields if f.kind in ("int", "float")]
        self.strs = [f for f in fields if f.kind == "str"]
        self.bools = [f for f in fields if f.kind == "bool"]

    def pick(self, xs):
        return xs[int(self.rng.integers(0, len(xs)))]

    def row_value(self, f):
        if len(self.arr) == 0:
            return None
        return self.arr[f.name][int(self.rng.integers(0, len(self.arr)))]

    # literals of a field's kind
    def int_lit(self, f=None):
        r = self.rng.random()
        if f is not None and f.kind == "int":
            info = np.iinfo(f.dt)
            v = self.row_value(f)
            if r < 0.45 and v is not None:
                return ("int", int(v))
            if r < 0.7:
                return ("int", int(self.pick([info.min, info.max, info.min - 1, info.max + 1, 0, -1])))
        return ("int", int(self.pick([0, 1, 2, 3, -1, -7, 100, 255, 256, -128, 65504, 16777217, 2 ** 53 + 1])))

    def float_lit(self, f=None):
        r = self.rng.random()
        if f is not None and f.kind == "float":
            v = self.row_value(f)
            if r < 0.5 and v is not None:
                return float_lit(float(v), f.fkind())
        if r < 0.6:
            return float_lit(self.pick([0.1, -0.0, 0.0, 1.5, -2.5, 100.0, 0.3]))
        return float_lit(self.pick([1e-5, 3.4028234663852886e38, 1e39, 65504.0, 65520.0, 6e-8, 1e300, -1e-310,
                                    float("nan"), float("inf"), -float("inf"), 0.1 + 0.2]))

    def str_lit(self, f=None):
        v = self.row_value(f) if f is not None else None
        if v is not None and self.rng.random() < 0.5:
            b = bytes(v)
        else:
            b = self.pick(VOCAB)
        if self.rng.random() < 0.1:
            b = b + b"\0"
        return ("str", b)

    def literal_for(self, f):
        if f.kind == "int":
            return self.int_lit(f) if self.rng.random() < 0.8 else self.float_lit()
        if f.kind == "float":
            return self.float_lit(f) if self.rng.random() < 0.8 else self.int_lit()
        if f.kind == "bool":
            return ("bool", bool(self.rng.random() < 0.5)) if self.rng.random() < 0.7 else ("int", int(self.pick([0, 1, 2, -1])))
        return self.str_lit(f)

    # numeric expressions
    def num(self, depth):
        r = self.rng.random()
        if depth <= 0 or r < 0.35 or not self.nums:
            if (self.nums or self.bools) and self.rng.random() < 0.8:
                return ("field", self.pick(self.nums + self.bools))
            return self.int_lit() if self.rng.random() < 0.5 else self.float_lit()
        if r < 0.45:
            return ("neg", self.num(depth - 1))
        a = self.num(depth - 1)
        op = self.pick(["+", "-", "*", "+", "-", "*", "/", "%"])
        if op in ("/", "%"):
            b = self.pick([("int", self.pick([2, 3, -3, 7, 1000])), float_lit(self.pick([0.5, -2.5, 3.0, 0.1]))])
        elif self.rng.random() < 0.5:
            b = self.num(depth - 1)
        else:
            b = self.pick([("int", self.pick([1, 2, -3, 100])), float_lit(self.pick([0.5, 0.1, -1.5, 1e-3]))])
        if self.rng.random() < 0.5:
            a, b = (b, a) if op not in ("/", "%") else (a, b)
        return ("arith", op, a, b)

    def comparison(self, depth):
        r = self.rng.random()
        if self.strs and r < 0.2:
            f = self.pick(self.strs)
            other = ("field", self.pick(self.strs)) if self.rng.random() < 0.2 else self.str_lit(f)
            a, b = ("field", f), other
            if self.rng.random() < 0.3:
                a, b = b, a
            return ("cmp", self.pick(CMP), a, b)
        if (self.strs or self.nums or self.bools) and r < 0.35:
            f = self.pick(self.strs + self.nums + self.bools)
            lits = [self.literal_for(f) for _ in range(int(self.rng.integers(1, 5)))]
            if f.kind != "str":  # one kind per list (see the docstring)
                kinds = {l[0] for l in lits}
                if len(kinds) > 1:
                    lits = [l for l in lits if l[0] == lits[0][0]]
            return ("in", ("field", f), lits, bool(self.rng.random() < 0.4))
        if self.bools and r < 0.45:
            f = self.pick(self.bools)
            if self.rng.random() < 0.5:
                return ("field", f)
            return ("cmp", self.pick(["==", "!="]), ("field", f), self.literal_for(f))
        if not self.nums and not self.bools:
            return ("cmp", self.pick(CMP), self.int_lit(), self.int_lit())
        if self.nums and self.rng.random() < 0.6:
            f = self.pick(self.nums)
            a = ("field", f) if self.rng.random() < 0.7 else self.num(depth)
            b = self.literal_for(f) if self.rng.random() < 0.6 else self.num(depth)
        else:
            a, b = self.num(depth), self.num(depth)
        if self.rng.random() < 0.3:
            a, b = b, a
        return ("cmp", self.pick(CMP), a, b)

    def cond(self, depth=2):
        r = self.rng.random()
        if depth <= 0 or r < 0.45:
            return self.comparison(int(self.rng.integers(0, 3)))
        if r < 0.55:
            return ("not", self.cond(depth - 1))
        return (self.pick(["and", "or"]), self.cond(depth - 1), self.cond(depth - 1))


def text(node, rng):
    k = node[0]
    if k == "int":
        v = node[1]
        if v >= 0 and rng.random() < 0.1:
            return hex(v)
        return str(v)
    if k == "float":
        return node[2]
    if k == "bool":
        return ("true" if node[1] else "false") if rng.random() < 0.8 else ("True" if node[1] else "False")
    if k == "str":
        return str_text(node[1], rng)
    if k == "field":
        n = node[1].name
        return n if rng.random() < 0.9 else "records." + n
    if k == "neg":
        return "-(%s)" % text(node[1], rng)
    if k in ("arith", "cmp"):
        return "(%s %s %s)" % (text(node[2], rng), node[1], text(node[3], rng))
    if k == "and":
        return "(%s %s %s)" % (text(node[1], rng), "&&" if rng.random() < 0.7 else "and", text(node[2], rng))
    if k == "or":
        return "(%s %s %s)" % (text(node[1], rng), "||" if rng.random() < 0.7 else "or", text(node[2], rng))
    if k == "not":
        return ("!" if rng.random() < 0.6 else "not ") + "(%s)" % text(node[1], rng)
    if k == "in":
        neg = (" not in " if rng.random() < 0.6 else " !in ") if node[3] else " in "
        return "%s%s[%s]" % (text(node[1], rng), neg, ", ".join(text(x, rng) for x in node[2]))
    raise TypeError(k)


def np_text(node):
    """The expression as numpy code (for failure messages)."""
    k = node[0]
    if k in ("int", "bool"):
        return repr(node[1])
    if k == "float":
        return "float(%r)" % node[2] if node[2] in ("nan", "inf", "-inf") else node[2]
    if k == "str":
        return repr(node[1])
    if k == "field":
        return "a[%r]" % node[1].name
    if k == "neg":
        return "-(%s)" % np_text(node[1])
    if k in ("arith", "cmp"):
        return "(%s %s %s)" % (np_text(node[2]), node[1], np_text(node[3]))
    if k in ("and", "or"):
        return "(%s %s %s)" % (np_text(node[1]), "&" if k == "and" else "|", np_text(node[2]))
    if k == "not":
        return "~(%s)" % np_text(node[1])
    if k == "in":
        s = " | ".join("(%s == %s)" % (np_text(node[1]), np_text(x)) for x in node[2])
        return "~(%s)" % s if node[3] else "(%s)" % s
    raise TypeError(k)


# Values in the oracle: (kind, dtype or None for a weak literal, values, bsize).
# int: Python ints (an object array, or an int when weak), dtype kept for
# numpy's promotion; float: a numpy array of that dtype (or a float when
# weak); bool: a bool array (or a bool); str: an S array (or bytes). bsize is
# what binmap's promotion knows of an integer: the size of its widest integer
# field (None for literals and bools), from which it picks a float width
# (1: f16, 2: f32, else f64).

I128 = (-(1 << 127), (1 << 127) - 1)
F64 = np.dtype("f8")


class Oracle:
    def __init__(self, arr):
        self.arr, self.n = arr, len(arr)

    def field(self, f):
        col = self.arr[f.name]
        if f.kind == "int":
            return ("int", f.dt.newbyteorder("="), np.array(col.tolist(), dtype=object).reshape(self.n), f.dt.itemsize)
        if f.kind == "float":
            return ("float", f.dt.newbyteorder("="), col.astype(f.dt.newbyteorder("=")), None)
        if f.kind == "bool":
            return ("bool", np.dtype("?"), col.astype(bool), None)
        return ("str", f.dt, col, None)

    def as_number(self, v):
        """Bools count as integers (numpy's bool dtype kept for promotion)."""
        if v[0] == "bool":
            if v[1] is None:
                return ("int", None, int(v[2]), None)
            return ("int", np.dtype("?"), np.array([int(x) for x in v[2]], dtype=object).reshape(self.n), None)
        return v

    def int_dtype(self, a, b):
        """numpy's dtype of integer arithmetic (a bool with a Python int: int64)."""
        if a[1] is None and b[1] is None:
            return None
        if a[1] is None or b[1] is None:
            d = a[1] if b[1] is None else b[1]
            return np.dtype("i8") if d == np.dtype("?") else d
        dt = np.result_type(a[1], b[1])
        if dt.kind == "f":
            raise Skip("int64 with uint64 arithmetic (numpy: float64)")
        if dt == np.dtype("?"):
            return dt  # bool + bool: numpy's type stays bool (binmap: an integer)
        return dt

    def float_dtype(self, a, b, arith):
        """The float dtype two numbers meet at (numpy's NEP 50 promotion; None:
        Python floats)."""
        (ka, da, xa, sa), (kb, db, xb, sb) = a, b
        if da is None and db is None:
            return None
        if da is None:
            return db if kb == "float" else F64
        if db is None:
            return da if ka == "float" else F64
        dt = np.result_type(da, db)
        return dt

    def to_float(self, v, dt):
        """Number v at float dtype dt (None: Python float)."""
        k, d, x, _ = v
        if dt is None:
            return float(x)
        if k == "float":
            return dt.type(x) if d is None else x.astype(dt)
        if d is None:
            return dt.type(x)  # numpy converts a Python int through a double
        vals = x.tolist()
        lo, hi = (0, 1) if d == np.dtype("?") else (int(np.iinfo(d).min), int(np.iinfo(d).max))
        if all(lo <= y <= hi for y in vals):
            return np.array(vals, dtype=d).astype(dt)  # numpy's cast
        return np.array([float(y) for y in vals], dtype=F64).astype(dt)

    def eval(self, node):
        k = node[0]
        if k in ("int", "float", "bool", "str"):
            return (k, None, node[1], None)
        if k == "field":
            return self.field(node[1])
        if k == "neg":
            v = self.as_number(self.eval(node[1]))
            return (v[0], v[1], -v[2], v[3])
        if k == "arith":
            return self.arith(node[1], self.as_number(self.eval(node[2])), self.as_number(self.eval(node[3])))
        if k == "cmp":
            return ("bool", np.dtype("?"), self.cmp(node[1], self.eval(node[2]), self.eval(node[3])), None)
        if k in ("and", "or"):
            a, b = self.mask(node[1]), self.mask(node[2])
            return ("bool", np.dtype("?"), (a & b) if k == "and" else (a | b), None)
        if k == "not":
            return ("bool", np.dtype("?"), ~self.mask(node[1]), None)
        if k == "in":
            v = self.eval(node[1])
            m = np.zeros(self.n, dtype=bool)
            for item in node[2]:
                m |= self.broadcast(self.cmp("==", v, self.eval(item)))
            return ("bool", np.dtype("?"), ~m if node[3] else m, None)
        raise TypeError(k)

    def broadcast(self, m):
        if isinstance(m, (bool, np.bool_)):
            return np.full(self.n, bool(m))
        return np.asarray(m, dtype=bool).reshape(self.n)

    def mask(self, node):
        v = self.eval(node)
        assert v[0] == "bool", v
        return self.broadcast(v[2])

    def check_i128(self, x):
        if isinstance(x, int):
            if not I128[0] <= x <= I128[1]:
                raise Overflow(list(range(self.n)))
            return
        bad = [i for i, y in enumerate(x.tolist()) if not I128[0] <= y <= I128[1]]
        if bad:
            raise Overflow(bad)

    def arith(self, op, a, b):
        if op == "/" and a[0] == "int" and b[0] == "int":
            # True division: integers become float64.
            a = ("float", None if a[1] is None else F64, float(a[2]) if a[1] is None else self.to_float(a, F64), None)
            b = ("float", None if b[1] is None else F64, float(b[2]) if b[1] is None else self.to_float(b, F64), None)
        if a[0] == "int" and b[0] == "int":
            dt = self.int_dtype(a, b)
            x, y = a[2], b[2]
            if op == "+":
                r = x + y
            elif op == "-":
                r = x - y
            elif op == "*":
                r = x * y
            else:  # "%", Python's sign rule; divisors are non-zero literals
                r = x % y
            self.check_i128(r)
            sizes = [s for s in (a[3], b[3]) if s is not None]
            return ("int", dt, r, max(sizes) if sizes else None)
        dt = self.float_dtype(a, b, True)
        x, y = self.to_float(a, dt), self.to_float(b, dt)
        if dt is None:
            r = {"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y, "/": lambda: x / y,
                 "%": lambda: x % y}[op]()
            return ("float", None, r, None)
        with np.errstate(all="ignore"):
            f = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide, "%": np.remainder}[op]
            r = np.asarray(f(x, y), dtype=dt)
        if r.ndim == 0:
            r = np.full(self.n, r, dtype=dt)
        return ("float", dt, r, None)

    def cmp(self, op, a, b):
        ops = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal, ">": np.greater,
               ">=": np.greater_equal}
        if a[0] == "str" or b[0] == "str":
            assert a[0] == b[0] == "str"
            x = a[2] if a[1] is not None else np.bytes_(a[2])
            y = b[2] if b[1] is not None else np.bytes_(b[2])
            return ops[op](x, y)
        if a[0] == "bool" and b[0] == "bool":
            return ops[op](a[2], b[2])
        a, b = self.as_number(a), self.as_number(b)
        if a[0] == "int" and b[0] == "int":
            r = ops[op](a[2], b[2])  # Python ints: exact, as numpy 2 compares
            if isinstance(r, (bool, np.bool_)):
                return bool(r)
            return np.asarray(r, dtype=bool)
        dt = self.float_dtype(a, b, False)
        x, y = self.to_float(a, dt), self.to_float(b, dt)
        with np.errstate(all="ignore"):
            return ops[op](x, y)

    def where(self, node):
        return self.mask(node)


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def parse_json(out, what, args):
    try:
        return json.loads(out, parse_float=str, parse_int=int, parse_constant=str)
    except ValueError as e:
        raise Failure("%s: not JSON (%s): %r\n      $ binmap %s" % (what, e, out[:300], shell(args)))


def rows_slice(rng, n):
    if rng.random() < 0.7:
        return None, slice(None)

    def end():
        return None if rng.random() < 0.3 else int(rng.integers(-n - 3, n + 4))
    a, b = end(), end()
    txt = "%s..%s" % ("" if a is None else a, "" if b is None else b)
    return txt, slice(a, b)


def check_select_jsonl(exe, ctx, expr_text, node, mask, sub, sl, rows_txt, order, problems):
    binf, bml, st = ctx["bin"], ctx["bml"], ctx["st"]
    args = ["select", str(binf), "-l", str(bml), "-w", expr_text, "--fields", ",".join(order), "-f", "jsonl"]
    if rows_txt is not None:
        args += ["--rows", rows_txt]
    r = run(exe, args)
    if ctx.get("overflow") is not None:
        return check_overflow(r, expr_text, ctx["overflow"], args, problems)
    out = must(r, "select jsonl", args)
    picked = sub[mask]
    idx = np.arange(len(ctx["arr"]))[sl][mask]
    recs = fm.conv(picked, st, len(picked))
    want = [{k: rec[k] for k in order} for rec in recs]
    got_lines = out.decode("utf-8", errors="replace").split("\n")
    if got_lines and got_lines[-1] == "":
        got_lines.pop()
    STATS["selected_rows"] += len(want)
    STATS["values"] += len(want) * len(order)
    if len(got_lines) != len(want):
        problems.append("select jsonl: %d rows, numpy selects %d (rows %s%s)\n      where %s\n      numpy %s\n      $ binmap %s" % (
            len(got_lines), len(want), idx[:12].tolist(), "..." if len(idx) > 12 else "",
            expr_text, np_text(node), shell(args)))
        mism = first_row_mismatch(got_lines, want, idx)
        if mism:
            problems.append("      " + mism)
        return
    for k, (g, w) in enumerate(zip(got_lines, want)):
        line = fm.dumps(w)
        if g != line:
            errs = []
            try:
                gv = json.loads(g, parse_float=str, parse_int=int, parse_constant=str)
                ft = fm.St([(n, dict(st.fields)[n]) for n in order])
                diff.check_value(gv, w, ft, "records[%d]" % idx[k], errs)
            except ValueError as e:
                errs.append("not JSON: %s" % e)
            problems.append("select jsonl row %d (record %d) differs:\n      got      %s\n      expected %s\n      %s\n      $ binmap %s" % (
                k, idx[k], g[:300], line[:300], "; ".join(errs[:4]), shell(args)))
            return


def first_row_mismatch(got_lines, want, idx):
    for k, g in enumerate(got_lines):
        if k >= len(want):
            return "first extra row printed: %s" % g[:200]
        if g != fm.dumps(want[k]):
            return "first difference at output row %d: got %s, numpy's record %d is %s" % (
                k, g[:200], idx[k], fm.dumps(want[k])[:200])
    if len(want) > len(got_lines):
        return "first missing row: record %d %s" % (idx[len(got_lines)], fm.dumps(want[len(got_lines)])[:200])
    return None


def check_overflow(r, expr_text, rows, args, problems):
    STATS["overflow_errors"] += 1
    err = r.stderr.decode(errors="replace")
    prefix = "error: --where: an integer overflow in '%s' at row " % expr_text
    if r.returncode != 1 or not err.startswith(prefix):
        problems.append("expected exit 1 and %r (exact integers past i128), got exit %d: %s\n      $ binmap %s" % (
            prefix, r.returncode, err.strip()[:400], shell(args)))
        return
    try:
        row = int(err[len(prefix):].split()[0])
    except (ValueError, IndexError):
        problems.append("overflow error without a row number: %s" % err.strip()[:300])
        return
    if row not in rows:
        problems.append("overflow reported at row %d, where nothing overflows (rows %s...)\n      $ binmap %s" % (
            row, sorted(rows)[:10], shell(args)))


def check_select_bin(exe, ctx, expr_text, mask, problems):
    d, binf, bml = ctx["dir"], ctx["bin"], ctx["bml"]
    outf = d / "sel.bin"
    if outf.exists():
        outf.unlink()
    args = ["select", str(binf), "-l", str(bml), "-w", expr_text, "-f", "bin", "-o", str(outf)]
    r = run(exe, args)
    if ctx.get("overflow") is not None:
        check_overflow(r, expr_text, ctx["overflow"], args, problems)
        if outf.exists():
            problems.append("select -f bin: an output file was left after an error")
        return
    must(r, "select -f bin", args)
    arr, prefix, suffix, header = ctx["arr"], ctx["prefix"], ctx["suffix"], ctx["header"]
    picked = arr[mask]
    if header != "none":
        prefix = np.array([len(picked)], dtype=prefix_dtype(header)).tobytes()
    want = prefix + picked.tobytes() + suffix
    got = outf.read_bytes() if outf.exists() else b""
    STATS["bin_files"] += 1
    if got != want:
        k = diff.first_diff(got, want)
        problems.append("select -f bin: bytes differ at offset %d (got %d bytes, expected %d = %d header + %d records of %d + %d): "
                        "got %s expected %s\n      $ binmap %s" % (
                            k, len(got), len(want), len(prefix), len(picked), arr.dtype.itemsize, len(suffix),
                            got[k:k + 16].hex(), want[k:k + 16].hex(), shell(args)))
        return
    back = np.fromfile(outf, dtype=arr.dtype, count=len(picked), offset=len(prefix))
    if back.tobytes() != picked.tobytes():
        problems.append("select -f bin: np.fromfile gives other records than arr[mask]")


def prefix_dtype(header):
    return {"u32": "<u4", "u16be": ">u2", "i64": "<i8"}[header]


def close(got, spec, tol=1e-12):
    """got within tol (relative) of one of spec's references (NaN for NaN,
    inf for inf), or within spec's absolute error bound of the exact value
    (the bound of a sum: tol times the sum of the magnitudes), or anything
    not finite when spec is 'wild' (partial sums past the largest double:
    the result depends on the order of the additions)."""
    refs = spec["refs"] if isinstance(spec, dict) else spec
    for ref in refs:
        if ref is None:
            continue
        if math.isnan(ref) or math.isnan(got):
            if math.isnan(ref) and math.isnan(got):
                return True
            continue
        if math.isinf(ref) or math.isinf(got):
            if got == ref:
                return True
            continue
        if abs(got - ref) <= tol * abs(ref) or abs(got - ref) <= 1e-300:
            return True
    if isinstance(spec, dict):
        ex = spec["exact"]
        if math.isfinite(got) and math.isfinite(ex) and abs(got - ex) <= spec["abs"]:
            STATS["ill_conditioned"] += 1
            return True
        if spec["wild"] and not math.isfinite(got):
            STATS["overflow_prone"] += 1
            return True
    return False


def scaled_fsum(v):
    """fsum of v without intermediate overflow (as a float, maybe inf)."""
    try:
        return math.fsum(v)
    except OverflowError:
        t = math.fsum(math.ldexp(x, -64) for x in v)
        try:
            return math.ldexp(t, 64)
        except OverflowError:
            return math.copysign(math.inf, t)


def exact_sum(v):
    """The correctly rounded sum of floats v (NaN-free), or NaN/inf as IEEE says."""
    if any(math.isinf(x) for x in v):
        pos, neg = any(x == math.inf for x in v), any(x == -math.inf for x in v)
        return math.nan if pos and neg else (math.inf if pos else -math.inf)
    try:
        return math.fsum(v)
    except OverflowError:
        s = sum((Fraction(x) for x in v), Fraction(0))
        try:
            return float(s)
        except OverflowError:
            return math.inf if s > 0 else -math.inf


def exact_std(v, n):
    if any(math.isinf(x) for x in v):
        return math.nan
    fr = [Fraction(x) for x in v]
    s = sum(fr, Fraction(0))
    ss = sum((x * x for x in fr), Fraction(0))
    var = (ss * n - s * s) / (n * n)
    if var == 0:
        return 0.0
    k = (var.numerator.bit_length() - var.denominator.bit_length()) // 2
    scaled = var / Fraction(2) ** (2 * k)  # in [1/4, 4)
    try:
        return math.ldexp(math.sqrt(float(scaled)), k)
    except OverflowError:
        return math.inf


def num_token(tok):
    """A JSON number token (parse_float=str) as a float."""
    if isinstance(tok, dict) and list(tok) == ["nan"]:
        return math.nan
    if isinstance(tok, int):
        return float(tok)
    return float(tok)


def expected_column(f, col, pos):
    """What stats must say of the values col (a numpy array) of field f, at
    rows pos of the table."""
    e = {}
    if f.kind == "int":
        vals = [int(x) for x in col.tolist()]
        n = len(vals)
        e["count"], e["nan"] = n, 0
        s = sum(vals)
        e["sum"] = s
        if n:
            e["min"], e["max"] = min(vals), max(vals)
            e["mean"] = [float(Fraction(s, n)), float(np.mean(np.array(vals, dtype=np.float64)))]
            var = Fraction(n * sum(x * x for x in vals) - s * s, n * n)
            e["std"] = [math.sqrt(var), float(np.std(np.array(vals, dtype=np.float64)))]
        return e
    with np.errstate(all="ignore"):
        v64 = col.astype(np.float64)
    nan = np.isnan(v64)
    clean = v64[~nan]
    n = len(clean)
    e["count"], e["nan"] = n, int(nan.sum())
    with np.errstate(all="ignore"):
        fin = clean[np.isfinite(clean)].tolist()
        mag = scaled_fsum([abs(x) for x in fin])
        wild = not KNOWN[0] and (scaled_fsum([x for x in fin if x > 0]) > 1.7976931348623157e308
                                 or scaled_fsum([x for x in fin if x < 0]) < -1.7976931348623157e308)
        ex_sum = exact_sum(clean.tolist())
        # Known: an infinity summed with values of another 4096-row lane gives NaN.
        e["sum"] = {"refs": [float(np.nansum(v64)), ex_sum], "exact": ex_sum, "abs": 1e-12 * mag, "wild": wild}
        if n:
            c = col[~np.isnan(col)]
            e["min"], e["max"] = c.min(), c.max()
            e["zeros_both"] = bool(np.any((c == 0) & np.signbit(c)) and np.any((c == 0) & ~np.signbit(c)))
            e["mean"] = {"refs": [float(np.nanmean(v64)), ex_sum / n], "exact": ex_sum / n, "abs": 1e-12 * mag / n,
                         "wild": wild}
            rms = math.sqrt(scaled_fsum([math.ldexp(x, -600) ** 2 for x in fin]) / n) * 2.0 ** 600 if fin else 0.0
            ex_std = exact_std(clean.tolist(), n)
            e["std"] = {"refs": [float(np.nanstd(v64)), ex_std], "exact": ex_std, "abs": 1e-12 * rms,
                        "wild": wild or (not KNOWN[0] and rms > 1e153)}
    return e


def check_stat_object(o, f, e, where, problems):
    """One JSON object of `stats -f json` against expected_column()."""
    bad = []
    STATS["stats_cells"] += 1
    if o.get("count") != e["count"]:
        bad.append("count %r, expected %d" % (o.get("count"), e["count"]))
    if o.get("nan") != e["nan"]:
        bad.append("nan %r, expected %d" % (o.get("nan"), e["nan"]))
    if e["count"] == 0:
        for k in ("min", "max", "mean", "std"):
            if o.get(k) is not None:
                bad.append("%s %r, expected null (no values)" % (k, o.get(k)))
        want_sum = "0" if f.kind == "int" else "0.0"
        got_sum = o.get("sum")
        if (f.kind == "int" and got_sum != 0) or (f.kind != "int" and got_sum != want_sum):
            bad.append("sum %r, expected %s" % (got_sum, want_sum))
    elif f.kind == "int":
        for k in ("min", "max", "sum"):
            if o.get(k) != e[k] or type(o.get(k)) is not int:
                bad.append("%s %r, expected %d" % (k, o.get(k), e[k]))
        for k in ("mean", "std"):
            g = o.get(k)
            if not isinstance(g, str) or not close(num_token(g), e[k]):
                bad.append("%s %r, expected %r" % (k, g, e[k]))
    else:
        fk = f.fkind()
        for k in ("min", "max"):
            g = o.get(k)
            want = e[k]
            want_bits = fm.fbits(fk, float(want)) if fk != "f64" else int(np.array([want], np.float64).view(np.uint64)[0])
            if not isinstance(g, str):
                bad.append("%s %r, expected %s" % (k, g, fm.float_token(fk, want_bits)))
                continue
            try:
                gb = fm.parse_float_token(fk, g)
            except (ValueError, ZeroDivisionError):
                gb = None
            tb = fm.FLOAT_FORMATS[fk][2]
            zero = lambda b: b is not None and (b & ((1 << (tb - 1)) - 1)) == 0
            if gb != want_bits and not (e["zeros_both"] and zero(gb) and zero(want_bits)):
                bad.append("%s %s, expected %s (numpy nan%s)" % (k, g, fm.float_token(fk, want_bits), k))
            elif g != fm.float_token(fk, gb):
                bad.append("%s %s is not the shortest %s text %s" % (k, g, fk, fm.float_token(fk, gb)))
        for k in ("mean", "std", "sum"):
            g = o.get(k)
            if not (isinstance(g, str) or (isinstance(g, dict) and list(g) == ["nan"])):
                bad.append("%s %r, expected %r" % (k, g, e[k]))
            elif not close(num_token(g), e[k]):
                bad.append("%s %s, expected %r (numpy float64, exact)" % (k, g, e[k]["refs"]))
            elif isinstance(g, dict):
                bad.append("%s %s: a computed NaN printed with its payload, not as NaN" % (k, json.dumps(g)))
    if bad:
        problems.append("stats %s column %s: %s" % (where, f.name, "; ".join(bad)))


def check_stats(exe, ctx, fields, sub, sl, rows_txt, expr_text, mask, by, problems):
    binf, bml = ctx["bin"], ctx["bml"]
    args = ["stats", str(binf), "-l", str(bml), "-f", "json"]
    if expr_text is not None:
        args += ["-w", expr_text]
    if by is not None:
        args += ["--by", by.name if ctx["rng"].random() < 0.8 else "records." + by.name]
    if rows_txt is not None:
        args += ["--rows", rows_txt]
    nums = [f for f in fields if f.kind in ("int", "float")]
    r = run(exe, args)
    if not nums:
        err = r.stderr.decode(errors="replace")
        if r.returncode != 2 or "have no numeric fields" not in err:
            problems.append("stats without numeric fields: expected exit 2 and 'no numeric fields', got exit %d: %s" % (
                r.returncode, err.strip()[:300]))
        return
    if expr_text is not None and ctx.get("overflow") is not None:
        return check_overflow(r, expr_text, ctx["overflow"], args, problems)
    out = must(r, "stats json", args)
    doc = parse_json(out, "stats json", args)
    STATS["stats_runs"] += 1
    picked = sub if mask is None else sub[mask]
    # row positions in the table (binmap's 4096-row lanes count from its first row)
    pos = np.arange(len(sub)) if mask is None else np.arange(len(sub))[mask]
    where = "(%s%s%s)" % ("all rows" if expr_text is None else "where " + expr_text,
                          "" if rows_txt is None else ", rows " + rows_txt,
                          "" if by is None else ", by " + by.name)
    n0 = len(problems)
    if by is None:
        groups = [(None, picked, pos)]
    else:
        STATS["by_runs"] += 1
        keys = picked[by.name]
        if by.kind == "str":
            ks = sorted(set(bytes(k) for k in keys.tolist()))
            sel = [keys == np.bytes_(k) if k else keys == b"" for k in ks]
            groups = [(k, picked[m], pos[m]) for k, m in zip(ks, sel)]
        else:
            ks = sorted(set(keys.tolist()))
            groups = [(k, picked[keys == k], pos[keys == k]) for k in ks]
    want_len = len(groups) * len(nums)
    if not isinstance(doc, list) or len(doc) != want_len:
        problems.append("stats %s: %s objects, expected %d (%d groups x %d columns)\n      $ binmap %s" % (
            where, len(doc) if isinstance(doc, list) else type(doc).__name__, want_len, len(groups), len(nums),
            shell(args)))
        return
    i = 0
    for key, rows, rpos in groups:
        for f in nums:
            o = doc[i]
            i += 1
            keys = ([by.name] if by is not None else []) + ["column", "count", "nan", "min", "max", "mean", "std", "sum"]
            if not isinstance(o, dict) or list(o) != keys:
                problems.append("stats %s: object %d has keys %r, expected %r" % (
                    where, i - 1, list(o) if isinstance(o, dict) else o, keys))
                continue
            if o["column"] != f.name:
                problems.append("stats %s: object %d is column %r, expected %r" % (where, i - 1, o["column"], f.name))
                continue
            if by is not None:
                gk = o[by.name]
                if by.kind == "str":
                    ok = (isinstance(gk, str) and gk.encode() == key) or (
                        isinstance(gk, dict) and list(gk) == ["hex"] and gk["hex"] == key.hex())
                else:
                    ok = gk == key and type(gk) is type(key)
                if not ok:
                    problems.append("stats %s: group %d key %r, expected %r" % (where, i - 1, gk, key))
                    continue
            check_stat_object(o, f, expected_column(f, rows[f.name], rpos), where + ("" if by is None else " group %r" % (key,)),
                              problems)
            if len(problems) - n0 > 6:
                break
        if len(problems) - n0 > 6:
            break
    if len(problems) > n0:
        problems.insert(n0, "stats %s differs from numpy:\n      $ binmap %s" % (where, shell(args)))


# --------------------------------------------------------------------------
# One case
# --------------------------------------------------------------------------


def one_case(exe, seed, i, tmp, nexprs):
    rng = np.random.default_rng([seed, i])
    fields, st, arr, bml_text, prefix, suffix, header = build_case(rng)
    d = Path(tmp)
    bml, binf = d / "case.bml", d / "case.bin"
    bml.write_text(bml_text)
    binf.write_bytes(prefix + arr.tobytes() + suffix)
    ctx = {"dir": d, "bml": bml, "bin": binf, "st": st, "arr": arr, "prefix": prefix, "suffix": suffix,
           "header": header, "rng": rng}
    problems = []
    gen = Gen(rng, fields, arr)
    names = [f.name for f in fields]

    # Stats of every row: no condition.
    rows_txt, sl = rows_slice(rng, len(arr))
    check_stats(exe, ctx, fields, arr[sl], sl, rows_txt, None, None, None, problems)

    for e in range(nexprs):
        rows_txt, sl = rows_slice(rng, len(arr))
        sub = arr[sl]
        oracle = Oracle(sub)
        ctx["overflow"] = None
        for _attempt in range(30):
            node = gen.cond(int(rng.integers(0, 3)))
            try:
                with np.errstate(all="ignore"):
                    mask = oracle.where(node)
                break
            except Skip:
                STATS["skipped_exprs"] += 1
                continue
            except Overflow as o:
                # The row numbers binmap reports are table rows: offset by --rows.
                start = range(len(arr))[sl].start if len(sub) else 0
                ctx["overflow"] = set(start + k for k in o.rows)
                mask = None
                break
        else:
            continue
        STATS["exprs"] += 1
        expr_text = text(node, rng)
        if VERBOSE:
            print("  case %d: %s -> %s of %d rows" % (
                i, expr_text, "overflow" if mask is None else int(mask.sum()), len(sub)))
        order = list(names)
        if rng.random() < 0.4:
            rng.shuffle(order)
        if rng.random() < 0.3 and len(order) > 1:
            order = order[:int(rng.integers(1, len(order)))]
        check_select_jsonl(exe, ctx, expr_text, node, mask, sub, sl, rows_txt, order, problems)
        if e == 0:
            # Binary subsets work on whole files: no --rows.
            if rows_txt is None:
                check_select_bin(exe, ctx, expr_text, mask, problems)
            check_stats(exe, ctx, fields, sub, sl, rows_txt, expr_text, mask, None, problems)
            groupable = [f for f in fields if f.kind in ("str", "int", "bool")]
            if groupable:
                by = groupable[int(rng.integers(0, len(groupable)))]
                if rng.random() < 0.6:
                    check_stats(exe, ctx, fields, sub, sl, rows_txt, expr_text, mask, by, problems)
                else:
                    overflow, ctx["overflow"] = ctx["overflow"], None
                    check_stats(exe, ctx, fields, sub, sl, rows_txt, None, None, by, problems)
                    ctx["overflow"] = overflow
        if len(problems) > 0:
            break
    # --by without a condition (NaNs, all-NaN groups)
    groupable = [f for f in fields if f.kind in ("str", "int", "bool")]
    if groupable and not problems:
        ctx["overflow"] = None
        by = groupable[int(rng.integers(0, len(groupable)))]
        check_stats(exe, ctx, fields, arr, slice(None), None, None, None, by, problems)
    if problems:
        raise Failure("\n    ".join(problems))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--exprs", type=int, default=3, help="--where expressions per case")
    ap.add_argument("--only", type=int, default=None, help="run only case I of this seed")
    ap.add_argument("--keep", default=None, help="copy the files of failing cases into DIR")
    ap.add_argument("--binmap", default=None, help="the binary (default: $BINMAP, target/release, target/debug)")
    ap.add_argument("--known-bugs", action="store_true", help="fail on order-dependent overflows of near-max float sums too")
    ap.add_argument("--max-report", type=int, default=20, help="print at most this many failures in full")
    ap.add_argument("--verbose", action="store_true", help="print every expression and its number of rows")
    a = ap.parse_args()
    global VERBOSE
    VERBOSE = a.verbose
    KNOWN[0] = a.known_bugs
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 32)
    exe = find_binmap(a.binmap)
    extra = " --known-bugs" if a.known_bugs else ""
    print("differential_query: seed %d, %d cases, binary %s" % (seed, a.cases, exe), flush=True)
    print("reproduce: python3 .ci/differential_query.py --seed %d --cases %d%s" % (seed, a.cases, extra), flush=True)
    t0 = time.time()
    passed = failed = 0
    idx = [a.only] if a.only is not None else range(a.cases)
    for i in idx:
        with tempfile.TemporaryDirectory(prefix="binmap-query-") as tmp:
            try:
                one_case(exe, seed, i, tmp, a.exprs)
                passed += 1
            except Failure as e:
                failed += 1
                if failed <= a.max_report:
                    print("FAIL case %d (reproduce: python3 .ci/differential_query.py --seed %d --only %d%s --keep /tmp/bm-fail)\n"
                          "    %s\n  layout:\n%s" % (
                              i, seed, i, extra, e,
                              "".join("    | " + l + "\n" for l in (Path(tmp) / "case.bml").read_text().splitlines())),
                          flush=True)
                if a.keep:
                    dst = Path(a.keep) / ("case_%d" % i)
                    shutil.copytree(tmp, dst, dirs_exist_ok=True)
    el = time.time() - t0
    if failed > a.max_report:
        print("(%d more failures not shown)" % (failed - a.max_report))
    s = STATS
    print("seed %d, %.1f s: %d expressions (%d regenerated, %d expected integer-overflow errors); "
          "select: %d rows, %d values; select -f bin: %d files; stats: %d runs (%d with --by), %d column summaries "
          "(%d sums/means/stds of ill-conditioned data within the error bound, %d order-dependent overflows "
          "accepted)" % (
              seed, el, s["exprs"], s["skipped_exprs"], s["overflow_errors"], s["selected_rows"], s["values"],
              s["bin_files"], s["stats_runs"], s["by_runs"], s["stats_cells"], s["ill_conditioned"],
              s["overflow_prone"]))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
