#!/usr/bin/env python3
"""Generate the fixtures of tests/pystruct.rs from CPython's struct module.

Deterministic (seeded); run from anywhere with CPython 3.11 on x86-64 Linux:

    python3 crates/binmap/tests/data/pystruct/make.py

Every file is JSON lines. Values are tagged so that nothing is lost:
["i", "123"] an int (decimal text, any size), ["f", "3ff0000000000000"] a
float by its bits, ["b", "68656c6c6f"] bytes in hex, ["?", true] a bool.
An expected error is the exception's message; its type is kept for
information in "type: message" form and the test compares the message.

Files:
  calcsize.jsonl     [fmt, size | null, error | null]
  pack.jsonl         [fmt, [values], hex | null, error | null]
  unpack.jsonl       [fmt, hex, repr | null, json | null, error | null]
  iter_unpack.jsonl  [fmt, hex, [repr lines] | null, error | null]
  cli_values.jsonl   [fmt, [texts as typed], hex | null, error | null]
"""

import ast
import codecs
import json
import math
import os
import random
import re
import struct
import sys
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # escape_decode of '\\q'

assert sys.version_info[:2] == (3, 11), "fixtures are made with CPython 3.11"
assert struct.calcsize("@l") == 8 and sys.byteorder == "little", "x86-64 Linux only"

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20240611)

PREFIXES = ["", "@", "=", "<", ">", "!"]
CODES = "xcbB?hHiIlLqQnNefdspP"
INT_CODES = "bBhHiIlLqQnNP"
FLOAT_CODES = "efd"


def err(e):
    return f"{type(e).__name__}: {e}"


def tag(v):
    if isinstance(v, bool):
        return ["?", v]
    if isinstance(v, int):
        return ["i", str(v)]
    if isinstance(v, float):
        return ["f", struct.pack(">d", v).hex()]
    if isinstance(v, bytes):
        return ["b", v.hex()]
    raise TypeError(v)


def json_value(v):
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return {"hex": v.hex()}
    return v


def json_line(vals):
    return json.dumps([json_value(v) for v in vals], separators=(",", ":"), ensure_ascii=False)


def out(name, rows):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{name}: {len(rows)} lines, {os.path.getsize(path)} bytes")


def calc(fmt):
    try:
        return [fmt, struct.calcsize(fmt), None]
    except Exception as e:  # noqa: BLE001
        return [fmt, None, err(e)]


def do_pack(fmt, vals):
    try:
        return [fmt, [tag(v) for v in vals], struct.pack(fmt, *vals).hex(), None]
    except Exception as e:  # noqa: BLE001
        return [fmt, [tag(v) for v in vals], None, err(e)]


def do_unpack(fmt, buf):
    try:
        vals = struct.unpack(fmt, buf)
        return [fmt, buf.hex(), repr(vals), json_line(vals), None]
    except Exception as e:  # noqa: BLE001
        return [fmt, buf.hex(), None, None, err(e)]


def do_iter(fmt, buf):
    try:
        return [fmt, buf.hex(), [repr(t) for t in struct.iter_unpack(fmt, buf)], None]
    except Exception as e:  # noqa: BLE001
        return [fmt, buf.hex(), None, err(e)]


def rand_format(max_items=6, max_count=4, spaces=True):
    prefix = rng.choice(PREFIXES)
    codes = CODES if prefix in ("", "@") else CODES.replace("n", "").replace("N", "").replace("P", "")
    parts = []
    for _ in range(rng.randint(0, max_items)):
        c = rng.choice(codes)
        n = rng.choice(["", "", "", str(rng.randint(0, max_count))])
        if c in "sp" and rng.random() < 0.5:
            n = str(rng.randint(0, 12))
        parts.append(n + c)
    sep = (lambda: rng.choice(["", "", " ", "\t", "\n "])) if spaces else (lambda: "")
    return prefix + "".join(p + sep() for p in parts)


def float_specials():
    vals = [0.0, -0.0, 1.0, -1.0, 0.1, 1 / 3, 1e-300, 5e-324, -5e-324, 2.2250738585072014e-308,
            1e300, -1e300, math.inf, -math.inf, math.nan, -math.nan, 65504.0, 65519.99, 65520.0,
            6.1e-5, 5.96e-8, 2.98e-8, 2.9802322387695312e-08, 2.9802322387695313e-08, 1e-8,
            3.4028234663852886e38, 3.4028235677973362e38, 3.4028235677973366e38, 1.401298464324817e-45,
            7.006492321624085e-46, 7.006492321624087e-46, 1.0 + 2**-11, 1.0 + 2**-11 + 2**-40,
            1.0 + 2**-24, 1.0 + 2**-24 + 2**-50, 2049.0, 2051.0, 16777217.0, 1e16, 123456789.123]
    for bits in [0x7FF0000000000001, 0x7FF4000000000000, 0xFFF8000000000001, 0x7FFFFFFFFFFFFFFF]:
        vals.append(struct.unpack(">d", bits.to_bytes(8, "big"))[0])
    for _ in range(8):
        vals.append(struct.unpack("<d", rng.randbytes(8))[0])
        vals.append(rng.uniform(-70000, 70000))
        vals.append(rng.choice([1, -1]) * 2.0 ** rng.uniform(-30, 20))
    return vals


def main():
    # ---------------------------------------------------------------- calcsize
    calcs = []
    for p in PREFIXES:
        for c in CODES:
            for n in ["", "0", "1", "2", "3", "7", "10", "255"]:
                calcs.append(calc(p + n + c))
    for p in ["", "@", "<"]:
        for a in CODES:
            for b in CODES:
                calcs.append(calc(p + a + b))
                if p != "<":
                    calcs.append(calc(p + a + "0" + b))
    for f in ["", " ", "@", "=", "<", ">", "!", "3", "i3", "3 i", "3 ", " <i", "<i<", "ii ", "i i", "\ti\n",
              "\x0bi\x0c", "\ri", "0i", "@b0i", "b0i", "bi", "id", "di", "=bi", "<bi", "@bq5sP", "xi", "5xi", "?i",
              "ei", "bc", "bP", "a", "Z", "i\0i", "é", "aé€😀b", "éé", "10", "i 3", "<e", "@@i", "<n", "!P", "=N",
              "999999999999999999999i", "9223372036854775807x", "9223372036854775807s", "9223372036854775808x",
              "4611686018427387904i", "2305843009213693952i", "2305843009213693951i", "9223372036854775806xb",
              "9223372036854775807xb", "@9223372036854775800xq", "@9223372036854775799xb0q", "1152921504606846975q",
              "1152921504606846976q", "0s", "0p", "0x", "00003i", "i#", "i-", "-i", "+i", "i\x00"]:
        calcs.append(calc(f))
    for _ in range(600):
        calcs.append(calc(rand_format(8, 20)))
    out("calcsize.jsonl", calcs)

    # -------------------------------------------------------------------- pack
    packs = []
    big = [1 << 100, -(1 << 100), 10**40, -(10**40), 1 << 127, -(1 << 127), (1 << 128) - (1 << 103),
           (1 << 128) - (1 << 104), 10**400, -(10**400)]
    for p in PREFIXES:
        for c in INT_CODES:
            fmt = p + c
            try:
                bits = struct.calcsize(fmt) * 8
            except struct.error:
                packs.append(do_pack(fmt, [1]))
                continue
            edges = {0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769, 65535, 65536,
                     2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**32 - 1, 2**32, 2**63 - 1, 2**63, -2**63, -2**63 - 1,
                     2**64 - 1, 2**64, -2**64, 2**bits - 1, 2**bits, -2**(bits - 1), -2**(bits - 1) - 1}
            for v in sorted(edges):
                packs.append(do_pack(fmt, [v]))
            for v in big[:4] + [True, False, 1.5, 0.0, b"a", b""]:
                packs.append(do_pack(fmt, [v]))
            for _ in range(3):
                packs.append(do_pack(fmt, [rng.randint(-2**(bits - 1), 2**bits - 1)]))
        for c in FLOAT_CODES:
            fmt = p + c
            for v in float_specials():
                packs.append(do_pack(fmt, [v]))
            for v in [0, 1, -7, 65504, 65505, 70000, 2**53 + 1, 2**127, True, False, b"a", b""] + big:
                packs.append(do_pack(fmt, [v]))
        for v in [0, 1, -1, 2, 0.0, -0.0, math.nan, 0.5, True, False, b"", b"\0", b"ab"] + big[:2]:
            packs.append(do_pack(p + "?", [v]))
        for v in [b"", b"a", b"\xff", b"ab", 1, 0.0, True]:
            packs.append(do_pack(p + "c", [v]))
        for n in [0, 1, 2, 3, 5, 10]:
            for ln in sorted({0, 1, max(n - 1, 0), n, n + 1, n + 5}):
                v = bytes(rng.randrange(256) for _ in range(ln))
                packs.append(do_pack(f"{p}{n}s", [v]))
                packs.append(do_pack(f"{p}{n}p", [v]))
            packs.append(do_pack(f"{p}{n}s", [1]))
            packs.append(do_pack(f"{p}{n}p", [1.0]))
    for n in [254, 255, 256, 257, 300]:
        for ln in [0, 200, 254, 255, 256, 400]:
            packs.append(do_pack(f"{n}p", [b"q" * ln]))
    for f in ["0p", "0px", "0pxi", "0pi", "b0pi", "@b0pq", "<b0pq", "0p0p", "0p2x", "0pc", "0p?"]:
        vals = [b"abc" if c in "sp" else (b"z" if c == "c" else 7) for c in iter_codes(f) for c in c[0] * c[1]]
        packs.append(do_pack(f, vals))
    packs.append(do_pack("0s", []))
    packs.append(do_pack("0s", [b"a"]))
    packs.append(do_pack("2s", [b"a", b"b"]))
    packs.append(do_pack("ii", [1]))
    packs.append(do_pack("ii", [1, 2, 3]))
    packs.append(do_pack("3x0i", []))
    packs.append(do_pack("x", []))
    packs.append(do_pack("x", [1]))
    packs.append(do_pack("", []))
    packs.append(do_pack("i3", [1]))
    packs.append(do_pack("<P", [1]))
    packs.append(do_pack("ih", [1.5, 70000]))  # the first bad value is reported
    packs.append(do_pack("hi", [70000, 1.5]))
    for _ in range(500):
        fmt = rand_format()
        try:
            s = struct.Struct(fmt)
        except struct.error:
            packs.append(do_pack(fmt, [1]))
            continue
        vals = []
        for code, count in iter_codes(s.format):
            for _ in range(count):
                vals.append(rand_value(code))
        if rng.random() < 0.03 and vals:
            vals.pop()
        packs.append(do_pack(fmt, vals))
    out("pack.jsonl", packs)

    # ------------------------------------------------------------------ unpack
    unpacks = []
    for p in PREFIXES:
        for c in CODES:
            fmt = p + c
            try:
                size = struct.calcsize(fmt)
            except struct.error:
                unpacks.append(do_unpack(fmt, b"\0" * 8))
                continue
            for _ in range(5):
                unpacks.append(do_unpack(fmt, rng.randbytes(size)))
            unpacks.append(do_unpack(fmt, b"\0" * size))
            unpacks.append(do_unpack(fmt, b"\xff" * size))
            unpacks.append(do_unpack(fmt, b"\0" * (size + 1)))
            if size:
                unpacks.append(do_unpack(fmt, b"\0" * (size - 1)))
        for v in range(256) if p == "" else [0, 1, 2, 127, 128, 255]:
            unpacks.append(do_unpack(p + "?", bytes([v])))
            unpacks.append(do_unpack(p + "c", bytes([v])))
        for c, n in [("e", 2), ("f", 4), ("d", 8)]:
            order = ">" if p in (">", "!") else "<"
            for x in float_specials():
                try:
                    b = struct.pack(order + c, x)
                except OverflowError:
                    continue
                unpacks.append(do_unpack(p + c, b))
            pat = {"e": [0x7C01, 0x7E00, 0xFE00, 0xFC01, 0x7FFF, 0x0001, 0x8001, 0x03FF, 0x0400, 0x8000, 0x7C00, 0xFC00],
                   "f": [0x7F800001, 0x7FC00000, 0xFFC00001, 0x7FFFFFFF, 0x00000001, 0x80000001, 0x007FFFFF, 0x80000000],
                   "d": [0x7FF0000000000001, 0xFFF8000000000000, 0x0000000000000001, 0x8000000000000000,
                         0x000FFFFFFFFFFFFF, 0x7FEFFFFFFFFFFFFF]}[c]
            for bits in pat:
                unpacks.append(do_unpack(p + c, bits.to_bytes(n, "big" if order == ">" else "little")))
        for n in [1, 2, 5, 10]:
            for first in sorted({0, 1, n - 1, n, n + 1, 255}):
                unpacks.append(do_unpack(f"{p}{n}p", bytes([first]) + rng.randbytes(n - 1)))
        for n in [0, 1, 4]:
            unpacks.append(do_unpack(f"{p}{n}s", rng.randbytes(n)))
        unpacks.append(do_unpack(p + "0p", b""))
        unpacks.append(do_unpack(p + "i0p", b"\0\0\0\0"))
    for s in [b"'", b'"', b"'\"", b"\\", b"\t\n\r\x0b\x7f\x80", b"it's", b'say "hi"', "é".encode(), b"\xc3"]:
        unpacks.append(do_unpack(f"{len(s)}s", s))
    for _ in range(800):
        fmt = rand_format()
        try:
            size = struct.calcsize(fmt)
        except struct.error:
            continue
        unpacks.append(do_unpack(fmt, rng.randbytes(size)))
    out("unpack.jsonl", unpacks)

    # ------------------------------------------------------------- iter_unpack
    iters = []
    for fmt in ["", "0i", "0p", "x", "i", "<hb", "@bi", "i0p", "0pi", "3s", "?", "<e"]:
        size = struct.calcsize(fmt)
        for k in [0, 1, 3]:
            iters.append(do_iter(fmt, rng.randbytes(size * k)))
        iters.append(do_iter(fmt, rng.randbytes(size * 2 + 1)))
    for _ in range(300):
        fmt = rand_format()
        try:
            size = struct.calcsize(fmt)
        except struct.error:
            continue
        k = rng.choice([0, 1, 2, 5])
        extra = 1 if rng.random() < 0.1 else 0
        iters.append(do_iter(fmt, rng.randbytes(size * k + extra)))
    out("iter_unpack.jsonl", iters)

    # ------------------------------------------------------ command-line values
    clis = []
    texts_num = ["123", "-5", "0x1f", "-0x1F", "0o17", "0b101", "1_000", "0x_ff", "1__0", "_1", "1_", "+7", "007",
                 "0.1", "-1e300", "1e400", "-1e400", "nan", "-nan", "inf", "-inf", "Infinity", "1.5", "1_0.5", ".5",
                 "5.", "1e5", "True", "False", "true", "abc", "", "b'a'", "b''", "340282366920938463463374607431768211456",
                 "-170141183460469231731687303715884105729", "99999999999999999999999999999999999999999", " 12 "]
    texts_bytes = ["hello", "", "a\\x00b", "\\xff", "b'hi\\x00'", 'b"it\'s"', "tab\\there", "\\\\", "\\q", "x",
                   "123", "é", "b'", "'quoted'", "\\101", "\\n"]
    for p in ["", "<", ">"]:
        for c in "bBhHiIqQefd?":
            for t in texts_num:
                clis.append(do_cli(p + c, [t]))
        for t in ["None", "''", '""', "()", "[]", "{}", "0j", "0.0j", "-0j", "0+0j", "1-1j", "(0)", "(0,)", "[0]",
                  "{0: 0}", "'a'", "set()", "...", "false", "none", "yes", "1+"]:
            clis.append(do_cli(p + "?", [t]))
        for c in ["c", "3s", "5p", "0s", "1p"]:
            for t in texts_bytes:
                clis.append(do_cli(p + c, [t]))
    clis.append(do_cli("<i5sd?", ["-1", "abc\\x00", "1e-5", "0"]))
    out("cli_values.jsonl", clis)


def iter_codes(fmt):
    """(code, number of values) for each item of a valid format."""
    s = fmt.lstrip("@=<>!")
    i = 0
    res = []
    while i < len(s):
        c = s[i]
        if c.isspace():
            i += 1
            continue
        n = ""
        while c.isdigit():
            n += c
            i += 1
            c = s[i]
        i += 1
        count = int(n) if n else 1
        if c == "x":
            continue
        res.append((c, 1 if c in "sp" else count))
    return res


def rand_value(code):
    r = rng.random()
    if code in "sp":
        return rng.randbytes(rng.randint(0, 14))
    if code == "c":
        return rng.randbytes(1) if r < 0.95 else b"ab"
    if code == "?":
        return rng.choice([True, False, 0, 3, 0.0, 1.5, b"", b"x"])
    if code in "efd":
        if r < 0.1:
            return rng.randint(-100000, 100000)
        if r < 0.15:
            return rng.choice([math.inf, -math.inf, math.nan, -0.0, 1e300])
        if r < 0.2:
            return struct.unpack("<d", rng.randbytes(8))[0]
        return rng.choice([1, -1]) * 2.0 ** rng.uniform(-30, 17)
    # ints: mostly in range, sometimes at or past an edge
    size = {"b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "l": 8, "L": 8, "q": 8, "Q": 8, "n": 8, "N": 8, "P": 8}[code]
    if r < 0.05:
        return rng.choice([2**(8 * size), -1, -2**(8 * size - 1) - 1, 2**31, 2**63, 1.0])
    if code.isupper() or code == "P":
        return rng.randint(0, 2**(8 * size) - 1)
    return rng.randint(-2**(8 * size - 1), 2**(8 * size - 1) - 1)


def cli_value(code, text):
    """What `binmap struct pack` makes of a command-line value for `code`."""
    if code in "spc":
        if len(text) >= 3 and text[0] in "bB" and text[1] in "'\"" and text[-1] == text[1]:
            text = text[2:-1]
        return codecs.escape_decode(text.encode("utf-8"))[0]  # noqa
    t = text.strip()
    if t in ("True", "False"):
        return t == "True"
    try:
        v = ast.literal_eval(t)
        if isinstance(v, (int, float, bytes)) and not isinstance(v, bool):
            return v
    except (ValueError, SyntaxError):
        pass
    try:
        return int(t, 0)
    except ValueError:
        pass
    if re.fullmatch(r"[+-]?[0-9]+(_[0-9]+)*", t):
        return int(t)  # leading zeros: 007
    try:
        return float(t)
    except ValueError:
        pass
    if code == "?":
        # `?` packs the truth of any Python literal (None, '', (), 0j...); an
        # empty argument is the empty string; a word that is no literal
        # (`true`, `abc`) is an error, as it is a NameError in Python.
        try:
            return t != "" and bool(ast.literal_eval(t))
        except (ValueError, SyntaxError):
            raise ValueError(f"not a Python literal: {t!r}") from None
    return codecs.escape_decode(text.encode("utf-8"))[0]  # noqa


def do_cli(fmt, texts):
    try:
        codes = [c for c, n in iter_codes(struct.Struct(fmt).format) for _ in range(n)]
    except struct.error as e:
        return [fmt, texts, None, err(e)]
    codes += ["i"] * (len(texts) - len(codes))
    try:
        vals = [cli_value(c, t) for c, t in zip(codes, texts)]
    except Exception as e:  # noqa: BLE001
        return [fmt, texts, None, "value: " + err(e)]
    try:
        return [fmt, texts, struct.pack(fmt, *vals).hex(), None]
    except Exception as e:  # noqa: BLE001
        return [fmt, texts, None, err(e)]


if __name__ == "__main__":
    main()
