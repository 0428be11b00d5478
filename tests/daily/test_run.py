"""The daily job (`run_daily`): the real openai client against the fake server, the cache,
resume after a crash, concurrency and rate limits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from builders import EXAMPLES, article_of, responder

from summarizer.backends.base import Backend
from summarizer.backends.fake import FakeBackend
from summarizer.backends.openai import OpenAIBackend
from summarizer.daily.run import ArticleResult, DailyConfig, RateLimiter, run_daily
from summarizer.errors import ConfigError
from summarizer.inputs.sources import discover
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing
from summarizer.service.cache import Cache
from summarizer.settings import Settings
from summarizer.strategies.whole import WholeStrategy
from summarizer.testing.server import FakeOpenAIServer, Reply

DAY = dt.date(2025, 3, 14)


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
    # the stopped run wrote no day files; its two finished articles are in the cache
    assert not (tmp_path / "2025-03-14.jsonl").exists()
    # (the slot is the model call's: the next call may finish while the second is persisted)
    with Cache() as cache:
        cached = cache.stats().entries
    assert cached in (2, 3)
    finished = {article_of(r) for r in examples_server.requests[:cached]}
    examples_server.reset()
    with Cache() as cache:
        report = asyncio.run(run_daily(entries, OpenAIBackend(fake_settings), config, cache=cache))
    assert report.exit_code == 0 and len(report.digest.articles) == 5
    redone = [article_of(r) for r in examples_server.requests]
    assert len(redone) == 5 - cached and not finished & set(redone)


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


class _Slow(FakeBackend):
    """A fake backend whose calls take 20 ms and count how many are in flight at once."""

    def __init__(self) -> None:
        super().__init__()
        self.now = self.peak = 0

    async def agenerate(self, *args: Any, **kwargs: Any) -> Any:
        self.now += 1
        self.peak = max(self.peak, self.now)
        await asyncio.sleep(0.02)
        self.now -= 1
        return await super().agenerate(*args, **kwargs)


def test_concurrency_limits_the_model_calls_in_flight(tmp_path: Path) -> None:
    """`concurrency` is model calls at once, whatever extracts them (a strategy making several
    calls an article, or another engine's `extract_fn`).
    """
    entries = discover([str(EXAMPLES)])
    backend = _Slow()

    async def extract(article: Article, gated: Backend) -> Briefing:
        return await WholeStrategy().arun(article, gated)

    config = _config(tmp_path, concurrency=2)
    report = asyncio.run(run_daily(entries, backend, config, extract_fn=extract))
    assert backend.peak == 2 and report.exit_code == 0


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
