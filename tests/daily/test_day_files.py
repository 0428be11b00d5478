"""The day's files under concurrency and failure (issue 13): one run per (out, date) at a time,
whole JSONL lines, a failed re-run never replacing complete files, a full disk, file modes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from builders import EXAMPLES, disk_full

from summarizer.backends.base import Backend
from summarizer.backends.fake import FakeBackend
from summarizer.backends.openai import OpenAIBackend
from summarizer.daily import outputs
from summarizer.daily.outputs import DayFiles, JsonlWriter, atomic_write
from summarizer.daily.run import DailyConfig, DailyReport, run_daily
from summarizer.errors import BusyError, EndpointError, OutputError
from summarizer.inputs.sources import discover
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing
from summarizer.settings import Settings
from summarizer.strategies.whole import WholeStrategy
from summarizer.testing.server import FakeOpenAIServer, Reply

DAY = dt.date(2025, 3, 14)


def _config(out: Path, **kw: Any) -> DailyConfig:
    return DailyConfig(day=DAY, out=out, **kw)


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")}


# --- item 7: one run per (out, date) -----------------------------------------------------------


def test_two_runs_started_together_one_runs_the_other_is_refused(
    fake_server: FakeOpenAIServer, fake_settings: Settings, tmp_path: Path
) -> None:
    fake_server.set_script([Reply(delay=0.05)])
    entries = discover([str(EXAMPLES)])
    start = threading.Barrier(2)
    outcomes: list[DailyReport | BaseException] = []

    def one() -> None:
        start.wait()
        try:
            job = run_daily(entries, OpenAIBackend(fake_settings), _config(tmp_path))
            outcomes.append(asyncio.run(job))
        except BaseException as e:
            outcomes.append(e)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    reports = [o for o in outcomes if isinstance(o, DailyReport)]
    refused = [o for o in outcomes if isinstance(o, BusyError)]
    assert (len(reports), len(refused)) == (1, 1), outcomes
    assert refused[0].exit_code == 5
    started = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"
    assert re.fullmatch(
        f"another daily run for 2025-03-14 is writing to {re.escape(str(tmp_path))} "
        f"\\(pid {os.getpid()}, started {started}\\) — wait for it to finish, or pass another "
        "--out",
        refused[0].one_line(),
    )
    assert (tmp_path / ".2025-03-14.lock").read_text() == ""  # no stale holder once done
    assert len(fake_server.requests) == 5  # every article paid for once
    lines = (tmp_path / "2025-03-14.jsonl").read_text().splitlines()
    assert len(lines) == 5 and all(Briefing.model_validate_json(x) for x in lines)


def test_a_run_may_start_once_the_other_finished(tmp_path: Path) -> None:
    entries = discover([str(EXAMPLES)])
    for _ in range(2):
        report = asyncio.run(run_daily(entries, FakeBackend(), _config(tmp_path)))
        assert report.exit_code == 0


def test_jsonl_lines_from_many_threads_are_whole(tmp_path: Path) -> None:
    path = tmp_path / "day.jsonl"
    line = json.dumps({"text": "x" * 70_000})

    def many(out: JsonlWriter) -> None:
        for _ in range(20):
            out.write(line)

    with JsonlWriter(path) as out:
        threads = [threading.Thread(target=many, args=(out,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    found = path.read_text().splitlines()
    assert len(found) == 80 and all(json.loads(x) == {"text": "x" * 70_000} for x in found)


def test_jsonl_lines_are_in_entry_order_however_the_calls_finish(tmp_path: Path) -> None:
    entries = discover([str(EXAMPLES)])
    texts = [e.load().text for e in entries]
    written: list[list[str]] = []

    async def late_first(article: Article, backend: Backend) -> Briefing:
        at = texts.index(article.text)
        await asyncio.sleep(0.02 * (len(entries) - at))  # the last entry finishes first
        if at == 2:
            raise EndpointError("connection refused")
        written.append(_lines(tmp_path / ".2025-03-14.jsonl.partial"))
        return await WholeStrategy().arun(article, backend)

    config = _config(tmp_path, concurrency=len(entries))
    report = asyncio.run(run_daily(entries, FakeBackend(), config, extract_fn=late_first))
    assert report.exit_code == 4 and written == [[]] * 4  # each held for the first entry
    lines = _lines(tmp_path / "2025-03-14.jsonl")
    titles = [json.loads(line)["source"]["title"] for line in lines]
    assert titles == [a.title for a in report.digest.articles] and len(titles) == 4
    assert titles == [e.load().title for i, e in enumerate(entries) if i != 2]


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


# --- item 8: a failed re-run keeps the good files ---------------------------------------------


def test_a_rerun_that_briefs_fewer_keeps_the_previous_files(tmp_path: Path) -> None:
    entries = discover([str(EXAMPLES)])
    first = asyncio.run(run_daily(entries, FakeBackend(), _config(tmp_path)))
    assert first.exit_code == 0 and first.kept_previous is None
    before = _snapshot(tmp_path)

    async def dead(article: Article, backend: Backend) -> Briefing:
        raise EndpointError(
            "connection refused at http://127.0.0.1:9/v1 (gave up after 6 attempts)"
        )

    again = asyncio.run(run_daily(entries, FakeBackend(), _config(tmp_path), extract_fn=dead))
    assert again.exit_code == 4 and again.kept_previous == 5
    assert len(again.digest.failed) == 5
    assert _snapshot(tmp_path) == before
    assert not list(tmp_path.glob(".*.partial"))
    assert again.kept_line() == (
        "kept the previous 2025-03-14.md, .jsonl and .digest.json (5 briefed): this run briefed "
        "0 and 5 failed (first: connection refused at http://127.0.0.1:9/v1 (gave up after 6 "
        "attempts)) — fix the failures and run again"
    )


def test_a_complete_rerun_with_fewer_articles_replaces_the_files(tmp_path: Path) -> None:
    entries = discover([str(EXAMPLES)])
    asyncio.run(run_daily(entries, FakeBackend(), _config(tmp_path)))
    fewer = asyncio.run(run_daily(entries[:2], FakeBackend(), _config(tmp_path)))
    assert fewer.exit_code == 0 and fewer.kept_previous is None
    assert len((tmp_path / "2025-03-14.jsonl").read_text().splitlines()) == 2


def test_a_stopped_run_keeps_the_previous_jsonl(tmp_path: Path) -> None:
    entries = discover([str(EXAMPLES)])
    asyncio.run(run_daily(entries, FakeBackend(), _config(tmp_path)))
    before = _snapshot(tmp_path)
    calls = 0

    async def second_breaks(article: Article, backend: Backend) -> Briefing:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OutputError("cannot write the cache")
        return await WholeStrategy().arun(article, backend)

    config = _config(tmp_path, concurrency=1)
    with pytest.raises(OutputError):
        asyncio.run(run_daily(entries, FakeBackend(), config, extract_fn=second_breaks))
    assert _snapshot(tmp_path) == before
    assert not list(tmp_path.glob(".*.partial"))


# --- item 11: a full disk while the JSONL is written ------------------------------------------


def test_full_disk_while_writing_the_jsonl_is_an_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = discover([str(EXAMPLES)])
    asyncio.run(run_daily(entries, FakeBackend(), _config(tmp_path)))
    before = _snapshot(tmp_path)
    with disk_full(monkeypatch), pytest.raises(OutputError) as info:
        asyncio.run(run_daily(entries, FakeBackend(), _config(tmp_path)))
    assert info.value.one_line() == (
        f"cannot write {tmp_path / '2025-03-14.jsonl'}: No space left on device"
    )
    assert _snapshot(tmp_path) == before


def test_a_short_write_leaves_no_half_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "day.jsonl"
    real = os.write
    with JsonlWriter(path) as out:
        out.write('{"a": 1}')
        monkeypatch.setattr(outputs.os, "write", lambda fd, data: real(fd, data[:5]))
        with pytest.raises(OutputError, match="No space left on device"):
            out.write('{"b": 2}')
        monkeypatch.setattr(outputs.os, "write", real)
        out.write('{"c": 3}')
    assert path.read_text().splitlines() == ['{"a": 1}', '{"c": 3}']


# --- item 12: --out naming a file -------------------------------------------------------------


def test_out_naming_a_file_says_so(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.write_text("not a folder")
    with pytest.raises(OutputError) as info:
        DayFiles(out, DAY).prepare()
    assert info.value.one_line() == (
        f"--out {out} is a file, not a folder — pass a folder for the day's notes"
    )


# --- item 13: one file mode for every output --------------------------------------------------


def test_every_output_gets_the_same_umask_respecting_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        asyncio.run(run_daily(discover([str(EXAMPLES)]), FakeBackend(), _config(tmp_path)))
        atomic_write(tmp_path / "other.json", "{}")
    finally:
        os.umask(old)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir() if p.is_file()}
    public = {k: v for k, v in modes.items() if not k.endswith(".lock")}
    assert set(public.values()) == {0o644}, modes


def test_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("mine")
    path.chmod(0o600)
    atomic_write(path, "ours")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text() == "ours"
