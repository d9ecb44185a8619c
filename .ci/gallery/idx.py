"""IDX (MNIST): arrays written by idx2numpy.convert_to_file (every type code, 1 to 4 dimensions), read back by idx2numpy."""

import idx2numpy
import numpy as np

CASES = [("uint8", (60, 28, 28)), ("int8", (10,)), ("int16", (3, 4)), ("int32", (2, 3, 4, 2)), ("float32", (5, 2)),
         ("float64", (7, 1, 3))]


def make(tmp):
    rng = np.random.default_rng(9)
    files = []
    for dt, shape in CASES:
        a = (rng.standard_normal(shape) * 1000).astype(dt) if "f" in dt else rng.integers(-100, 100, shape).astype(dt)
        if dt == "uint8":  # MNIST-like images
            a = rng.integers(0, 256, shape, dtype=np.uint8)
        f = tmp / f"{dt}-{len(shape)}d.idx"
        idx2numpy.convert_to_file(str(f), a)
        files.append(f)
    return files


def check(path, doc, cmp):
    a = idx2numpy.convert_from_file(str(path))
    cmp.eq("ndim", doc["ndim"], a.ndim)
    for k, n in enumerate(a.shape):
        cmp.eq(f"dim{k}", doc[f"dim{k}"], n)
    codes = {"u1": 0x08, "i1": 0x09, "i2": 0x0B, "i4": 0x0C, "f4": 0x0D, "f8": 0x0E}
    cmp.eq("type_code", doc["type_code"], codes[a.dtype.str[1:]])
    got = np.array(doc["data"], dtype=a.dtype.newbyteorder("="))
    cmp.eq("data (shape)", got.shape, a.shape)
    cmp.seq("data", got.ravel().tolist(), a.ravel().tolist())
