"""Fixtures shared by the day-record tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builders import EXAMPLES


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    """A copy of the example articles (no feed), to change."""
    into = tmp_path / "in"
    shutil.copytree(EXAMPLES, into, ignore=shutil.ignore_patterns("*.xml"))
    return into
