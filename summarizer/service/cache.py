"""A content-addressed SQLite cache of briefings, so re-running a day makes no model calls.

The key hashes everything that changes the answer: the article text and publication date,
the strategy's identity (its name, prompts, response schemas and the pipeline version; see
`strategies.base.Strategy.identity`) and the backend fingerprint (backend, model, mode,
sampling params; never a key). `service.Briefer` is the only place keys are built. The value
is the Briefing JSON. The database lives in `platformdirs.user_cache_dir("summarizer")`, or in
`$SUMMARIZER_CACHE_DIR`. One connection in WAL mode, guarded by a lock; async callers use
`aget`/`aput`, which run it in a worker thread. Commits are `synchronous=NORMAL`: they
survive the process crashing (a killed run keeps what it cached) but not a power loss,
which at worst costs re-asking the model; no fsync per lookup (each counts a hit).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import ValidationError

from summarizer.errors import ConfigError
from summarizer.schema import Briefing

DB_NAME = "briefings.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS briefings (
    key TEXT PRIMARY KEY, value TEXT NOT NULL, model TEXT, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def cache_dir() -> Path:
    """`$SUMMARIZER_CACHE_DIR`, else the platform's user cache dir for `summarizer`."""
    override = os.environ.get("SUMMARIZER_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("summarizer"))


def cache_key(
    text: str, *, published: dt.date | None, strategy: str, fingerprint: dict[str, Any]
) -> str:
    """The content address of one extraction: `strategy` is the strategy's identity hash."""
    parts = {
        "text": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        "published": published.isoformat() if published else None,
        "strategy": strategy,
        "backend": fingerprint,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


@contextlib.contextmanager
def open_cache(*, enabled: bool = True) -> Iterator[Cache | None]:
    """The user's cache for the block (closed after it), or None when caching is off."""
    if not enabled:
        yield None
        return
    with Cache() as store:
        yield store


@dataclass(frozen=True)
class CacheStats:
    """What `summarizer cache stats` shows."""

    path: Path
    entries: int
    size_bytes: int
    hits: int
    misses: int


class Cache:
    """Briefings by key in one SQLite file; safe to share between asyncio tasks."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / DB_NAME
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # see the module docstring
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as e:
            raise ConfigError(
                f"cannot open the cache at {self.path}: {e}",
                hint="set SUMMARIZER_CACHE_DIR to a writable folder, or pass --no-cache",
            ) from e
        self._lock = threading.Lock()

    def get(self, key: str) -> Briefing | None:
        """The cached briefing, or None; counts a hit or a miss."""
        with self._lock, self._db:
            row = self._db.execute("SELECT value FROM briefings WHERE key = ?", (key,)).fetchone()
            found = _parse(row[0]) if row else None
            self._count("hits" if found else "misses")
        return found

    def put(self, key: str, briefing: Briefing) -> None:
        """Store (or replace) one briefing; committed before returning."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        row = (key, briefing.model_dump_json(), briefing.provenance.model, now)
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO briefings VALUES (?, ?, ?, ?)", row)

    async def aget(self, key: str) -> Briefing | None:
        """`get` in a worker thread."""
        return await asyncio.to_thread(self.get, key)

    async def aput(self, key: str, briefing: Briefing) -> None:
        """`put` in a worker thread."""
        await asyncio.to_thread(self.put, key, briefing)

    def stats(self) -> CacheStats:
        """Entries, file size, and hits/misses recorded since the last clear."""
        with self._lock:
            entries = self._db.execute("SELECT COUNT(*) FROM briefings").fetchone()[0]
            counts = dict(self._db.execute("SELECT name, value FROM counters").fetchall())
        size = sum(p.stat().st_size for p in self._files() if p.exists())
        return CacheStats(self.path, entries, size, counts.get("hits", 0), counts.get("misses", 0))

    def clear(self) -> int:
        """Delete every entry and reset the counters; return how many entries were removed."""
        with self._lock, self._db:
            removed = self._db.execute("DELETE FROM briefings").rowcount
            self._db.execute("DELETE FROM counters")
        with self._lock:
            self._db.execute("VACUUM")
        return int(removed)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _count(self, name: str) -> None:
        self._db.execute(
            "INSERT INTO counters VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
            (name,),
        )

    def _files(self) -> list[Path]:
        return [self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]


def _parse(value: str) -> Briefing | None:
    """A stored briefing; None if it no longer fits the model (then it is simply redone)."""
    try:
        return Briefing.model_validate_json(value)
    except ValidationError:
        return None
