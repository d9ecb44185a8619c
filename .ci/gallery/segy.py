"""SEG-Y rev 1: files written by segyio (IBM and IEEE float, int32, int16 samples), read back by segyio."""

import math
from fractions import Fraction

import numpy as np
import segyio

FORMATS = [1, 5, 2, 3]
DTYPES = {1: "f4", 5: "f4", 2: "i4", 3: "i2", 8: "i1"}


def make(tmp):
    rng = np.random.default_rng(14)
    files = []
    for fmt in FORMATS:
        spec = segyio.spec()
        spec.ilines, spec.xlines = [1, 2, 3], [10, 11]
        spec.samples = list(range(25 + fmt))
        spec.sorting = 2
        spec.format = fmt
        f = tmp / f"f{fmt}.sgy"
        with segyio.create(str(f), spec) as s:
            s.text[0] = segyio.tools.create_text_header({1: "gallery seismic", 2: f"format {fmt}", 40: "END"})
            s.bin.update(tsort=segyio.TraceSortingFormat.INLINE_SORTING, hdt=4000, dto=4000)
            for i in range(6):
                s.header[i] = {segyio.su.iline: spec.ilines[i // 2], segyio.su.xline: spec.xlines[i % 2],
                               segyio.su.offset: 1, segyio.su.cdpx: 1000 * i, segyio.su.cdpy: -50 * i,
                               segyio.su.tracf: i + 1}
                trace = rng.standard_normal(len(spec.samples)) * (10 if fmt in (1, 5) else 1000)
                s.trace[i] = trace.astype(DTYPES[fmt])
        files.append(f)
    return files


def check(path, doc, cmp):
    with segyio.open(str(path), ignore_geometry=True) as s:
        # segyio gives the textual header as text, converted from EBCDIC by its own table.
        cmp.eq("textual_header", doc["textual_header"], s.text[0].decode("latin-1"))
        bh = doc["binary_header"]
        for name, value in bh.items():
            if isinstance(value, int) and name in vars(segyio.BinField):
                cmp.eq(f"binary_header.{name}", value, s.bin[getattr(segyio.BinField, name)])
        fmt = bh["Format"]
        cmp.eq("traces (count)", len(doc["traces"]), s.tracecount)
        for i, t in enumerate(doc["traces"]):
            h = s.header[i]
            for name, value in t["header"].items():
                cmp.eq(f"traces[{i}].header.{name}", value, h[getattr(segyio.TraceField, name)])
            want = s.trace[i]
            if fmt == 1:
                # binmap prints an IBM float with the fewest digits that identify it among IBM values:
                # the IBM value nearest those digits is exactly the value segyio converted.
                got = [nearest_ibm32(v) for v in t["samples"]]
            else:
                got = np.array(t["samples"], dtype=DTYPES[fmt]).tolist()
            cmp.seq(f"traces[{i}].samples", got, want.tolist())


def nearest_ibm32(x):
    """The IBM System/360 single-precision value nearest `x` (ties to the even fraction), as a float."""
    a = abs(Fraction(x))
    if a == 0:
        return 0.0
    e = 0
    while a >= Fraction(16) ** e:
        e += 1
    while a < Fraction(16) ** (e - 1):
        e -= 1
    m = round(a / Fraction(16) ** e * 2**24)  # a Fraction rounds half to even
    if m == 2**24:
        m, e = 2**20, e + 1
    return math.copysign(float(m * Fraction(16) ** e / 2**24), x)
