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


# --- issue 13: a corrupt cache file ------------------------------------------------------------


def test_brief_with_a_cache_that_is_not_sqlite_moves_it_aside(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "briefings.sqlite3"
    path.parent.mkdir()
    path.write_text("not a database " * 100)
    result = invoke("brief", EXAMPLES / "01-wire-geneva-talks.txt", "--json", "--backend", "fake")
    assert result.exit_code == 0, result.output
    [aside] = path.parent.glob("briefings.sqlite3.corrupt-*")
    assert result.stderr == (
        f"warning: the briefing cache {path} is corrupt (file is not a database); moved it to "
        f"{aside} and started an empty one — delete {aside.name} when you like\n"
    )
    assert json.loads(invoke("cache", "stats", "--json").stdout)["entries"] == 1


def test_cache_clear_works_on_a_corrupt_cache(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "briefings.sqlite3"
    path.parent.mkdir()
    path.write_text("not a database " * 100)
    result = invoke("cache", "clear")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"warning: the briefing cache {path} is corrupt (file is not a database); deleted it\n"
    )
    assert result.stdout == f"removed 0 cached briefings from {path}\n"
    assert json.loads(invoke("cache", "stats", "--json").stdout)["entries"] == 0


def test_brief_with_a_damaged_cache_page(tmp_path: Path) -> None:
    import os
    import sqlite3

    from builders import briefing

    from summarizer.service.cache import Cache

    path = tmp_path / "cache" / "briefings.sqlite3"
    with Cache(path) as cache:
        for i in range(200):
            cache.put(f"k{i:03d}", briefing(summary=f"{i} " + "filler " * 400))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with path.open("r+b") as f:
        for page in range(2, 200, 3):
            f.seek(page * 4096)
            f.write(os.urandom(4096))
    result = invoke("brief", EXAMPLES / "01-wire-geneva-talks.txt", "--json", "--backend", "fake")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"warning: the briefing cache {path} is corrupt (")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
