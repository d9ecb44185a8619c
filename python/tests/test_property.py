"""Property: for random structured dtypes and random bytes,
``binmap.open(path, layout_from_dtype(dt))[...]`` is ``np.fromfile(path, dt)``
(the same dtype, the same bytes, a view of the map)."""

from __future__ import annotations

import pathlib
import tempfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import binmap

LEAVES = [
    "|i1", "<i2", ">i2", "<i4", ">i4", "<i8", ">i8",
    "|u1", "<u2", ">u2", "<u4", ">u4", "<u8", ">u8",
    "<f2", ">f2", "<f4", ">f4", "<f8", ">f8",
    "<c8", ">c8", "<c16", ">c16", "|b1",
    "S1", "S7", "<U1", ">U3", "V1", "V5",
]  # fmt: skip

shapes = st.one_of(st.just(()), st.lists(st.integers(1, 3), min_size=1, max_size=2).map(tuple))


def fields(depth: int):
    leaf = st.sampled_from(LEAVES)
    kind = leaf if depth == 0 else st.one_of(leaf, leaf, st.deferred(lambda: structs(depth - 1)))
    return st.tuples(kind, shapes)


def structs(depth: int):
    return st.lists(fields(depth), min_size=1, max_size=5).flatmap(
        lambda fs: st.booleans().map(lambda aligned: _dtype(fs, aligned))
    )


def _dtype(fs, aligned: bool) -> np.dtype:
    names = [f"f{i}" for i in range(len(fs))]
    formats = [(np.dtype(k), s) if s else np.dtype(k) for k, s in fs]
    return np.dtype({"names": names, "formats": formats}, align=aligned)


dtypes = st.one_of(structs(2), st.sampled_from(LEAVES).map(np.dtype))


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(dt=dtypes, n=st.integers(0, 9), seed=st.integers(0, 2**32 - 1))
def test_random_dtypes_read_as_numpy_reads_them(dt: np.dtype, n: int, seed: int) -> None:
    data = np.random.default_rng(seed).bytes(n * dt.itemsize)
    with tempfile.TemporaryDirectory() as d:
        path = pathlib.Path(d) / "x.bin"
        path.write_bytes(data)
        ref = np.fromfile(path, dt)
        f = binmap.open(path, binmap.layout_from_dtype(dt))
        got = f[...]
        assert got.dtype == ref.dtype
        assert got.shape == ref.shape
        assert got.tobytes() == ref.tobytes()
        assert np.shares_memory(got, f.memory()) or n == 0
        if dt.names is not None:
            assert binmap.dtype(binmap.layout_from_dtype(dt), "records") == dt
        f.close()
