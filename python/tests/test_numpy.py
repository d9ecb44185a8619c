"""binmap.open against numpy: the tutorials' files, the .npy fixtures and the
CLI's fixture corpus; zero copy, r+ like numpy's r+, c never writes, and the
map outlives the file object."""

from __future__ import annotations

import gc
import json
import math
import pathlib
import struct

import numpy as np
import pytest

import binmap
from conftest import CASES, EXAMPLES

TICK = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])


def same(a: np.ndarray, b: np.ndarray) -> None:
    """Equal value for value and dtype for dtype (bit for bit, so NaNs too)."""
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    assert a.shape == b.shape
    assert a.tobytes() == b.tobytes()


def address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def test_data_bin_header_and_matrix() -> None:
    f = binmap.open(EXAMPLES / "data.bin", EXAMPLES / "data.bml")
    header_dtype = np.dtype([("rows", np.int32), ("cols", np.int32)])
    header = np.memmap(EXAMPLES / "data.bin", mode="r", dtype=header_dtype, shape=())
    assert (f["rows"], f["cols"]) == (header["rows"], header["cols"]) == (6, 5)
    assert isinstance(f["rows"], np.int32)
    data = np.memmap(
        EXAMPLES / "data.bin", mode="r", dtype="float64", shape=(6, 5), offset=header_dtype.itemsize
    )
    same(f["data"], np.asarray(data))
    # Zero copy: the array is the map, 8 bytes in.
    assert np.shares_memory(f["data"], f.memory())
    assert address(f["data"]) == address(f.memory()) + 8
    assert np.shares_memory(f["data"], f["data"])
    assert not f["data"].flags.writeable
    with pytest.raises(ValueError):
        f["data"][0, 0] = 1.0


def test_db_records_and_strided_fields() -> None:
    f = binmap.open(EXAMPLES / "db.dat", EXAMPLES / "db.bml")
    ref = np.fromfile(EXAMPLES / "db.dat", dtype=TICK)
    same(f["records"], ref)
    same(f[...], ref)
    for name in TICK.names:
        v = f[f"records.{name}"]
        same(np.ascontiguousarray(v), np.ascontiguousarray(ref[name]))
        assert v.strides == (24,)
        assert np.shares_memory(v, f["records"])
    mm = np.memmap(EXAMPLES / "db.dat", dtype=TICK, mode="c")
    assert f["records.value"].sum() == mm["value"].sum()
    assert f.values("records.value")[0] == 6.2  # the f32 as the CLI prints it
    assert binmap.dtype(EXAMPLES / "db.bml", "records") == TICK


def test_flight_path_text_and_coords() -> None:
    b = (EXAMPLES / "flight_path.b").read_bytes()
    m, n = struct.unpack_from("<ii", b)
    f = binmap.open(EXAMPLES / "flight_path.b", EXAMPLES / "flight_path.bml")
    assert (f["M"], f["N"]) == (m, n)
    assert f["info"] == b[8 : 8 + m].decode("utf-8")  # utf8: decoded, a str
    coords = np.frombuffer(b, "<f8", offset=8 + m).reshape(n, 3)
    c = f["coords"]
    assert c.dtype.names == ("x", "y", "z")
    for k, name in enumerate("xyz"):
        same(np.ascontiguousarray(f[f"coords.{name}"]), np.ascontiguousarray(coords[:, k]))
    assert np.shares_memory(c, f.memory())


def test_flight_log_t_x_y_z() -> None:
    b = (EXAMPLES / "flight_log.b").read_bytes()
    n = struct.unpack_from("<i", b)[0]
    t, x, y, z = np.frombuffer(b, "<f8", offset=4).reshape(n, 4).T
    f = binmap.open(EXAMPLES / "flight_log.b", EXAMPLES / "flight_log.bml")
    for name, ref in zip("txyz", (t, x, y, z)):
        same(np.ascontiguousarray(f[f"log.{name}"]), np.ascontiguousarray(ref))


def test_tmp_b_big_endian_struct() -> None:
    f = binmap.open(EXAMPLES / "tmp.b", EXAMPLES / "tmp.bml")
    a, b, c = struct.unpack("!id5s", (EXAMPLES / "tmp.b").read_bytes())
    assert (f["a"], f["b"], f["c"]) == (a, b, c)
    assert f.view("a").dtype == np.dtype(">i4")
    assert f.view("b").dtype == np.dtype(">f8")


def test_array_b_and_npy() -> None:
    f = binmap.open(EXAMPLES / "array.b", EXAMPLES / "array.bml")
    same(f["x"], np.fromfile(EXAMPLES / "array.b", dtype="<f8", offset=4))
    g = binmap.open(EXAMPLES / "array.npy")  # no layout: recognised by its magic
    same(g["data"], np.load(EXAMPLES / "array.npy"))
    assert np.shares_memory(g["data"], g.memory())


def test_every_dtype_kind_as_numpy_writes_it(tmp_path: pathlib.Path) -> None:
    dt = np.dtype(
        [
            ("i", ">i2"),
            ("u", "<u8"),
            ("h", "<f2"),
            ("d", ">f8"),
            ("c", "<c8"),
            ("z", ">c16"),
            ("b", "?"),
            ("s", "S5"),
            ("w", "<U3"),
            ("W", ">U2"),
            ("v", "V3"),
            ("m", "<i4", (2, 3)),
            ("n", [("a", "u1"), ("b", ">f4", (2,))]),
        ]
    )
    rng = np.random.default_rng(7)
    arr = np.zeros(17, dt)
    for name in ("i", "u", "h", "d", "m"):
        arr[name] = rng.integers(-100, 100, size=arr[name].shape)
    arr["c"] = rng.normal(size=17) + 1j * rng.normal(size=17)
    arr["z"] = rng.normal(size=17) - 2j
    arr["b"] = rng.integers(0, 2, 17).astype(bool)
    arr["s"] = [b"ab\x00c", b"", b"xyzzy"] * 5 + [b"q", b"r"]
    arr["w"] = ["é", "ab", "xyz"] * 5 + ["", "q"]
    arr["W"] = "hi"
    arr["v"] = np.frombuffer(rng.bytes(17 * 3), "V3")
    arr["n"]["b"] = rng.normal(size=(17, 2))
    path = tmp_path / "all.bin"
    arr.tofile(path)
    f = binmap.open(path, binmap.layout_from_dtype(dt))
    same(f["records"], np.fromfile(path, dt))
    whole = f["records"]
    assert np.shares_memory(whole, f.memory())
    for name in dt.names:
        got = f[f"records.{name}"]
        same(np.ascontiguousarray(got), np.ascontiguousarray(arr[name]))
        # Zero copy for every kind (S, U both orders, V, complex, f16,
        # big-endian, sub-arrays, nested records): a strided view of the
        # map at the field's offset, with numpy's own dtype.
        assert np.shares_memory(got, f.memory()), name
        assert address(got) == address(whole) + dt.fields[name][1], name
        assert got.strides[0] == dt.itemsize and got.dtype == dt[name].base, name
    same(np.ascontiguousarray(f["records.n.b"]), np.ascontiguousarray(arr["n"]["b"]))
    # Values that numpy cannot express are decoded, as the CLI's JSON.
    c0 = f.values("records.c")[0]  # the CLI's shortest f32 digits
    assert np.float32(c0["real"]) == arr["c"][0].real and np.float32(c0["imag"]) == arr["c"][0].imag


def test_bf16_is_float32(tmp_path: pathlib.Path) -> None:
    vals = np.array([1.0, -2.5, 3.140625, np.inf], np.float32)
    bits = (vals.view(np.uint32) >> 16).astype("<u2")
    path = tmp_path / "b.bin"
    bits.tofile(path)
    f = binmap.open(path, "v: bf16[..]")
    out = f["v"]
    assert out.dtype == np.float32
    assert out.tolist() == vals.tolist()
    # The CLI prints the shortest digits of the bf16 (3.14 for 3.140625).
    assert binmap.pack("v: bf16[..]", {"v": f.values("v")}) == path.read_bytes()


def test_r_plus_writes_like_numpy_r_plus(copy) -> None:
    a, b = copy("db.dat", "a.dat"), copy("db.dat", "b.dat")
    f = binmap.open(a, EXAMPLES / "db.bml", mode="r+")
    f["records.value"][0] = 1.5
    f["records"][3]["time"] = -7
    f["records.name"][5] = b"XYZ"
    f.set("records[6].value=2.25")
    f.flush()
    mm = np.memmap(b, dtype=TICK, mode="r+")
    mm["value"][0] = 1.5
    mm[3]["time"] = -7
    mm["name"][5] = b"XYZ"
    mm["value"][6] = 2.25
    mm.flush()
    del mm
    f.close()
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != (EXAMPLES / "db.dat").read_bytes()


def test_r_plus_header_edit_resolves_again(copy) -> None:
    p = copy("data.bin")
    f = binmap.open(p, EXAMPLES / "data.bml", mode="r+")
    f["rows"] = 3
    assert f["data"].shape == (3, 5)
    assert p.read_bytes()[:4] == struct.pack("<i", 3)


def test_c_never_changes_the_file(copy) -> None:
    p = copy("db.dat")
    before = p.read_bytes()
    f = binmap.open(p, EXAMPLES / "db.bml", mode="c")
    f["records.value"][:] = 0
    f.set("records[1].time=5")
    assert f["records.value"].sum() == 0 and f["records"][1]["time"] == 5
    f.flush()
    f.close()
    assert p.read_bytes() == before


def test_w_plus_from_values_and_size(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "new.bin"
    f = binmap.open(
        p, "rows: i32; cols: i32; data: f64[rows, cols]", mode="w+", values={"data": np.eye(3)}
    )
    assert (f["rows"], f["cols"]) == (3, 3)
    f["data"][0, 1] = 7
    f.close()
    assert np.fromfile(p, "<f8", offset=8)[1] == 7
    q = tmp_path / "zeros.bin"
    g = binmap.open(q, "v: f32[..]", mode="w+", size=16)
    g["v"][:] = [1, 2, 3, 4]
    g.close()
    assert np.fromfile(q, "<f4").tolist() == [1, 2, 3, 4]


def test_map_outlives_the_file_object(copy) -> None:
    p = copy("db.dat")
    f = binmap.open(p, EXAMPLES / "db.bml", mode="r+")
    v = f["records.value"]
    rec = f["records"]
    whole = f.memory()
    f.close()
    del f
    gc.collect()
    # No use after unmap: the arrays hold the map.
    assert math.isclose(float(v.sum()), float(np.fromfile(p, TICK)["value"].sum()), rel_tol=1e-6)
    v[1] = 42.0  # still the file's memory in r+
    del rec, whole
    gc.collect()
    assert np.fromfile(p, TICK)["value"][1] == 42.0
    del v
    gc.collect()
    with pytest.raises(binmap.UsageError):
        g = binmap.open(p, EXAMPLES / "db.bml")
        g.close()
        g["records"]


def test_arrow_reader_outlives_the_file_object() -> None:
    f = binmap.open(EXAMPLES / "db.dat", EXAMPLES / "db.bml")
    reader = f.to_arrow_reader(batch_rows=3)
    f.close()
    del f
    gc.collect()
    t = reader.read_all()
    assert t.num_rows == 8 and t["time"].to_pylist()[-1] == 1000390


def _check_values(view: np.ndarray, want) -> None:
    """A numpy view against the CLI's JSON for it, value for value."""
    dt = view.dtype
    if view.ndim > 0:
        assert len(want) == view.shape[0]
        for x, w in zip(view, want):
            _check_values(np.asarray(x), w)
        return
    if dt.names is not None:
        for name in dt.names:
            _check_values(np.asarray(view[name]), want[name])
        return
    if dt.subdtype is not None:
        _check_values(np.asarray(view), want)
        return
    x = view[()]
    k = dt.kind
    if k == "f":
        if isinstance(want, dict):  # a NaN with a payload
            assert np.isnan(x)
        elif isinstance(want, float) and math.isnan(want):
            assert np.isnan(x)
        else:
            assert np.array(want, dt).tobytes() == view.tobytes(), (x, want)
    elif k == "c":
        assert np.array(want["real"], dt.type(0).real.dtype) == x.real or np.isnan(x.real)
    elif k in "iu":
        assert int(x) == want
    elif k == "b":
        assert bool(x) == want
    elif k == "S":
        b = bytes(x)
        if isinstance(want, str):
            want = want.rstrip("\x00")  # a char that is NUL: numpy's S1 strips it
        assert (b.decode("utf-8") if _utf8(b) else {"hex": b.hex()}) == want
    elif k == "U":
        assert str(x) == want


def _utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


CASE_NAMES = sorted(p.stem for p in CASES.glob("*.bml"))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_fixture_cases_match_the_cli_json(name: str) -> None:
    """Every fixture case: the decoded values are the CLI's JSON; every
    top-level field numpy can express is a view whose values are the same
    ones, over exactly the bytes the map gives the field."""
    bin_, bml = CASES / f"{name}.bin", CASES / f"{name}.bml"
    want_text = (CASES / f"{name}.json").read_text()
    try:
        f = binmap.open(bin_, bml)
    except binmap.Error as e:
        pytest.fail(f"{name}: {e}")
    want = json.loads(want_text)
    assert json.dumps(f.values()) == json.dumps(want)
    info = {x["path"]: x for x in f.info()}
    raw = bin_.read_bytes()
    for key in want:
        view = f.view(key)
        if view is None:
            continue
        assert np.shares_memory(view, f.memory()) or view.nbytes == 0
        if view.flags.c_contiguous and key in info:
            at, size = info[key]["offset"], info[key]["size"]
            assert view.tobytes() == raw[at : at + size]
        if f._native.view(key)[4]:
            continue  # bf16, widened to float32
        _check_values(view, want[key])


def test_undescribed_bytes_are_named(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "x.bin"
    p.write_bytes(bytes(10))
    f = binmap.open(p, "a: u16; @ 6 b: u16")
    assert f.undescribed() == [(2, 6), (8, 10)]
    assert binmap.open(EXAMPLES / "db.dat", EXAMPLES / "db.bml").undescribed() == []


def test_keys_iteration_and_changes_seen(copy) -> None:
    p = copy("data.bin")
    f = binmap.open(p, EXAMPLES / "data.bml")
    assert list(f) == f.keys() == ["rows", "cols", "data"]
    f.check_unchanged()
    with open(p, "ab") as out:
        out.write(b"\0")
    with pytest.raises(binmap.InputError, match="changed while"):
        f.check_unchanged()
