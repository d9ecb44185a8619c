#!/usr/bin/env python3
"""Generate tests/numbers/cases.json: the oracle of tests/numbers.rs for the
number and text types of issue 11 item 9.

    python3 crates/binmap-cli/tests/numbers/make.py           # (re)write cases.json
    python3 crates/binmap-cli/tests/numbers/make.py --check   # is it what this writes?

Each case is {"name", "layout", "hex", "json", "roundtrip"} (binmap show of
the bytes `hex` with `layout` must print exactly `json`; with roundtrip,
`binmap pack` of that JSON must give back exactly the bytes) or {"name",
"layout", "input", "hex"} (binmap pack of `input` must write exactly `hex`).

The oracles are Python's and numpy's own: int.from_bytes for 24- to 56-bit integers,
the cp037 and utf-16 codecs, tarfile-written ustar headers (int(s, 8) for
their numbers), float() on FITS-style card values, and for IBM floats a
conversion written here with Fractions, independently of binmap (exact
decoding, round to nearest with ties to even, and the shortest digits
strictly inside the midpoints to the neighbours, closest on ties); numpy's
str() of datetime64/timedelta64 values and of np.longdouble (x86-64 Linux:
x87 extended precision), numpy's tobytes() of values it parsed from text.
No randomness without a fixed seed, so the file is reproducible.
"""

import io
import json
import os
import random
import sys
import tarfile
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(11)


def repr_layout(neg, digits, decpt):
    """Python's float repr layout of 0.DIGITS x 10^decpt (SPEC section 4)."""
    n = len(digits)
    s = "-" if neg else ""
    if -4 < decpt <= 16:
        if decpt <= 0:
            return s + "0." + "0" * (-decpt) + digits
        if decpt >= n:
            return s + digits + "0" * (decpt - n) + ".0"
        return s + digits[:decpt] + "." + digits[decpt:]
    e = decpt - 1
    mant = digits[0] + ("." + digits[1:] if n > 1 else "")
    return s + mant + ("e-" if e < 0 else "e+") + "%02d" % abs(e)


def shortest(v, lo, hi):
    """Shortest digits strictly inside (lo, hi) around v > 0 (Fractions)."""
    t = len(str(int(hi))) + 1
    while True:
        q = Fraction(10) ** t
        f = (v / q).numerator // (v / q).denominator
        cands = [c for c in (f, f + 1) if c > 0 and lo < c * q < hi]
        if cands:
            c = min(cands, key=lambda c: (abs(c * q - v), c % 2))
            d = str(c)
            decpt = t + len(d)
            return d.rstrip("0"), decpt
        t -= 1


# ---------------------------------------------------------------- IBM floats
def ibm_value(bits, fb):
    neg = bits >> (fb + 7) & 1
    e = bits >> fb & 0x7F
    frac = bits & ((1 << fb) - 1)
    v = Fraction(frac) * Fraction(2) ** (4 * (e - 64) - fb)
    return -v if neg else v


def ibm_encode(x, fb):
    """Nearest IBM encoding of the Fraction x, ties to even; None on overflow."""
    sign = (1 << (fb + 7)) if x < 0 or (x == 0 and str(x).startswith("-")) else 0
    a = abs(x)
    if a == 0:
        return sign
    e = 0  # find q with a in [16^(q-1), 16^q)
    q = 0
    while Fraction(16) ** q <= a:
        q += 1
    while Fraction(16) ** (q - 1) > a:
        q -= 1
    q = max(q, -64)
    ulp = Fraction(2) ** (4 * q - fb)
    m = a / ulp
    n = m.numerator // m.denominator
    r = m - n
    if r > Fraction(1, 2) or (r == Fraction(1, 2) and n % 2 == 1):
        n += 1
    if n >> fb:
        n >>= 4
        q += 1
    e = q + 64
    if e > 127:
        return None
    return sign | e << fb | n


def ibm_normalise(bits, fb):
    sign = bits & (1 << (fb + 7))
    e = bits >> fb & 0x7F
    frac = bits & ((1 << fb) - 1)
    if frac == 0:
        return sign
    while frac >> (fb - 4) == 0 and e > 0:
        frac <<= 4
        e -= 1
    return sign | e << fb | frac


def ibm_text(bits, fb):
    bits = ibm_normalise(bits, fb)
    neg = bool(bits >> (fb + 7) & 1)
    e = bits >> fb & 0x7F
    frac = bits & ((1 << fb) - 1)
    if frac == 0:
        return "-0.0" if neg else "0.0"
    p = 4 * (e - 64) - fb
    v = Fraction(frac) * Fraction(2) ** p
    up = Fraction(2) ** p
    down = Fraction(2) ** (p - 4) if frac == 1 << (fb - 4) and e > 0 else up
    d, decpt = shortest(v, v - down / 2, v + up / 2)
    return repr_layout(neg, d, decpt)


def ibm_json(bits, fb):
    if ibm_normalise(bits, fb) != bits:
        return '{"ibm":"0x%0*x"}' % (fb // 4 + 2, bits)
    return ibm_text(bits, fb)


def ibm_cases():
    cases = []
    for fb, width, name in ((24, 4, "ibm32"), (56, 8, "ibm64")):
        top = (1 << (fb + 8)) - 1
        edge = [
            0,
            1 << (fb + 7),  # -0.0
            ibm_encode(Fraction(1), fb),
            ibm_encode(Fraction(-118625, 1000), fb),
            1 << (fb - 4),  # smallest normal: 16^-65
            1,  # unnormalised at the smallest exponent (gradual underflow)
            top >> 1,  # largest
            top,  # -largest
            (65 << fb) | 1,  # unnormalised with an exponent: non-canonical
            66 << fb,  # a zero with an exponent: non-canonical
        ]
        for _ in range(40):
            x = Fraction(rng.uniform(-1, 1)) * Fraction(10) ** rng.randint(-70, 70)
            edge.append(ibm_encode(x, fb))
        for _ in range(10):
            edge.append(rng.getrandbits(fb + 8))
        for endian, typ in (("big", name + "be"), ("little", name)):
            data = b"".join(b.to_bytes(width, endian) for b in edge)
            js = '{"v":[' + ",".join(ibm_json(b, fb) for b in edge) + "]}"
            cases.append(dict(name=f"{typ}_values", layout=f"v: {typ}[..]", hex=data.hex(), json=js, roundtrip=True))
        # pack rounds to nearest (ties to even), where SEG-Y tools often truncate.
        texts = ["0.1", "-0.1", "3.14159265358979", "1e-80", "5e-85", "7.2e75", "123456789", "0.3333333333333333333333"]
        values = [ibm_encode(Fraction(t), fb) for t in texts]
        inp = '{"v":[' + ",".join(texts) + "]}"
        cases.append(dict(name=f"{name}_pack_rounds", layout=f"v: {name}be[{len(texts)}]", input=inp,
                          hex=b"".join(v.to_bytes(width, "big") for v in values).hex()))
    return cases


# ---------------------------------------------------------- odd-size integers
def int_cases():
    cases = []
    for bits in (24, 40, 48, 56):
        n = bits // 8
        for signed in (True, False):
            lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
            vals = [lo, hi, 0, 1, lo + 1, hi - 1] + [rng.randint(lo, hi) for _ in range(10)]
            for endian, suffix in (("little", ""), ("big", "be")):
                typ = ("i" if signed else "u") + str(bits) + suffix
                data = b"".join(v.to_bytes(n, endian, signed=signed) for v in vals)
                js = '{"v":[' + ",".join(str(int.from_bytes(data[i:i + n], endian, signed=signed))
                                         for i in range(0, len(data), n)) + "]}"
                cases.append(dict(name=typ, layout=f"v: {typ}[..]", hex=data.hex(), json=js, roundtrip=True))
    return cases


# ------------------------------------------------------------------- text
def jstr(s):
    return json.dumps(s, ensure_ascii=False)


def text_cases():
    cases = []
    # EBCDIC: every character of code page 037, in strings of 16 bytes.
    chars = bytes(range(256)).decode("cp037")
    strs = ["Hello, World", "C 1 CLIENT SEG-Y", "".join(rng.sample(chars, 16)), "", "tail\x00\x00x"]
    for k in range(16):
        strs.append(chars[16 * k:16 * k + 16])
    data = b"".join(s.encode("cp037").ljust(16, b"\x00") for s in strs)
    vals = [bytes(data[i:i + 16]).rstrip(b"\x00").decode("cp037") for i in range(0, len(data), 16)]
    js = '{"t":[' + ",".join(jstr(v) for v in vals) + "]}"
    cases.append(dict(name="ebcdic", layout="t: ebcdic[16][..]", hex=data.hex(), json=js, roundtrip=False))
    # The round trip holds for texts without trailing NULs inside.
    strs2 = [s for s in strs if not s.endswith("\x00") and "\x00" not in s[-1:]]
    data = b"".join(s.encode("cp037").ljust(16, b"\x00") for s in strs2 if s.encode("cp037")[-1:] != b"\x00")
    vals = [bytes(data[i:i + 16]).rstrip(b"\x00").decode("cp037") for i in range(0, len(data), 16)]
    js = '{"t":[' + ",".join(jstr(v) for v in vals) + "]}"
    cases.append(dict(name="ebcdic_roundtrip", layout="t: ebcdic[16][..]", hex=data.hex(), json=js, roundtrip=True))
    # UTF-16: N code units (2N bytes), trailing NUL units stripped.
    samples = ["héllo", "😀 astral", "", "日本語テキスト", "x" * 12, "a\u0000b"]
    for endian, typ, codec in (("little", "utf16le", "utf-16-le"), ("big", "utf16be", "utf-16-be")):
        data = b"".join(s.encode(codec).ljust(24, b"\x00") for s in samples)
        vals = [data[i:i + 24].decode(codec).rstrip("\x00") for i in range(0, len(data), 24)]
        js = '{"t":[' + ",".join(jstr(v) for v in vals) + "]}"
        cases.append(dict(name=typ, layout=f"t: {typ}[12][..]", hex=data.hex(), json=js, roundtrip=True))
    # cstr[N]: text up to the first NUL, or all N bytes.
    raw = [b"ab\x00cd\x00\x00\x00", b"fullname", b"\x00" * 8, b"x\x00\x00\x00\x00\x00\x00\x00"]
    data = b"".join(raw)
    js = '{"s":[' + ",".join(jstr(r.split(b"\x00")[0].decode()) for r in raw) + "]}"
    cases.append(dict(name="cstr_n", layout="s: cstr[8][..]", hex=data.hex(), json=js, roundtrip=False))
    data = b"".join(raw[1:])
    js = '{"s":[' + ",".join(jstr(r.split(b"\x00")[0].decode()) for r in raw[1:]) + "]}"
    cases.append(dict(name="cstr_n_roundtrip", layout="s: cstr[8][..]", hex=data.hex(), json=js, roundtrip=True))
    return cases


# -------------------------------------------------------- numbers as text
USTAR = """name: cstr[100]
mode: ascii_oct[8]
uid: ascii_oct[8]
gid: ascii_oct[8]
size: ascii_oct[12]
mtime: ascii_oct[12]
chksum: ascii_oct[7]
chksum_end: char
typeflag: char
linkname: cstr[100]
magic: bytes[6]
version: bytes[2]
uname: cstr[32]
gname: cstr[32]
devmajor: ascii_oct[8]
devminor: ascii_oct[8]
prefix: cstr[155]
_: void[12]
"""


def nti(b):
    """Python tarfile's reading of a number field."""
    s = b.split(b"\x00")[0].decode("ascii").strip()
    return int(s or "0", 8)


def oct_json(b):
    """binmap's value of an ascii_oct field: tarfile's number, or null for a
    blank field (tarfile reads it as 0; null writes it back as it was)."""
    return str(nti(b)) if b.strip(b" \x00") else "null"


def tar_cases():
    cases = []
    infos = []
    for name, mode, uid, size, mtime, typ in [
        ("hello.txt", 0o644, 1000, 12, 1700000000, tarfile.REGTYPE),
        ("dir/", 0o755, 0, 0, 0, tarfile.DIRTYPE),
        ("a" * 100, 0o600, 2097151, 8 ** 11 - 1, 8 ** 11 - 1, tarfile.REGTYPE),
    ]:
        t = tarfile.TarInfo(name)
        t.mode, t.uid, t.gid, t.size, t.mtime, t.type = mode, uid, uid, size, mtime, typ
        t.uname, t.gname = "user", "group"
        infos.append(t)
    for k, t in enumerate(infos):
        buf = t.tobuf(format=tarfile.USTAR_FORMAT)[:512]
        f = lambda a, b: buf[a:b]
        fields = [
            ("name", jstr(f(0, 100).split(b"\x00")[0].decode())),
            ("mode", oct_json(f(100, 108))), ("uid", oct_json(f(108, 116))), ("gid", oct_json(f(116, 124))),
            ("size", oct_json(f(124, 136))), ("mtime", oct_json(f(136, 148))),
            ("chksum", oct_json(f(148, 155))), ("chksum_end", jstr(f(155, 156).decode())),
            ("typeflag", jstr(f(156, 157).decode())),
            ("linkname", jstr(f(157, 257).split(b"\x00")[0].decode())),
            ("magic", jstr(f(257, 263).rstrip(b"\x00").decode())), ("version", jstr(f(263, 265).decode())),
            ("uname", jstr(f(265, 297).split(b"\x00")[0].decode())),
            ("gname", jstr(f(297, 329).split(b"\x00")[0].decode())),
            ("devmajor", oct_json(f(329, 337))), ("devminor", oct_json(f(337, 345))),
            ("prefix", jstr(f(345, 500).split(b"\x00")[0].decode())),
        ]
        js = "{" + ",".join(f'"{n}":{v}' for n, v in fields) + "}"
        cases.append(dict(name=f"tar_header_{k}", layout=USTAR, hex=buf.hex(), json=js, roundtrip=True))
    # What older tars wrote: leading spaces, a space before the NUL.
    odd = [b"   644 \x00", b" 1750\x00\x00\x00", b"0000777\x00", b"\x00" * 8, b"        "]
    js = '{"m":[' + ",".join(oct_json(b) for b in odd) + "]}"
    cases.append(dict(name="ascii_oct_spellings", layout="m: ascii_oct[8][..]", hex=b"".join(odd).hex(), json=js,
                      roundtrip=False))
    return cases


def fits_cases():
    cases = []
    # FITS card values: right-justified in columns 11-30, D or E exponents.
    texts = ["1.0E+01", "-3.5D-02", "0.5", "1.", "-.25", "6.02214076E23", "1.0D-300", "+7", "3.0E+300",
             "0.1", "-0.0"]
    cells = [t.rjust(20).encode() for t in texts]
    vals = [repr(float(t.replace("D", "E"))) for t in texts]
    js = '{"x":[' + ",".join(vals) + "]}"
    cases.append(dict(name="fits_floats", layout="x: ascii_float[20][..]", hex=b"".join(cells).hex(), json=js,
                      roundtrip=False))
    # The canonical spelling (repr, right-justified) round-trips exactly.
    canon = [repr(float(t.replace("D", "E"))).rjust(20).encode() for t in texts]
    cases.append(dict(name="fits_floats_canonical", layout="x: ascii_float[20][..]", hex=b"".join(canon).hex(),
                      json=js, roundtrip=True))
    ints = ["2", "-32", "16", "0", "+4", "9223372036854775807", "   "]
    cells = [t.rjust(20).encode() for t in ints]
    js = '{"n":[' + ",".join(str(int(t)) if t.strip() else "null" for t in ints) + "]}"
    cases.append(dict(name="fits_ints", layout="n: ascii_int[20][..]", hex=b"".join(cells).hex(), json=js,
                      roundtrip=False))
    canon = [str(int(t)).rjust(20).encode() if t.strip() else b" " * 20 for t in ints]
    cases.append(dict(name="fits_ints_canonical", layout="n: ascii_int[20][..]", hex=b"".join(canon).hex(),
                      json=js, roundtrip=True))
    # Writing: tar's octal as Python's tarfile.itn writes it.
    inp = '{"m":[420,0,8589934591]}'
    want = b"".join(tarfile.itn(v, 12, tarfile.USTAR_FORMAT) for v in (420, 0, 8589934591))
    cases.append(dict(name="ascii_oct_pack_as_tarfile", layout="m: ascii_oct[12][3]", input=inp, hex=want.hex()))
    return cases


# ------------------------------------------------------- numpy datetimes
UNITS = ["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"]
NAT = -(1 << 63)


def time_cases():
    import numpy as np
    cases = []
    for u in UNITS:
        big = 10 ** 9 if u in ("Y", "M", "W", "D") else (1 << 63) - 1
        vals = [0, 1, -1, NAT, big, -big] + [rng.randint(-big, big) for _ in range(12)]
        arr = np.array(vals, dtype=np.int64)
        for kind, code in (("datetime64", "M8"), ("timedelta64", "m8")):
            shown = [str(x) for x in arr.view(f"<{code}[{u}]")]
            js = '{"t":[' + ",".join(jstr(x) for x in shown) + "]}"
            for typ, order in ((f"{kind}[{u}][..]", "<"), (f"endian big\nt: >{code}[{u}][..]", ">")):
                layout = typ if typ.startswith("endian") else f"t: {typ}"
                layout = layout.replace("endian big\nt: ", "t: ")
                data = arr.astype(order + "i8").tobytes()
                cases.append(dict(name=f"{kind}_{u}_{order}", layout=layout, hex=data.hex(), json=js, roundtrip=True))
    # Packed from text as numpy reads it (coarser text is exact at a finer unit).
    texts = ["2020-01-01", "1969-12-31T23:59:59.999999999", "NaT", "1677-09-21T00:12:43.145224193", "2262-04-11"]
    want = np.array([np.datetime64(t, "ns") for t in texts]).astype("<M8[ns]").tobytes()
    cases.append(dict(name="datetime64_ns_pack", layout=f"t: dtype(\"<M8[ns]\")[{len(texts)}]",
                      input='{"t":[' + ",".join(jstr(t) for t in texts) + "]}", hex=want.hex()))
    return cases


# ----------------------------------------------------- x87 long doubles
def zero_padding(raw):
    """numpy leaves the 6 padding bytes of each longdouble as they were in
    memory; binmap writes them as zeros."""
    return b"".join(raw[i:i + 10] + bytes(6) for i in range(0, len(raw), 16))


def ld_text(x):
    import numpy as np
    t = str(x)
    return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}.get(t, t)


def f80_cases():
    import numpy as np
    fi = np.finfo(np.longdouble)
    texts = ["0", "-0.0", "0.1", "1", "-2.5", "1e-5", "1e16", "9999999999999999.5", "1e4000", "-1e-4000",
             "3.6451995318824746025e-4951", "1.189731495357231765e+4932", "inf", "-inf", "nan"]
    vals = [np.longdouble(t) for t in texts] + [fi.max, fi.smallest_subnormal, fi.smallest_normal, fi.eps,
                                                np.longdouble(1) / 3, np.longdouble(2) ** 100]
    for _ in range(30):
        vals.append(np.longdouble(f"{rng.uniform(1, 10):.20f}e{rng.randint(-4950, 4930)}"))
    arr = np.array(vals, dtype=np.longdouble)
    raw = zero_padding(arr.tobytes())
    js = '{"v":[' + ",".join(ld_text(x) for x in arr) + "]}"
    f80 = b"".join(raw[i:i + 10] for i in range(0, len(raw), 16))
    f80be = b"".join(raw[i:i + 10][::-1] for i in range(0, len(raw), 16))
    cases = [
        dict(name="longdouble", layout="v: longdouble[..]", hex=raw.hex(), json=js, roundtrip=True),
        dict(name="numpy_g", layout="v: dtype(\"<g\")[..]", hex=raw.hex(), json=js, roundtrip=True),
        dict(name="f80", layout="v: f80[..]", hex=f80.hex(), json=js, roundtrip=True),
        dict(name="f80be", layout="v: f80be[..]", hex=f80be.hex(), json=js, roundtrip=True),
    ]
    # Packed from text: correctly rounded, as glibc's strtold (numpy's parser) rounds.
    texts = ["0.1", "2.5", "1.0000000000000000000271050543121376108501863", "1e-4950", "6e-4951",
             "123456789.123456789123456789", "-0.3333333333333333333333333333"]
    want = zero_padding(np.array([np.longdouble(t) for t in texts]).tobytes())
    cases.append(dict(name="longdouble_pack", layout=f"v: longdouble[{len(texts)}]",
                      input='{"v":[' + ",".join(texts) + "]}", hex=want.hex()))
    return cases


def main():
    cases = int_cases() + ibm_cases() + text_cases() + tar_cases() + fits_cases()
    if "--no-numpy" not in sys.argv:
        cases += time_cases() + f80_cases()
    text = json.dumps(cases, indent=1, ensure_ascii=False) + "\n"
    path = os.path.join(HERE, "cases.json")
    if "--check" in sys.argv:
        with open(path, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit(f"{path} is not what make.py writes: run make.py and commit the result")
        print("numbers fixtures: up to date")
        return
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
