"""`summarizer.service.cache`: the SQLite briefing cache, its key and its folder."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from builders import briefing

from summarizer.errors import ConfigError
from summarizer.schema import Briefing
from summarizer.service.cache import Cache, cache_dir, cache_key

FP = {"backend": "openai", "model": "gpt-4o-mini", "mode": "tools", "temperature": 0.0}


def _key(
    text: str = "article text",
    published: dt.date = dt.date(2025, 3, 14),
    fingerprint: dict[str, object] = FP,
    strategy: str = "whole-identity",
) -> str:
    return cache_key(text, published=published, fingerprint=fingerprint, strategy=strategy)


def test_key_changes_with_everything_that_changes_the_answer() -> None:
    base = _key()
    assert base == _key()
    variants = [
        _key(text="other text"),
        _key(published=dt.date(2025, 3, 15)),
        _key(fingerprint={**FP, "model": "gpt-4o"}),
        _key(fingerprint={**FP, "temperature": 0.7}),
        _key(strategy="staged-identity"),
    ]
    assert base not in variants and len(set(variants)) == len(variants)


def test_cache_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    with Cache() as cache:
        assert cache.path == tmp_path / "c" / "briefings.sqlite3"


def test_roundtrip_and_stats(tmp_path: Path) -> None:
    with Cache(tmp_path / "c.db") as cache:
        assert cache.get("k") is None
        cache.put("k", briefing())
        assert cache.get("k") == briefing()
        stats = cache.stats()
        assert (stats.entries, stats.hits, stats.misses) == (1, 1, 1)
        assert stats.size_bytes > 0
        assert cache.clear() == 1
        assert (cache.stats().entries, cache.stats().hits) == (0, 0)


def test_entries_survive_reopening_and_use_wal(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with Cache(path) as cache:
        cache.put("k", briefing())
    with Cache(path) as cache:
        assert cache.get("k") is not None
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_stale_value_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with Cache(path) as cache:
        cache.put("k", briefing())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE briefings SET value = '{\"old\": true}'")
    with Cache(path) as cache:
        assert cache.get("k") is None
        assert cache.stats().misses == 1


def test_concurrent_async_use(tmp_path: Path) -> None:
    async def go(cache: Cache) -> list[Briefing | None]:
        await asyncio.gather(*(cache.aput(f"k{i}", briefing(summary=f"s{i}")) for i in range(20)))
        return await asyncio.gather(*(cache.aget(f"k{i}") for i in range(20)))

    with Cache(tmp_path / "c.db") as cache:
        found = asyncio.run(go(cache))
    assert [b.summary if b else None for b in found] == [f"s{i}" for i in range(20)]


def test_unwritable_cache_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="cannot open the cache"):
        Cache(blocker / "c.db")
