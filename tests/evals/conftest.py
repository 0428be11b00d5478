"""Fixtures for the eval tests: small inline gold cases."""

from __future__ import annotations

import pytest
from gold_builders import Gold


@pytest.fixture
def gold() -> type[Gold]:
    """The gold-case builders."""
    return Gold
