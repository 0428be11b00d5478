"""A day with new articles (`daily.record.recorded_lines`, `DailyRun._from_record`): the
articles the day's record holds are taken from it (no load, no cache lookup, merged while
the new ones are asked about), and the files are those a full run writes, byte for byte.

The full run is the same day into another folder (no record there) with a copy of the cache
as it was before the incremental run: the same articles cached, the same ones asked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from summarizer.backends.openai import OpenAIBackend
from summarizer.daily import record
from summarizer.daily import report as day_report
from summarizer.daily.day_merge import DayMerge
from summarizer.daily.run import DailyConfig, DailyReport, DailyRun, run_daily
from summarizer.inputs.sources import Entry, discover
from summarizer.pipeline import finalize
from summarizer.service.cache import Cache
from summarizer.settings import Settings
from summarizer.testing.server import FakeOpenAIServer

DAY = dt.date(2025, 3, 14)
OUTPUTS = ("2025-03-14.jsonl", "2025-03-14.digest.json", "2025-03-14.md")
EXTRA = "\nA spokesman said the agenda was still being drafted.\n"


class _Clock(dt.datetime):
    """A clock stopped at noon: a briefing made twice is stamped the same (`created_at`)."""

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> _Clock:
        return cls(2025, 3, 14, 12, 0, tzinfo=tz)


class _Stopped:
    """`datetime` as `finalize` sees it, with the stopped clock."""

    datetime = _Clock

    def __getattr__(self, name: str) -> Any:
        return getattr(dt, name)


@pytest.fixture(autouse=True)
def _stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(finalize, "dt", _Stopped())


@pytest.fixture
def folder(examples_copy: Path) -> Path:
    """The example articles' copy (tests/daily/conftest.py), to change."""
    return examples_copy


def _run(
    folder: Path, settings: Settings, out: Path, db: Path, **options: Any
) -> tuple[DailyReport, int]:
    """One day into `out` with the cache `db`: the report, and how many cache lookups."""
    config = DailyConfig(day=DAY, out=out, concurrency=2, **options)
    with Cache(db) as cache:
        before = cache.stats()
        job = run_daily(discover([str(folder)]), OpenAIBackend(settings), config, cache=cache)
        report = asyncio.run(job)
        after = cache.stats()
    return report, after.hits + after.misses - before.hits - before.misses


def _copy(db: Path, to: Path) -> None:
    with sqlite3.connect(db) as source, sqlite3.connect(to) as target:
        source.backup(target)
    source.close()
    target.close()


def _files(out: Path, names: tuple[str, ...] = OUTPUTS) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in names}


def _copy_of(folder: Path, name: str, into: str) -> None:
    """Another article with `name`'s text and one more sentence (the same meeting, merged)."""
    text = (folder / name).read_text().replace("url: https://", "url: https://copy.")
    (folder / into).write_text(text + EXTRA)


def _append(folder: Path) -> None:  # after every recorded entry: the merge goes on
    _copy_of(folder, "01-wire-geneva-talks.txt", "06-copy.txt")


def _prepend(folder: Path) -> None:  # before them all: nothing to merge ahead
    _copy_of(folder, "04-follow-up-round.txt", "00-copy.txt")


def _insert(folder: Path) -> None:
    _copy_of(folder, "02-analysis-geneva.txt", "03b-copy.txt")


def _edit(folder: Path) -> None:
    path = folder / "04-follow-up-round.txt"
    path.write_text(path.read_text() + EXTRA)


def _remove(folder: Path) -> None:
    (folder / "02-analysis-geneva.txt").unlink()


def _reorder(folder: Path) -> None:
    (folder / "01-wire-geneva-talks.txt").rename(folder / "09-wire-geneva-talks.txt")


CHANGES: dict[str, tuple[Callable[[Path], None], int, int]] = {
    # change, entries the record lacks (looked up in the cache), of which new texts (asked)
    "append": (_append, 1, 1),
    "prepend": (_prepend, 1, 1),
    "insert": (_insert, 1, 1),
    "edit": (_edit, 1, 1),
    "remove": (_remove, 0, 0),
    "reorder": (_reorder, 1, 0),  # another name: another entry, the same text
}


@pytest.mark.parametrize("asked", [True, False], ids=["asked", "cached"])
@pytest.mark.parametrize("change", CHANGES)
def test_an_incremental_day_writes_what_a_full_run_writes(
    change: str,
    asked: bool,
    examples_server: FakeOpenAIServer,
    fake_settings: Settings,
    folder: Path,
    tmp_path: Path,
) -> None:
    db, full_db = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    out, full = tmp_path / "out", tmp_path / "full"
    _run(folder, fake_settings, out, db)
    edit, lacked, new = CHANGES[change]
    edit(folder)
    if not asked:  # the new articles are in the cache already (briefed in another folder)
        _run(folder, fake_settings, tmp_path / "elsewhere", db)
    _copy(db, full_db)
    examples_server.reset()
    again, lookups = _run(folder, fake_settings, out, db)
    assert not again.from_record and again.exit_code == 0
    assert lookups == lacked and len(examples_server.requests) == (new if asked else 0)
    reference, _ = _run(folder, fake_settings, full, full_db)
    assert not reference.from_record
    assert _files(out) == _files(full)
    assert again.digest == reference.digest and again.note == reference.note
    assert _run(folder, fake_settings, out, db)[0].from_record  # and recorded anew


def test_recorded_entries_are_not_loaded_and_their_merge_goes_on(
    examples_server: FakeOpenAIServer,
    fake_settings: Settings,
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "a.sqlite3"
    _run(folder, fake_settings, tmp_path / "out", db)
    _append(folder)
    loaded: list[str] = []
    resumed: list[tuple[int, bool]] = []
    resume = DayMerge.resume

    def spied(merge: DayMerge, items: list[Any]) -> DayMerge:
        resumed.append((len(merge.items), resume(merge, items) is merge))
        return merge

    monkeypatch.setattr(DayMerge, "resume", spied)
    made: list[int] = []  # the sources' numbers and lines made after the calls (`build_digest`)
    for name in ("article_info", "source_ref"):
        made_one = getattr(day_report, name)
        monkeypatch.setattr(day_report, name, lambda n, *a, f=made_one: made.append(n) or f(n, *a))

    def counted(entry: Entry) -> Entry:
        def load() -> Any:
            loaded.append(Path(entry.origin).name)
            return entry.load()

        return Entry(origin=entry.origin, load=load, path=entry.path)

    config = DailyConfig(day=DAY, out=tmp_path / "out", concurrency=2)
    entries = [counted(e) for e in discover([str(folder)])]
    with Cache(db) as cache:
        report = asyncio.run(run_daily(entries, OpenAIBackend(fake_settings), config, cache=cache))
    assert report.exit_code == 0 and len(report.digest.articles) == 6
    assert loaded == ["06-copy.txt"]
    assert [a.cached for a in report.digest.articles] == [True] * 5 + [False]
    assert resumed == [(6, True)]  # all six merged as they finished, in entry order
    assert made == []  # no reference or source line left to make after the last call
    assert 6 in [s.n for s in report.digest.meetings[0].sources]  # 06 is 01, retold


def _page(digest: Any, results: list[Any]) -> str:
    texts = [r.article.text[:30] for r in results if r.article is not None]
    return f"<p>{len(digest.meetings)} meetings</p><p>{' | '.join(texts)}</p>\n"


def test_a_page_gets_the_recorded_articles_texts(
    examples_server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    db, full_db = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    out, full = tmp_path / "out", tmp_path / "full"
    _run(folder, fake_settings, out, db, pages={".html": _page})
    _insert(folder)
    _copy(db, full_db)
    again, lookups = _run(folder, fake_settings, out, db, pages={".html": _page})
    assert not again.from_record and lookups == 1
    _run(folder, fake_settings, full, full_db, pages={".html": _page})
    names = (*OUTPUTS, "2025-03-14.html")
    assert _files(out, names) == _files(full, names)
    assert (out / "2025-03-14.html").read_text().count(" | ") == 5


def test_another_setting_takes_nothing_from_the_record(
    examples_server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    db = tmp_path / "a.sqlite3"
    _run(folder, fake_settings, tmp_path / "out", db)
    _append(folder)
    examples_server.reset()
    other = fake_settings.model_copy(update={"model": "other"})
    report, lookups = _run(folder, other, tmp_path / "out", db)
    assert lookups == 6 and len(examples_server.requests) == 6
    assert not any(a.cached for a in report.digest.articles)


def test_a_recorded_line_that_does_not_parse_is_asked_about(
    examples_server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    config = DailyConfig(day=DAY, out=tmp_path / "out", concurrency=1)
    entries = discover([str(folder)])
    run = DailyRun(OpenAIBackend(fake_settings), config)
    results = asyncio.run(run.run(entries, recorded={0: "{not json", 1: "{}"}))
    assert [r.cached for r in results] == [False] * 5 and len(examples_server.requests) == 5
    assert all(r.briefing is not None and r.line for r in results)
    merged = [(ref.n, briefing) for ref, briefing in run.premerged.items]  # as they finished
    assert merged == [(n, r.briefing) for n, r in enumerate(results, 1)]


def _day(base: str, digests: list[str]) -> record.DayInputs:
    return record.DayInputs("key", base, digests, [])


def _record(base: str, digests: list[str], jsonl: str) -> record.DayRecord:
    return record.DayRecord("old", base, digests, {".jsonl": jsonl, ".digest.json": "", ".md": ""})


def test_recorded_lines_by_digest_only_with_the_same_base() -> None:
    old = _record("b", ["x", "y"], '{"x": "\u2028"}\n{"y": 1}\n')
    assert record.recorded_lines(_day("b", ["y", "z", "x"]), old) == {
        0: '{"y": 1}', 2: '{"x": "\u2028"}'
    }  # fmt: skip
    assert record.recorded_lines(_day("other", ["y"]), old) == {}
    assert record.recorded_lines(_day("b", ["y"]), None) == {}
    for jsonl in ('{"x": 1}\n', '{"x": 1}\n{"y": 1}', '{"x": 1}\n{"y": 1}\n{"z": 1}\n'):
        assert record.recorded_lines(_day("b", ["y"]), _record("b", ["x", "y"], jsonl)) == {}


def test_a_record_of_another_version_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    old = _record("b", ["x"], "{}\n")
    assert record.DayRecord.decode(old.encode()) == old
    version = record.RECORD_VERSION
    monkeypatch.setattr(record, "RECORD_VERSION", version - 1)
    encoded = old.encode()
    assert record.DayRecord.decode(encoded) is not None
    monkeypatch.setattr(record, "RECORD_VERSION", version)
    assert record.DayRecord.decode(encoded) is None


def test_old_objects_are_frozen_during_every_run_and_thawed_after(
    examples_server: FakeOpenAIServer,
    fake_settings: Settings,
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "a.sqlite3"
    seen: list[int] = []
    config = DailyConfig(day=DAY, out=tmp_path / "out", concurrency=2)

    def run() -> None:
        with Cache(db) as cache:
            hook = lambda result: seen.append(gc.get_freeze_count())  # noqa: E731
            job = run_daily(discover([str(folder)]), OpenAIBackend(fake_settings), config,
                            cache=cache, on_done=hook)  # fmt: skip
            assert asyncio.run(job).exit_code == 0

    run()  # cold: frozen too (a full pass over the heap stalled its first calls ~40 ms)
    assert seen and all(seen) and gc.get_freeze_count() == 0
    write_back = record.write_back

    def spied(*args: Any, **kwargs: Any) -> Any:
        seen.append(-gc.get_freeze_count())
        return write_back(*args, **kwargs)

    monkeypatch.setattr(record, "write_back", spied)
    seen.clear()
    run()  # answered from the record
    assert len(seen) == 1 and seen[0] < 0 and gc.get_freeze_count() == 0
    _append(folder)
    seen.clear()
    run()
    assert len(seen) == 6 and all(seen) and gc.get_freeze_count() == 0
    _insert(folder)
    gc.freeze()  # the caller's own freeze is left as it is
    try:
        frozen, seen[:] = gc.get_freeze_count(), []
        run()
        assert len(seen) == 7 and all(0 < n <= frozen for n in seen)
        assert 0 < gc.get_freeze_count() <= frozen  # not thawed (a few were freed)
    finally:
        gc.unfreeze()
