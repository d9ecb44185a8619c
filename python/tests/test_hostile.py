"""The CLI's bad-input corpus (crates/binmap-cli/tests/bad_inputs.rs) through
Python: every case raises a binmap exception with the CLI's message, and the
interpreter survives; random garbage against many layouts never crashes."""

from __future__ import annotations

import pathlib
import struct

import numpy as np
import pytest

import binmap


def case(
    tmp_path: pathlib.Path, layout: str, data: bytes, want: str, exc=binmap.Error
) -> binmap.Error:
    p = tmp_path / "in.bin"
    p.write_bytes(data)
    (tmp_path / "l.bml").write_text(layout)
    with pytest.raises(exc) as e:
        f = binmap.open(p, tmp_path / "l.bml")
        f.values()
    assert want in str(e.value), str(e.value)
    assert isinstance(e.value.message, str)
    return e.value


TRUNCATED = [
    "x: u32",
    "x: f64be",
    "x: c128",
    "x: bytes[8]",
    "x: utf8[8]",
    "x: ucs4[2]",
    "x: void[8]",
    "x: f64[4]",
    "x: { a: u16, b: u64 }",
    "x: { a: u16, b: u64 }[2]",
    "x: u8[2, 3]",
    "x: <i8",
    "x: dtype(\"[('a', '<u2'), ('b', '>f8')]\")",
    'x: struct("<iq")',
]


@pytest.mark.parametrize("layout", TRUNCATED)
def test_truncation_in_every_field_kind(tmp_path: pathlib.Path, layout: str) -> None:
    e = case(tmp_path, layout, bytes([1, 2, 3]), "has 3", binmap.DataError)
    assert e.summary.startswith("layout needs")


def test_truncated_variable_fields(tmp_path: pathlib.Path) -> None:
    case(tmp_path, "x: cstr", b"abc", "has no NUL byte before the end of", binmap.DataError)
    case(
        tmp_path,
        "n: u8\nx: { len: u8, s: bytes[len] }[n]",
        bytes([2, 1, 97, 9, 98]),
        "layout needs",
    )


def test_sizes_that_lie(tmp_path: pathlib.Path) -> None:
    big = struct.pack("<Q", 1 << 33)
    case(tmp_path, "n: u64\nm: u64\nd: u8[n, m, n]", big + big, "overflows a 64-bit element count")
    case(tmp_path, "n: u64\nd: f64[n * 1000000000000]", big, "is larger than any file")
    case(tmp_path, "n: u64\nd: f64[n * n * n * n * n]", big, "overflow in `n * n * n * n`")
    case(tmp_path, "n: i32\nd: u8[n]", struct.pack("<i", -1), "size n = -1 is negative")
    b = struct.pack("<II", 2, 0xFFFFFFFF)
    case(
        tmp_path, "n: u32\na: { m: u32, b: { k: u8, s: bytes[k] }[m] }[n]", b, "only 0 bytes remain"
    )
    case(
        tmp_path,
        "r: { a: u32, b: u16 }[..]",
        bytes(13),
        "1 trailing bytes that are not a whole 6-byte element",
    )
    case(tmp_path, "@ 1000000000000 x: u8", bytes(1), "is past the end of")
    case(tmp_path, "b: bool[3]", bytes([0, 1, 7]), "bool at offset 0x2 is 7, not 0 or 1")
    e = case(tmp_path, "s: utf8[3]", b"a\xc3(", "invalid UTF-8 in a utf8[3] field at offset 0x1")
    assert e.offset == 1
    case(tmp_path, "s: ucs4[1]", struct.pack("<I", 0x110000), "not a Unicode scalar value")


def test_hostile_layouts(tmp_path: pathlib.Path) -> None:
    deep = "a: " + "{ x: " * 10_000 + "u8" + " }" * 10_000
    case(tmp_path, deep, bytes(1), "layout nests deeper than 64 levels", binmap.LayoutError)
    deep = "a: u8[" + "(" * 10_000 + "1" + ")" * 10_000 + "]"
    case(tmp_path, deep, bytes(1), "layout nests deeper than 64 levels", binmap.LayoutError)
    case(tmp_path, "", bytes(2), "the layout has no fields", binmap.LayoutError)
    (tmp_path / "bad.bml").write_bytes(b"\xff\xfe\x00\x12")
    (tmp_path / "x.bin").write_bytes(b"\x01")
    with pytest.raises(binmap.LayoutError, match="is not UTF-8 text"):
        binmap.open(tmp_path / "x.bin", tmp_path / "bad.bml")


def test_a_hundred_thousand_fields(tmp_path: pathlib.Path) -> None:
    n = 100_000
    layout = "\n".join(f"f{i}: u8" for i in range(n))
    p = tmp_path / "x.bin"
    data = bytes(range(256)) * (n // 256) + bytes(n % 256)
    p.write_bytes(data)
    f = binmap.open(p, layout)
    assert f["f99999"] == data[99999] and f["f65537"] == data[65537] == 1
    assert len(f.values()) == n
    p.write_bytes(bytes(n - 1))
    with pytest.raises(binmap.DataError, match="has 99,999"):
        binmap.open(p, layout)


def test_npy_headers_that_lie(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "x.npy"
    np.save(p, np.arange(10.0))
    b = p.read_bytes()
    p.write_bytes(b.replace(b"(10,)", b"(99,)"))
    with pytest.raises(binmap.DataError):
        binmap.open(p)
    p.write_bytes(b[:20])
    with pytest.raises(binmap.Error):
        binmap.open(p)


def test_special_files_and_missing_ones(tmp_path: pathlib.Path) -> None:
    with pytest.raises(binmap.FileError) as e:
        binmap.open(tmp_path / "nope.bin", "x: u8")
    assert isinstance(e.value, OSError)
    with pytest.raises(binmap.Error, match="is a directory"):
        binmap.open(tmp_path, "x: u8")
    with pytest.raises(binmap.Error, match="not a regular file"):
        binmap.open("/dev/zero", "x: u8")
    (tmp_path / "x.bin").write_bytes(b"1")
    with pytest.raises(binmap.UsageError, match="does not exist"):
        binmap.open(tmp_path / "x.bin", "nope.bml")


def test_usage_errors(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "x.bin"
    p.write_bytes(bytes(8))
    f = binmap.open(p, "a: u32; b: u32")
    with pytest.raises(binmap.UsageError, match="no field 'c'"):
        f["c"]
    with pytest.raises(binmap.UsageError, match="read-only"):
        f.set("a=1")
    with pytest.raises(binmap.UsageError):
        binmap.open(p, "a: u32; b: u32", mode="x")
    with pytest.raises(binmap.UsageError, match="--where"):
        binmap.open(p, "r: u32[..]").where("nope > 1")
    g = binmap.open(p, "a: u32; b: u32", mode="r+")
    with pytest.raises(binmap.InputError):
        g.set("a=-1")
    assert p.read_bytes() == bytes(8)


LAYOUTS = [
    "n: u8\nr: { a: u16, s: bytes[n] }[n]",
    "n: u16\nt: utf8[n]\nv: f32[..]",
    "n: u8\nr: { len: u8, s: bytes[len], c: cstr }[n]",
    "h: { magic: u16 == 0x4d42, n: u32 }\nd: i16be[h.n]",
    "m: u8\nif m > 3 { x: u32 }\nrest: u8[..]",
    "k: u8\nb: bool[k]\nu: ucs4[k]",
    "@ filesize - 2 tail: u16\nn: u8\nv: u64[n]",
    "type T = { a: u8, b: f16[a] }\nn: u8\nt: T[n]",
]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_random_garbage_never_crashes(tmp_path: pathlib.Path, layout: str) -> None:
    rng = np.random.default_rng(len(layout))
    p = tmp_path / "g.bin"
    for size in list(range(0, 12)) + [int(x) for x in rng.integers(12, 400, 60)]:
        p.write_bytes(rng.bytes(size))
        try:
            f = binmap.open(p, layout)
        except binmap.Error:
            continue
        for action in (
            lambda: f.values(),
            lambda: f.info(),
            lambda: [f[k] for k in f.values()],
            lambda: f.to_arrow(),
            lambda: f.stats(as_frame=False),
        ):
            try:
                action()
            except binmap.Error:
                pass


def test_the_interpreter_survives_in_a_fresh_process(tmp_path: pathlib.Path) -> None:
    """The corpus again in a child interpreter: it ends normally (no signal,
    no abort), having caught a binmap exception for every case."""
    import subprocess
    import sys

    script = f"""
import struct, binmap, pathlib
p = pathlib.Path({str(tmp_path)!r}) / "h.bin"
cases = [
    ("x: u32", b"\\x01\\x02\\x03"),
    ("n: u64\\nd: f64[n * n * n * n * n]", struct.pack("<Q", 1 << 33)),
    ("b: bool[3]", bytes([0, 1, 7])),
    ("s: utf8[3]", b"a\\xc3("),
    ("a: " + "{{ x: " * 10000 + "u8" + " }}" * 10000, b"\\x00"),
    ("n: u32\\na: {{ m: u32, b: {{ k: u8, s: bytes[k] }}[m] }}[n]", struct.pack("<II", 2, 0xFFFFFFFF)),
]
caught = 0
for layout, data in cases:
    p.write_bytes(data)
    try:
        binmap.open(p, layout).values()
    except binmap.Error:
        caught += 1
print(caught)
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "6", r.stdout + r.stderr


def test_threads_reading_while_one_closes(tmp_path: pathlib.Path) -> None:
    import threading

    p = tmp_path / "r.bin"
    np.arange(100_000, dtype="<f8").tofile(p)
    f = binmap.open(p, "v: f64[..]")
    errors: list = []

    def read() -> None:
        for _ in range(200):
            try:
                a = f["v"]
                assert a[-1] == 99_999.0
                f.stats(as_frame=False)
            except binmap.UsageError:
                pass  # closed meanwhile
            except Exception as e:  # pragma: no cover
                errors.append(e)

    ts = [threading.Thread(target=read) for _ in range(4)]
    for t in ts:
        t.start()
    f.close()
    for t in ts:
        t.join()
    assert not errors
