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


def readme_python_blocks() -> list:
    """The ```python blocks of the README's Python section."""
    import pathlib
    import re

    from conftest import REPO

    text = (REPO / "README.md").read_text()
    section = text.split("## Python: `import binmap`", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_readme_python_section_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's tutorial in a few lines runs as written (from the
    repository's root, where its example paths are) and gives the tutorial's
    arrays: the header and matrix, the record array, t, x, y, z."""
    import numpy as np

    from conftest import REPO

    blocks = readme_python_blocks()
    assert blocks, "no python block in the README's Python section"
    monkeypatch.chdir(REPO)
    ex = REPO / "examples"
    db_before = (ex / "db.dat").read_bytes()
    ns: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), ns)
    header = np.fromfile(ex / "data.bin", "<i4", count=2)
    assert (ns["f"]["rows"], ns["f"]["cols"]) == tuple(header)
    assert ns["a"].shape == tuple(header)
    assert ns["a"].tobytes() == (ex / "data.bin").read_bytes()[8:]
    rec = np.fromfile(ex / "db.dat", [("name", "S12"), ("time", "<i8"), ("value", "<f4")])
    assert ns["db"]["records"].dtype == rec.dtype
    assert ns["db"]["records.value"][0] == 1.5  # mode "c": in memory only
    assert (ex / "db.dat").read_bytes() == db_before
    log = np.fromfile(ex / "flight_log.b", "<f8", offset=4).reshape(-1, 4)
    for k, name in enumerate("txyz"):
        assert ns[name].tolist() == log[:, k].tolist()
