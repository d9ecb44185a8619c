#!/usr/bin/env python3
"""Write the numpy fixtures for tests/numpy_dtype.rs and tests/npy.rs.

Run from anywhere: `python3 crates/binmap/tests/data/numpy/make.py`.
Deterministic (a fixed random seed); needs numpy >= 2 (made with 2.4).

dtypes.tsv, one record per line, tab-separated:
  case  <spelling>  <itemsize>  <expected descr or ->
  leaf  <path>  <offset>  <typestr or 'struct'>  <shape, comma-separated>
        (the leaves of the case above; struct sub-arrays continue at path[0])
  error <spelling>  <a substring of binmap's error>
npy.tsv:
  npy  <file>  <major>  <minor>  <descr literal>  <fortran 0/1>  <shape>  <data_offset>  <itemsize>  <np.save 0/1>
"""

import os
import random
import warnings

import numpy as np
from numpy.lib.format import descr_to_dtype, dtype_to_descr

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))

cases = []  # spelling
errors = []  # (spelling, substring)


def add(s):
    if s not in cases:
        cases.append(s)


# --- typestrs, every byte order -------------------------------------------
for code in ["b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"]:
    for order in ["", "<", ">", "=", "|"]:
        add(order + code)
for code in ["S0", "S1", "S12", "a5", "U0", "U1", "U5", "V0", "V1", "V7", "S", "U", "V", "a"]:
    for order in ["", "<", ">", "|"]:
        add(order + code)
for code in "?bBhHiIlLqQnNpPefdFDcSUVa":
    add(code)
    add(">" + code)
for name in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16",
             "float32", "float64", "complex64", "complex128", "int", "float", "complex", "intc", "uintc", "byte",
             "ubyte", "short", "ushort", "long", "ulong", "longlong", "ulonglong", "half", "single", "double",
             "intp", "uintp", "bytes", "str", "void", "bool_", "int_", "uint", "csingle", "cdouble", "str_",
             "bytes_"]:
    add(name)

# --- comma strings and sub-arrays -------------------------------------------
for s in ["S12,<i8,<f4", "S12, i8, f4", "i4,", "<i4,>f8,|u1", "3i4", "(2,3)f8", "(2, 3)f8, i4", "( 2 , 3 ) f8,i4",
          "3S4,i1", "(2,)i4, f8", "i4,(2,)S3", "(2,3,)f8,i1", "(0,)i4,i1", "U3,>U2", "(1,1)i4,i1", "<(2,)i4,>f8",
          "(2,)>i4,u1", ">3i4,b1", "()i4", "1i4", "int32,float64", "?,b1,c8,>c16", "i4, f8,", "a3,V2,c"]:
    add(s)

# --- list-of-tuples (descr) forms ---------------------------------------------
for s in [
    "[('name','S12'),('time','<i8'),('value','<f4')]",
    '[("name", "S12"), ("time", "<i8"), ("value", "<f4"),]',
    "[('v','<f4',(3,)), ('m','<f8',(2,3)), ('w', '<f4', 3), ('z', 'i4', ())]",
    "[('pos', [('x','<f8'),('y','<f8')]), ('id', 'i4')]",
    "[('a','i1'),('','|V7'),('b','<f8')]",
    "[('a','i1'),('','|V3'),('b','<i4'),('','|V8')]",
    "[(('title','name'),'i4'),('b','f8')]",
    "[('a', ('i4', (2,)))]",
    "[('a', ('i4', 2), (3,))]",
    "[('a', '(2,)i4', (3,))]",
    "[('a', 'i4,f8'), ('b', '3u1')]",
    "[('a', [('x','i1'),('y','<f4')], (2,)), ('b','i1')]",
    "[('a', [('x', [('p','>u2'),('q','S3')], (2, 2)), ('y','<c8')]), ('b', '>U2', 2)]",
    "[]",
    "[('a','U3'),('b','>U3'),('c','V5'),('d','S0')]",
    "[('a','i4',0), ('b', 'i1')]",
    "[('a','i4',(2,0)), ('b', 'i1')]",
    "[('temp\u00e9rature','<f4'), ('\u6e29\u5ea6', '<f8')]",
    "[('it''s', 'i1'), (\"q\\\"uote\", 'i2')]",
    "[ ( 'a' , '<i4' ) , ( 'b' , [ ( 'c' , '|b1' ) ] ) ]",
    "[('a', {'names': ['x', 'y'], 'formats': ['i1', 'i8'], 'aligned': True}), ('b', 'i1')]",
]:
    add(s)

# --- dict forms -------------------------------------------------------------
for s in [
    "{'names': ['a','b'], 'formats': ['<i4','<f8'], 'offsets': [0, 8], 'itemsize': 24}",
    "{'names': ['a','b'], 'formats': ['<i4','<f8']}",
    "{'names': ['a','b'], 'formats': ['i1','<f8'], 'aligned': True}",
    "{'names': ['a','b'], 'formats': ['i1','<f8'], 'aligned': False}",
    "{'names': ['a','b'], 'formats': ['i4','<f8'], 'titles': ['A', None]}",
    "{'names': ['a','b'], 'formats': ['i1',[('x','i1'),('y','i8')]], 'aligned': True}",
    "{'names': ['a','b','c'], 'formats': ['i1','c16','c8'], 'aligned': True}",
    "{'names': ['a','b','c','d','e'], 'formats': ['i1','U2','i1','f2','(3,)i8'], 'aligned': True}",
    "{'names': ['a','b'], 'formats': ['i1',('i4',(2,))], 'offsets': [0, 3]}",
    "{'names': ['a','b'], 'formats': ['i1','i4'], 'offsets': [0, 4], 'itemsize': 12, 'aligned': True}",
    "{'names': [], 'formats': [], 'itemsize': 5}",
    "{'names': ['a','b'], 'formats': ['S3','V2'], 'aligned': True}",
    "{'names': ('a','b'), 'formats': ('i1','i1')}",
    "{'names': ['a'], 'formats': ['i4'], 'offsets': [16]}",
    "{'a': ('i4', 0), 'b': ('f8', 4)}",
    "{'a': ('i4', 4), 'b': ('f8', 8)}",
    "{'b': ('f8', 8), 'a': ('i4', 0, 'title')}",
    "{'names': ['a','b'], 'formats': ['i1', 'i1,i8'], 'aligned': True}",
    "{'names':['x','y','z'],'formats':['<f8','<f8','<f8'],'offsets':[0,8,16],'itemsize':32,}",
]:
    add(s)

# --- numpy's own descr of aligned dtypes ------------------------------------
for fields in [
    [("a", "i1"), ("b", "i4")],
    [("a", "i1"), ("b", "<f8"), ("c", "i2")],
    [("a", "u1"), ("b", [("x", "i1"), ("y", "<f4")]), ("c", "i1")],
    [("a", "i1"), ("b", "<c16"), ("c", "U1"), ("d", "f2", (3,))],
    [("a", "S3"), ("b", "<i8", (2,)), ("c", "?")],
]:
    add(repr(np.dtype(fields, align=True).descr))
    names = [f[0] for f in fields]
    formats = [f[1] if len(f) == 2 else (f[1], f[2]) for f in fields]
    add(repr({"names": names, "formats": formats, "aligned": True}))

# --- random structured dtypes -----------------------------------------------
rng = random.Random(20240611)
SCALARS = ["b1", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8", "c8", "c16"]


def rand_leaf():
    r = rng.random()
    if r < 0.75:
        c = rng.choice(SCALARS)
        return (rng.choice(["<", ">", ""]) if c not in ("b1", "i1", "u1") else "") + c
    if r < 0.85:
        return "S%d" % rng.randint(1, 9)
    if r < 0.95:
        return rng.choice(["<", ">"]) + "U%d" % rng.randint(1, 4)
    return "V%d" % rng.randint(1, 5)


def rand_shape():
    return tuple(rng.randint(0 if rng.random() < 0.05 else 1, 4) for _ in range(rng.randint(1, 3)))


def rand_fields(depth):
    out = []
    for i in range(rng.randint(1, 5)):
        name = "f%d_%s" % (i, rng.choice("abcxyz"))
        if depth < 2 and rng.random() < 0.2:
            t = rand_fields(depth + 1)
        else:
            t = rand_leaf()
        if rng.random() < 0.25:
            out.append((name, t, rand_shape()))
        else:
            out.append((name, t))
    return out


for _ in range(40):
    add(repr(rand_fields(0)))
for _ in range(15):
    fields = rand_fields(1)
    add(repr(np.dtype(fields, align=True).descr))
for _ in range(15):
    fields = rand_fields(1)
    names = [f[0] for f in fields]
    formats = [f[1] if len(f) == 2 else (f[1], f[2]) for f in fields]
    d = {"names": names, "formats": formats}
    if rng.random() < 0.5:
        d["aligned"] = True
    else:
        sizes = [np.dtype(f).itemsize for f in formats]
        offs, pos = [], 0
        for s in sizes:
            pos += rng.randint(0, 5)
            offs.append(pos)
            pos += s
        d["offsets"] = offs
        d["itemsize"] = pos + rng.randint(0, 9)
    add(repr(d))
for _ in range(10):
    add(", ".join((rng.choice(["", "2", "(2,3)", "(1,)"]) + rand_leaf()) for _ in range(rng.randint(2, 5))))

# --- spellings binmap rejects ---------------------------------------------
# numpy's datetimes with a unit and its x86-64 long double (issue 11 item 9).
for s in ["<M8[ns]", "m8[s]", ">M8[D]", "M8[as]", "<m8[Y]", "g", "<f16", ">f16", "float128", "longdouble",
          "datetime64[ms]", "timedelta64[W]",
          "[('t', '<M8[us]'), ('dt', '>m8[h]'), ('x', '<f16')]"]:
    add(s)
errors += [
    ("M8", "datetime64"), ("O", "object"),
    ("G", "clongdouble"), ("c32", "clongdouble"), ("T", "StringDType"),
    ("object", "object"), ("datetime64", "datetime64"), ("M8[2s]", "time units"),
    ("i3", "not understood"), ("u", "not understood"), ("f1", "not understood"), ("<h2", "not understood"),
    ("i4,M8", "datetime64"),
    ("{'names': ['a','b'], 'formats': ['i1','<f8'], 'offsets': [8, 0]}", "binmap does not support"),
    ("{'names': ['a','b'], 'formats': ['i4','<f8'], 'offsets': [0, 2]}", "binmap does not support"),
    ("{'names': ['a','b'], 'formats': ['i1','i1'], 'offsets': [0, 0]}", "binmap does not support"),
    ("{'names': ['a','b'], 'formats': ['i4','<f8'], 'itemsize': 4}", "cannot override to smaller itemsize"),
    ("{'names': ['a','b'], 'formats': ['i1','<f8'], 'aligned': True, 'offsets': [0, 4]}", "not divisible"),
    ("{'names': ['a','b'], 'formats': ['i4']}", "same length"),
    ("[('a','i4'),('a','f8')]", "more than once"),
    ("[('a','i4','x')]", "shape"),
    ("('i4', [('a','i2'),('b','i2')])", "binmap does not support"),
    ("[('a', 'i4'", "never closed"),
    ("[('a', 'i4')] x", "after the value"),
    ("[['a','i4']]", "2- or 3-tuple"),
    ("{'names': ['a'], 'formats': ['i1'], 'offsets': [-1]}", "negative"),
]
for s, _ in errors:
    try:
        np.dtype(eval(s) if s[:1] in "[{(" else s)
        numpy_ok = True
    except Exception:
        numpy_ok = False
    # Keep the list honest: note which of these numpy itself accepts.
    # (Not written: the test only checks binmap's message.)


def ref_dtype(s):
    obj = eval(s) if s[:1] in "[{'\"" else s
    if isinstance(obj, list) and ("(''" in s or '("",' in s):
        # As np.load reads a descr: ('', '|Vn') entries are padding.
        return descr_to_dtype(obj)
    return np.dtype(obj)


def leaves(dt, path, off, out):
    if dt.names is not None:
        for n in dt.names:
            f = dt.fields[n]
            leaves(f[0], (path + "." + n) if path else n, off + f[1], out)
    elif dt.subdtype is not None:
        base, shape = dt.subdtype
        while base.subdtype is not None:  # binmap flattens (3,) of (2,) into (3, 2)
            shape = shape + base.subdtype[1]
            base = base.subdtype[0]
        if base.names is not None:
            out.append((path, off, "struct", shape))
            leaves(base, path + "[0]", off, out)
        else:
            out.append((path, off, base.str, shape))
    else:
        out.append((path, off, dt.str, ()))


def nested_sub(dt):
    if dt.names is not None:
        return any(nested_sub(dt.fields[n][0]) for n in dt.names)
    if dt.subdtype is not None:
        return dt.subdtype[0].subdtype is not None or nested_sub(dt.subdtype[0])
    return False


def expected_descr(dt, s):
    if "title" in s or "'A'" in s:
        return "-"  # binmap drops titles
    if nested_sub(dt):
        return "-"  # binmap flattens sub-arrays of sub-arrays
    if dt.names is None and dt.subdtype is not None:
        base, shape = dt.subdtype
        return repr((dtype_to_descr(base), shape))
    return repr(dtype_to_descr(dt))


lines = []
skipped = []
for s in cases:
    assert "\t" not in s and "\n" not in s, s
    try:
        dt = ref_dtype(s)
    except Exception:
        skipped.append(s)
        continue
    lines.append("case\t%s\t%d\t%s" % (s, dt.itemsize, expected_descr(dt, s)))
    out = []
    leaves(dt, "", 0, out)
    for p, o, t, shape in out:
        lines.append("leaf\t%s\t%d\t%s\t%s" % (p, o, t, ",".join(map(str, shape))))
for s, sub in errors:
    lines.append("error\t%s\t%s" % (s, sub))
with open(os.path.join(HERE, "dtypes.tsv"), "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")

# --- .npy files -------------------------------------------------------------
npy_lines = []


def save(name, arr, version=None):
    path = os.path.join(HERE, name)
    if version is None:
        np.save(path, arr)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, arr, version=version)
    with open(path, "rb") as f:
        major, minor = np.lib.format.read_magic(f)
        from numpy.lib._format_impl import _read_array_header
        shape, fortran, dtype = _read_array_header(f, (major, minor), max_header_size=10**7)
        offset = f.tell()
    descr = repr(dtype_to_descr(dtype))
    assert dtype == arr.dtype or dtype.itemsize == arr.dtype.itemsize
    npy_lines.append("npy\t%s\t%d\t%d\t%s\t%d\t%s\t%d\t%d\t%d" % (
        name, major, minor, descr, int(fortran), ",".join(map(str, shape)), offset, dtype.itemsize,
        int(version is None)))


save("f8_c.npy", np.arange(12, dtype="<f8").reshape(3, 4))
save("f8_fortran.npy", np.asfortranarray(np.arange(12, dtype="<f8").reshape(3, 4)))
save("i4_fortran3d.npy", np.asfortranarray(np.arange(24, dtype="<i4").reshape(2, 3, 4)))
save("i2_0d.npy", np.array(-7, dtype="<i2"))
save("empty_1d.npy", np.zeros((0,), dtype="<f4"))
save("empty_2d.npy", np.zeros((2, 0), dtype="<u2"))
save("empty_huge.npy", np.zeros((0, 10**12), dtype="<u1"))
save("i4_big.npy", np.arange(5, dtype=">i4"))
save("bool.npy", np.array([True, False, True]))
save("c16.npy", np.array([1 + 2j, -3.5j], dtype="<c16"))
save("u5.npy", np.array(["ab", "héllo", ""], dtype="<U5"))
save("s3.npy", np.array([b"ab", b"xyz"], dtype="S3"))
rec = np.zeros(3, dtype=[("name", "S12"), ("time", "<i8"), ("value", "<f4")])
rec["name"] = [b"MSFT_profit", b"AAPL", b"x"]
rec["time"] = [1, 2, 3]
rec["value"] = [0.5, -1.25, 3.0]
save("records.npy", rec)
nested = np.zeros((2, 2), dtype=[("pos", [("x", "<f8"), ("y", "<f8")]), ("v", ">f4", (3,)), ("id", "u1")])
nested["id"] = [[1, 2], [3, 4]]
save("nested.npy", nested)
aligned = np.zeros(4, dtype=np.dtype([("a", "i1"), ("b", "<f8"), ("c", "i2")], align=True))
save("aligned.npy", aligned)
save("rec_0d.npy", np.zeros((), dtype=[("a", "<i4"), ("b", "S2")]))
save("v2.npy", np.arange(6, dtype="<i8").reshape(2, 3), version=(2, 0))
save("v3_utf8.npy", np.zeros(2, dtype=[("\u6e29\u5ea6", "<f4"), ("x", "u1")]))
save("latin1.npy", np.zeros(2, dtype=[("caf\u00e9", "<f4")]))
wide = np.zeros(1, dtype=[("field_%04d_padding_x" % i, "u1") for i in range(2300)])
save("wide_v2.npy", wide)
with open(os.path.join(HERE, "npy.tsv"), "w", encoding="utf-8") as f:
    f.write("\n".join(npy_lines) + "\n")

print("%d dtype cases, %d error cases, %d .npy files" % (len(cases) - len(skipped), len(errors), len(npy_lines)))
print("numpy rejects (not written):", skipped)
