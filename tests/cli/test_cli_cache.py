"""`summarizer cache stats` and `cache clear` after a daily run has filled the cache."""

from __future__ import annotations

import json
from pathlib import Path

from builders import EXAMPLES, invoke, openai_at

from summarizer.testing.server import FakeOpenAIServer


def test_cache_commands(examples_server: FakeOpenAIServer, tmp_path: Path) -> None:
    daily = ["daily", EXAMPLES, "--date", "2025-03-14", "--out", tmp_path]
    assert invoke(*daily, *openai_at(examples_server)).exit_code == 0
    stats = json.loads(invoke("cache", "stats", "--json").stdout)
    assert stats["entries"] == 5 and stats["misses"] == 5 and stats["hits"] == 0
    assert "removed 5" in invoke("cache", "clear").stdout
    assert json.loads(invoke("cache", "stats", "--json").stdout)["entries"] == 0
