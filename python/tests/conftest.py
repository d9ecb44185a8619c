"""Shared paths: the repository's examples and the CLI's fixture cases."""

from __future__ import annotations

import os
import pathlib
import shutil
from typing import Optional

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
CASES = REPO / "crates" / "binmap-cli" / "tests" / "fixtures" / "cases"


def cli() -> Optional[str]:
    """The `binmap` binary: $BINMAP, else target/release/binmap, else None."""
    b = os.environ.get("BINMAP") or str(REPO / "target" / "release" / "binmap")
    return b if os.path.exists(b) else None


@pytest.fixture
def copy(tmp_path: pathlib.Path):
    """A copy of an example file in a temporary folder."""

    def make(name: str, as_name: Optional[str] = None) -> pathlib.Path:
        dst = tmp_path / (as_name or name)
        shutil.copyfile(EXAMPLES / name, dst)
        return dst

    return make
