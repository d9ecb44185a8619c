#!/usr/bin/env python3
"""Live randomized differential test: `binmap struct` against CPython's struct.

    python3 .ci/differential_struct.py [--seed S] [--cases N] [--verbose]

Each case draws a random format and checks, against CPython:
  * `binmap struct calcsize FMT` (or its error),
  * `binmap struct pack FMT V...` with random values (bytes, or the error
    message), values spelled as a user would type them (for `?` any Python
    literal, whose truth CPython packs), and `pack --repr` against
    `repr(bytes)`,
  * `binmap struct unpack FMT` of random bytes (the tuple repr, or the error),
  * `binmap struct iter-unpack FMT` of several random records (in repr and
    json form; one binmap run checks many records).

BINMAP names the binary (default target/release/binmap). The last line is
`N passed, M failed`; the exit status is non-zero when anything failed.
"""

import argparse
import ast
import json
import math
import os
import random
import struct
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINMAP = os.environ.get("BINMAP", os.path.join(ROOT, "target", "release", "binmap"))
PREFIXES = ["", "@", "=", "<", ">", "!"]
CODES = "xcbB?hHiIlLqQnNefdspP"
SIZES = {"b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "l": 8, "L": 8, "q": 8, "Q": 8, "n": 8, "N": 8, "P": 8}


def run(args, stdin=b""):
    p = subprocess.run([BINMAP, "struct", *args], input=stdin, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def rand_format(rng):
    prefix = rng.choice(PREFIXES)
    codes = CODES if prefix in ("", "@") else CODES.replace("n", "").replace("N", "").replace("P", "")
    if rng.random() < 0.03:
        codes += "Z"  # a bad code now and then
    parts = []
    for _ in range(rng.randint(0, 6)):
        c = rng.choice(codes)
        n = rng.choice(["", "", "", str(rng.randint(0, 4))])
        if c in "sp" and rng.random() < 0.5:
            n = str(rng.randint(0, 12))
        parts.append(n + c + rng.choice(["", "", "", " "]))
    return prefix + "".join(parts)


def items(fmt):
    """The value codes of a valid format, one per value."""
    s = fmt.lstrip("@=<>!")
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c.isspace():
            i += 1
            continue
        n = ""
        while c.isdigit():
            n, i = n + c, i + 1
            c = s[i]
        i += 1
        count = int(n) if n else 1
        if c == "x":
            continue
        out.extend([c] * (1 if c in "sp" else count))
    return out


def bytes_text(b):
    """Bytes as typed on the command line: printable ASCII as is, others as \\xNN."""
    out = []
    for i, c in enumerate(b):
        if c == 0x5C:
            out.append("\\\\")
        elif i == 0 and c == ord("b"):  # a leading b could read as a b'...' literal
            out.append("\\x62")
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            out.append(f"\\x{c:02x}")
    return "".join(out)


# Literals for `?`, evaluated by ast.literal_eval (and `set()`) as the oracle.
TRUTH_LITERALS = [
    "None", "''", '""', "()", "[]", "{}", "0j", "0.0", "b''", "False", "0", "-0.0", "0x0", "0.0j", "0+0j",
    "(0)", "(())", "set()", "'a'", '"0"', "b'\\x00'", "(0,)", "[0]", "{0: 0}", "{0}", "1j", "1-1j", "-2",
    "0.5", "True", "(1)", "rb'x'", "1e-300j", "1_0",
]


def rand_value(rng, code):
    """(python value, command-line text)."""
    r = rng.random()
    if code in "sp":
        b = rng.randbytes(rng.randint(0, 14))
        return b, bytes_text(b)
    if code == "c":
        b = rng.randbytes(1) if r < 0.95 else b"ab"
        return b, bytes_text(b)
    if code == "?":
        if r < 0.5:
            v = rng.choice([True, False, 0, 3, -1, 0.0, 1.5])
            return v, repr(v)
        # Any Python literal: CPython packs its truth (None, '', () are False).
        text = rng.choice(TRUTH_LITERALS)
        return (set() if text == "set()" else ast.literal_eval(text)), text
    if code in "efd":
        if r < 0.1:
            v = rng.randint(-100000, 100000)
            return v, str(v)
        if r < 0.15:
            v = rng.choice([math.inf, -math.inf, math.nan, -0.0, 1e300, -1e-300, 65520.0, 65519.0])
        elif r < 0.25:
            v = struct.unpack("<d", rng.randbytes(8))[0]
            if math.isnan(v):
                v = math.nan
        else:
            v = rng.choice([1, -1]) * 2.0 ** rng.uniform(-30, 17)
        return v, repr(v)
    size = SIZES[code]
    if r < 0.07:
        v = rng.choice([2 ** (8 * size), -1, -(2 ** (8 * size - 1)) - 1, 2**31, 2**63, 2**64, -(2**63) - 1, 10**30])
    elif code.isupper() or code == "P":
        v = rng.randint(0, 2 ** (8 * size) - 1)
    else:
        v = rng.randint(-(2 ** (8 * size - 1)), 2 ** (8 * size - 1) - 1)
    if r > 0.97:
        return 1.5, "1.5"
    text = hex(v) if rng.random() < 0.1 and v >= 0 else str(v)
    return v, text


def err_message(e):
    return str(e)


def json_value(v):
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return {"hex": v.hex()}
    return v


def one_case(seed, k):
    rng = random.Random(seed * 1_000_003 + k)
    fmt = rand_format(rng)
    fails = []

    def check(what, ok, detail):
        if not ok:
            fails.append(f"case {k} fmt={fmt!r} {what}: {detail}")

    # calcsize
    try:
        size = struct.calcsize(fmt)
        want = (0, f"{size}\n".encode())
    except struct.error as e:
        size = None
        want = (2, err_message(e))
    rc, out, errtext = run(["calcsize", "--", fmt])
    if size is not None:
        check("calcsize", (rc, out) == want, f"want {want}, got rc={rc} out={out!r} err={errtext!r}")
    else:
        check("calcsize", rc == 2 and want[1] in errtext, f"want error {want[1]!r}, got rc={rc} {errtext!r}")
        return fails

    # pack
    codes = items(fmt)
    vals, texts = [], []
    for c in codes:
        v, t = rand_value(rng, c)
        vals.append(v)
        texts.append(t)
    if rng.random() < 0.03:
        vals.append(1)
        texts.append("1")
    try:
        want_bytes, want_err = struct.pack(fmt, *vals), None
    except Exception as e:  # noqa: BLE001
        want_bytes, want_err = None, err_message(e)
    rc, out, errtext = run(["pack", "--", fmt, *texts])
    if want_err is None:
        check("pack", rc == 0 and out == want_bytes, f"values {texts}: want {want_bytes.hex()}, got rc={rc} {out.hex()} {errtext!r}")
        # What a terminal shows: Python's repr of the bytes.
        want_repr = (repr(want_bytes) + "\n").encode()
        rc, out, errtext = run(["pack", "--repr", "--", fmt, *texts])
        check("pack --repr", rc == 0 and out == want_repr, f"values {texts}: want {want_repr!r}, got rc={rc} {out!r} {errtext!r}")
    else:
        check("pack", rc == 1 and want_err in errtext, f"values {texts}: want error {want_err!r}, got rc={rc} {errtext!r}")

    # unpack of random bytes (sometimes the wrong size)
    buf = rng.randbytes(size + (rng.choice([-1, 1]) if rng.random() < 0.05 and size > 0 else 0))
    try:
        want = repr(struct.unpack(fmt, buf)) + "\n"
        rc, out, errtext = run(["unpack", "--", fmt], buf)
        check("unpack", rc == 0 and out.decode() == want, f"bytes {buf.hex()}: want {want!r}, got rc={rc} {out!r} {errtext!r}")
    except Exception as e:  # noqa: BLE001
        rc, out, errtext = run(["unpack", "--", fmt], buf)
        check("unpack", rc == 1 and err_message(e) in errtext, f"bytes {buf.hex()}: want error {e}, got rc={rc} {errtext!r}")

    # iter-unpack of many records, repr and json
    n = rng.choice([0, 1, 3, 50, 400])
    buf = rng.randbytes(size * n + (1 if rng.random() < 0.05 else 0))
    for style in ("repr", "json"):
        try:
            tuples = list(struct.iter_unpack(fmt, buf))
            if style == "repr":
                want = "".join(repr(t) + "\n" for t in tuples)
            else:
                want = "".join(
                    json.dumps([json_value(v) for v in t], separators=(",", ":"), ensure_ascii=False) + "\n"
                    for t in tuples
                )
            rc, out, errtext = run(["iter-unpack", "--format", style, "--", fmt], buf)
            got = out.decode("utf-8", "replace")
            if rc != 0 or got != want:
                first = next((i for i, (a, b) in enumerate(zip(got.splitlines(), want.splitlines())) if a != b), None)
                check(f"iter-unpack {style}", False, f"{n} records: rc={rc} {errtext!r} first diff line {first}")
        except Exception as e:  # noqa: BLE001
            rc, out, errtext = run(["iter-unpack", "--format", style, "--", fmt], buf)
            check(f"iter-unpack {style}", rc == 1 and err_message(e) in errtext, f"want error {e}, got rc={rc} {errtext!r}")
    return fails


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--cases", type=int, default=500)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"seed {seed}, {a.cases} cases, binmap {BINMAP}")
    if not os.path.exists(BINMAP):
        sys.exit(f"no binary at {BINMAP} (cargo build --release, or set BINMAP)")
    t0 = time.time()
    passed = failed = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        for k, fails in enumerate(ex.map(lambda k: one_case(seed, k), range(a.cases))):
            if fails:
                failed += 1
                for f in fails[:3]:
                    print("FAIL", f)
            else:
                passed += 1
                if a.verbose:
                    print(f"ok case {k}")
    print(f"({time.time() - t0:.1f} s; rerun with --seed {seed})")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
