"""Writing the day's files safely: atomic replaces, an append-only JSONL, and edited notes kept.

- Every whole-file write goes to a temp file in the same folder, is fsynced, then
  `os.replace`d over the target: a reader never sees half a file, a crash never leaves one.
- The JSONL of briefings is appended line by line, each flushed and fsynced as it completes,
  so a run killed mid-way keeps every finished article. A briefing from the cache is already
  durable there: its line is queued and fsynced with the next new one, or once at the end.
- A note we wrote has a sidecar `.NAME.sha256` with the hash of what we wrote. If the note on
  disk no longer matches (the user edited it in Obsidian), it is not overwritten: the new note
  goes to `NAME.new.md` beside it, unless `force`. A note with no sidecar is the user's too.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import os
import threading
from pathlib import Path
from types import TracebackType
from typing import IO

from summarizer.atomic import atomic_write
from summarizer.errors import OutputError

__all__ = ["JsonlWriter", "atomic_write", "sha256_text", "user_edited", "write_note"]


def sha256_text(text: str) -> str:
    """Hex sha256 of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sidecar(note: Path) -> Path:
    """Where the hash of the note we wrote is kept: `.NAME.sha256` beside it."""
    return note.with_name(f".{note.name}.sha256")


def user_edited(note: Path) -> bool:
    """True if `note` exists and is not byte for byte what we last wrote there."""
    if not note.exists():
        return False
    try:
        recorded = sidecar(note).read_text(encoding="utf-8").strip()
        current = sha256_text(note.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return True
    return recorded != current


def write_note(note: Path, text: str, *, force: bool = False) -> Path:
    """Write the note atomically and record its hash; return the path actually written.

    An edited note is left alone and the text goes to `NAME.new.md` (see module docstring).
    """
    target = note
    if not force and user_edited(note):
        target = note.with_name(f"{note.name.removesuffix('.md')}.new.md")
    atomic_write(target, text)
    if target == note:
        atomic_write(sidecar(note), sha256_text(text) + "\n")
    return target


class JsonlWriter:
    """Append one JSON document per line; each line is flushed and fsynced at once, unless
    written with `sync=False` (a line durable elsewhere: it waits for the next synced line
    or `close`, which fsyncs once).
    """

    def __init__(self, path: Path, *, truncate: bool = True) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file: IO[str] = path.open("w" if truncate else "a", encoding="utf-8")
        except OSError as e:
            raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
        self._lock = threading.Lock()
        self._pending: collections.deque[str] = collections.deque()

    def write(self, line: str, *, sync: bool = True) -> None:
        """Append `line` (one JSON document, no newline); safe from several threads.

        `sync=False` only queues it: no disk access, so an event loop may call it directly.
        """
        if not sync:
            self._pending.append(line)
            return
        with self._lock:
            self._drain()
            self._file.write(line.replace("\n", " ") + "\n")
            self._file.flush()
            os.fsync(self._file.fileno())

    async def awrite(self, line: str, *, sync: bool = True) -> None:
        """`write` in a worker thread, so the event loop never waits on fsync."""
        if sync:
            await asyncio.to_thread(self.write, line)
        else:
            self.write(line, sync=False)

    def close(self) -> None:
        """Write what is queued, fsync once if anything was, and close the file."""
        with self._lock:
            if self._pending:
                self._drain()
                self._file.flush()
                os.fsync(self._file.fileno())
            self._file.close()

    def _drain(self) -> None:
        while self._pending:
            self._file.write(self._pending.popleft().replace("\n", " ") + "\n")

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
