"""The daily run's limits (issue 13): a per-article deadline, one model call per distinct
article, our own notes never briefed as articles, and a corrupt cache that is rebuilt.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from builders import EXAMPLES

from summarizer.backends.base import Backend
from summarizer.backends.fake import FakeBackend
from summarizer.backends.openai import OpenAIBackend
from summarizer.daily.run import DailyConfig, run_daily, without_own_outputs
from summarizer.errors import EndpointError
from summarizer.inputs.sources import discover
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing
from summarizer.service.cache import Cache
from summarizer.settings import Settings
from summarizer.strategies.whole import WholeStrategy
from summarizer.testing.server import FakeOpenAIServer

DAY = dt.date(2025, 3, 14)


def _config(out: Path, **kw: Any) -> DailyConfig:
    return DailyConfig(day=DAY, out=out, **kw)


# --- item 9: the per-article deadline ---------------------------------------------------------


def test_an_article_past_its_deadline_fails_alone(tmp_path: Path) -> None:
    entries = discover([str(EXAMPLES)])

    async def one_hangs(article: Article, backend: Backend) -> Briefing:
        if "Chilean President" in article.text:
            await asyncio.sleep(30)
        return await WholeStrategy().arun(article, backend)

    config = _config(tmp_path, article_timeout=0.2)
    start = time.monotonic()
    report = asyncio.run(run_daily(entries, FakeBackend(), config, extract_fn=one_hangs))
    assert time.monotonic() - start < 3
    assert report.exit_code == 4 and len(report.digest.articles) == 4
    [failed] = report.digest.failed
    assert failed.origin == str(EXAMPLES / "03-briefs-title-only.txt")
    assert failed.error == (
        "timed out after 0.2 s (the per-article deadline; raise it with --article-timeout "
        "or SUMMARIZER_ARTICLE_TIMEOUT)"
    )


def test_the_deadline_defaults_to_settings() -> None:
    assert DailyConfig(day=DAY, out=Path("x")).article_timeout == Settings().article_timeout
    assert Settings().article_timeout == 600


def test_article_timeout_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_ARTICLE_TIMEOUT", "42")
    assert Settings().article_timeout == 42


# --- item 13: identical articles cost one call ------------------------------------------------


def test_identical_articles_cost_one_model_call(
    fake_server: FakeOpenAIServer, fake_settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (EXAMPLES / "01-wire-geneva-talks.txt").read_text()
    for n in range(30):
        (folder / f"copy-{n:02d}.txt").write_text(text)
    entries = discover([str(folder)])
    report = asyncio.run(run_daily(entries, OpenAIBackend(fake_settings), _config(tmp_path / "o")))
    assert report.exit_code == 0 and len(report.digest.articles) == 30
    assert len(fake_server.requests) == 1
    assert sum(not a.cached for a in report.digest.articles) == 1
    origins = [r.briefing.source.title for r in report.results if r.briefing]
    assert len(origins) == 30


class _Failing(FakeBackend):
    """Every call fails after a moment, and is counted."""

    calls = 0

    async def agenerate(self, *args: Any, **kwargs: Any) -> Any:
        type(self).calls += 1
        await asyncio.sleep(0.3)  # every copy is loaded (and waiting) before it fails
        raise EndpointError("HTTP 500 at http://127.0.0.1:9/v1 (gave up after 6 attempts)")


def test_a_failed_shared_call_fails_every_copy(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"copy-{n}.txt").write_text("Anna Berg met Tomas Ruiz in Madrid on Monday.")
    report = asyncio.run(run_daily(discover([str(folder)]), _Failing(), _config(tmp_path)))
    error = "HTTP 500 at http://127.0.0.1:9/v1 (gave up after 6 attempts)"
    assert [f.error for f in report.digest.failed] == [error] * 3
    assert _Failing.calls == 1


def test_an_engine_of_its_own_is_asked_for_every_copy(tmp_path: Path) -> None:
    """`extract_fn` (the Batch API) counts and dedupes its own arrivals."""
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"copy-{n}.txt").write_text("Anna Berg met Tomas Ruiz in Madrid on Monday.")
    calls = 0

    async def counted(article: Article, backend: Backend) -> Briefing:
        nonlocal calls
        calls += 1
        return await WholeStrategy().arun(article, backend)

    entries = discover([str(folder)])
    report = asyncio.run(run_daily(entries, FakeBackend(), _config(tmp_path), extract_fn=counted))
    assert report.exit_code == 0 and calls == 3


# --- item 13: --out inside a source folder ----------------------------------------------------


def test_our_own_notes_are_not_articles(tmp_path: Path) -> None:
    folder = tmp_path / "day"
    folder.mkdir()
    for name in ("01-a.txt", "02-b.md"):
        (folder / name).write_text("Anna Berg met Tomas Ruiz in Madrid on Monday.")
    first = asyncio.run(run_daily(discover([str(folder)]), FakeBackend(), _config(folder)))
    assert len(first.digest.articles) == 2
    (folder / "2025-03-13.md").write_text("---\ndate: 2025-03-13\n---\n# Briefing\n")
    (folder / "2025-03-14.new.md").write_text("# Briefing\n")
    entries, skipped = without_own_outputs(discover([str(folder)]), folder)
    assert [Path(e.origin).name for e in entries] == ["01-a.txt", "02-b.md"]
    assert skipped == 3


# --- item 8: a corrupt cache is moved aside and rebuilt ---------------------------------------


def _corrupt_pages(path: Path, *pages: int) -> None:
    with path.open("r+b") as f:
        for page in pages:
            f.seek(page * 4096)
            f.write(os.urandom(4096))


def test_a_corrupt_cache_page_costs_no_article(
    fake_server: FakeOpenAIServer,
    fake_settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "cache" / "briefings.sqlite3"
    with Cache(path) as cache:
        for n in range(200):
            cache.put(f"k{n:03d}", _filler(n))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _corrupt_pages(path, 3, 40, 90)
    entries = discover([str(EXAMPLES)])
    with Cache(path) as cache:
        report = asyncio.run(
            run_daily(entries, OpenAIBackend(fake_settings), _config(tmp_path), cache=cache)
        )
    assert report.exit_code == 0 and len(report.digest.articles) == 5
    warning = capsys.readouterr().err.splitlines()
    assert len(warning) == 1 and warning[0].startswith(f"warning: the briefing cache {path} is ")
    assert list(path.parent.glob("briefings.sqlite3.corrupt-*"))


def _filler(n: int) -> Briefing:
    from builders import briefing

    return briefing(summary=f"{n} " + "filler " * 400)


# --- issue 16: the first model calls do not wait for the whole day to be loaded ---------------


def test_only_a_window_of_entries_is_on_its_way_to_the_model(tmp_path: Path) -> None:
    from summarizer.daily.run import AHEAD
    from summarizer.inputs.sources import Entry

    folder = tmp_path / "in"
    folder.mkdir()
    for name in sorted(p.name for p in EXAMPLES.glob("*.txt")):
        for k in range(10):  # 40+ entries, concurrency 2: a window of AHEAD * 2
            (folder / f"{k:02d}-{name}").write_text((EXAMPLES / name).read_text() + f"\n{k}")
    loaded: list[str] = []
    at_first_call: list[int] = []

    def counted(entry: Entry) -> Entry:
        def load() -> Any:
            loaded.append(entry.origin)
            return entry.load()

        return Entry(origin=entry.origin, load=load, path=entry.path)

    async def extract(article: Article, backend: Backend) -> Briefing:
        at_first_call.append(len(loaded))
        return await WholeStrategy().arun(article, backend)

    entries = [counted(e) for e in discover([str(folder)])]
    config = _config(tmp_path / "out", concurrency=2)
    report = asyncio.run(run_daily(entries, FakeBackend(), config, extract_fn=extract))
    assert report.exit_code == 0 and len(report.digest.articles) == len(entries) > 4 * AHEAD
    assert at_first_call[0] <= 2 * AHEAD < len(entries)  # not the whole day first
    assert sorted(loaded) == sorted(e.origin for e in entries)  # each loaded once
