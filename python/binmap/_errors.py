"""The exceptions binmap raises: the CLI's messages, with the path and offset
they name as attributes."""

from __future__ import annotations

import re
from typing import Optional, Sequence

_OFFSET = re.compile(r"\bat offset (0x[0-9a-fA-F]+|\d+)")
_PATH = re.compile(r"^(?:in )?([A-Za-z_][\w.]*(?:\[[^\]]*\][\w.]*)*)(?::| at offset|\s*=)")


class Error(Exception):
    """Any binmap error.

    Attributes:
        message: the whole message, as ``binmap`` prints it after ``error:``
            (location notes and the bytes around the offset included).
        summary: its first line.
        notes: the location lines (``data: f64[rows, cols] at offset 0x8 ...``).
        path: the field the error is about (``data``), when it names one.
        offset: the file offset the error is about, when it names one.
    """

    def __init__(
        self,
        message: str,
        summary: Optional[str] = None,
        notes: Sequence[str] = (),
        offset: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        self.summary: str = summary if summary is not None else message.split("\n", 1)[0]
        self.notes: list[str] = list(notes)
        self.path: Optional[str] = None
        for n in self.notes:
            m = _PATH.match(n)
            if m:
                self.path = m.group(1)
                break
        if offset is None:
            for text in [self.summary, *self.notes]:
                m = _OFFSET.search(text)
                if m:
                    offset = int(m.group(1), 0)
                    break
        self.offset: Optional[int] = offset


class LayoutError(Error, ValueError):
    """The layout text does not parse or does not make sense."""


class DataError(Error, ValueError):
    """The file's bytes do not fit the layout (too short, a failed ``==``
    check, a bool that is 7, invalid UTF-8...)."""


class InputError(Error, ValueError):
    """A value given to ``pack`` or ``set`` is wrong."""


class UsageError(Error, ValueError):
    """A wrong argument: an unknown path, a bad row range, a wrong mode."""


class FileError(Error, OSError):
    """The operating system refused (open, map, write)."""
