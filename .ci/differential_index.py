#!/usr/bin/env python3
"""Live randomized differential test of numpy's basic indexing in binmap's
paths, and of `binmap set`'s broadcasting, against numpy itself.

    python3 .ci/differential_index.py [--seed S] [--cases N] [--only I] [--keep DIR] [--binmap PATH]

Each case i (its generator seeded with (S, i), so one case reruns alone with
--only i) writes a random array with numpy: an N-D array (1 to 3 dimensions,
some of length 0 or 1) of a random integer or float type in either byte
order after its dimensions as u32 fields, or a 1-D array of records with a
scalar field and a sub-array field after a u32 count. Then, for a few
random paths (chains of random index tuples: integers in and out of range,
negative ones, slices with any of start/stop/step, negative steps, step 0,
field projections, and indexes written as expressions over the dimension
fields, like `a[d0 - 1]`), it compares:

1. `binmap show FILE -l L PATH -f json` with numpy's `arr[...]` of the same
   indexes: the same shape and every value exactly (read back at the
   array's own type); where numpy raises IndexError or ValueError, binmap
   must fail (exit 2) with the matching message ("out of range", "too many
   indices", "slice step cannot be zero").
2. `binmap set FILE -l L PATH=V` for a scalar V on a selection numpy can
   assign: the file's bytes must be numpy's after `arr[...] = V`.

The last line is `N passed, M failed`; the exit status is non-zero on any
mismatch, and each failure names the command that reproduces it. The
binary: --binmap, else $BINMAP, else target/release/binmap.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

INT_TYPES = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]
FLOAT_TYPES = ["f4", "f8"]


def binmap_type(code: str, order: str) -> str:
    """binmap's name of numpy's type `code` (like 'i4') in byte order `order`."""
    kind, size = code[0], int(code[1:])
    name = {"i": "i", "u": "u", "f": "f"}[kind] + str(size * 8)
    return name + ("be" if order == ">" and size > 1 else "")


def rand_index(rng: random.Random, length: int) -> int:
    """An integer index, usually in range, sometimes out of it."""
    r = rng.random()
    if r < 0.1:
        return length + rng.randint(0, 2)
    if r < 0.2:
        return -length - rng.randint(1, 2)
    if length == 0:
        return rng.randint(-1, 1)
    return rng.randint(-length, length - 1)


def rand_slice(rng: random.Random, length: int) -> tuple[str, slice]:
    """A slice as text and as Python's slice."""

    def bound() -> int | None:
        if rng.random() < 0.35:
            return None
        return rng.randint(-length - 3, length + 3)

    start, stop = bound(), bound()
    r = rng.random()
    step: int | None
    if r < 0.4:
        step = None
    elif r < 0.43:
        step = 0
    else:
        step = rng.choice([1, 2, 3, 7, -1, -2, -3])
    text = ("" if start is None else str(start)) + ":" + ("" if stop is None else str(stop))
    if step is not None or rng.random() < 0.2:
        text += ":" + ("" if step is None else str(step))
    return text, slice(start, stop, step)


def rand_tuple(
    rng: random.Random, shape: tuple[int, ...], dims: list[str] | None
) -> tuple[str, tuple[Any, ...]]:
    """An index tuple for an array of `shape`: text and numpy's index.
    `dims` names fields holding the lengths (for expressions)."""
    n = rng.randint(1, max(1, len(shape) + (1 if rng.random() < 0.1 else 0)))
    texts, idx = [], []
    for k in range(n):
        length = shape[k] if k < len(shape) else 1
        if rng.random() < 0.45:
            i = rand_index(rng, length)
            text = str(i)
            if dims is not None and k < len(dims) and rng.random() < 0.3:
                # The same index as an expression over the dimension field.
                text = f"{dims[k]} - {length - i}" if i >= 0 else f"({dims[k]} + {i}) - {dims[k]}"
            texts.append(text)
            idx.append(i)
        else:
            text, s = rand_slice(rng, length)
            texts.append(text)
            idx.append(s)
    sep = rng.choice([",", ", "])
    return "[" + sep.join(texts) + "]", tuple(idx)


def numpy_of(arr: np.ndarray, steps: list[tuple[str, Any]]) -> np.ndarray | BaseException:
    """numpy's result of the steps (('i', tuple) or ('f', field)), or its exception."""
    cur: Any = arr
    try:
        for kind, what in steps:
            cur = cur[what]
    except (IndexError, ValueError) as e:
        return e
    return np.asarray(cur)


def expected_error(e: BaseException) -> str:
    text = str(e)
    if "step cannot be zero" in text:
        return "slice step cannot be zero"
    if "too many indices" in text or "invalid index to scalar" in text:
        return "too many indices"
    return "out of range"


def to_doc(x: np.ndarray) -> Any:
    """A structured array as binmap's JSON shows it: records as objects."""
    if x.ndim > 0:
        return [to_doc(e) for e in x]
    assert x.dtype.names is not None
    return {n: np.asarray(x[n]).tolist() for n in x.dtype.names}


def same(a: np.ndarray, doc: Any) -> bool:
    """True when binmap's JSON `doc` is `a`: its shape and values."""
    if a.dtype.names is not None:
        return bool(to_doc(a) == doc)
    try:
        b = np.array(doc, dtype=a.dtype)
    except (ValueError, OverflowError):
        return False
    if b.shape != a.shape:
        # An empty list of lists keeps no inner shape in JSON.
        return a.size == 0 and b.size == 0 and b.shape == a.shape[: b.ndim]
    return a.tobytes() == b.astype(a.dtype).tobytes()


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def make_case(rng: random.Random, folder: Path) -> tuple[str, np.ndarray, str, int, list[str] | None, bool]:
    """Write one random file: (path, array, layout, data offset, dimension fields, records?)."""
    order = rng.choice(["<", ">"])
    if rng.random() < 0.3:
        n = rng.choice([0, 1, 2, 5, 17, 40])
        code = rng.choice(INT_TYPES)
        dt = np.dtype([("a", "<i4"), ("b", order + "f8"), ("v", order + code, (3,))])
        arr = np.zeros(n, dtype=dt)
        arr["a"] = np.arange(n) * 3 - 7
        arr["b"] = np.arange(n) / 4 - 1
        info = np.iinfo(dt["v"].base)
        arr["v"] = np.array([[rng.randint(int(info.min), int(info.max)) for _ in range(3)] for _ in range(n)]).reshape(n, 3)
        layout = f"n: u32\nr: {{ a: i32, b: {binmap_type('f8', order)}, v: {binmap_type(code, order)}[3] }}[n]"
        head = np.uint32(n).tobytes()
        path = folder / "records.bin"
        path.write_bytes(head + arr.tobytes())
        return str(path), arr, layout, len(head), ["n"], True
    ndim = rng.randint(1, 3)
    shape = tuple(rng.choice([0, 1, 2, 3, 4, 5, 7]) if rng.random() < 0.15 else rng.randint(1, 7) for _ in range(ndim))
    code = rng.choice(INT_TYPES + FLOAT_TYPES)
    dt = np.dtype(order + code)
    count = int(np.prod(shape))
    if code[0] == "f":
        arr = (np.arange(count, dtype="f8") * 1.25 - 3).astype(dt).reshape(shape)
    else:
        info = np.iinfo(dt)
        arr = np.array([rng.randint(int(info.min), int(info.max)) for _ in range(count)], dtype=dt).reshape(shape)
    dims = [f"d{k}" for k in range(ndim)]
    layout = "\n".join(f"{d}: u32" for d in dims) + f"\na: {binmap_type(code, order)}[{', '.join(dims)}]"
    head = b"".join(np.uint32(d).tobytes() for d in shape)
    path = folder / "array.bin"
    path.write_bytes(head + arr.tobytes())
    return str(path), arr, layout, len(head), dims, False


def rand_path(rng: random.Random, arr: np.ndarray, dims: list[str] | None, records: bool) -> tuple[str, list[tuple[str, Any]]]:
    """A random path and numpy's steps for it."""
    name = "r" if records else "a"
    text, steps = name, []
    shape = arr.shape
    fielded = False
    for _ in range(rng.randint(1, 2)):
        if records and not fielded and rng.random() < 0.5:
            field = rng.choice(["a", "b", "v"])
            text += "." + field
            steps.append(("f", field))
            fielded = True
            cur = numpy_of(arr, steps)
            if isinstance(cur, BaseException):
                break
            shape = cur.shape
        t, idx = rand_tuple(rng, shape, dims if not steps else None)
        text += t
        steps.append(("i", idx))
        cur = numpy_of(arr, steps)
        if isinstance(cur, BaseException):
            break
        shape = cur.shape
    return text, steps


def check(case: int, seed: int, binmap: str, keep: Path | None) -> list[str]:
    rng = random.Random(f"{seed}-{case}")
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep / str(case) if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path, arr, layout, offset, dims, records = make_case(rng, folder)
        for _ in range(6):
            text, steps = rand_path(rng, arr, dims, records)
            want = numpy_of(arr, steps)
            cmd = [binmap, "show", path, "-l", layout, text, "-f", "json"]
            r = run(cmd)
            where = f"case {case}: {shlex.join(cmd)}"
            if isinstance(want, BaseException):
                if r.returncode != 2 or expected_error(want) not in r.stderr:
                    failures.append(f"{where}: numpy raised {want!r}; binmap exited {r.returncode}: {r.stdout[:200]}{r.stderr}")
                continue
            if r.returncode != 0:
                failures.append(f"{where}: exited {r.returncode}: {r.stderr}")
                continue
            if not same(want, json.loads(r.stdout)):
                failures.append(f"{where}: numpy {want.tolist()!r}, binmap {r.stdout.strip()[:300]}")
                continue
            # set: a scalar to the same selection, unless it is a struct.
            if want.dtype.names is not None or want.size == 0:
                continue
            value = rng.choice([0, 1, 5, 100]) if want.dtype.kind in "iu" else rng.choice([0.5, -2.25, 8.0])
            expect = arr.copy()
            target: Any = expect
            for kind, what in steps[:-1]:
                target = target[what]
            target[steps[-1][1]] = value
            copy = folder / "set.bin"
            copy.write_bytes(Path(path).read_bytes())
            cmd = [binmap, "set", str(copy), "-l", layout, f"{text}={value}"]
            r = run(cmd)
            got = copy.read_bytes()[offset:]
            if r.returncode != 0 or got != expect.tobytes():
                failures.append(f"case {case}: {shlex.join(cmd)}: exited {r.returncode} {r.stderr.strip()}; the bytes differ from numpy's")
    return failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--only", type=int, default=None)
    ap.add_argument("--keep", type=Path, default=None)
    ap.add_argument("--binmap", default=os.environ.get("BINMAP", "target/release/binmap"))
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(2**32)
    print(f"seed {seed}")
    cases = [a.only] if a.only is not None else list(range(a.cases))
    passed = failed = 0
    for c in cases:
        fails = check(c, seed, a.binmap, a.keep)
        for f in fails:
            print("FAIL", f, f"(rerun: --seed {seed} --only {c})")
        failed += bool(fails)
        passed += not fails
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
