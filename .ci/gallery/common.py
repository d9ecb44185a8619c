"""Helpers shared by the gallery's checks: value comparison with paths, and binmap's JSON bytes."""

import math


def raw(v):
    """The bytes of a JSON value binmap printed for bytes/utf8/u8 arrays: text, {"hex": ...} or a list of ints."""
    if isinstance(v, str):
        return v.encode("utf-8")
    if isinstance(v, dict) and "hex" in v:
        return bytes.fromhex(v["hex"])
    if isinstance(v, list):
        return bytes(v)
    raise TypeError(f"not bytes: {v!r}")


class Compare:
    """Counts and checks decoded values against the reader's; a mismatch names the file and the path."""

    def __init__(self, where):
        self.where = where
        self.count = 0

    def eq(self, path, got, want):
        """binmap's value `got` at `path` must equal the reader's `want` (floats bit-exact, NaN equal to NaN)."""
        self.count += 1
        same = got == want
        if not same and isinstance(got, float) and isinstance(want, float):
            same = math.isnan(got) and math.isnan(want)
        if not same:
            raise AssertionError(f"{self.where}: {path}: binmap decoded {got!r}, the reader says {want!r}")

    def bytes(self, path, got, want):
        """A bytes-like field: binmap's JSON form against the reader's bytes."""
        self.eq(path, raw(got), bytes(want))

    def seq(self, path, got, want):
        """Two sequences, element by element (lengths first)."""
        got, want = list(got), list(want)
        self.eq(f"{path} (length)", len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want)):
            self.eq(f"{path}[{i}]", g, w)


def pcm(frames, width, byteorder, signed=True):
    """Samples of `width` bytes each from PCM bytes, as integers (Python's int.from_bytes: any width, 24-bit too)."""
    return [int.from_bytes(frames[k:k + width], byteorder, signed=signed) for k in range(0, len(frames), width)]
