"""binmap.pack from Python objects and numpy arrays: the bytes of
``arr.tofile()`` and of the CLI's ``binmap pack``."""

from __future__ import annotations

import json
import pathlib
import subprocess

import numpy as np
import pytest

import binmap
from conftest import EXAMPLES, cli

TICK = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])


def test_records_from_numpy_are_tofile(tmp_path: pathlib.Path) -> None:
    arr = np.fromfile(EXAMPLES / "db.dat", TICK)
    out = tmp_path / "db.dat"
    assert binmap.pack(EXAMPLES / "db.bml", {"records": arr}, out) is None
    arr.tofile(tmp_path / "ref.dat")
    assert (
        out.read_bytes()
        == (tmp_path / "ref.dat").read_bytes()
        == (EXAMPLES / "db.dat").read_bytes()
    )


def test_header_and_matrix_sizes_derived() -> None:
    data = np.arange(30, dtype="float64").reshape(6, 5)
    got = binmap.pack(EXAMPLES / "data.bml", {"data": data})
    assert got == (EXAMPLES / "data.bin").read_bytes()


def test_flight_path_from_python_objects() -> None:
    f = binmap.open(EXAMPLES / "flight_path.b", EXAMPLES / "flight_path.bml")
    coords = [{"x": float(x), "y": float(y), "z": float(z)} for x, y, z in f["coords"].tolist()]
    got = binmap.pack(EXAMPLES / "flight_path.bml", {"info": f["info"], "coords": coords})
    assert got == (EXAMPLES / "flight_path.b").read_bytes()
    # The structured array itself works too, and so does the decoded document.
    assert (
        binmap.pack(EXAMPLES / "flight_path.bml", {"info": f["info"], "coords": f["coords"]}) == got
    )
    assert binmap.pack(EXAMPLES / "flight_path.bml", f.values()) == got


def test_every_kind_round_trips(tmp_path: pathlib.Path) -> None:
    dt = np.dtype(
        [
            ("a", ">i2"),
            ("h", "<f2"),
            ("c", ">c16"),
            ("s", "S4"),
            ("w", "<U2"),
            ("m", "<f4", (2, 2)),
            ("b", "?"),
        ]
    )
    arr = np.zeros(5, dt)
    arr["a"] = [-3, 0, 7, 32767, -32768]
    arr["h"] = [0.1, np.inf, -0.0, 65504, 1e-7]
    arr["c"] = [1 + 2j, -0.5j, np.nan, 3, 0]
    arr["s"] = [b"ab", b"\xff\x00z", b"", b"abcd", b"x"]
    arr["w"] = ["é", "", "ab", "z", "q"]
    arr["m"] = np.arange(20, dtype=np.float32).reshape(5, 2, 2) / 3
    arr["b"] = [True, False, True, True, False]
    layout = binmap.layout_from_dtype(dt)
    assert binmap.pack(layout, {"records": arr}) == arr.tobytes()


def test_pack_errors_write_nothing(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "x.bin"
    out.write_bytes(b"old")
    with pytest.raises(binmap.InputError) as e:
        binmap.pack("n: u8; v: i8[n]", {"v": [1, 300]}, out)
    assert "300" in str(e.value)
    assert out.read_bytes() == b"old"


def test_pack_onto_keeps_undescribed_bytes(tmp_path: pathlib.Path) -> None:
    orig = tmp_path / "o.bin"
    orig.write_bytes(bytes(range(8)))
    got = binmap.pack("a: u8; @ 4 b: u8", {"a": 9, "b": 8}, onto=orig)
    assert got == bytes([9, 1, 2, 3, 8, 5, 6, 7])


@pytest.mark.skipif(cli() is None, reason="no binmap binary (set BINMAP)")
@pytest.mark.parametrize("name", ["data", "db", "flight_path", "flight_log", "tmp", "array"])
def test_pack_is_the_cli_pack(tmp_path: pathlib.Path, name: str) -> None:
    ext = {"data": "bin", "db": "dat"}.get(name, "b")
    f = binmap.open(EXAMPLES / f"{name}.{ext}", EXAMPLES / f"{name}.bml")
    doc = f.values()
    (tmp_path / "in.json").write_text(json.dumps(doc))
    subprocess.run(
        [
            cli(),
            "pack",
            "-l",
            str(EXAMPLES / f"{name}.bml"),
            str(tmp_path / "in.json"),
            "-o",
            str(tmp_path / "cli.bin"),
        ],
        check=True,
    )
    ours = binmap.pack(EXAMPLES / f"{name}.bml", {k: f[k] for k in doc})
    assert ours == (tmp_path / "cli.bin").read_bytes() == (EXAMPLES / f"{name}.{ext}").read_bytes()
