#!/usr/bin/env python3
"""Write the small seed corpora of the fuzz targets into fuzz/seeds/TARGET/.

The seeds are the examples' layouts and files, a few dtype strings and
struct formats, .npy headers and xxd dumps of small files. Run from
anywhere: `python3 fuzz/make_seeds.py` (needs xxd; numpy is optional).
"""
import os, subprocess, glob

HERE = os.path.dirname(os.path.abspath(__file__))
EX = os.path.join(HERE, "..", "examples")
OUT = os.path.join(HERE, "seeds")

def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def read(name):
    with open(os.path.join(EX, name), "rb") as f:
        return f.read()

# layout_parse: the examples' layouts and a few written to touch every construct.
for p in sorted(glob.glob(os.path.join(EX, "*.bml"))):
    put("layout_parse", os.path.basename(p), read(os.path.basename(p)))
for i, t in enumerate([
    'type P = { x: f32be, y: f32be }\nmagic: bytes[4] == "BMAP"\nn: u16\nalign 8\npts: P[n]\n',
    'endian big\nn: u8\nif n > 2 { extra: u32 }\nm: i16[n, 2; fortran]\n@ filesize - 4 crc: u32\n',
    'h: dtype("[(\'a\', \'<i4\'), (\'b\', \'S3\')]")\ns: struct("<iH5s")\nt: <f8[2]\nc: cstr[..]\n',
    '"odd name": ucs4[2]\n_: void[3]\nflag: bool == true\nch: char\nz: c128\nw: bf16[(filesize - 1) / sizeof(u16)]\n',
    'enum C: u8 { red = 1, green = 2 }\nflags P: u16be { r = 1, w = 2 }\nc: C\np: P[2]\nif c == C.green { h: bits u16be { v: 3, f: i5, b: bool, _: 3, k: 4 as C } }\n',
    'type H = bits u8 lsb { lo: 4, hi: 4 }\nr: { h: H, n: u8[h.lo] }[..]\n',
]):
    put("layout_parse", f"hand{i}.bml", t)

# dtype_struct: TEXT NUL DATA.
data = bytes(range(32))
for i, t in enumerate([
    "<f8", ">i2", "|S12", "U5", "?", "c16", "M8[ns]", "(2,3)<u2", "V4",
    "[('name', 'S12'), ('time', '<i8'), ('value', '<f4')]",
    "[('a', '<u1', (2, 2)), ('b', [('c', '>i4')])]",
    "{'names': ['x', 'y'], 'formats': ['u1', '<u2'], 'offsets': [0, 2], 'itemsize': 5}",
    "!id5s", "<iq", "@bq?x3p", "=2e", ">4sHf", "10c", "P", "nN",
]):
    put("dtype_struct", f"seed{i}", t.encode() + b"\0" + data)

# npy_header: the example and a few headers.
put("npy_header", "array.npy", read("array.npy"))
def npy(descr, fortran, shape, payload, version=(1, 0)):
    d = "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    lenbytes = 2 if version[0] == 1 else 4
    total = 6 + 2 + lenbytes + len(d) + 1
    pad = (64 - total % 64) % 64
    h = (d + " " * pad + "\n").encode("latin1")
    return b"\x93NUMPY" + bytes(version) + len(h).to_bytes(lenbytes, "little") + h + payload
put("npy_header", "f8", npy("'<f8'", "False", "(3,)", data[:24]))
put("npy_header", "struct", npy("[('x', '<i4'), ('y', '>f8')]", "True", "(2, 1)", data[:24]))
put("npy_header", "v2", npy("'|u1'", "False", "()", data[:1], (2, 0)))
put("npy_header", "v3", npy("'<U2'", "False", "(1, 0)", b"", (3, 0)))

# hex_reverse: xxd dumps (normal and -p) of the examples' small files.
for name in ["tmp.b", "db.dat", "flight_path.b"]:
    for flags in [[], ["-p"], ["-c", "8", "-g", "1"]]:
        out = subprocess.run(["xxd", *flags, os.path.join(EX, name)], capture_output=True, check=True).stdout
        put("hex_reverse", name + "".join(flags).replace("-", "_"), out)

# pack_input: LAYOUT-INDEX JSON-OR-CSV (index into harness::PACK_LAYOUTS).
for i, t in enumerate([
    (0, '{"n": 2, "x": [0.0, 0.5]}'),
    (1, '{"rows": 2, "cols": 2, "data": [[1, 2], [3, 4]]}'),
    (2, '{"records": [{"name": "MSFT_profit", "time": 10, "value": 6.2}]}'),
    (2, 'name,time,value\nMSFT_profit,10,6.2\nabc\\x00,-1,nan\n'),
    (3, 't,x,y,z\n0,1,2,3\n1.5,2,3,4e10\n'),
    (4, '{"info": "hello\\n", "coords": [{"x": 1, "y": 2, "z": 3}]}'),
    (5, '{"a": 123, "b": 0.1, "c": "hello"}'),
    (6, '{"magic": "BMAP", "rec": [{"a": -1, "b": 7, "c": 0.5, "d": true, "e": "x", "s": "abc"}]}'),
    (7, '1,2,3\n4,5,6\n'),
    (8, '{"names": ["a", "bc"], "v": [{"re": [1, 2], "w": 1.5, "u": "hi"}]}'),
    (9, '{"items": [{"id": 1, "tag": "ab", "ok": false}], "crc": 7}'),
]):
    put("pack_input", f"seed{i}", bytes([t[0]]) + t[1].encode())

# map_and_show: any bytes draw a layout; a few to start from.
import random
rng = random.Random(6)
for i in range(8):
    put("map_and_show", f"seed{i}", bytes(rng.randrange(256) for _ in range(64 + 32 * i)))
