"""MATLAB v4 .mat: files written by scipy.io.savemat(format="4") (double, single, integer, text, complex, sparse),
read back by scipy.io's v4 reader (headers: MatFile4Reader; values: loadmat)."""

import numpy as np
from scipy import sparse
from scipy.io import loadmat, savemat
from scipy.io.matlab._mio4 import MatFile4Reader

P_DTYPES = {0: "f8", 1: "f4", 2: "i4", 3: "i2", 4: "u2", 5: "u1"}


def make(tmp):
    rng = np.random.default_rng(17)
    variables = {
        "a": rng.standard_normal((3, 4)),
        "single": rng.standard_normal((2, 5)).astype(np.float32),
        "ints": rng.integers(-1000, 1000, (4, 2)).astype(np.int32),
        "shorts": rng.integers(-1000, 1000, (1, 6)).astype(np.int16),
        "words": rng.integers(0, 60000, (2, 2)).astype(np.uint16),
        "bytes": rng.integers(0, 255, (3, 3)).astype(np.uint8),
        "title": "a MAT v4 file",
        "z": rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3)),
        "sp": sparse.csc_matrix(np.array([[0, 1.5, 0], [2.0, 0, 0]])),
        "empty": np.zeros((0, 0)),
    }
    f = tmp / "v4.mat"
    savemat(f, variables, format="4")
    g = tmp / "column.mat"
    savemat(g, {"x": np.arange(5.0)}, format="4", oned_as="column")
    return [f, g]


def check(path, doc, cmp):
    values = loadmat(path, squeeze_me=False, chars_as_strings=False)
    headers = []
    with open(path, "rb") as fp:
        r = MatFile4Reader(fp)
        r.initialize_read()
        while not r.end_of_stream():
            hdr, next_pos = r.read_var_header()
            headers.append(hdr)
            fp.seek(next_pos)
    cmp.eq("variables (count)", len(doc["variables"]), len(headers))
    for i, (v, hdr) in enumerate(zip(doc["variables"], headers)):
        p = f"variables[{i}]"
        name = hdr.name.decode()
        cmp.eq(f"{p}.name", v["name"], name)
        cmp.eq(f"{p} (mrows, ncols)", (v["mrows"], v["ncols"]), tuple(hdr.dims))
        cmp.eq(f"{p}.imagf", v["imagf"] == 1, bool(hdr.is_complex))
        mopt = v["mopt_le"]
        cmp.eq(f"{p}.mopt (P: element type)", np.dtype(P_DTYPES[mopt // 10 % 10]).newbyteorder("<"),
               hdr.dtype.newbyteorder("<"))
        cmp.eq(f"{p}.mopt (T: matrix type)", mopt % 10, hdr.mclass)
        dt = P_DTYPES[mopt // 10 % 10]
        real = np.array(v["real"], dtype=dt).reshape(hdr.dims)
        got = real + 1j * np.array(v["imag"], dtype=dt).reshape(hdr.dims) if "imag" in v else real
        want = values[name]
        if hdr.mclass == 1:  # text: character codes
            cmp.eq(f"{p}.real (text)", "".join(map(chr, got.ravel(order="F"))), "".join(want.ravel(order="F")))
        elif hdr.mclass == 2:  # sparse: (row, column, value) triplets, 1-based, and a last row with the shape
            dense = np.zeros(tuple(int(x) for x in got[-1, :2]))
            for r_, c_, x in got[:-1]:
                dense[int(r_) - 1, int(c_) - 1] = x
            cmp.seq(f"{p}.real (sparse)", dense.ravel().tolist(), want.toarray().ravel().tolist())
        else:
            cmp.eq(f"{p}.real (shape)", got.shape, want.shape)
            cmp.seq(f"{p}.real", got.ravel().tolist(), want.astype(got.dtype).ravel().tolist())
