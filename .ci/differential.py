#!/usr/bin/env python3
"""Live randomized differential test of `binmap show` / `binmap pack` against numpy.

    python3 .ci/differential.py [--seed S] [--cases N] [--only I] [--keep DIR]

Each case i (its random generator is seeded with (S, i), so any one case can be
rerun alone with --only i) builds a random numpy structured dtype (every
scalar type incl. float16 and bfloat16-as-bits, both byte orders, S fields,
sub-arrays, nested structs up to 3 levels, padding, numpy align=True), fills
it with random data including special values (NaN payloads, negative NaN,
-0.0, inf, subnormals, extreme integers, non-UTF-8 and interior-NUL bytes),
writes it with numpy (`tobytes`/`tofile` semantics; mostly 0..40 records,
about 1 case in 33 with 1,000..20,000 records to cross chunk boundaries),
writes the equivalent .bml (records: T[..], or a size header `n` + records: T[n]), then:

1. `binmap show FILE -l L --format json`: parses the output with
   json.loads(parse_float=str, parse_int=int, parse_constant=str) and checks
   EVERY value against numpy: integers and bools exactly, strings/bytes by
   their bytes, floats by text (the shortest round-trip digits at the field's
   precision in Python repr layout, see tests/fixtures/make.py) AND by parsing
   the text back to the same bits; NaNs other than the canonical one must be
   {"nan":"0x<bits>"}. Then checks the whole text byte for byte.
2. `--format csv` (the records as CSV: header of column names, one line per
   record) against the expected text.
3. `--format jsonl` and `records.FIELD --format json` for a random field.
4. `binmap pack -l L EXPECTED.json -o OUT` (sometimes with the size field
   left out) must give back the identical bytes.

The last line is `N passed, M failed`; the exit status is non-zero on any
failure. Every failure message carries the command that reproduces it.
The binary: $BINMAP, else target/release/binmap, else target/debug/binmap.
"""

import argparse
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "fixture_make", ROOT / "crates/binmap-cli/tests/fixtures/make.py")
fm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fm)


def find_binmap(arg=None):
    """The binmap binary: `arg` (a --binmap option), $BINMAP, or the build's."""
    env = arg or os.environ.get("BINMAP")
    if env:
        p = Path(env)
        if not p.is_absolute():
            p = ROOT / p
        if not p.exists():
            sys.exit("error: binmap %s does not exist" % env)
        return str(p)
    for p in (ROOT / "target/release/binmap", ROOT / "target/debug/binmap"):
        if p.exists():
            return str(p)
    sys.exit("error: no binmap binary: build it (cargo build --release) or set BINMAP")


class Failure(Exception):
    pass


def check_value(got, want, t, path, errs):
    """Compare one parsed JSON value with the expected value of type t."""
    if len(errs) > 8:
        return
    if isinstance(t, fm.St):
        if not isinstance(got, dict):
            errs.append("%s: expected an object, got %r" % (path, got))
            return
        names = [n for n, ft in t.fields if n is not None and not isinstance(ft, (fm.Pad, fm.Al))]
        if list(got.keys()) != names:
            errs.append("%s: keys %r, expected %r" % (path, list(got.keys()), names))
            return
        for n, ft in t.fields:
            if n is not None and not isinstance(ft, (fm.Pad, fm.Al)):
                check_value(got[n], want[n], ft, path + "." + n, errs)
    elif isinstance(t, fm.Ar):
        def walk(g, w, shape, idx):
            if not isinstance(g, list) or len(g) != shape[0]:
                errs.append("%s%s: expected a list of %d, got %r" % (path, idx, shape[0], g))
                return
            for i in range(shape[0]):
                if len(shape) > 1:
                    walk(g[i], w[i], shape[1:], idx + [i])
                else:
                    check_value(g[i], w[i], t.elem, "%s[%s]" % (path, ",".join(map(str, idx + [i]))), errs)
        walk(got, want, t.shape, [])
    elif isinstance(t, fm.By) or (isinstance(t, fm.Sc) and t.kind == "char"):
        raw = want.raw
        if isinstance(got, str):
            if got.encode("utf-8") != raw:
                errs.append("%s: string %r, expected bytes %r" % (path, got, raw))
        elif isinstance(got, dict) and list(got) == ["hex"]:
            try:
                ok = bytes.fromhex(got["hex"]) == raw
            except ValueError:
                ok = False
            if not ok:
                errs.append("%s: %r, expected bytes %r" % (path, got, raw))
            else:
                try:
                    raw.decode("utf-8")
                    errs.append("%s: valid UTF-8 %r printed as hex" % (path, raw))
                except UnicodeDecodeError:
                    pass
        else:
            errs.append("%s: %r, expected bytes %r" % (path, got, raw))
    elif t.kind == "bool":
        if got is not want:
            errs.append("%s: %r, expected %r" % (path, got, want))
    elif t.kind in ("i", "u"):
        if type(got) is not int or got != want:
            errs.append("%s: %r, expected %r" % (path, got, want))
    else:
        fk, bits = want.kind, want.bits
        exp_tok = fm.float_token(fk, bits, "json")
        if isinstance(got, dict):
            if exp_tok.startswith("{"):
                try:
                    b = int(got.get("nan", "x"), 16)
                except ValueError:
                    b = None
                if b != bits or json.dumps(got, separators=(",", ":")) != exp_tok:
                    errs.append("%s: %r, expected %s" % (path, got, exp_tok))
            else:
                errs.append("%s: %r, expected %s (bits 0x%x)" % (path, got, exp_tok, bits))
            return
        if not isinstance(got, str):  # an int token where a float was due
            errs.append("%s: %r (not a float token), expected %s (%s bits 0x%x)" % (path, got, exp_tok, fk, bits))
            return
        if got != exp_tok:
            errs.append("%s: %s, expected %s (%s bits 0x%x)" % (path, got, exp_tok, fk, bits))
        try:
            back = fm.parse_float_token(fk, got)
        except (ValueError, ZeroDivisionError):
            back = None
        want_back = bits if fm.float_parts(fk, bits)[0] != "nan" else fm.FLOAT_FORMATS[fk][3]
        if back != want_back:
            errs.append("%s: %s reads back as %s, not %s bits 0x%x" % (
                path, got, None if back is None else hex(back), fk, bits))


def run(exe, args, timeout=60):
    try:
        return subprocess.run([exe] + args, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure("timed out after %ds: binmap %s" % (timeout, " ".join(args)))


def must(r, what, args):
    if r.returncode != 0:
        raise Failure("%s: exit %d: %s\n      $ binmap %s" % (
            what, r.returncode, r.stderr.decode(errors="replace").strip()[:600], " ".join(args)))
    return r.stdout


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def text_diff(what, got, want):
    i = first_diff(got, want)
    return "%s differs at byte %d (got %d bytes, expected %d):\n      got      %r\n      expected %r" % (
        what, i, len(got), len(want), got[max(0, i - 50):i + 70], want[max(0, i - 50):i + 70])


def one_case(exe, seed, i, tmp):
    rng = np.random.default_rng([seed, i])
    text, data, values, recs, st = fm.random_record_case(rng, big=True)
    d = Path(tmp)
    bml, binf = d / "case.bml", d / "case.bin"
    bml.write_text(text)
    binf.write_bytes(data)
    problems = []

    # 1. JSON, value by value, then byte for byte
    args = ["show", str(binf), "-l", str(bml), "--format", "json"]
    out = must(run(exe, args), "show json", args)
    expected_json = (fm.dumps(values) + "\n").encode()
    try:
        doc = json.loads(out, parse_float=str, parse_int=int, parse_constant=str)
    except ValueError as e:
        doc = None
        problems.append("show json: not JSON (%s): %r" % (e, out[:200]))
    if doc is not None:
        errs = []
        if not isinstance(doc, dict) or list(doc) != list(values):
            errs.append("top-level keys %r, expected %r" % (list(doc) if isinstance(doc, dict) else doc, list(values)))
        else:
            if "n" in values and doc["n"] != values["n"]:
                errs.append("n: %r, expected %r" % (doc["n"], values["n"]))
            if not isinstance(doc["records"], list) or len(doc["records"]) != len(recs):
                errs.append("records: %d elements, expected %d" % (
                    len(doc["records"]) if isinstance(doc["records"], list) else -1, len(recs)))
            else:
                for k, (g, w) in enumerate(zip(doc["records"], recs)):
                    check_value(g, w, st, "records[%d]" % k, errs)
        problems += ["json value " + e for e in errs[:8]]
        if not errs and out != expected_json:
            problems.append(text_diff("show json text", out, expected_json))

    # 2. CSV
    args = ["show", str(binf), "-l", str(bml), "records", "--format", "csv"]
    out = must(run(exe, args), "show csv", args)
    cols = [c for c, _ in fm.flatten(fm.conv(np.zeros(1, dtype=st.np()), st, 1)[0])]
    want = fm.records_csv(recs, empty_header=[fm.csv_cell(fm.S(c.encode())) for c in cols]).encode()
    if out != want:
        problems.append(text_diff("show csv", out, want))

    # 3. JSONL and a PATH
    args = ["show", str(binf), "-l", str(bml), "--format", "jsonl"]
    out = must(run(exe, args), "show jsonl", args)
    want = "".join(fm.dumps(r) + "\n" for r in recs).encode()
    if out != want:
        problems.append(text_diff("show jsonl", out, want))
    fields = [n for n, ft in st.fields if n is not None and not isinstance(ft, (fm.Pad, fm.Al))]
    f = fields[int(rng.integers(0, len(fields)))]
    args = ["show", str(binf), "-l", str(bml), "records." + f, "--format", "json"]
    out = must(run(exe, args), "show records.%s json" % f, args)
    want = (fm.dumps([r[f] for r in recs]) + "\n").encode()
    if out != want:
        problems.append(text_diff("show records.%s json" % f, out, want))

    # 4. pack
    pack_values = dict(values)
    if "n" in pack_values and rng.random() < 0.5:
        del pack_values["n"]  # size fields may be left out
    src = d / "in.json"
    src.write_text(fm.dumps(pack_values) + "\n", encoding="utf-8")
    outf = d / "out.bin"
    args = ["pack", "-l", str(bml), str(src), "-o", str(outf)]
    must(run(exe, args), "pack json%s" % ("" if "n" in pack_values or "n" not in values else " (n omitted)"), args)
    got = outf.read_bytes() if outf.exists() else b""
    if got != data:
        k = first_diff(got, data)
        problems.append("pack json: bytes differ at offset %d (got %d bytes, expected %d): got %s expected %s" % (
            k, len(got), len(data), got[k:k + 16].hex(), data[k:k + 16].hex()))
    # 5. the same records through numpy's own notations: dtype("..."), a
    #    .npy file read without a layout, and convert to .npy read by np.load
    problems += numpy_notations(exe, d, data, recs, st, bml, binf)
    problems += extra_npy_case(exe, rng, d)
    if problems:
        raise Failure("\n    ".join(problems))


NUMPY_CHECKED = [0]  # cases that went through step 5
EXTRA_CHECKED = [0]  # complex / U .npy cases


def complex_text(kind, re_bits, im_bits):
    """numpy's str() of a complex scalar, laid out by Python's repr rule:
    parts without a trailing '.0', a bare imaginary for a +0.0 real part."""
    def part(bits):
        t = fm.float_token(kind, bits, mode="text")
        return t[:-2] if t.endswith(".0") else t
    tb = fm.FLOAT_FORMATS[kind][2]
    re_neg, re_zero = bool(re_bits >> (tb - 1)), (re_bits & ((1 << (tb - 1)) - 1)) == 0
    im = part(im_bits)
    if re_zero and not re_neg:
        return im + "j"
    sign = "" if im.startswith("-") else "+"
    return "(%s%s%sj)" % (part(re_bits), sign, im)


def extra_npy_case(exe, rng, d):
    """complex64/complex128 and U<n> arrays, both byte orders, through .npy:
    JSON parts and CSV text against numpy's own values."""
    problems = []
    order = "<" if rng.random() < 0.5 else ">"
    n = int(rng.integers(0, 40))
    kind = ("f32", "c8") if rng.random() < 0.5 else ("f64", "c16")
    fk, code = kind
    ut = np.uint32 if fk == "f32" else np.uint64
    bits = fm.rand_float_bits(rng, fk, 2 * n)
    parts = np.array(bits, dtype=ut).view(np.float32 if fk == "f32" else np.float64)
    arr = parts.view(np.complex64 if code == "c8" else np.complex128).astype(order + code)
    f = d / "c.npy"
    np.save(f, arr)
    args = ["show", str(f), "--format", "json"]
    out = must(run(exe, args), "show complex .npy", args)
    tok = lambda b: fm.float_token(fk, b, mode="json")
    want = '{"data":[%s]}\n' % ",".join(
        '{"real":%s,"imag":%s}' % (tok(bits[2 * k]), tok(bits[2 * k + 1])) for k in range(n))
    if out.decode() != want:
        problems.append(text_diff("complex .npy json", out, want.encode()))
    args = ["show", str(f), "--format", "csv"]
    out = must(run(exe, args), "show complex .npy csv", args)
    want = "data\n" + "".join(complex_text(fk, bits[2 * k], bits[2 * k + 1]) + "\n" for k in range(n))
    if out.decode() != want:
        problems.append(text_diff("complex .npy csv", out, want.encode()))
    # U<n>: random code points (no surrogates), trailing NULs stripped.
    width = int(rng.integers(1, 8))
    strings = []
    for _ in range(n):
        k = int(rng.integers(0, width + 1))
        cps = [int(c) for c in rng.integers(1, 0x10FFFF, size=k)]
        strings.append("".join(chr(c) if not 0xD800 <= c <= 0xDFFF else "x" for c in cps))
    u = np.array(strings, dtype="%sU%d" % (order, width))
    f = d / "u.npy"
    np.save(f, u)
    args = ["show", str(f), "--format", "json"]
    out = must(run(exe, args), "show U .npy", args)
    want = (json.dumps({"data": [str(x) for x in u]}, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    if out != want:
        problems.append(text_diff("U .npy json", out, want))
    EXTRA_CHECKED[0] += 1
    return problems


def numpy_notations(exe, d, data, recs, st, bml, binf):
    """Step 5, for records numpy can express exactly: the generator's numpy
    stand-ins for bf16 (u2) and char (u1), and its named `_pad` fields, have
    no numpy twin that shows the same, so such cases stop after step 4."""
    problems = []
    dt = st.np()
    text = bml.read_text()
    if "bf16" in text or "char" in text or "_pad" in repr(dt.descr):
        return problems
    NUMPY_CHECKED[0] += 1
    count = len(recs)
    start = len(data) - count * dt.itemsize
    arr = np.frombuffer(data, dtype=dt, count=count, offset=start)
    args = ["show", str(binf), "-l", str(bml), "records", "--format", "json"]
    native = must(run(exe, args), "show records json", args)
    # 5a. dtype("...") with numpy's own descr, in place of the native record type
    descr = repr(dt.descr).replace('"', "'")
    layout = "_: bytes[%d]\nrecords: dtype(\"%s\")[%d]\n" % (start, descr, count)
    args = ["show", str(binf), "-l", layout, "records", "--format", "json"]
    out = must(run(exe, args), "show with dtype(%s)" % descr, args)
    if out != native:
        problems.append(text_diff("dtype(%s) vs the native layout" % descr, out, native))
    # 5b. a .npy file, no layout
    npy = d / "case.npy"
    np.save(npy, arr)
    args = ["show", str(npy), "data", "--format", "json"]
    out = must(run(exe, args), "show .npy", args)
    if out != native:
        problems.append(text_diff(".npy (no layout) vs the native layout", out, native))
    # 5c. convert to .npy, read back by numpy
    conv = d / "conv.npy"
    args = ["convert", str(binf), "-l", str(bml), "records", "-o", str(conv)]
    must(run(exe, args), "convert to .npy", args)
    back = np.load(conv)
    # numpy compares an align=True dtype unequal to its unaligned twin with
    # the same fields and offsets: compare the descr, as np.save writes it.
    if back.dtype.descr != dt.descr or back.shape != arr.shape or back.tobytes() != arr.tobytes():
        problems.append("convert .npy: np.load gives dtype %s shape %s, expected %s %s (bytes equal: %s)" % (
            back.dtype, back.shape, dt, arr.shape, back.tobytes() == arr.tobytes()))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--only", type=int, default=None, help="run only case I of this seed")
    ap.add_argument("--keep", default=None, help="copy the files of failing cases into DIR")
    ap.add_argument("--max-report", type=int, default=30, help="print at most this many failures in full")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 32)
    exe = find_binmap()
    print("differential: seed %d, %d cases, binary %s" % (seed, a.cases, exe), flush=True)
    print("reproduce: python3 .ci/differential.py --seed %d --cases %d" % (seed, a.cases), flush=True)
    t0 = time.time()
    passed = failed = 0
    idx = [a.only] if a.only is not None else range(a.cases)
    for i in idx:
        with tempfile.TemporaryDirectory(prefix="binmap-diff-") as tmp:
            try:
                one_case(exe, seed, i, tmp)
                passed += 1
            except Failure as e:
                failed += 1
                if failed <= a.max_report:
                    print("FAIL case %d (reproduce: python3 .ci/differential.py --seed %d --only %d --keep /tmp/bm-fail)\n"
                          "    %s\n  layout:\n%s" % (
                              i, seed, i, e,
                              "".join("    | " + l + "\n" for l in (Path(tmp) / "case.bml").read_text().splitlines())),
                          flush=True)
                if a.keep:
                    dst = Path(a.keep) / ("case_%d" % i)
                    shutil.copytree(tmp, dst, dirs_exist_ok=True)
    dt = time.time() - t0
    if failed > a.max_report:
        print("(%d more failures not shown)" % (failed - a.max_report))
    print("seed %d, %.1f s; dtype(), .npy and convert checked in %d cases; complex and U .npy in %d" % (
        seed, dt, NUMPY_CHECKED[0], EXTRA_CHECKED[0]))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
