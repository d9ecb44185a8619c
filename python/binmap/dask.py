"""Dask collections over binmap files: data larger than one machine.

``binmap.dask.read(paths, layout, path="records")`` is a
``dask.dataframe.DataFrame`` partitioned by row ranges of each file
(``blocksize`` bytes of records each, default 128 MiB); every partition is
read on the worker by binmap from its own memory map, so only the file
paths, the layout text and two row numbers travel to the workers.
``binmap.dask.array(...)`` is the same for a fixed-shape numeric array, as a
``dask.array.Array`` chunked along its first dimension.

>>> import binmap, binmap.dask, numpy as np, pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> dt = np.dtype([("k", "<i4"), ("v", "<f8")])
>>> for i in range(3):
...     np.array([(j % 2, i + j) for j in range(4)], dt).tofile(d / f"part{i}.bin")
>>> df = binmap.dask.read(str(d / "part*.bin"), binmap.layout_from_dtype(dt), blocksize=32)
>>> df.npartitions
6
>>> df.groupby("k")["v"].sum().compute().to_dict()
{0: 12.0, 1: 18.0}
"""

from __future__ import annotations

import glob as _glob
import os
from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

import binmap

__all__ = ["read", "array", "partitions"]

DEFAULT_BLOCKSIZE = 128 << 20

Paths = Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]


def _files(paths: Paths) -> List[str]:
    if isinstance(paths, (str, os.PathLike)):
        p = os.fspath(paths)
        found = sorted(_glob.glob(p)) if any(c in p for c in "*?[") else [p]
    else:
        found = [os.fspath(p) for p in paths]
    if not found:
        raise binmap.UsageError(f"no files match {paths!r}")
    return found


def _layout_text(layout: Any) -> str:
    """The layout's text, so workers need not see the .bml file."""
    return binmap._native.check_layout(os.fspath(layout))


def partitions(
    paths: Paths, layout: Any, path: str = "records", blocksize: int = DEFAULT_BLOCKSIZE
) -> List[Tuple[str, int, int]]:
    """The (file, first row, end row) of each partition: row ranges of
    about ``blocksize`` bytes of the array at ``path`` of each file."""
    text = _layout_text(layout)
    out = []
    for f in _files(paths):
        with binmap.open(f, text) as bf:
            shape = bf._native.table_shape(path)
        if shape is None:
            raise binmap.UsageError(f"{path} is not an array in {f}")
        rows, size = int(shape[0]), int(shape[1])
        per = max(1, int(blocksize) // max(1, size // max(1, rows)))
        if rows == 0:
            out.append((f, 0, 0))
        for a in range(0, rows, per):
            out.append((f, a, min(rows, a + per)))
    return out


def _read_part(part: Tuple[str, int, int], layout: str, path: str, columns: Optional[List[str]]):
    f, a, b = part
    with binmap.open(f, layout) as bf:
        df = bf.to_pandas(path, rows=f"{a}..{b}")
    if columns is not None:
        df = df[columns]
    return df


def read(
    paths: Paths,
    layout: Any,
    path: str = "records",
    blocksize: int = DEFAULT_BLOCKSIZE,
    columns: Optional[Sequence[str]] = None,
) -> Any:
    """A ``dask.dataframe.DataFrame`` of the array of records at ``path``
    in every file of ``paths`` (a list, or a glob like ``"runs/*.bin"``),
    one partition per ``blocksize`` bytes of records, read on the workers
    through binmap's Arrow export (as :meth:`binmap.File.to_pandas`)."""
    import dask.dataframe as dd

    text = _layout_text(layout)
    parts = partitions(paths, text, path, blocksize)
    cols = None if columns is None else list(columns)
    f0, _, _ = parts[0]
    meta = _read_part((f0, 0, 0), text, path, cols)
    return dd.from_map(
        _read_part,
        parts,
        layout=text,
        path=path,
        columns=cols,
        meta=meta,
        label="binmap-read",
        enforce_metadata=False,
    )


def _read_rows(f: str, layout: str, path: str, a: int, b: int) -> np.ndarray:
    with binmap.open(f, layout) as bf:
        arr = bf[path]
        if not isinstance(arr, np.ndarray):
            raise binmap.UsageError(f"{path} is not a fixed-shape array numpy can express")
        # A copy: the chunk travels to other workers.
        return np.array(arr[a:b])


def array(paths: Paths, layout: Any, path: str = "data", blocksize: int = DEFAULT_BLOCKSIZE) -> Any:
    """A ``dask.array.Array``: the array at ``path`` (a fixed-shape array
    numpy can express, like ``data`` or ``records.value``) of every file,
    concatenated along the first dimension, in chunks of about ``blocksize``
    bytes, each read on a worker from its own memory map."""
    import dask
    import dask.array as da

    text = _layout_text(layout)
    pieces = []
    for f in _files(paths):
        with binmap.open(f, text) as bf:
            arr = bf[path]
            if not isinstance(arr, np.ndarray) or arr.ndim == 0:
                raise binmap.UsageError(f"{path} in {f} is not an array numpy can express")
            shape, dt = arr.shape, arr.dtype
        row_bytes = max(1, int(np.prod(shape[1:], dtype=np.int64)) * dt.itemsize)
        per = max(1, int(blocksize) // row_bytes)
        for a in range(0, max(shape[0], 1), per):
            b = min(shape[0], a + per)
            d = dask.delayed(_read_rows)(f, text, path, a, b)
            pieces.append(da.from_delayed(d, shape=(b - a,) + tuple(shape[1:]), dtype=dt))
    return da.concatenate(pieces, axis=0)
