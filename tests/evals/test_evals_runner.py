"""The runner: concurrent cases, one crash never stops the run, cost/latency/tokens recorded."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from builders import gold_briefing

from summarizer.backends.base import Backend
from summarizer.backends.cost import Price
from summarizer.backends.fake import FakeBackend
from summarizer.backends.replay import (
    CURRENT_CASE,
    RecordingBackend,
    ReplayBackend,
    ReplayMissError,
)
from summarizer.errors import ModelError
from summarizer.evals.runner import RunResult, article_of, run_cases, score_predictions
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing


def _cases(gold: Any) -> list[Any]:
    return [gold.parse(gold.standard() | {"id": f"0{i}-case"}) for i in range(1, 4)]


def test_a_crashing_case_is_recorded_and_the_run_goes_on(gold: Any) -> None:
    seen: list[str | None] = []

    async def summarize(article: Article, backend: Backend) -> Briefing:
        seen.append(CURRENT_CASE.get())
        await asyncio.sleep(0)
        if article.origin == "02-case":
            raise RuntimeError("parser exploded")
        if article.origin == "03-case":
            raise ModelError("no valid answer", usage={"total_tokens": 7}, attempts=3)
        return gold_briefing()

    results = run_cases(
        _cases(gold), FakeBackend(), summarize=summarize, concurrency=2, show_progress=False
    )
    assert sorted(s or "" for s in seen) == ["01-case", "02-case", "03-case"]
    assert [r.case.id for r in results] == ["01-case", "02-case", "03-case"]
    assert results[0].error is None
    assert results[1].error == "RuntimeError: parser exploded"
    assert results[2].error is not None and "no valid answer" in results[2].error
    assert results[2].tokens == 7
    assert all(r.latency_s is not None and r.latency_s >= 0 for r in results)
    metrics = RunResult(results).metrics()
    assert metrics["schema_valid.rate"] == pytest.approx(1 / 3)
    assert metrics["meetings.recall"] == pytest.approx(1 / 6)


def test_cost_from_usage_and_price(gold: Any) -> None:
    async def summarize(article: Article, backend: Backend) -> Briefing:
        b = gold_briefing()
        b.provenance.usage.prompt_tokens = 1_000_000
        b.provenance.usage.completion_tokens = 500_000
        b.provenance.usage.total_tokens = 1_500_000
        return b

    [result] = run_cases(
        _cases(gold)[:1],
        FakeBackend(),
        summarize=summarize,
        price=Price(input=2.0, output=10.0),
        show_progress=False,
    )
    assert result.tokens == 1_500_000
    assert result.cost == pytest.approx(7.0)


def test_replay_miss_stops_the_run(gold: Any) -> None:
    async def summarize(article: Article, backend: Backend) -> Briefing:
        raise ReplayMissError("no recorded answer", hint="re-record with --record")

    with pytest.raises(ReplayMissError):
        run_cases(_cases(gold), FakeBackend(), summarize=summarize, show_progress=False)


def test_real_pipeline_with_the_fake_backend(gold: Any) -> None:
    case = gold.parse(gold.case("04-none"))
    [result] = run_cases([case], FakeBackend(), show_progress=False)
    assert result.error is None
    assert result.score.metrics()["no_meeting.false_positive_rate"] == 0.0
    assert result.score.metrics()["schema_valid.rate"] == 1.0


def test_article_of_case(gold: Any) -> None:
    article = article_of(gold.parse(gold.standard()))
    assert article.title == "Generals to meet"
    assert str(article.published) == "2017-02-15"


def test_score_predictions_without_a_model(tmp_path: Any, gold: Any) -> None:
    cases = _cases(gold)
    (tmp_path / "01-case.json").write_text(gold_briefing().model_dump_json())
    results = score_predictions(cases, tmp_path)
    assert [r.error is None for r in results] == [True, False, False]


def test_runner_round_trip_gives_the_same_scores(tmp_path: Any, gold: Any) -> None:
    cases = [gold.parse(gold.case("01-none")), gold.parse(gold.standard())]
    recorded = run_cases(cases, RecordingBackend(FakeBackend(), tmp_path), show_progress=False)
    replayed = run_cases(cases, ReplayBackend(tmp_path), show_progress=False)
    assert [r.score.counts for r in recorded] == [r.score.counts for r in replayed]
    assert [r.error for r in replayed] == [None, None]
