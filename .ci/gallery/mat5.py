"""MATLAB v5 .mat: files written by scipy.io.savemat (numeric classes, complex, logical, char, structs, cells; v5,
uncompressed and with do_compression=True),
read by scipy.io's MAT-file reader (headers: MatFile5Reader; values: loadmat)."""

import numpy as np
from scipy.io import loadmat, savemat
from scipy.io.matlab._mio5 import MatFile5Reader

CLASSES = {np.float64: 6, np.float32: 7, np.int8: 8, np.uint8: 9, np.int16: 10, np.uint16: 11, np.int32: 12,
           np.uint32: 13, np.int64: 14, np.uint64: 15}


def make(tmp):
    rng = np.random.default_rng(4)
    files = []
    variables = {f"v_{t.__name__}": (rng.standard_normal((3, 4)) * 100).astype(t) for t in CLASSES}
    variables.update({
        "z": rng.standard_normal((2, 2)) + 1j * rng.standard_normal((2, 2)),
        "mask": rng.standard_normal((1, 5)) > 0,
        "title": "a MAT-file from the gallery",
        "longer_variable_name": np.arange(3.0),
        "e": np.zeros((0, 3)),
        "cube": np.arange(24, dtype=np.int16).reshape(2, 3, 4),
        "rec": {"alpha": 1.5, "beta": np.arange(3, dtype=np.int32), "inner": {"name": "deep", "v": np.eye(2)}},
        "cells": np.array([[np.arange(2.0), "text", np.array([[np.int8(3)]])]], dtype=object),
    })
    for i, (do_compression, oned) in enumerate([(False, "row"), (False, "column"), (True, "row")]):
        f = tmp / f"vars{i}.mat"
        savemat(f, variables, do_compression=do_compression, oned_as=oned, format="5")
        files.append(f)
    f = tmp / "one.mat"
    savemat(f, {"x": 1.5})
    files.append(f)
    return files


def check(path, doc, cmp):
    values = loadmat(path, squeeze_me=False, chars_as_strings=False, mat_dtype=False, struct_as_record=True)
    with open(path, "rb") as fp:
        r = MatFile5Reader(fp)
        r.initialize_read()
        head = r.read_file_header()
        cmp.eq("text", doc["text"], head["__header__"].decode().rstrip(" "))
        cmp.eq("endian_indicator", doc["endian_indicator"], "IM" if r.byte_order == "<" else "MI")
        headers = []
        while not r.end_of_stream():
            hdr, next_pos = r.read_var_header()
            headers.append(hdr)
            fp.seek(next_pos)
    cmp.eq("variables (count)", len(doc["variables"]), len(headers))
    for i, (v, hdr) in enumerate(zip(doc["variables"], headers)):
        p = f"variables[{i}].data"
        if v["tag"] == 15:  # miCOMPRESSED: the element it holds, decompressed
            cmp.eq(f"variables[{i}].inflated (present)", "inflated" in v, True)
            v, p = v["inflated"], f"variables[{i}].inflated.data"
        m = v["data"]
        name = hdr.name.decode()
        cmp.eq(f"{p}.name", m["name"]["text"], name)
        flags = m["flags"]["array_flags"]
        cmp.eq(f"{p}.flags (class)", flags & 0xFF, hdr.mclass)
        cmp.eq(f"{p}.flags (global)", bool(flags & 0x400), bool(hdr.is_global))
        cmp.eq(f"{p}.flags (logical)", bool(flags & 0x200), bool(hdr.is_logical))
        cmp.seq(f"{p}.dims", m["dims"]["data"], list(hdr.dims))
        cmp.eq(f"{p}.flags.nzmax", m["flags"]["nzmax"], hdr.nzmax)
        matrix(cmp, p, m, values[name])


def matrix(cmp, p, m, want):
    """One miMATRIX against loadmat's value for it: numbers, text, or (recursively) a cell's or a struct's parts."""
    flags = m["flags"]["array_flags"]
    dims = tuple(m["dims"]["data"])
    cmp.eq(f"{p}.flags (complex)", bool(flags & 0x800), np.iscomplexobj(want))
    cls = flags & 0xFF
    if cls == 1:  # cell: the elements in column-major order
        cells = m["body"]["cells"]
        cmp.eq(f"{p}.dims (cell)", dims, want.shape)
        for k, (c, w) in enumerate(zip(cells, want.ravel(order="F"))):
            matrix(cmp, f"{p}.body.cells[{k}].data", c["data"], w)
        return
    if cls == 2:  # struct: field names (NUL-padded, field_name_length each), then every element's fields
        b = m["body"]
        width = b["field_name_length"]["data"][0]
        names = bytes(x & 0xFF for x in b["field_names"]["data"])
        names = [names[k:k + width].rstrip(b"\0").decode() for k in range(0, len(names), width)]
        cmp.seq(f"{p}.body.field_names", names, list(want.dtype.names))
        fields = iter(b["fields"])
        for e, elem in enumerate(want.ravel(order="F")):
            for f in names:
                matrix(cmp, f"{p}.body.fields[{e}].{f}", next(fields)["data"], elem[f])
        return
    body = m["body"]
    if want.dtype.kind == "U":  # char: the text, column-major
        cmp.eq(f"{p}.body.real", body["real"]["data"], "".join(want.ravel(order="F")))
        return
    real = typed(body["real"]).reshape(dims, order="F")
    if "imag" in body:
        real = real + 1j * typed(body["imag"]).reshape(dims, order="F")
    cmp.eq(f"{p}.body.real (shape)", real.shape, want.shape)
    # The stored element type may be narrower than the class (savemat keeps it): compare the values.
    cmp.seq(f"{p}.body.real", real.ravel().tolist(), want.astype(real.dtype if want.dtype != bool else int).ravel().tolist())

MI_TYPES = {1: "i1", 2: "u1", 3: "i2", 4: "u2", 5: "i4", 6: "u4", 7: "f4", 9: "f8", 12: "i8", 13: "u8"}


def typed(element):
    """An element's values at the precision of its own MAT type (binmap prints f32 with float32's digits)."""
    tag = element["tag"]
    return np.array(element["data"], dtype=MI_TYPES[tag & 0xFFFF if tag >> 16 else tag])
