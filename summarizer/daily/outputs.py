"""Writing the day's files safely: one run at a time, atomic replaces, whole JSONL lines, and
edited notes kept.

- One run per (folder, day): `DayFiles.locked` holds an exclusive `flock` on `.DATE.lock` in
  the folder for the whole run; a second run is refused at once (`BusyError`, exit 5) with
  the pid and start time of the one that holds it.
- Every whole-file write goes to a temp file in the same folder, is fsynced, then
  `os.replace`d over the target: a reader never sees half a file, a crash never leaves one.
- The run's JSONL of briefings goes to `.DATE.jsonl.partial`, appended line by line in entry
  order (the note's source order: the daily run holds a line back until the entries before
  it are done, so the same day gives the same bytes however its calls finished): each line
  is one `os.write` of the whole line on an `O_APPEND` descriptor (a short write is cut back
  off), fsynced as it is written; a briefing from the cache (or the day record) is already
  durable there, so its line is queued and fsynced with the next new one, at a `flush`, or
  once at the end. At the end of a run the partial file replaces `DATE.jsonl`, if the run is
  complete enough (see `daily.run.run_daily`); a run that stops (an error, Ctrl-C) leaves the
  previous files as they were. A killed run's finished articles are in the briefing cache:
  the next run asks the model only for the others.
- A note we wrote has a sidecar `.NAME.sha256` with the hash of what we wrote. If the note on
  disk no longer matches (the user edited it in Obsidian), it is not overwritten: the new note
  goes to `NAME.new.md` beside it, unless `force`. A note with no sidecar is the user's too.
  The day's HTML page (`DATE.html`, `daily --html`) follows the same rules (`DATE.new.html`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from summarizer.atomic import atomic_write, new_file_mode
from summarizer.errors import BusyError, OutputError
from summarizer.inputs.sources import Entry

__all__ = [
    "DayFiles",
    "JsonlWriter",
    "atomic_write",
    "is_own_note",
    "sha256_text",
    "user_edited",
    "write_note",
]

_OWN_NOTE = re.compile(r"\d{4}-\d{2}-\d{2}(?:\.new)?\.(?:md|html)")


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

    An edited note is left alone and the text goes to `NAME.new.md` (see module docstring);
    any other suffix is kept the same way (`DATE.html` -> `DATE.new.html`).
    """
    target = note
    if not force and user_edited(note):
        target = note.with_name(f"{note.stem}.new{note.suffix}")
    atomic_write(target, text)
    if target == note:
        atomic_write(sidecar(note), sha256_text(text) + "\n")
    return target


class JsonlWriter:
    """Append one JSON document per line; each line is written whole (or not at all), flushed
    and fsynced at once, unless written with `sync=False` (a line durable elsewhere: it waits
    for the next synced line, `flush` or `close`, which fsync once).

    `shown` is the path errors name (the file this one will become), default `path`.
    """

    def __init__(self, path: Path, *, truncate: bool = True, shown: Path | None = None) -> None:
        self.path, self.shown = path, shown or path
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if truncate else 0)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(path, flags, 0o666)  # the umask applies, as for atomic_write
            self._size = os.fstat(self._fd).st_size
        except OSError as e:
            raise OutputError(f"cannot write {self.shown}: {e.strerror or e}") from e
        self._lock = threading.Lock()
        self._pending: collections.deque[str] = collections.deque()
        self._closed = False

    def write(self, line: str, *, sync: bool = True) -> None:
        """Append `line` (one JSON document, no newline); safe from several threads.

        `sync=False` only queues it: no disk access, so an event loop may call it directly.
        """
        if not sync:
            self._pending.append(line)
            return
        with self._lock:
            self._drain()
            self._append(line)
            self._fsync()

    async def awrite(self, line: str, *, sync: bool = True) -> None:
        """`write` in a worker thread, so the event loop never waits on fsync."""
        if sync:
            await asyncio.to_thread(self.write, line)
        else:
            self.write(line, sync=False)

    def flush(self) -> None:
        """Write what is queued and fsync once, if anything was."""
        with self._lock:
            if self._pending:
                self._drain()
                self._fsync()

    async def aflush(self) -> None:
        """`flush` in a worker thread."""
        if self._pending:
            await asyncio.to_thread(self.flush)

    def close(self) -> None:
        """Write what is queued, fsync once if anything was, and close the file."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                if self._pending:
                    self._drain()
                    self._fsync()
            finally:
                os.close(self._fd)

    def _drain(self) -> None:
        while self._pending:
            self._append(self._pending.popleft())

    def _append(self, line: str) -> None:
        """One `os.write` of the whole line; a short or failed write is cut back off."""
        data = (line.replace("\n", " ") + "\n").encode("utf-8", "surrogatepass")
        try:
            written = os.write(self._fd, data)
            if written != len(data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        except OSError as e:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
            raise OutputError(f"cannot write {self.shown}: {e.strerror or e}") from e
        self._size += written

    def _fsync(self) -> None:
        try:
            os.fsync(self._fd)
        except OSError as e:
            raise OutputError(f"cannot write {self.shown}: {e.strerror or e}") from e

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def is_own_note(path: Path, out: Path) -> bool:
    """True for a note `daily` writes into `out`: `YYYY-MM-DD.md` or `YYYY-MM-DD.new.md`, or
    the page `YYYY-MM-DD.html` or `YYYY-MM-DD.new.html`.
    """
    try:
        inside = path.resolve().parent == out.resolve()
    except OSError:
        return False
    return inside and _OWN_NOTE.fullmatch(path.name) is not None


class DayFiles:
    """One day's files in the output folder, and a run's hold on them (module docstring)."""

    def __init__(self, out: Path, day: dt.date) -> None:
        self.out, self.day = out, day
        stem = day.isoformat()
        self.note = out / f"{stem}.md"
        self.jsonl = out / f"{stem}.jsonl"
        self.digest = out / f"{stem}.digest.json"
        self.partial = out / f".{stem}.jsonl.partial"
        self.lock_path = out / f".{stem}.lock"

    def prepare(self) -> None:
        """Make the folder; `OutputError` when `out` is a file or cannot be made."""
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(
                f"--out {self.out} is a file, not a folder",
                hint="pass a folder for the day's notes",
            )
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"cannot write to {self.out}: {e.strerror or e}") from e

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the day's lock for the block; `BusyError` at once if another run holds it."""
        self.prepare()
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as e:
            raise OutputError(f"cannot write {self.lock_path}: {e.strerror or e}") from e
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise self._busy(fd) from None
            started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"pid {os.getpid()}, started {started}\n".encode(), 0)
            try:
                yield
            finally:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)  # no stale "who" once done (the file itself stays)
        finally:
            os.close(fd)  # releases the lock

    def _busy(self, fd: int) -> BusyError:
        holder = ""
        for _ in range(20):  # the holder writes who it is just after taking the lock
            with contextlib.suppress(OSError):
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            if holder:
                break
            time.sleep(0.005)
        who = f" ({holder})" if holder else ""
        return BusyError(
            f"another daily run for {self.day.isoformat()} is writing to {self.out}{who}",
            hint="wait for it to finish, or pass another --out",
        )

    def writer(self) -> JsonlWriter:
        """The run's JSONL, written to the partial file (errors name `DATE.jsonl`)."""
        return JsonlWriter(self.partial, shown=self.jsonl)

    def previous_briefed(self) -> int:
        """How many briefed articles the day's files already hold (0 when there are none)."""
        lines = 0
        with contextlib.suppress(OSError), self.jsonl.open("rb") as f:
            lines = sum(1 for line in f if _is_json_object(line))
        articles = 0
        with contextlib.suppress(OSError, ValueError):
            found = json.loads(self.digest.read_text(encoding="utf-8")).get("articles")
            articles = len(found) if isinstance(found, list) else 0
        return max(lines, articles)

    def commit_jsonl(self) -> None:
        """The run's JSONL replaces `DATE.jsonl` (keeping that file's mode, if it has one)."""
        try:
            os.chmod(self.partial, new_file_mode(self.jsonl))
            os.replace(self.partial, self.jsonl)
        except OSError as e:
            raise OutputError(f"cannot write {self.jsonl}: {e.strerror or e}") from e

    def discard(self) -> None:
        """Drop the run's JSONL; the previous `DATE.jsonl` stays."""
        with contextlib.suppress(OSError):
            self.partial.unlink(missing_ok=True)


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def without_own_outputs(entries: list[Entry], out: Path) -> tuple[list[Entry], int]:
    """The entries that are not notes this command wrote into `out` (`--out` inside a source
    folder), and how many were left out.
    """
    kept = [e for e in entries if e.url is not None or not is_own_note(Path(e.origin), out)]
    return kept, len(entries) - len(kept)
