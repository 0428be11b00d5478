"""A content-addressed SQLite cache of briefings, so re-running a day makes no model calls.

The key hashes everything that changes the answer: the article text and publication date,
the strategy's identity (its name, prompts, response schemas and a hash of the code that
finalizes answers, so an upgrade briefs again; see `strategies.base.Strategy.identity`) and
the backend fingerprint (backend, model, mode, sampling params; never a key).
`service.Briefer` is the only place keys are built. The value
is the Briefing JSON. The database lives in `platformdirs.user_cache_dir("summarizer")`, or in
`$SUMMARIZER_CACHE_DIR`. One connection in WAL mode, guarded by a lock; async callers use
`aget`/`aput`, which run it in a worker thread. Commits are `synchronous=NORMAL`: they
survive the process crashing (a killed run keeps what it cached) but not a power loss,
which at worst costs re-asking the model; no fsync per lookup (each counts a hit).

Beside the briefings, one opaque day record per slot (`get_day`/`put_day`: a folder and a
day; `daily.record` owns what it holds and checks it); `clear` deletes those too.

A corrupt database (not SQLite at all, or a damaged page found by any lookup or write) is
moved aside to `briefings.sqlite3.corrupt-<UTC time>` with one warning line naming both
files, and an empty cache takes its place: the run goes on, asking the model again.
`clear` (`on_corrupt="delete"`) deletes a corrupt file instead, and every moved-aside copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from summarizer.errors import ConfigError
from summarizer.schema import Briefing
from summarizer.text.derived import cache_root

DB_NAME = "briefings.sqlite3"
CORRUPT = ".corrupt-"  # `briefings.sqlite3.corrupt-<UTC time>`: a corrupt file moved aside
R = TypeVar("R")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS briefings (
    key TEXT PRIMARY KEY, value TEXT NOT NULL, model TEXT, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS days (
    slot TEXT PRIMARY KEY, value BLOB NOT NULL, created_at TEXT NOT NULL
);
"""


def cache_dir() -> Path:
    """`$SUMMARIZER_CACHE_DIR`, else the platform's user cache dir for `summarizer`."""
    return cache_root()


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


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def is_corrupt(error: sqlite3.Error) -> bool:
    """True when SQLite says the file is damaged or not a database at all."""
    name = str(getattr(error, "sqlite_errorname", ""))
    return name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB"


class Cache:
    """Briefings by key in one SQLite file; safe to share between asyncio tasks.

    `warn` receives the one-line warning about a corrupt file (default: stderr, prefixed
    `warning: `); `on_corrupt` says whether such a file is moved aside or deleted.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        warn: Callable[[str], None] | None = None,
        on_corrupt: Literal["move", "delete"] = "move",
    ) -> None:
        self.path = path or cache_dir() / DB_NAME
        self._warn = warn or _stderr
        self._on_corrupt = on_corrupt
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise self._unusable(e) from e
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        """Connect and create the tables; a corrupt file is set aside once and made anew."""
        for attempt in range(2):
            db: sqlite3.Connection | None = None
            try:
                db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # see the module docstring
                db.executescript(_SCHEMA)
                return db
            except sqlite3.Error as e:
                if db is not None:
                    db.close()
                if attempt or not is_corrupt(e):
                    raise self._unusable(e) from e
                self._set_aside(e)
        raise AssertionError("unreachable")

    def _unusable(self, error: Exception) -> ConfigError:
        return ConfigError(
            f"cannot open the cache at {self.path}: {error}",
            hint="set SUMMARIZER_CACHE_DIR to a writable folder, or pass --no-cache",
        )

    def _set_aside(self, error: sqlite3.Error) -> None:
        """Move (or delete) the corrupt file and its WAL; warn in one line."""
        for extra in (Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            extra.unlink(missing_ok=True)
        if self._on_corrupt == "delete":
            self.path.unlink(missing_ok=True)
            self._warn(f"the briefing cache {self.path} is corrupt ({error}); deleted it")
            return
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}{CORRUPT}{stamp}")
        for n in range(2, 100):
            if not aside.exists():
                break
            aside = self.path.with_name(f"{self.path.name}{CORRUPT}{stamp}-{n}")
        os.replace(self.path, aside)
        self._warn(
            f"the briefing cache {self.path} is corrupt ({error}); moved it to {aside} and "
            f"started an empty one — delete {aside.name} when you like"
        )

    def _guarded(self, work: Callable[[], R], fallback: R) -> R:
        """Run `work` (the lock held); on corruption set the file aside, reopen, return
        `fallback` (a lookup is a miss) — or, for a write, do it again on the new file.
        """
        try:
            return work()
        except sqlite3.DatabaseError as e:
            if not is_corrupt(e):
                raise
            self._db.close()
            try:
                self._set_aside(e)
            except OSError as moved:
                raise self._unusable(moved) from e
            self._db = self._open()
            return fallback

    def get(self, key: str) -> Briefing | None:
        """The cached briefing, or None; counts a hit or a miss."""

        def lookup() -> Briefing | None:
            with self._db:
                row = self._db.execute(
                    "SELECT value FROM briefings WHERE key = ?", (key,)
                ).fetchone()
                found = _parse(row[0]) if row else None
                self._count("hits" if found else "misses")
            return found

        with self._lock:
            return self._guarded(lookup, None)

    def put(self, key: str, briefing: Briefing) -> None:
        """Store (or replace) one briefing; committed before returning."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        row = (key, briefing.model_dump_json(), briefing.provenance.model, now)

        def store() -> bool:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO briefings VALUES (?, ?, ?, ?)", row)
            return True

        with self._lock:
            if not self._guarded(store, False):
                store()

    def get_day(self, slot: str) -> bytes | None:
        """The day record stored under `slot`, or None (not counted as a hit or a miss)."""

        def lookup() -> bytes | None:
            row = self._db.execute("SELECT value FROM days WHERE slot = ?", (slot,)).fetchone()
            return bytes(row[0]) if row else None

        with self._lock:
            return self._guarded(lookup, None)

    def put_day(self, slot: str, value: bytes) -> None:
        """Store (or replace) the day record of `slot`; committed before returning."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

        def store() -> bool:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO days VALUES (?, ?, ?)", (slot, value, now))
            return True

        with self._lock:
            if not self._guarded(store, False):
                store()

    async def aget(self, key: str) -> Briefing | None:
        """`get` in a worker thread."""
        return await asyncio.to_thread(self.get, key)

    async def aput(self, key: str, briefing: Briefing) -> None:
        """`put` in a worker thread."""
        await asyncio.to_thread(self.put, key, briefing)

    def stats(self) -> CacheStats:
        """Entries, file size, and hits/misses recorded since the last clear."""

        def count() -> tuple[int, dict[str, int]]:
            entries = self._db.execute("SELECT COUNT(*) FROM briefings").fetchone()[0]
            return int(entries), dict(self._db.execute("SELECT name, value FROM counters"))

        empty: tuple[int, dict[str, int]] = (0, {})
        with self._lock:
            entries, counts = self._guarded(count, empty)
        size = sum(p.stat().st_size for p in self._files() if p.exists())
        return CacheStats(self.path, entries, size, counts.get("hits", 0), counts.get("misses", 0))

    def clear(self) -> int:
        """Delete every entry and day record (and every moved-aside corrupt copy) and reset the
        counters; return how many entries (briefings) were removed.
        """

        def delete() -> int:
            with self._db:
                removed = self._db.execute("DELETE FROM briefings").rowcount
                self._db.execute("DELETE FROM counters")
                self._db.execute("DELETE FROM days")
            self._db.execute("VACUUM")
            return int(removed)

        with self._lock:
            removed = self._guarded(delete, 0)
        for copy in self.path.parent.glob(f"{self.path.name}{CORRUPT}*"):
            copy.unlink(missing_ok=True)
        return removed

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
