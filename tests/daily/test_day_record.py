"""The day record (`daily.record`): an unchanged re-run is answered from it, byte for byte, with
no model call, cache lookup or merge; any change to the day's inputs or settings, a damaged
record or an edited note is handled as before.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builders import EXAMPLES

from summarizer.backends.cost import Price
from summarizer.backends.fake import FakeBackend
from summarizer.backends.openai import OpenAIBackend
from summarizer.daily import record
from summarizer.daily import run as daily
from summarizer.daily.run import DailyConfig, DailyReport, DailyRun, run_daily
from summarizer.inputs.sources import Entry, discover
from summarizer.pipeline.article import Article
from summarizer.service.cache import Cache, cache_dir
from summarizer.settings import Settings
from summarizer.strategies import base
from summarizer.testing.server import FakeOpenAIServer

DAY = dt.date(2025, 3, 14)
NEW = "Officials in Lima said a date for the next meeting had not been set."


@pytest.fixture
def folder(examples_copy: Path) -> Path:
    """The example articles' copy (tests/daily/conftest.py), to change."""
    return examples_copy


def _run(
    folder: Path, settings: Settings, out: Path, *, cache: bool = True, **options: Any
) -> DailyReport:
    config = DailyConfig(day=DAY, out=out, concurrency=1, **options)
    entries, backend = discover([str(folder)]), OpenAIBackend(settings)
    if not cache:
        return asyncio.run(run_daily(entries, backend, config))
    with Cache() as store:
        return asyncio.run(run_daily(entries, backend, config, cache=store))


def _files(out: Path) -> dict[str, bytes]:
    """Every file of the folder but the lock, by name."""
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.endswith(".lock")}


def _content(out: Path) -> tuple[Any, list[Any]]:
    """What the day says, without what depends on the cache (cached flags, tokens, cost,
    creation times): the digest and the briefings of the JSONL.
    """
    digest = json.loads((out / "2025-03-14.digest.json").read_text())
    for key in ("usage", "cost_usd", "cost_note"):
        digest.pop(key)
    for article in digest["articles"]:
        for key in ("cached", "usage", "cost_usd"):
            article.pop(key)
    lines = [json.loads(line) for line in (out / "2025-03-14.jsonl").read_text().splitlines()]
    for line in lines:
        line.pop("provenance")
    return digest, sorted(lines, key=json.dumps)


def _lookups() -> int:
    with Cache() as store:
        stats = store.stats()
    return stats.hits + stats.misses


def test_an_unchanged_day_is_answered_from_its_record(
    examples_server: FakeOpenAIServer,
    fake_settings: Settings,
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    cold = _run(folder, fake_settings, out)
    assert not cold.from_record and len(examples_server.requests) == 5
    written = _files(out)
    for name in written:  # every file is written back, byte for byte
        (out / name).unlink()
    lookups = _lookups()
    monkeypatch.setattr(daily, "build_digest", _never)
    warm = _run(folder, fake_settings, out)
    assert warm.from_record and warm.exit_code == 0 and warm.results == []
    assert _files(out) == written
    assert len(examples_server.requests) == 5 and _lookups() == lookups
    assert (len(warm.digest.articles), sum(a.cached for a in warm.digest.articles)) == (5, 5)
    assert warm.digest.usage.total_tokens == 0 and warm.note == cold.note
    assert warm.digest.meetings == cold.digest.meetings


def test_an_unchanged_file_is_not_written_again(
    examples_server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _run(folder, fake_settings, out)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    os.utime(out / "2025-03-14.digest.json", ns=(1, 1))  # an old file, same bytes
    assert _run(folder, fake_settings, out).from_record
    assert (out / "2025-03-14.digest.json").stat().st_mtime_ns == 1
    assert (out / "2025-03-14.md").stat().st_mtime_ns == stamps["2025-03-14.md"]


def _never(*args: object) -> None:
    raise AssertionError("the day was merged again")


def _edit(folder: Path) -> None:
    path = folder / "02-analysis-geneva.txt"
    path.write_text(path.read_text() + f"\n{NEW}\n")


def _same_size_same_mtime(folder: Path) -> None:
    """An edit that mtime and size cannot see: same length, the old times put back."""
    path = folder / "02-analysis-geneva.txt"
    before = path.stat()
    path.write_text(path.read_text().replace("Analysis: What", "Analysis: WHAT"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def _add(folder: Path) -> None:
    (folder / "06-lima.txt").write_text(f"Talks in Lima\n\n{NEW}\n")


def _remove(folder: Path) -> None:
    (folder / "05-brussels-farm-ministers.txt").unlink()


def _rename(folder: Path) -> None:  # same texts, another order: the sources are renumbered
    (folder / "01-wire-geneva-talks.txt").rename(folder / "09-wire-geneva-talks.txt")


CHANGES: dict[str, tuple[Callable[[Path], None], int]] = {  # change, model calls it costs
    "edit": (_edit, 1),
    "same size, same mtime": (_same_size_same_mtime, 0),  # the title: front matter, not text
    "add": (_add, 1),
    "remove": (_remove, 0),
    "reorder": (_rename, 0),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_changed_article_is_run_again(
    change: str,
    examples_server: FakeOpenAIServer,
    fake_settings: Settings,
    folder: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    _run(folder, fake_settings, out)
    edit, calls = CHANGES[change]
    edit(folder)
    examples_server.reset()
    again = _run(folder, fake_settings, out)
    assert not again.from_record and again.exit_code == 0
    assert len(examples_server.requests) == calls
    _run(folder, fake_settings, tmp_path / "reference", cache=False)  # no cache, no record
    assert _content(out) == _content(tmp_path / "reference")
    assert _run(folder, fake_settings, out).from_record  # and recorded anew


def test_a_changed_setting_or_model_is_run_again(
    examples_server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert _run(folder, fake_settings, out).digest.cost_usd == 0.0
    priced = _run(folder, fake_settings, out, prices={"fake": Price(input=1000, output=2000)})
    assert not priced.from_record
    cost = json.loads((out / "2025-03-14.digest.json").read_text())["articles"][0]["cost_usd"]
    assert cost > 0
    examples_server.reset()
    other = fake_settings.model_copy(update={"model": "other"})
    moved = _run(folder, other, out)
    assert not moved.from_record and len(examples_server.requests) == 5
    assert json.loads((out / "2025-03-14.digest.json").read_text())["model"] == "other"


def test_a_new_day_or_a_version_bump_is_run_again(
    examples_server: FakeOpenAIServer,
    fake_settings: Settings,
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    _run(folder, fake_settings, out)
    monkeypatch.setattr(record, "RECORD_VERSION", record.RECORD_VERSION + 1)
    assert not _run(folder, fake_settings, out).from_record
    examples_server.reset()
    monkeypatch.setattr(base, "answer_code", lambda: "next")
    bumped = _run(folder, fake_settings, out)
    assert not bumped.from_record and len(examples_server.requests) == 5
    assert _run(folder, fake_settings, out).from_record


def test_the_code_stamp_follows_the_packages_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "merge.py").write_text("A = 1\n")
    monkeypatch.setattr(record, "PACKAGE", tmp_path)
    stamps = []
    for text in ("A = 1\n", "A = 2\n"):
        (tmp_path / "merge.py").write_text(text)
        record.code_stamp.cache_clear()
        stamps.append(record.code_stamp())
    record.code_stamp.cache_clear()
    assert stamps[0] != stamps[1]


def _damage(how: str) -> None:
    db = sqlite3.connect(cache_dir() / "briefings.sqlite3")
    with db:
        [(value,)] = db.execute("SELECT value FROM days").fetchall()
        damaged = {
            "truncated": value[: len(value) // 2],
            "one byte changed": value[:-10] + bytes([value[-10] ^ 1]) + value[-9:],
            "not a record": b"\x00garbage",
            "empty": b"",
        }[how]
        db.execute("UPDATE days SET value = ?", (damaged,))
    db.close()


@pytest.mark.parametrize("how", ["truncated", "one byte changed", "not a record", "empty"])
def test_a_damaged_record_is_ignored(
    how: str, examples_server: FakeOpenAIServer, fake_settings: Settings, folder: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    out = tmp_path / "out"
    _run(folder, fake_settings, out)
    written = _content(out)
    _damage(how)
    (out / "2025-03-14.md").unlink()
    again = _run(folder, fake_settings, out)
    assert not again.from_record and again.exit_code == 0
    assert _content(out) == written and (out / "2025-03-14.md").read_text() == again.note
    assert _run(folder, fake_settings, out).from_record  # a whole record replaced it


def test_an_edited_note_is_kept(
    examples_server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    cold = _run(folder, fake_settings, out)
    note = out / "2025-03-14.md"
    note.write_text(note.read_text() + "\nMy own remark.\n")
    warm = _run(folder, fake_settings, out)
    assert warm.from_record and warm.kept_edited_note
    assert note.read_text().endswith("My own remark.\n")
    assert (out / "2025-03-14.new.md").read_text() == cold.note
    forced = _run(folder, fake_settings, out, force=True)
    assert forced.from_record and note.read_text() == cold.note


def test_a_run_with_a_failure_is_not_recorded(
    examples_server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    (folder / "06-empty.txt").write_text("   \n")
    out = tmp_path / "out"
    assert _run(folder, fake_settings, out).exit_code == 4
    again = _run(folder, fake_settings, out)
    assert not again.from_record and again.exit_code == 4  # tried again, still failing


def test_a_feed_day_is_recorded_too(
    examples_server: FakeOpenAIServer, fake_settings: Settings, tmp_path: Path
) -> None:
    config = DailyConfig(day=DAY, out=tmp_path / "out", concurrency=1)
    backend = OpenAIBackend(fake_settings)
    reports = []
    for _ in range(2):
        with Cache() as store:
            entries = discover([str(EXAMPLES / "feed.xml")])
            reports.append(asyncio.run(run_daily(entries, backend, config, cache=store)))
    assert [r.from_record for r in reports] == [False, True]
    assert reports[0].note == reports[1].note


def test_new_entries_start_first(tmp_path: Path) -> None:
    started: list[str] = []

    def entry(name: str) -> Entry:
        def load() -> Article:
            started.append(name)
            return Article(text=f"{name} met nobody in Lima.", title=name)

        return Entry(origin=name, load=load)

    entries = [entry(n) for n in ("a", "b", "c", "d")]
    config = DailyConfig(day=DAY, out=tmp_path, concurrency=1)
    results = asyncio.run(DailyRun(FakeBackend(), config).run(entries, first={2}))
    assert started[0] == "c" and [r.entry.origin for r in results] == ["a", "b", "c", "d"]


def test_fresh_names_the_entries_the_previous_record_lacks() -> None:
    files = {".jsonl": "", ".digest.json": "", ".md": ""}
    previous = record.DayRecord("k", "b", ["x", "y"], files)
    day = record.DayInputs("k2", "b", ["y", "z", "x"], [])
    assert record.fresh(day, previous) == {1} and record.fresh(day, None) == {0, 1, 2}
    assert record.DayRecord.decode(previous.encode()) == previous


def _page(digest: Any, results: list[Any]) -> str:
    texts = [r.article.text[:20] for r in results if r.article is not None]
    return f"<p>{len(digest.meetings)} meetings</p><p>{' | '.join(texts)}</p>\n"


def test_an_extra_page_is_recorded_and_kept_like_the_note(
    examples_server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    cold = _run(folder, fake_settings, out, pages={".html": _page})
    page = out / "2025-03-14.html"
    assert cold.pages == {".html": page} and "meetings" in (written := page.read_text())
    page.unlink()
    warm = _run(folder, fake_settings, out, pages={".html": _page})
    assert warm.from_record and page.read_text() == written  # not rendered from `results`
    page.write_text("my page\n")
    edited = _run(folder, fake_settings, out, pages={".html": _page})
    beside = edited.pages[".html"]  # where `write_note` puts an edited file's new text
    assert beside != page and beside.parent == out and beside.read_text() == written
    assert page.read_text() == "my page\n"
    assert not _run(folder, fake_settings, out).from_record  # no page asked: another day key


def test_a_file_is_hashed_by_its_bytes_only_when_a_loader_would_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = tmp_path / "a.txt"
    text.write_bytes(b"x" * 70_000)  # more than one read past its size
    assert record._file_hash(text) == hashlib.sha256(b"x" * 70_000).hexdigest()
    os.mkfifo(fifo := tmp_path / "fifo")  # never waits for a writer
    assert record._file_hash(fifo) is None and record._file_hash(tmp_path) is None
    assert record._file_hash(tmp_path / "missing.txt") is None
    monkeypatch.setattr(record.loaders, "MAX_BYTES", 10)
    monkeypatch.setattr(record.loaders, "MAX_HTML_BYTES", 69_999)
    assert record._file_hash(text) is None
    monkeypatch.setattr(record.loaders, "MAX_HTML_BYTES", 70_000)
    assert record._file_hash(text) is not None


def test_a_record_is_its_checksum_then_the_rest_and_reads_back() -> None:
    files = {".jsonl": "{}\n", ".digest.json": "{}", ".md": "é\n"}
    day = record.DayRecord("k", "b", ["x"], files)
    value = day.encode()
    checksum, _, rest = value.partition(b"\n")
    assert checksum == hashlib.sha256(rest).hexdigest().encode()
    head, _, body = rest.partition(b"\n")
    assert json.loads(head)["files"] == [[".jsonl", 3], [".digest.json", 2], [".md", 3]]
    assert body == "{}\n{}é\n".encode()
    assert record.DayRecord.decode(value) == day
    for broken in (value[:-1], value[:64], b"x", b"", checksum + b"\n" + head):
        assert record.DayRecord.decode(broken) is None
    no_body = hashlib.sha256(b"{}").hexdigest().encode() + b"\n{}"
    assert record.DayRecord.decode(no_body) is None
