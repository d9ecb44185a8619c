#!/usr/bin/env python3
"""Generate the fixtures of tests/query.rs (`binmap stats`, `binmap select`
and `--where`), with numpy as the oracle.

    python3 crates/binmap-cli/tests/query/make.py           # (re)write the files here
    python3 crates/binmap-cli/tests/query/make.py --check   # are they what this writes?

Files written next to this script:

    NAME.bml, NAME.bin   data files written by numpy (`tobytes`), four of them:
                         ticks (a Tick record array to the end of the file),
                         counted (a u32 count, the records, a u16 after them),
                         typing (one field of most numeric types, for NEP 50),
                         chunks (5000 records: more than one 4096-row lane)
    cases.json           the manifest: a list of {"name", "args", "compare", "bug"}
                         `args` run as `binmap ARGS` in this directory ({out}: a
                         temporary output file whose bytes are then compared);
                         compare is "exact" (stdout byte for byte), "stats"
                         (JSON: mean/std/sum within 1e-12 relative, everything
                         else exactly) or "file" (the bytes written to {out});
                         bug is null, or what is wrong (tests/query.rs has an
                         ignored test for each such case)
    NAME.out             the expected stdout (or {out} file) of case NAME
    NAME.show.json       (select -f bin cases) what `binmap show {out} -l LAYOUT
                         --format json` must print (LAYOUT: the one of the
                         case): the file with only the matching records

Expected text is written by the serializer of tests/fixtures/make.py (shortest
round-trip floats at each value's own width, `NaN`/`Infinity` in JSON, bytes
as text or {"hex": ...}), never by binmap. Masks are numpy expressions with
numpy 2's NEP 50 typing (Python literals are weak: `a['f'] == 0.1` compares
in float32); integer arithmetic is exact (Python ints) where numpy would wrap,
as binmap's `--where` documents. Statistics are numpy's nanmin, nanmax,
nanmean, nanstd (ddof=0) and nansum in float64, integer sums exact.
"""

import importlib.util
import json
import math
import os
import struct
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("fixture_make", HERE.parent / "fixtures" / "make.py")
fm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fm)

F, S = fm.F, fm.S

# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


class Data:
    def __init__(self, name, bml, st, arr, prefix=b"", suffix=b"", header=None):
        self.name, self.bml, self.st, self.arr = name, bml, st, arr
        self.prefix, self.suffix, self.header = prefix, suffix, header

    def bytes(self):
        return self.prefix + self.arr.tobytes() + self.suffix


def f32(x):
    return np.float32(x)


def ticks():
    st = fm.St([("name", fm.By(12)), ("time", fm.Sc("i", 8, "<")), ("value", fm.Sc("f", 4, "<")),
                ("qty", fm.Sc("u", 2, ">")), ("flag", fm.Sc("bool"))])
    names = [b"MSFT_profit", b"GOOG_profit", b"AAPL", b"", b"nan_only", b"caf\xc3\xa9"]
    n = 48
    a = np.zeros(n, dtype=st.np())
    a["name"] = [names[(i * 7) % len(names)] for i in range(n)]
    a["time"] = [1_000_000 + 100 * i - (i % 5) * 7 for i in range(n)]
    a["time"][3] = 2 ** 62 + 5  # two of these: an exact sum past int64
    a["time"][30] = 2 ** 62 + 11
    a["time"][17] = -(2 ** 40)
    a["value"] = [f32((i % 13) * 0.25 - 1.5) for i in range(n)]
    a["value"][[2, 9, 26, 40]] = f32(0.1)
    a["value"][[11]] = f32(-0.0)
    a["value"][[5, 33]] = f32(1e-5)
    nan_rows = [i for i in range(n) if a["name"][i] == b"nan_only"]
    a["value"][nan_rows] = np.nan
    msft = [i for i in range(n) if a["name"][i] == b"MSFT_profit"]
    a["value"][msft[1]] = np.nan
    a["value"][msft[4]] = np.nan
    a["qty"] = [(1, 2, 3, 65535, 2, 1, 40000)[i % 7] for i in range(n)]
    a["flag"] = [(i % 3) == 0 for i in range(n)]
    bml = ("# ticks: Tick records until the end of the file\n"
           "type Tick = { name: bytes[12], time: i64, value: f32, qty: u16be, flag: bool }\n"
           "records: Tick[..]\n")
    return Data("ticks", bml, st, a)


def counted():
    st = fm.St([("id", fm.Sc("i", 4, "<")), ("x", fm.Sc("f", 8, "<")), ("tag", fm.By(4))])
    n = 20
    a = np.zeros(n, dtype=st.np())
    a["id"] = np.arange(n) * 3 - 10
    # the even ids (every other row) have x with an exact mean and deviations
    even_x = [2.0, 1.0, 0.0, 1.0, 0.0, 3.0, 0.5, 1.0, 0.0, 4.0]
    a["x"] = [even_x[i // 2] if i % 2 == 0 else (i % 7) * 0.3 - 1 for i in range(n)]
    a["tag"] = [(b"ab", b"cd", b"ef\x00g", b"abcd")[i % 4] for i in range(n)]
    prefix = np.array([n], dtype="<u4").tobytes()
    suffix = np.array([0xBEEF], dtype="<u2").tobytes()
    bml = ("# counted: a count, the records, a field after them\n"
           "n: u32\n"
           "records: { id: i32, x: f64, tag: bytes[4] }[n]\n"
           "tail: u16\n")
    return Data("counted", bml, st, a, prefix, suffix, "<u4")


def typing():
    st = fm.St([("f", fm.Sc("f", 4, "<")), ("d", fm.Sc("f", 8, "<")), ("h", fm.Sc("f", 2, "<")),
                ("i8", fm.Sc("i", 1)), ("u8", fm.Sc("u", 1)), ("i16", fm.Sc("i", 2, ">")),
                ("i32", fm.Sc("i", 4, "<")), ("u64", fm.Sc("u", 8, "<")), ("b", fm.Sc("bool"))])
    rows = [
        # f             d             h       i8    u8   i16    i32          u64            b
        (0.1,           0.1,          0.1,    -1,   0,   1,     7,           0,             True),
        (16777216.0,    16777216.0,   2.0,    1,    255, -1,    1,           2 ** 64 - 1,   False),
        (1e-8,          1e-8,         0.0009765625, 100, 255, 300, -7,     1,             True),
        (2.5,           0.30000000000000004, 0.30004882, -128, 127, 2, 2 ** 31 - 1, 2 ** 63,  False),
        (-0.0,          -0.0,         -0.0,   127,  1,   -300,  -(2 ** 31),  5,             True),
        (np.nan,        np.nan,       np.nan, 3,    3,   3,     3,           3,             False),
        (np.inf,        -np.inf,      65504.0, -7,  200, 32767, 16777217,    2 ** 53 + 1,   True),
        (0.30000001192092896, 0.1 + 0.2, 0.1, 7,   7,   -32768, 100,        100,           False),
        (16777216.0,    0.5,          1.0,    1,    1,   1,     1,           1,             True),
        (-1.5,          -1.5,         -1.5,   -3,   3,   -3,    -3,          3,             False),
    ]
    a = np.zeros(len(rows), dtype=st.np())
    for k, name in enumerate(a.dtype.names):
        a[name] = [r[k] for r in rows]
    bml = ("# typing: one field of most numeric types (numpy's NEP 50 promotion)\n"
           "records: { f: f32, d: f64, h: f16, i8: i8, u8: u8, i16: i16be, i32: i32, u64: u64, b: bool }[..]\n")
    return Data("typing", bml, st, a)


def chunks():
    st = fm.St([("k", fm.Sc("u", 1)), ("v", fm.Sc("f", 4, "<")), ("w", fm.Sc("f", 4, "<"))])
    n = 5000  # more than one of binmap's 4096-row lanes
    a = np.zeros(n, dtype=st.np())
    a["k"] = np.arange(n) % 7
    a["v"] = (np.arange(n) % 100) * 0.5
    a["v"][[7, 4200]] = np.nan
    a["w"] = a["v"]
    a["w"][10] = np.inf
    bml = ("# chunks: more rows than one 4096-row lane\n"
           "records: { k: u8, v: f32, w: f32 }[..]\n")
    return Data("chunks", bml, st, a)


DATA = {d.name: d for d in (ticks(), counted(), typing(), chunks())}

# --------------------------------------------------------------------------
# Expected output
# --------------------------------------------------------------------------


def dumps(v):
    """fm.dumps with null."""
    if v is None:
        return "null"
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + dumps(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(dumps(x) for x in v) + "]"
    return fm.dumps(v)


def records(d, mask, fields=None):
    sel = d.arr[mask]
    recs = fm.conv(sel, d.st, len(sel))
    if fields:
        recs = [{k: r[k] for k in fields} for r in recs]
    return recs


def columns_of(d, fields=None):
    return fields or list(d.arr.dtype.names)


def out_json(d, mask, fields=None):
    return dumps(records(d, mask, fields)) + "\n"


def out_jsonl(d, mask, fields=None):
    return "".join(dumps(r) + "\n" for r in records(d, mask, fields))


def out_csv(d, mask, fields=None):
    return fm.records_csv(records(d, mask, fields), empty_header=columns_of(d, fields))


def table_cell(v):
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, F):
        return fm.float_token(v.kind, v.bits, "csv")
    t = fm.csv_text(v.raw)
    out = []
    for c in t:
        o = ord(c)
        out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c, "\\x%02x" % o if o < 0x20 or o == 0x7F else c))
    return "".join(out)


def out_table(d, mask, fields=None):
    """binmap's table: the row number, then the fields; numbers and bools
    right-aligned, text left-aligned, two spaces apart, trailing spaces cut."""
    idx = np.arange(len(d.arr))[mask]
    recs = records(d, mask, fields)
    if not recs:
        return "\n"
    names = columns_of(d, fields)
    right = [False] + [not isinstance(recs[0][k], S) for k in names]
    lines = [[""] + names] + [[str(i)] + [table_cell(r[k]) for k in names] for i, r in zip(idx, recs)]
    width = [max(len(line[k]) for line in lines) for k in range(len(right))]
    text = []
    for line in lines:
        cells = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(line, width, right)]
        text.append("  ".join(cells).rstrip() + "\n")
    return "".join(text)


FKIND = {2: "f16", 4: "f32", 8: "f64"}


def f64(x):
    """A computed statistic: any NaN is just NaN (no payload, no sign)."""
    if np.isnan(x):
        return F("f64", fm.FLOAT_FORMATS["f64"][3])
    return F("f64", fm.fbits("f64", float(x)))


def stat_values(col):
    """count, nan, min, max, mean, std, sum of one column, as numpy says."""
    if col.dtype.kind in "iu":
        vals = [int(x) for x in col.tolist()]
        n = len(vals)
        if n == 0:
            return [0, 0, None, None, None, None, 0]
        v64 = np.array(vals, dtype=np.float64)
        return [n, 0, min(vals), max(vals), f64(np.mean(v64)), f64(np.std(v64)), sum(vals)]
    fk = FKIND[col.dtype.itemsize]
    v64 = col.astype(np.float64)
    nan = int(np.isnan(v64).sum())
    n = len(col) - nan
    total = f64(np.nansum(v64))
    if n == 0:
        return [0, nan, None, None, None, None, total]
    lo, hi = np.nanmin(col), np.nanmax(col)
    return [n, nan, F(fk, fm.fbits(fk, float(lo))), F(fk, fm.fbits(fk, float(hi))),
            f64(np.nanmean(v64)), f64(np.nanstd(v64)), total]


STAT_NAMES = ["count", "nan", "min", "max", "mean", "std", "sum"]


def out_stats(d, mask, columns, by=None):
    sel = d.arr[mask]
    groups = [(None, sel)]
    if by is not None:
        keys = sel[by]
        groups = [(k, sel[keys == k]) for k in sorted(set(keys.tolist()))]
    out = []
    for key, rows in groups:
        for c in columns:
            o = {}
            if by is not None:
                o[by] = S(key) if isinstance(key, bytes) else key
            o["column"] = S(c.encode())
            o.update(zip(STAT_NAMES, stat_values(rows[c])))
            out.append(o)
    return dumps(out) + "\n"


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

CASES = []  # (name, args, compare, bug, expected text or bytes)
SHOWS = {}  # name -> expected show json of a select -f bin output


def case(name, args, expected, compare="exact", bug=None):
    CASES.append((name, args, compare, bug, expected))


def files(d):
    return [d.name + ".bin", "-l", d.name + ".bml"]


def all_cases():
    CASES.clear()
    SHOWS.clear()
    T, C, Y, K = DATA["ticks"], DATA["counted"], DATA["typing"], DATA["chunks"]
    k = K.arr
    t, c, y = T.arr, C.arr, Y.arr
    every = np.ones(len(t), dtype=bool)
    tnum = ["time", "value", "qty"]

    # stats: default columns, chosen paths, --where, --by, --rows, empty selections
    case("stats_default", ["stats"] + files(T) + ["-f", "json"], out_stats(T, every, tnum), "stats")
    case("stats_paths", ["stats"] + files(T) + ["records.qty", "records.value", "-f", "json"],
         out_stats(T, every, ["qty", "value"]), "stats")
    case("stats_jsonl", ["stats"] + files(T) + ["records.value", "-f", "jsonl"],
         dumps_stat_line(T, every, "value") + "\n", "stats")
    m = (t["value"] > 0) & (t["name"] == b"MSFT_profit")
    case("stats_where_spec_example", ["stats"] + files(T) + ["--where", "value > 0 && name == 'MSFT_profit'", "-f", "json"],
         out_stats(T, m, tnum), "stats")
    case("stats_by_name", ["stats"] + files(T) + ["records.value", "records.time", "--by", "name", "-f", "json"],
         out_stats(T, every, ["value", "time"], by="name"), "stats")
    case("stats_by_qty_where", ["stats"] + files(T) + ["records.value", "--by", "records.qty", "-w", "time >= 1001000",
                                                       "-f", "json"],
         out_stats(T, t["time"] >= 1001000, ["value"], by="qty"), "stats")
    case("stats_by_flag", ["stats"] + files(T) + ["value", "--by", "flag", "-f", "json"],
         out_stats(T, every, ["value"], by="flag"), "stats")
    none = np.zeros(len(t), dtype=bool)
    low = -(2 ** 40) - 1
    case("stats_empty_selection", ["stats"] + files(T) + ["-w", "time < %d" % low, "-f", "json"],
         out_stats(T, t["time"] < low, tnum), "stats")
    case("stats_empty_selection_by", ["stats"] + files(T) + ["--by", "name", "-w", "qty > 65535", "-f", "json"],
         out_stats(T, none, tnum, by="name"), "stats")
    rows = np.zeros(len(t), dtype=bool)
    rows[5:-5] = True
    case("stats_rows", ["stats"] + files(T) + ["--rows", "5..-5", "-f", "json"], out_stats(T, rows, tnum), "stats")
    rows = np.zeros(len(t), dtype=bool)
    rows[-10:] = True
    case("stats_rows_where", ["stats"] + files(T) + ["--rows=-10..", "-w", "qty != 1", "-f", "json"],
         out_stats(T, rows & (t["qty"] != 1), tnum), "stats")
    # Exactly representable statistics print byte for byte in CSV and tables.
    cm = c["id"] % 2 == 0  # ids -10, -4, 2, ...: sums and deviations exact
    case("stats_csv_exact", ["stats"] + files(C) + ["-w", "id % 2 == 0", "-f", "csv"], stats_text(C, cm, ["id", "x"], "csv"))
    case("stats_table_exact", ["stats"] + files(C) + ["-w", "id % 2 == 0"], stats_text(C, cm, ["id", "x"], "table"))

    # --where: numbers, strings, in, not, arithmetic
    wheres = [
        ("where_string_eq", "name == 'MSFT_profit'", t["name"] == b"MSFT_profit"),
        ("where_string_utf8", 'name == "café"', t["name"] == "café".encode()),
        ("where_string_lt", "name < 'B'", t["name"] < b"B"),
        ("where_string_empty", "name != ''", t["name"] != b""),
        ("where_in_strings", "name in ['AAPL', \"\"]", (t["name"] == b"AAPL") | (t["name"] == b"")),
        ("where_not_in_ints", "qty not in [1, 2, 65535]", ~((t["qty"] == 1) | (t["qty"] == 2) | (t["qty"] == 65535))),
        ("where_bang_in", "qty !in [3]", ~(t["qty"] == 3)),
        ("where_not_words", "not (value > 0 or flag)", ~((t["value"] > 0) | t["flag"])),
        ("where_bang", "!flag && value <= 0", ~t["flag"] & (t["value"] <= 0)),
        ("where_nan", "value != value", t["value"] != t["value"]),
        ("where_arith_mod", "time % 7 == 3", np.array([x % 7 == 3 for x in t["time"].tolist()])),
        ("where_arith", "qty * 2 - 1 > 100 && value * 2 > 1.5", (t["qty"].astype(np.int64) * 2 - 1 > 100) & (t["value"] * 2 > 1.5)),
        ("where_f32_literal", "value == 0.1", t["value"] == 0.1),
        ("where_neg_zero", "value == -0.0 && value == 0", (t["value"] == -0.0) & (t["value"] == 0)),
    ]
    for name, w, mask in wheres:
        case(name, ["select"] + files(T) + ["-w", w, "-f", "jsonl"], out_jsonl(T, mask))

    # NEP 50 typing, exact integers
    typing_cases = [
        ("nep50_f32_literal", "f == 0.1", y["f"] == 0.1),
        ("nep50_f64_literal", "d == 0.1", y["d"] == 0.1),
        ("nep50_f16_literal", "h == 0.1", y["h"] == 0.1),
        ("nep50_f32_big_int_literal", "f >= 16777217", y["f"] >= 16777217),
        ("nep50_f32_plus_i8_stays_f32", "f + i8 > 16777216", (y["f"] + y["i8"]) > 16777216),
        ("nep50_f32_plus_i32_is_f64", "f + i32 > 16777216", (y["f"] + y["i32"]) > 16777216),
        ("nep50_f32_plus_literal", "f + 1 > 16777216", (y["f"] + 1) > 16777216),
        ("nep50_f32_vs_f64", "f == d", y["f"] == y["d"]),
        ("nep50_int_vs_float_literal", "i32 > 0.5", y["i32"] > 0.5),
        ("nep50_f16_vs_i16", "h < i16", y["h"] < y["i16"]),
        ("nep50_true_division", "i8 / 2 == -0.5", y["i8"] / 2 == -0.5),
        ("nep50_python_modulo", "i8 % -3 == -1", y["i8"] % -3 == -1),
        ("nep50_float_modulo", "d % 1 == 0.5", y["d"] % 1 == 0.5),
        ("exact_int_product", "i32 * i32 == 4611686014132420609",
         np.array([x * x == 4611686014132420609 for x in y["i32"].tolist()])),
        ("exact_int_sum", "u64 + u64 > 18446744073709551615",
         np.array([x + x > 18446744073709551615 for x in y["u64"].tolist()])),
        ("u64_out_of_range_literal", "u64 > -1 && u64 != 18446744073709551616",
         (y["u64"] > -1) & (y["u64"] != 18446744073709551616)),
        ("u64_vs_i32", "u64 > i32", y["u64"] > y["i32"]),
        ("bool_compare", "b == true && f < 1", (y["b"] == True) & (y["f"] < 1)),  # noqa: E712
        ("bool_as_int", "b + b + u8 == 2", np.array([2 * int(p) + q == 2 for p, q in zip(y["b"].tolist(), y["u8"].tolist())])),
        ("in_floats_f32", "f in [0.1, 2.5, nan]", (y["f"] == 0.1) | (y["f"] == 2.5) | (y["f"] == np.nan)),
        ("in_mixed_list", "i16 in [1, -1.0, 300]", (y["i16"] == 1) | (y["i16"] == -1.0) | (y["i16"] == 300)),
        ("inf_literal", "f == inf || d == -inf", (y["f"] == np.inf) | (y["d"] == -np.inf)),
    ]
    for name, w, mask in typing_cases:
        case(name, ["select"] + files(Y) + ["-w", w, "-f", "jsonl"], out_jsonl(Y, mask))

    # Known discrepancies with numpy: ignored tests in tests/query.rs.
    case("string_literal_trailing_nul", ["select"] + files(T) + ["-w", "name == 'AAPL\\0'", "-f", "jsonl"],
         out_jsonl(T, t["name"] == b"AAPL\x00"))
    case("bool_plus_f32", ["select"] + files(Y) + ["-w", "b + f > 1", "-f", "jsonl"],
         out_jsonl(Y, (y["b"] + y["f"]) > 1))
    case("i8_plus_u8_plus_f16", ["select"] + files(Y) + ["-w", "(i8 + u8) + h > 355", "-f", "jsonl"],
         out_jsonl(Y, (y["i8"] + y["u8"].astype(np.int16)) + y["h"] > 355))
    case("stats_computed_nan", ["stats"] + files(Y) + ["records.f", "-f", "json"],
         out_stats(Y, np.ones(len(y), dtype=bool), ["f"]), "exact")

    # More rows than one 4096-row lane: partial statistics merged, groups across lanes.
    kall = np.ones(len(k), dtype=bool)
    case("stats_across_lanes", ["stats"] + files(K) + ["records.v", "records.k", "-f", "json"],
         out_stats(K, kall, ["v", "k"]), "stats")
    case("stats_across_lanes_by", ["stats"] + files(K) + ["records.v", "--by", "k", "-w", "v != 3", "-f", "json"],
         out_stats(K, k["v"] != 3, ["v"], by="k"), "stats")
    rows = np.zeros(len(k), dtype=bool)
    rows[100:-100] = True
    case("stats_across_lanes_rows", ["stats"] + files(K) + ["records.v", "--rows", "100..-100", "-f", "json"],
         out_stats(K, rows, ["v"]), "stats")
    case("select_across_lanes", ["select"] + files(K) + ["-w", "v == 49.5 && k == 0", "-f", "csv"],
         out_csv(K, (k["v"] == 49.5) & (k["k"] == 0)))
    case("stats_inf_across_lanes", ["stats"] + files(K) + ["records.w", "-f", "csv"],
         stats_text(K, kall, ["w"], "csv"))

    # select: every format, --fields, --rows
    m = (t["qty"] == 2) & ~t["flag"]
    w = "qty == 2 && !flag"
    case("select_json", ["select"] + files(T) + ["-w", w, "-f", "json"], out_json(T, m))
    case("select_json_fields", ["select"] + files(T) + ["-w", w, "-f", "json", "--fields", "value,name"],
         out_json(T, m, ["value", "name"]))
    case("select_jsonl_fields", ["select"] + files(T) + ["-w", w, "-f", "jsonl", "--fields", "time"],
         out_jsonl(T, m, ["time"]))
    case("select_csv", ["select"] + files(T) + ["-w", w, "-f", "csv"], out_csv(T, m))
    case("select_csv_fields", ["select"] + files(T) + ["-w", w, "-f", "csv", "--fields", "qty,time,name"],
         out_csv(T, m, ["qty", "time", "name"]))
    case("select_csv_empty", ["select"] + files(T) + ["-w", "qty == 4", "-f", "csv", "--fields", "qty,name"],
         out_csv(T, none, ["qty", "name"]))
    case("select_table", ["select"] + files(T) + ["-w", w], out_table(T, m))
    case("select_table_fields", ["select"] + files(T) + ["-w", w, "-f", "table", "--fields", "name,flag,value"],
         out_table(T, m, ["name", "flag", "value"]))
    rows = np.zeros(len(t), dtype=bool)
    rows[10:20] = True
    case("select_rows", ["select"] + files(T) + ["-w", "flag", "--rows", "10..20", "-f", "jsonl", "--fields", "time"],
         out_jsonl(T, rows & t["flag"], ["time"]))
    case("select_path", ["select"] + files(C) + ["records", "-w", "tag == 'ab'", "-f", "csv"],
         out_csv(C, c["tag"] == b"ab"))

    # select -f bin: the same layout with only the matching records
    for name, d, w, mask in [
        ("bin_counted", C, "x >= 1 || tag == 'ef\\0g'", (c["x"] >= 1) | (c["tag"] == b"ef\x00g")),
        ("bin_counted_none", C, "id > 1000", np.zeros(len(c), dtype=bool)),
        ("bin_ticks", T, "name in ['GOOG_profit', 'nan_only']", (t["name"] == b"GOOG_profit") | (t["name"] == b"nan_only")),
    ]:
        sel = d.arr[mask]
        prefix = np.array([len(sel)], dtype=d.header).tobytes() if d.header else b""
        case(name, ["select"] + files(d) + ["-w", w, "-f", "bin", "-o", "{out}"], prefix + sel.tobytes() + d.suffix, "file")
        doc = {}
        if d.header:
            doc["n"] = len(sel)
        doc["records"] = fm.conv(sel, d.st, len(sel))
        if d.suffix:
            doc["tail"] = int(np.frombuffer(d.suffix, dtype="<u2")[0])
        SHOWS[name] = dumps(doc) + "\n"
    return CASES


def dumps_stat_line(d, mask, col):
    return dumps({"column": S(col.encode()), **dict(zip(STAT_NAMES, stat_values(d.arr[mask][col])))})


def fvalue(v):
    """The Python float an F stands for."""
    if v.kind == "f64":
        return struct.unpack("<d", struct.pack("<Q", v.bits))[0]
    if v.kind == "f32":
        return float(np.array([v.bits], np.uint32).view(np.float32)[0])
    if v.kind == "f16":
        return float(np.array([v.bits], np.uint16).view(np.float16)[0])
    return float(np.array([v.bits << 16], np.uint32).view(np.float32)[0])


def readable_cell(v):
    """A statistic as stats' table shows it: integers whole, floats as C's
    %.7g with repr's '.0' (17.0) and spellings (nan, inf)."""
    if isinstance(v, int):
        return str(v)
    x = fvalue(v)
    if x != x or x in (math.inf, -math.inf):
        return repr(x)
    t = "%.7g" % x
    return t if any(ch in t for ch in ".e") else t + ".0"


def stats_text(d, mask, columns, fmt):
    """stats as CSV or a table (80 columns wide, floats at 7 digits, lined
    up on the point), for data whose statistics numpy computes exactly."""
    sel = d.arr[mask]
    lines = [["column"] + STAT_NAMES]
    for c in columns:
        vals = stat_values(sel[c])
        cells = [c]
        for v in vals:
            if fmt == "table":
                cells.append(readable_cell(v) if v is not None else "nan")
            else:
                cells.append(table_cell(v) if v is not None else "")
        lines.append(cells)
    if fmt == "csv":
        return "".join(",".join(line) + "\n" for line in lines)
    for k in range(1, len(lines[0])):
        col = [line[k] for line in lines[1:]]
        at = [min([i for i in (c.find("."), c.find("e")) if i >= 0], default=len(c)) for c in col]
        left = max(a for a in at)
        right = max(len(c) - a for c, a in zip(col, at))
        for line, a in zip(lines[1:], at):
            line[k] = " " * (left - a) + line[k] + " " * (right - (len(line[k]) - a))
    width = [max(len(line[k]) for line in lines) for k in range(len(lines[0]))]
    assert sum(width) + 2 * (len(width) - 1) <= 80, "this table would wrap"
    return "".join("  ".join(cell.ljust(w) if k == 0 else cell.rjust(w)
                             for k, (cell, w) in enumerate(zip(line, width))).rstrip() + "\n" for line in lines)


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def render():
    out = {}
    for d in DATA.values():
        out[d.name + ".bml"] = d.bml.encode()
        out[d.name + ".bin"] = d.bytes()
    manifest = []
    with np.errstate(all="ignore"):
        cases = all_cases()
    for name, args, compare, bug, expected in cases:
        entry = {"name": name, "args": args, "compare": compare, "bug": bug}
        if name in SHOWS:
            entry["show_layout"] = args[3]
        manifest.append(entry)
        out[name + ".out"] = expected if isinstance(expected, bytes) else expected.encode()
    for name, text in SHOWS.items():
        out[name + ".show.json"] = text.encode()
    out["cases.json"] = ("[\n" + ",\n".join(json.dumps(m, ensure_ascii=False) for m in manifest) + "\n]\n").encode()
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    total = sum(len(b) for b in out.values())
    assert total < 200_000, "fixtures too big: %d bytes" % total
    return out


GENERATED = {"make.py"}


def write():
    files = render()
    for p in HERE.iterdir():
        if p.name not in GENERATED and p.is_file():
            p.unlink()
    for name, b in files.items():
        (HERE / name).write_bytes(b)
    print("wrote %d cases, %d files, %d bytes, into %s" % (
        len(CASES), len(files), sum(map(len, files.values())), HERE))


def check():
    files = render()
    have = {p.name: p.read_bytes() for p in HERE.iterdir() if p.is_file() and p.name not in GENERATED}
    problems = []
    for name in sorted(set(files) | set(have)):
        if name not in have:
            problems.append("missing: %s" % name)
        elif name not in files:
            problems.append("not generated by make.py: %s" % name)
        elif have[name] != files[name]:
            i = next((k for k, (a, b) in enumerate(zip(have[name], files[name])) if a != b),
                     min(len(have[name]), len(files[name])))
            problems.append("differs: %s at byte %d" % (name, i))
    for p in problems[:50]:
        print(p)
    if problems:
        print("%d query fixture files differ from what make.py generates: run python3 %s" % (
            len(problems), os.path.relpath(__file__)))
        return 1
    print("query fixtures: %d files, all as make.py generates them" % len(files))
    return 0


if __name__ == "__main__":
    if "--check" in sys.argv:
        sys.exit(check())
    write()
