"""The docstrings' examples run as doctests, and help() is enough to start."""

from __future__ import annotations

import doctest
import pydoc

import pytest

import binmap


@pytest.mark.parametrize("module", ["binmap", "binmap.dask"])
def test_doctests(module: str) -> None:
    import importlib

    m = importlib.import_module(module)
    result = doctest.testmod(m, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_help_open_says_how() -> None:
    text = pydoc.render_doc(binmap.open)
    for word in ("r+", "copy-on-write", "w+", ".bml", "layout"):
        assert word in text


def test_stubs_cover_the_public_api() -> None:
    import pathlib

    stub = (pathlib.Path(binmap.__file__).parent / "__init__.pyi").read_text()
    for name in binmap.__all__:
        assert name in stub, name
