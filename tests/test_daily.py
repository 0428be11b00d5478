"""The daily job end to end: real openai client against the fake server, cache, resume, exits."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from summarizer.backends.base import Backend
from summarizer.backends.fake import FakeBackend
from summarizer.backends.openai import OpenAIBackend
from summarizer.cli.app import app as root_app
from summarizer.daily.run import ArticleResult, DailyConfig, RateLimiter, run_daily
from summarizer.errors import ConfigError
from summarizer.inputs.sources import discover
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing
from summarizer.service.cache import Cache
from summarizer.settings import Settings
from summarizer.strategies.whole import WholeStrategy
from summarizer.testing.server import FakeOpenAIServer, Reply

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "daily"
DAY = dt.date(2025, 3, 14)
OKONKWO = {"name": "Adaeze Okonkwo", "title": "Foreign Minister", "country": "Nigeria"}
LINDQVIST = {"name": "Henrik Lindqvist", "title": "Foreign Minister", "country": "Sweden"}
ARMS = "arms export licences"


def _meeting(people: list[dict[str, Any]], city: str, when: str, status: str, quote: str,
             agenda: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    return {"participants": people, "location": {"city": city}, "when": {"text": when},
            "status": status, "agenda": agenda or [], "evidence": [quote]}  # fmt: skip


def _tension(parties: list[str], issue: str, quote: str) -> dict[str, Any]:
    return {"parties": parties, "issue": issue, "evidence": [quote]}


# Keyed by a phrase only that article contains; every quote is verbatim from it.
DRAFTS: dict[str, dict[str, Any]] = {
    "Palais des Nations": {"summary": "Nigeria and Sweden will hold talks in Geneva.", "meetings": [
        _meeting([OKONKWO, LINDQVIST], "Geneva", "on Monday", "scheduled",
                 "Nigerian Foreign Minister Adaeze Okonkwo will meet Swedish Foreign Minister "
                 "Henrik Lindqvist in Geneva on Monday",
                 ["grain shipments through the Gulf of Guinea", "Sahel stabilisation mission"])],
        "tensions": [_tension(["Nigeria", "Sweden"], f"Swedish {ARMS}",
                              "Nigeria and Sweden remain at odds over Swedish arms export "
                              "licences")]},
    "the real test is trust": {"summary": "An analysis of the Geneva talks.", "meetings": [
        _meeting([{"name": "Adaeze Okonkwo", "country": "Nigeria"},
                  {"name": "Henrik Lindquist", "country": "Sweden"}], "Geneva", "on Tuesday",
                 "scheduled", "When Adaeze Okonkwo sits down with Henrik Lindquist in Geneva on "
                 "Tuesday, grain will top the agenda", ["grain", "maritime security"])],
        "tensions": [_tension(["Sweden", "Nigeria"], f"suspension of {ARMS}",
                              "The dispute over Sweden's suspension of arms export licences to "
                              "Nigeria still hangs over the relationship.")]},
    "Chilean President": {"summary": "World news in brief.", "meetings": [
        _meeting([{"title": "foreign minister", "country": "Sweden"},
                  {"name": "Adaeze Okonkwo", "country": "Nigeria"}], "Geneva", "on Monday",
                 "scheduled", "Sweden's foreign minister will hold talks with Nigeria's Adaeze "
                 "Okonkwo in Geneva on Monday", ["port inspections"])]},
    "second round of talks": {"summary": "A second round is planned.", "meetings": [
        _meeting([OKONKWO, LINDQVIST], "Geneva", "on March 24", "scheduled",
                 "Adaeze Okonkwo and Henrik Lindqvist have agreed to a second round of talks in "
                 "Geneva on March 24", [ARMS])]},
    "EU farm ministers will meet": {"summary": "EU ministers meet Melnyk.", "meetings": [
        _meeting([{"organization": "EU", "title": "farm ministers"},
                  {"name": "Taras Melnyk", "title": "Agriculture Minister", "country": "Ukraine"}],
                 "Brussels", "on Tuesday", "scheduled",
                 "EU farm ministers will meet Ukrainian Agriculture Minister Taras Melnyk in "
                 "Brussels on Tuesday", ["quotas for Ukrainian grain imports"])],
        "tensions": [_tension(["Poland", "Ukraine"], "grain imports",
                              "Poland and Ukraine have clashed for months over grain imports")]},
    "their ministries said": {"summary": "The two ministers will meet.", "meetings": [
        _meeting([OKONKWO, LINDQVIST], "Geneva", "on Monday", "scheduled",
                 "Nigeria's Foreign Minister Adaeze Okonkwo and Sweden's Foreign Minister Henrik "
                 "Lindqvist will meet in Geneva on Monday", ["port inspections"])],
        "tensions": [_tension(["Sweden", "Nigeria"], ARMS,
                              "Relations have been strained by Sweden's suspension of arms "
                              "export licences to Nigeria in January")]},
    "Haruto Sato": {"summary": "Japan and India leaders met.", "meetings": [
        _meeting([{"name": "Haruto Sato", "title": "Prime Minister", "country": "Japan"},
                  {"name": "Meera Iyer", "title": "Prime Minister", "country": "India"}],
                 "Tokyo", "on Wednesday", "held", "Japanese Prime Minister Haruto Sato met Indian "
                 "Prime Minister Meera Iyer in Tokyo on Wednesday")]},
    "Dragan Petrovic": {"summary": "Vienna talks were cancelled.", "meetings": [
        _meeting([{"name": "Dragan Petrovic", "country": "Serbia"},
                  {"name": "Arben Krasniqi", "country": "Kosovo"}], "Vienna", "for Saturday",
                 "cancelled", "Talks between Serbian President Dragan Petrovic and Kosovo Prime "
                 "Minister Arben Krasniqi planned for Saturday in Vienna have been cancelled")]},
}  # fmt: skip


def article_of(request: dict[str, Any]) -> str:
    """The article text inside the rendered user prompt."""
    user = request["messages"][-1]["content"]
    found = re.search(r"<<<ARTICLE\n(.*)\nARTICLE>>>", user, re.DOTALL)
    assert found, user
    return found.group(1)


def responder(request: dict[str, Any]) -> Reply:
    """A grounded draft for whichever example article the request carries."""
    text = article_of(request)
    key = next((k for k in DRAFTS if k in text), None)
    return Reply(content=DRAFTS[key] if key else {"summary": "Nothing.", "meetings": []})


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))


def _app() -> typer.Typer:
    return root_app


def _cli(*args: str) -> Any:
    return CliRunner().invoke(_app(), list(args))


def _daily_args(out: Path, server: FakeOpenAIServer, *sources: str) -> list[str]:
    return ["daily", *sources, "--date", DAY.isoformat(), "--out", str(out),
            "--backend", "openai", "--base-url", server.base_url, "--model", "fake"]  # fmt: skip


@pytest.fixture
def examples_server(fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("OPENAI_API_KEY", "SUMMARIZER_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    fake_server.set_script(responder)
    return fake_server


def test_examples_note_merges_the_same_meeting_once(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = _daily_args(out, examples_server, str(EXAMPLES), str(EXAMPLES / "feed.xml"))
    result = _cli(*args)
    assert result.exit_code == 0, result.output
    digest = json.loads((out / "2025-03-14.digest.json").read_text())
    geneva = [m for m in digest["meetings"] if m["location"]["city"] == "Geneva"]
    assert len(geneva) == 2  # the talks (4 reports) and the round a week later
    first, later = sorted(geneva, key=lambda m: m["when"]["date"])
    assert [s["n"] for s in first["sources"]] == [1, 2, 3, 6]
    assert first["conflicts"]["when"] == ["2025-03-17", "2025-03-18"]
    assert first["agenda"] == [  # "grain" folded into the longer wording
        "grain shipments through the Gulf of Guinea",
        "Sahel stabilisation mission",
        "maritime security",
        "port inspections",
    ]
    assert [p["name"] for p in first["participants"]] == ["Adaeze Okonkwo", "Henrik Lindqvist"]
    assert later["when"]["date"] == "2025-03-24" and [s["n"] for s in later["sources"]] == [4]
    assert len(digest["meetings"]) == 5
    arms = [t for t in digest["tensions"] if "arms" in t["issue"]]
    assert len(arms) == 1 and [s["n"] for s in arms[0]["sources"]] == [1, 2, 6]
    lines = (out / "2025-03-14.jsonl").read_text().splitlines()
    assert len(lines) == 8 and all(Briefing.model_validate_json(x) for x in lines)


def test_examples_note_sections_and_terminal_output(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = _cli(*_daily_args(out, examples_server, str(EXAMPLES), str(EXAMPLES / "feed.xml")))
    note = (out / "2025-03-14.md").read_text()
    assert note.startswith("---\ndate: 2025-03-14\nsources: 8\n")
    upcoming = note.split("## Upcoming meetings")[1].split("## Meetings held")[0]
    assert upcoming.index("2025-03-17") < upcoming.index("2025-03-18") < upcoming.index("03-24")
    assert "[1] [2] [3] [6]" in upcoming and "sources disagree on when" in upcoming
    assert "Haruto Sato" in note.split("## Meetings held")[1].split("## Cancelled")[0]
    assert "Dragan Petrovic" in note.split("## Cancelled / postponed")[1].split("## Tensions")[0]
    assert "### Nigeria · Sweden" in note and "### Poland · Ukraine" in note
    assert "Upcoming meetings" in result.stdout and "date: 2025-03-14" not in result.stdout


def test_rerun_makes_zero_model_calls(examples_server: FakeOpenAIServer, tmp_path: Path) -> None:
    args = _daily_args(tmp_path / "out", examples_server, str(EXAMPLES))
    assert _cli(*args).exit_code == 0
    calls = len(examples_server.requests)
    assert calls == 5
    again = _cli(*args)
    assert again.exit_code == 0, again.output
    assert len(examples_server.requests) == calls
    assert "5 briefed (5 cached)" in again.stderr
    assert _cli(*args, "--no-cache").exit_code == 0
    assert len(examples_server.requests) == calls + 5


def test_failed_article_is_listed_and_exit_code_is_4(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.xml"))
    (folder / "06-empty.txt").write_text("   \n")
    result = _cli(*_daily_args(tmp_path / "out", examples_server, str(folder)))
    assert result.exit_code == 4, result.output
    note = (tmp_path / "out" / "2025-03-14.md").read_text()
    failed = note.split("## Failed articles")[1]
    assert "06-empty.txt" in failed and "is empty" in failed
    assert "sources: 5\nfailed: 1\n" in note


def test_no_sources_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = _cli("daily", str(tmp_path / "empty"), "--backend", "fake", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "no articles found" in result.stderr


def test_edited_note_is_kept_unless_force(tmp_path: Path) -> None:
    args = ["daily", str(EXAMPLES), "--backend", "fake", "--date", "2025-03-14", "--out",
            str(tmp_path)]  # fmt: skip
    assert _cli(*args).exit_code == 0
    note = tmp_path / "2025-03-14.md"
    note.write_text(note.read_text() + "\nMy own notes.\n")
    result = _cli(*args)
    assert "My own notes." in note.read_text()
    assert (tmp_path / "2025-03-14.new.md").exists() and "was edited by you" in result.stderr
    assert _cli(*args, "--force").exit_code == 0
    assert "My own notes." not in note.read_text()


def _config(out: Path, **kw: Any) -> DailyConfig:
    return DailyConfig(day=DAY, out=out, **kw)


def test_resume_after_crash_redoes_only_unfinished(
    examples_server: FakeOpenAIServer, fake_settings: Settings, tmp_path: Path
) -> None:
    entries = discover([str(EXAMPLES)])
    config = _config(tmp_path, concurrency=1)

    async def crash_after_two() -> None:
        done: list[ArticleResult] = []

        def on_done(result: ArticleResult) -> None:
            done.append(result)
            if len(done) == 2:
                job.cancel()

        with Cache() as cache:
            job = asyncio.create_task(
                run_daily(
                    entries, OpenAIBackend(fake_settings), config, cache=cache, on_done=on_done
                )
            )
            with pytest.raises(asyncio.CancelledError):
                await job

    asyncio.run(crash_after_two())
    assert len((tmp_path / "2025-03-14.jsonl").read_text().splitlines()) == 2
    finished = {article_of(r) for r in examples_server.requests[:2]}
    examples_server.reset()
    with Cache() as cache:
        report = asyncio.run(run_daily(entries, OpenAIBackend(fake_settings), config, cache=cache))
    assert report.exit_code == 0 and len(report.digest.articles) == 5
    redone = [article_of(r) for r in examples_server.requests]
    assert len(redone) == 3 and not finished & set(redone)


def test_model_failure_is_recorded_and_resumed(
    examples_server: FakeOpenAIServer, fake_settings: Settings, tmp_path: Path
) -> None:
    def third_fails(request: dict[str, Any]) -> Reply:
        if "Chilean President" in article_of(request):
            return Reply(status=400, error="bad request for article 3")
        return responder(request)

    examples_server.set_script(third_fails)
    entries, config = discover([str(EXAMPLES)]), _config(tmp_path, concurrency=2)
    with Cache() as cache:
        first = asyncio.run(run_daily(entries, OpenAIBackend(fake_settings), config, cache=cache))
    assert first.exit_code == 4
    assert [f.origin for f in first.digest.failed] == [str(EXAMPLES / "03-briefs-title-only.txt")]
    examples_server.set_script(responder)
    examples_server.reset()
    with Cache() as cache:
        second = asyncio.run(run_daily(entries, OpenAIBackend(fake_settings), config, cache=cache))
    assert second.exit_code == 0
    assert ["Chilean President" in article_of(r) for r in examples_server.requests] == [True]


def test_concurrency_limit_is_respected(tmp_path: Path) -> None:
    entries = discover([str(EXAMPLES)])
    state = {"now": 0, "peak": 0}

    async def slow(article: Article, backend: Backend) -> Briefing:
        state["now"] += 1
        state["peak"] = max(state["peak"], state["now"])
        await asyncio.sleep(0.02)
        state["now"] -= 1
        return await WholeStrategy().arun(article, backend)

    config = _config(tmp_path, concurrency=2)
    report = asyncio.run(run_daily(entries, FakeBackend(), config, extract_fn=slow))
    assert state["peak"] == 2 and report.exit_code == 0


def test_config_error_stops_the_run(tmp_path: Path) -> None:
    async def broken(article: Article, backend: Backend) -> Briefing:
        raise ConfigError("model not found")

    with pytest.raises(ConfigError):
        asyncio.run(run_daily(discover([str(EXAMPLES)]), FakeBackend(), _config(tmp_path),
                              extract_fn=broken))  # fmt: skip


def test_rate_limiter_waits_for_the_window() -> None:
    async def go() -> float:
        limiter = RateLimiter(rpm=2, tpm=None, period=0.1)
        start = time.monotonic()
        for _ in range(3):
            await limiter.acquire(10)
        return time.monotonic() - start

    assert asyncio.run(go()) >= 0.09


def test_token_limit_counts_actual_usage() -> None:
    async def go() -> float:
        limiter = RateLimiter(rpm=None, tpm=100, period=0.1)
        start = time.monotonic()
        slot = await limiter.acquire(90)
        limiter.settle(slot, 10)
        await limiter.acquire(80)  # fits: 10 + 80 <= 100
        return time.monotonic() - start

    assert asyncio.run(go()) < 0.05


def test_cache_commands(examples_server: FakeOpenAIServer, tmp_path: Path) -> None:
    assert _cli(*_daily_args(tmp_path, examples_server, str(EXAMPLES))).exit_code == 0
    stats = json.loads(_cli("cache", "stats", "--json").stdout)
    assert stats["entries"] == 5 and stats["misses"] == 5 and stats["hits"] == 0
    assert "removed 5" in _cli("cache", "clear").stdout
    assert json.loads(_cli("cache", "stats", "--json").stdout)["entries"] == 0
