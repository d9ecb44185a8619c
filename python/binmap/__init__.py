"""binmap: binary files described by a small layout language, in Python.

``binmap.open(path, layout)`` maps a file and gives numpy arrays that are
views of the memory map wherever numpy can express the bytes (fixed-size
scalars, arrays and record arrays), and decoded values elsewhere, with the
same results as ``binmap show -f json``. The layout is the text of the
layout language or the path of a ``.bml`` file; the modes are numpy's
(``r``, ``r+``, ``c``, ``w+``). Everything runs in the same Rust library as
the ``binmap`` command: stats, ``--where`` conditions, Arrow export, pack.

>>> import binmap, numpy as np, pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "data.bin"
>>> _ = path.write_bytes(np.array([2, 3], "<i4").tobytes() + np.arange(6.0).tobytes())
>>> f = binmap.open(path, "rows: i32; cols: i32; data: f64[rows, cols]")
>>> print(f["rows"], f["cols"])
2 3
>>> a = f["data"]                 # a view of the map: no copy
>>> a.shape, a.dtype, a[1, 2]
((2, 3), dtype('float64'), np.float64(5.0))
>>> f.close()
>>> float(a.sum())                # the map lives as long as the array
15.0

Errors are exceptions carrying the CLI's message, path and offset:

>>> try:
...     binmap.open(path, "rows: i32; cols: i32; data: f64[rows, cols, 9]")
... except binmap.DataError as e:
...     print(e.summary, "|", e.path, e.offset)
layout needs 440 bytes but ... has 56 | data 8
"""

from __future__ import annotations

import ast
import builtins
import json as _json
import os
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native
from ._errors import DataError, Error, FileError, InputError, LayoutError, UsageError

__all__ = [
    "open",
    "File",
    "pack",
    "dtype",
    "layout_from_dtype",
    "Error",
    "LayoutError",
    "DataError",
    "InputError",
    "UsageError",
    "FileError",
]
__version__ = "0.1.0"

PathLike = Union[str, "os.PathLike[str]"]
Rows = Union[None, str, slice, int, Tuple[Optional[int], Optional[int]]]


def _rows_text(rows: Rows) -> Optional[str]:
    """``rows`` as binmap's ``--rows`` text: ``"a..b"``, a slice, ``(a, b)``
    or one index."""
    if rows is None:
        return None
    if isinstance(rows, str):
        return rows
    if isinstance(rows, slice):
        if rows.step not in (None, 1):
            raise UsageError("rows: a slice with a step is not supported")
        start, stop = rows.start, rows.stop
    elif isinstance(rows, tuple):
        start, stop = rows
    else:
        return str(int(rows))
    return f"{'' if start is None else int(start)}..{'' if stop is None else int(stop)}"


class _Memory:
    """The file's bytes for numpy: the base of every array over the map.

    Holds the native buffer (and so the map) alive; numpy keeps this object
    as the base of every array made from it.
    """

    def __init__(self, buf: "_native.Buffer") -> None:
        self._buf = buf
        self.__array_interface__ = {
            "shape": (buf.size,),
            "typestr": "|u1",
            "data": (buf.address, buf.readonly),
            "version": 3,
        }


def _np_dtype(descr: str) -> np.dtype:
    return _from_descr(ast.literal_eval(descr))


def _from_descr(lit: Any) -> np.dtype:
    """A dtype from a descr literal whose anonymous ``('', '|Vn')`` entries
    are padding (numpy would name them ``f0``, ``f1``...): the dict form,
    with offsets and itemsize."""
    if isinstance(lit, list):
        names, formats, offsets, at = [], [], [], 0
        for entry in lit:
            name, fmt = entry[0], entry[1]
            sub = _from_descr(fmt)
            if len(entry) > 2:
                sub = np.dtype((sub, tuple(entry[2])))
            if name != "":
                names.append(name)
                formats.append(sub)
                offsets.append(at)
            at += sub.itemsize
        return np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": at})
    if isinstance(lit, tuple) and len(lit) == 2 and isinstance(lit[1], tuple):
        return np.dtype((_from_descr(lit[0]), lit[1]))
    if isinstance(lit, dict):
        lit = dict(lit)
        lit["formats"] = [_from_descr(x) for x in lit["formats"]]
        return np.dtype(lit)
    return np.dtype(lit)


def _bf16_to_f32(a: np.ndarray) -> np.ndarray:
    """bfloat16 bits (uint16) to float32 values, exactly."""
    return (np.asarray(a).astype(np.uint32) << np.uint32(16)).view(np.float32)


class File:
    """A file mapped with a layout. Made by :func:`binmap.open`.

    ``f[path]`` reads a path (``"rows"``, ``"records"``, ``"records.value"``,
    ``"data[0,1]"``, ``...`` for the main table): a numpy array that is a view
    of the map when numpy can express the bytes, else decoded values (the
    Python objects of ``binmap show -f json``). Views are writable in modes
    ``r+`` (the file changes), ``c`` (copy-on-write: it does not) and ``w+``.
    Arrays keep the map alive after :meth:`close`.

    >>> import binmap, numpy as np, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "db.dat"
    >>> dt = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])
    >>> rows = [(b"MSFT_profit", 10, 6.2), (b"GOOG_profit", 12, -1.08), (b"MSFT_profit", 18, 8.4)]
    >>> np.array(rows, dt).tofile(path)
    >>> db = binmap.open(path, "type Tick = {name: bytes[12], time: i64, value: f32}; records: Tick[..]")
    >>> [(x["path"], x["offset"], x["size"]) for x in db.info()]
    [('records', 0, 72), ('records[*].name', 0, 12), ('records[*].time', 12, 8), ('records[*].value', 20, 4)]
    >>> db.select(where='name == "MSFT_profit"')["time"].tolist()
    [10, 18]
    >>> db.where("value < 0").tolist()
    [1]
    >>> db.stats("value", by="name", as_frame=False)[1]["sum"]
    14.59999942779541
    >>> db.to_arrow("records").column("name").to_pylist()
    ['MSFT_profit', 'GOOG_profit', 'MSFT_profit']
    >>> db.values("records.value")          # as `binmap show -f json` prints them
    [6.2, -1.08, 8.4]
    """

    def __init__(self, native: "_native.File") -> None:
        self._native = native
        self._memory: Optional[np.ndarray] = None

    # -- the map -----------------------------------------------------------

    @property
    def name(self) -> str:
        """The file's path."""
        return self._native.name

    @property
    def mode(self) -> str:
        """The mode: ``r``, ``r+``, ``c`` or ``w+``."""
        return self._native.mode

    @property
    def layout(self) -> str:
        """The layout text."""
        return self._native.layout_text

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return not self._native.is_open

    def memory(self) -> np.ndarray:
        """The whole file as a uint8 array over the map (read-only in mode r)."""
        if self._memory is None or self.closed:
            if self.closed:
                raise UsageError("the file is closed")
            self._memory = np.asarray(_Memory(self._native.buffer()))
        return self._memory

    def close(self) -> None:
        """Close the file. Arrays already made keep the map alive (and
        writable in r+) until they are gone, as with ``np.memmap``."""
        self._native.close()
        self._memory = None

    def flush(self) -> None:
        """Write changes made in r+ or w+ to the file (``msync``)."""
        self._native.buffer().flush()

    def refresh(self) -> None:
        """Resolve the layout again: needed after writing a size field
        through a numpy view (``f.set`` and ``f[path] = v`` do it themselves)."""
        self._native.refresh()

    def __enter__(self) -> "File":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"mode {self.mode!r}"
        return f"<binmap.File {self._name_or()!r} {state}>"

    def _name_or(self) -> str:
        try:
            return self.name
        except Error:
            return "?"

    # -- reading -----------------------------------------------------------

    def _path(self, key: Any) -> str:
        if key is Ellipsis:
            main = self._native.main_table()
            if main is None:
                return ""
            return main
        if not isinstance(key, str):
            raise UsageError(f"a path is a string like 'records.value', not {key!r}")
        return key

    def view(self, path: Any) -> Optional[np.ndarray]:
        """The numpy view of ``path`` over the map, or ``None`` when numpy
        cannot express its bytes (then use :meth:`values`). A single value
        is a 0-d array (writable in r+)."""
        v = self._native.view(self._path(path))
        if v is None:
            return None
        return self._make(v)

    def _make(self, v: Tuple[int, List[int], List[int], str, bool]) -> np.ndarray:
        offset, shape, strides, descr, bf16 = v
        dt = _np_dtype(descr)
        if 0 in shape:
            # No element: numpy refuses strides past an empty buffer's end.
            return np.ndarray(tuple(shape), dtype=dt, buffer=self.memory(), offset=0)
        return np.ndarray(
            tuple(shape), dtype=dt, buffer=self.memory(), offset=offset, strides=tuple(strides)
        )

    def values(self, path: Any = "", rows: Rows = None) -> Any:
        """``path`` decoded into Python objects exactly as ``binmap show -f
        json`` prints it (the whole file by default): dicts for structs,
        lists for arrays, ``{"hex": ...}`` for bytes that are not UTF-8,
        ``{"real":, "imag":}`` for complex numbers."""
        return _json.loads(self._native.json(self._path(path), _rows_text(rows)))

    def __getitem__(self, path: Any) -> Any:
        p = self._path(path)
        v = self._native.view(p)
        if v is None:
            return self.values(p)
        arr = self._make(v)
        if v[4]:
            # numpy has no bfloat16: float32 values (a copy), exact.
            arr = _bf16_to_f32(arr)
        if arr.ndim == 0 and arr.dtype.names is None:
            return arr[()]
        return arr

    def __setitem__(self, path: Any, value: Any) -> None:
        p = self._path(path)
        v = self._native.view(p)
        if v is not None and not v[4]:
            arr = self.view(p)
            assert arr is not None
            if arr.flags.writeable is False:
                raise UsageError(
                    f"{self.name} is open read-only (mode {self.mode}): "
                    "open it with mode='r+' (or 'c') to write"
                )
            arr[...] = value
            if arr.ndim == 0:
                # A size field may have changed.
                self._native.refresh()
            return
        self.set(**{p: value})

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        try:
            self._native.view(path)
            return True
        except UsageError:
            return False

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def check_unchanged(self) -> None:
        """Raise :class:`InputError` if another process changed the file
        (its size or modification time) since it was opened: what was read
        may then mix old and new bytes (the CLI checks this after a scan)."""
        self._native.check_unchanged()

    def keys(self) -> List[str]:
        """The top-level field names."""
        return [f["path"] for f in self.info() if "." not in f["path"] and "[" not in f["path"]]

    def set(self, *assignments: str, **values: Any) -> None:
        """Assign values as ``binmap set`` does, every value checked before
        the first byte changes: ``f.set("data[0,1]=42")`` or
        ``f.set(**{"records[0].value": 1.5})``. Needs mode r+, c or w+."""
        items = list(assignments)
        for k, val in values.items():
            if isinstance(val, (float, np.floating)):
                val = repr(float(val))
            elif isinstance(val, bytes):
                val = val.decode("utf-8", "surrogateescape")
            items.append(f"{k}={val}")
        self._native.set(items)

    # -- the map, statistics, queries -----------------------------------

    def info(self, as_frame: bool = False) -> Any:
        """The map: one dict per field and array (``path``, ``offset``,
        ``size``, ``type``, ``shape``, ``count``), as ``binmap info -f json``
        lists them; a pandas DataFrame with ``as_frame=True``.
        :meth:`info_dict` gives the whole document (file size, holes)."""
        fields = self.info_dict()["fields"]
        if as_frame:
            import pandas as pd

            return pd.DataFrame(fields)
        return fields

    def undescribed(self) -> List[Tuple[int, int]]:
        """The byte ranges ``(start, end)`` of the file that no field
        describes (what the CLI reports on stderr, and refuses with
        ``--strict``)."""
        return [tuple(r) for r in self._native.undescribed()]  # type: ignore[misc]

    def info_dict(self) -> Dict[str, Any]:
        """``binmap info -f json`` as a dict."""
        return _json.loads(self._native.info_json())

    def stats(
        self,
        columns: Union[None, str, Sequence[str]] = None,
        by: Optional[str] = None,
        where: Optional[str] = None,
        rows: Rows = None,
        as_frame: bool = True,
    ) -> Any:
        """Count, nan, min, max, mean, std and sum of numeric columns (default:
        every numeric field of the main table), over the rows where ``where``
        holds, one row per group of ``by``: the engine of ``binmap stats``.
        A pandas DataFrame (or the list of dicts with ``as_frame=False``)."""
        if isinstance(columns, str):
            columns = [columns]
        text = self._native.stats_json(list(columns or []), where, by, _rows_text(rows))
        out = _json.loads(text)
        if not as_frame:
            return out
        import pandas as pd

        return pd.DataFrame(out)

    def where(self, condition: str, path: Optional[str] = None, rows: Rows = None) -> np.ndarray:
        """The row numbers (int64) of the table at ``path`` (default: the
        main table) where ``condition`` holds (``binmap``'s ``--where``)."""
        raw = self._native.matching(condition, path, _rows_text(rows))
        return np.frombuffer(raw, dtype="<u8").astype(np.int64)

    def select(
        self,
        where: str,
        path: Optional[str] = None,
        fields: Optional[Sequence[str]] = None,
        rows: Rows = None,
        as_arrow: bool = False,
    ) -> Any:
        """The records of the table at ``path`` (default: the main table)
        where ``where`` holds: a numpy structured array (a copy), a
        ``pyarrow.Table`` with ``as_arrow=True``, or a list of decoded
        records when numpy cannot express them."""
        ids = self.where(where, path, rows)
        p = path if path is not None else self._native.main_table() or ""
        if as_arrow:
            table = self.to_arrow(p).take(ids)
            return table.select(list(fields)) if fields else table
        arr = self.view(p)
        if arr is None:
            all_rows = self.values(p)
            picked = [all_rows[i] for i in ids]
            if fields:
                picked = [{k: r[k] for k in fields} for r in picked]
            return picked
        out = arr[ids]
        if fields:
            out = out[list(fields)]
        return out

    # -- Arrow, pandas ------------------------------------------------------

    def to_arrow(
        self, path: Optional[str] = None, rows: Rows = None, batch_rows: Optional[int] = None
    ) -> Any:
        """The table at ``path`` (default: the main table) as a
        ``pyarrow.Table``, built from the map on all cores as ``binmap
        convert`` builds it (bytes columns are strings when every value is
        UTF-8, else binary)."""
        return self.to_arrow_reader(path, rows, batch_rows, _eager=True).read_all()

    def to_arrow_reader(
        self,
        path: Optional[str] = None,
        rows: Rows = None,
        batch_rows: Optional[int] = None,
        _eager: bool = False,
    ) -> Any:
        """A ``pyarrow.RecordBatchReader`` over the table at ``path``: each
        batch of ``batch_rows`` rows is built when it is read, so DuckDB or
        Polars can scan a file bigger than memory. The reader keeps the map
        alive."""
        import pyarrow as pa

        stream = self._native.arrow_stream(path, _rows_text(rows), batch_rows, _eager)
        reader = pa.RecordBatchReader._import_from_c(stream.address)
        return reader

    def to_pandas(self, path: Optional[str] = None, rows: Rows = None) -> Any:
        """The table at ``path`` as a pandas DataFrame (through Arrow)."""
        return self.to_arrow(path, rows).to_pandas()

    def __len__(self) -> int:
        main = self._native.main_table()
        if main is None:
            return 1
        shape = self._native.table_shape(main)
        return 0 if shape is None else int(shape[0])


def open(
    path: PathLike,
    layout: Optional[PathLike] = None,
    mode: str = "r",
    size: Optional[int] = None,
    values: Any = None,
    in_memory: bool = False,
) -> File:
    """Open ``path`` with ``layout`` (the layout text, or the path of a
    ``.bml`` file; ``None`` for a ``.npy`` file) in one of numpy's modes:

    - ``"r"``: read-only map; arrays are read-only.
    - ``"r+"``: read-write map; writes through arrays change the file.
    - ``"c"``: copy-on-write; arrays are writable, the file never changes.
    - ``"w+"``: create the file: from ``values`` (packed as :func:`pack`
      does, sizes derived) or as ``size`` zero bytes, then map it read-write.

    ``in_memory=True`` reads the file instead of mapping it (mode r only):
    for files another process may truncate while they are read (a mapped
    file that shrinks kills the process with SIGBUS, as with ``np.memmap``).

    >>> import binmap, numpy as np, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "db.dat")
    >>> dt = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])
    >>> np.array([(b"MSFT", 10, 6.2), (b"GOOG", 12, -1.08)], dt).tofile(path)
    >>> db = binmap.open(path, "records: {name: bytes[12], time: i64, value: f32}[..]", mode="r+")
    >>> db["records"].dtype == dt
    True
    >>> db["records.value"][0] = 1.5          # writes through to the file
    >>> float(np.fromfile(path, dt)["value"][0])
    1.5
    >>> db.values("records.name")             # decoded as ``binmap show -f json``
    ['MSFT', 'GOOG']
    """
    layout_s = None if layout is None else os.fspath(layout)
    if mode == "w+" and values is not None:
        if layout_s is None:
            raise UsageError("mode w+ with values needs a layout")
        pack(layout_s, values, path)
        mode = "r+"
    elif values is not None:
        raise UsageError("values are only for mode w+")
    if in_memory and mode != "r":
        raise UsageError("in_memory is for mode r")
    return File(_native.open(os.fspath(path), layout_s, mode, size, in_memory))


# -- pack -------------------------------------------------------------------


def _bytes_json(b: bytes) -> Any:
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return {"hex": b.hex()}


def _plain(v: Any) -> Any:
    """Python and numpy values as the JSON shapes ``binmap show`` prints."""
    if isinstance(v, np.ndarray):
        if v.dtype.names is not None:
            names = v.dtype.names
            return _records(v.tolist(), names, v.dtype)
        return _plain(v.tolist())
    if isinstance(v, np.void) and v.dtype.names is not None:
        return _records([v.item()], v.dtype.names, v.dtype)[0]
    if isinstance(v, np.generic):
        return _plain(v.item())
    if isinstance(v, (bytes, bytearray, memoryview)):
        return _bytes_json(bytes(v))
    if isinstance(v, complex):
        return {"real": v.real, "imag": v.imag}
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _records(items: List[Any], names: Sequence[str], dt: np.dtype) -> List[Any]:
    """tolist() output of a structured array (tuples) as lists of dicts."""
    subs = [dt.fields[n][0] for n in names]

    def one(x: Any, sub: np.dtype) -> Any:
        if sub.names is not None:
            if isinstance(x, list):
                return [one(y, sub) for y in x]
            return {n: one(y, sub.fields[n][0]) for n, y in zip(sub.names, x)}
        if sub.subdtype is not None and sub.subdtype[0].names is not None:
            base = sub.subdtype[0]
            return _nested(x, lambda y: one(y, base))
        return _plain(x)

    return [{n: one(x, s) for n, x, s in zip(names, t, subs)} for t in items]


def _nested(x: Any, f: Any) -> Any:
    if isinstance(x, list):
        return [_nested(y, f) for y in x]
    return f(x)


def pack(
    layout: PathLike,
    values: Any,
    out: Optional[PathLike] = None,
    onto: Optional[PathLike] = None,
) -> Optional[bytes]:
    """Build a file from ``values`` (a dict of top-level fields; numpy
    arrays, structured ones included, Python objects, or the JSON text that
    ``binmap show -f json`` prints), as ``binmap pack`` does: size fields
    left out are derived from the data, every value is checked, and ``out``
    is written atomically (nothing is written on an error). Without ``out``
    the bytes are returned. ``onto`` keeps an original file's bytes wherever
    ``values`` set none.

    >>> import binmap
    >>> binmap.pack("n: u8; v: i16[n]", {"v": [1, -1]})
    b'\\x02\\x01\\x00\\xff\\xff'
    """
    text = values if isinstance(values, str) else _json.dumps(_plain(values))
    return _native.pack(
        os.fspath(layout),
        text,
        None if out is None else os.fspath(out),
        None if onto is None else os.fspath(onto),
    )


# -- dtypes -----------------------------------------------------------------


def dtype(layout: PathLike, path: Optional[str] = None) -> np.dtype:
    """The numpy dtype of a fixed-size layout (its top-level fields as a
    structured dtype), of the elements of the field at ``path``, or of a type
    (``"{x: f64, y: f64}"``, ``"f32be[3]"``).

    >>> import binmap
    >>> binmap.dtype("type Tick = {name: bytes[12], time: i64, value: f32}; records: Tick[..]", "records")
    dtype([('name', 'S12'), ('time', '<i8'), ('value', '<f4')])
    >>> binmap.dtype("{x: f64be, y: u16}")
    dtype([('x', '>f8'), ('y', '<u2')])
    """
    return _np_dtype(_native.dtype_descr(os.fspath(layout), path))


def _descr_text(dt: np.dtype) -> str:
    if dt.names is not None:
        return str(dt.descr)
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        return f"({_descr_text(base)!r}, {tuple(shape)!r})"
    return dt.str


def layout_from_dtype(dt: Any) -> str:
    """The layout of a file of records of numpy dtype ``dt`` (what
    ``np.fromfile(path, dt)`` reads), as ``binmap layout --from-dtype``
    prints it: ``open(path, layout_from_dtype(dt))[...]`` equals
    ``np.fromfile(path, dt)``.

    >>> import binmap
    >>> print(binmap.layout_from_dtype([("t", "<i8"), ("v", ">f4", (2,))]), end="")
    type Record = { t: i64, v: f32be[2] }
    records: Record[..]
    """
    return _native.layout_from_descr(_descr_text(np.dtype(dt)))
