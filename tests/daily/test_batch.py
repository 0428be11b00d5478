"""`daily --batch` against the fake server's /v1/files and /v1/batches, real openai client."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from builders import invoke, openai_at

from summarizer.backends.openai import OpenAIBackend
from summarizer.backends.openai_batch import request_body
from summarizer.daily.batch import BatchOptions, run_daily_batch
from summarizer.daily.run import DailyConfig, DailyReport, run_daily
from summarizer.errors import ConfigError
from summarizer.inputs.loaders import load_text
from summarizer.inputs.sources import discover
from summarizer.service.cache import Cache
from summarizer.settings import Settings
from summarizer.strategies import whole as extract
from summarizer.testing.server import BatchOutcome, FakeOpenAIServer, Reply

DAY = dt.date(2025, 3, 14)
FAST = BatchOptions(poll_first=0.01, poll_max=0.02)
PEOPLE = [("Anna Berg", "Sweden", "Luis Ortega", "Chile", "Geneva"),
          ("Maria Rossi", "Italy", "Kenji Mori", "Japan", "Rome"),
          ("Olga Petrova", "Bulgaria", "Sam Okafor", "Ghana", "Accra")]  # fmt: skip
MEETING = re.compile(
    r"Foreign Minister (\w+ \w+) of (\w+) will meet Foreign Minister (\w+ \w+) "
    r"of (\w+) in (\w+) on Monday, officials said\."
)


def _article(a: str, ca: str, b: str, cb: str, city: str) -> str:
    return (
        f"Talks in {city}\n\nForeign Minister {a} of {ca} will meet Foreign Minister {b} of {cb} "
        f"in {city} on Monday, officials said. The two are expected to discuss trade.\n"
    )


def grounded(request: dict[str, Any], *, quote: str | None = None) -> Reply:
    """A grounded draft for the meeting sentence of the article in `request`."""
    found = MEETING.search(request["messages"][1]["content"])  # the article, not a re-ask
    assert found, request
    a, ca, b, cb, city = found.groups()
    people = [{"name": a, "country": ca}, {"name": b, "country": cb}]
    meeting = {"participants": people, "location": {"city": city}, "when": {"text": "on Monday"},
               "status": "scheduled", "evidence": [quote or found.group(0).strip()]}  # fmt: skip
    return Reply(content={"summary": f"{a} meets {b}.", "meetings": [meeting], "tensions": []})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "in"
    path.mkdir()
    for i, people in enumerate(PEOPLE):
        (path / f"{i}.txt").write_text(_article(*people))
    return path


@pytest.fixture
def server(fake_server: FakeOpenAIServer) -> FakeOpenAIServer:
    fake_server.set_script(grounded)
    return fake_server


def _run(folder: Path, settings: Settings, out: Path, *, cache: bool = True) -> DailyReport:
    config = DailyConfig(day=DAY, out=out, concurrency=4)
    entries = discover([str(folder)])

    async def go(store: Cache | None) -> DailyReport:
        backend = OpenAIBackend(settings)
        return await run_daily_batch(entries, backend, config, cache=store, options=FAST)

    if not cache:
        return asyncio.run(go(None))
    with Cache() as store:
        return asyncio.run(go(store))


@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_batch_line_is_the_body_the_sync_path_sends(
    server: FakeOpenAIServer, fake_settings: Settings, mode: str
) -> None:
    backend = OpenAIBackend(fake_settings.model_copy(update={"mode": mode}))
    article = load_text(_article(*PEOPLE[0]), published=DAY)
    strategy = extract.WholeStrategy()
    strategy.run(article, backend)
    [call] = strategy.plan(article).calls
    assert request_body(backend, call.messages, call.response_model) == server.chat_requests[0]


def test_all_lines_succeed_without_chat_requests(
    server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    server.batch_polls = 2
    report = _run(folder, fake_settings, tmp_path / "out")
    assert report.exit_code == 0 and len(report.digest.articles) == 3
    assert server.chat_requests == [] and len(server.batch_requests) == 3
    (batch,) = server.store.batches.values()
    assert batch["status"] == "completed" and batch["endpoint"] == "/v1/chat/completions"
    assert batch["completion_window"] == "24h"
    lines = (tmp_path / "out" / "2025-03-14.jsonl").read_text().splitlines()
    assert {json.loads(x)["meetings"][0]["location"]["city"] for x in lines} == {
        "Geneva", "Rome", "Accra"
    }  # fmt: skip
    assert all(json.loads(x)["provenance"]["attempts"] == 1 for x in lines)
    assert all(json.loads(x)["provenance"]["usage"]["total_tokens"] > 0 for x in lines)
    saved = json.loads((tmp_path / "out" / "2025-03-14.batch.json").read_text())
    assert saved["batch_id"] == batch["id"] and len(saved["custom_ids"]) == 3


def test_ungrounded_line_is_reasked_synchronously(
    server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    seen: list[str] = []

    def rome_invented_in_batch(request: dict[str, Any]) -> Reply:
        if "Maria Rossi" in request["messages"][1]["content"] and not seen:
            seen.append("once")
            return grounded(request, quote="Rossi and Mori signed a treaty.")
        return grounded(request)

    server.set_script(rome_invented_in_batch)
    report = _run(folder, fake_settings, tmp_path / "out")
    assert report.exit_code == 0 and len(report.digest.articles) == 3
    assert len(server.batch_requests) == 3
    (again,) = server.chat_requests  # the one extra /v1/chat/completions request
    assert "Maria Rossi" in again["messages"][-1]["content"]
    briefings = [r.briefing for r in report.results if r.briefing is not None]
    (rome,) = [b for b in briefings if b.meetings[0].location.city == "Rome"]
    assert rome.meetings[0].evidence[0].text.startswith("Foreign Minister Maria Rossi")


@pytest.mark.parametrize("outcome", ["failed", "expired"])
def test_unanswered_articles_fall_back_to_sync(
    server: FakeOpenAIServer,
    fake_settings: Settings,
    folder: Path,
    tmp_path: Path,
    outcome: BatchOutcome,
) -> None:
    server.batch_outcome = outcome
    report = _run(folder, fake_settings, tmp_path / "out")
    assert report.exit_code == 0 and len(report.digest.articles) == 3
    answered = 0 if outcome == "failed" else 1  # expired: the first half was answered
    assert len(server.batch_requests) == answered
    assert len(server.chat_requests) == 3 - answered


def test_cache_hits_are_not_submitted(
    server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    config = DailyConfig(day=DAY, out=tmp_path / "first")
    with Cache() as store:
        entries = discover([str(folder)])
        asyncio.run(run_daily(entries, OpenAIBackend(fake_settings), config, cache=store))
    assert len(server.chat_requests) == 3
    (folder / "3.txt").write_text(_article("Ines Silva", "Peru", "Tom Hale", "Canada", "Lima"))
    server.reset()
    report = _run(folder, fake_settings, tmp_path / "out")
    assert sum(a.cached for a in report.digest.articles) == 3
    assert [r["messages"][-1]["content"].count("Ines Silva") for r in server.requests] == [1]
    assert len(server.batch_requests) == 1
    server.reset()
    assert _run(folder, fake_settings, tmp_path / "out").exit_code == 0
    assert server.requests == [] and len(server.store.batches) == 1  # all cached: no batch


def test_restart_reuses_the_submitted_batch(
    server: FakeOpenAIServer, fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    assert _run(folder, fake_settings, tmp_path / "out", cache=False).exit_code == 0
    again = _run(folder, fake_settings, tmp_path / "out", cache=False)
    assert again.exit_code == 0 and len(again.digest.articles) == 3
    assert len(server.store.batches) == 1 and len(server.batch_requests) == 3


def test_batch_needs_the_openai_backend(folder: Path, tmp_path: Path) -> None:
    result = invoke("daily", folder, "--batch", "--backend", "fake", "--out", tmp_path)
    assert result.exit_code == 2 and "--batch needs the openai backend" in result.stderr


def test_batch_rejects_the_staged_strategy(
    fake_settings: Settings, folder: Path, tmp_path: Path
) -> None:
    config = DailyConfig(day=DAY, out=tmp_path, strategy="staged")
    job = run_daily_batch(discover([str(folder)]), OpenAIBackend(fake_settings), config)
    with pytest.raises(ConfigError, match="whole strategy only"):
        asyncio.run(job)


def test_cli_batch_writes_the_note(server: FakeOpenAIServer, folder: Path, tmp_path: Path) -> None:
    args = ["daily", folder, "--batch", "--date", DAY, "--out", tmp_path / "out"]
    result = invoke(*args, *openai_at(server))
    assert result.exit_code == 0, result.output
    assert "submitted 3 requests" in result.stderr and "completed (3/3 answered)" in result.stderr
    assert "Anna Berg" in (tmp_path / "out" / "2025-03-14.md").read_text()
    assert server.chat_requests == []
