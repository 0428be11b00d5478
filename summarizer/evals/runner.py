"""The runner does the eval's I/O: ask a backend about every case (concurrently), or read stored
predictions, then score each case. One case's crash is that case's error; the run goes on.
Only a replay miss stops the run, loudly: the recordings are stale and the scores would lie.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from summarizer.backends.base import Backend
from summarizer.backends.cost import Price, cost_usd
from summarizer.backends.replay import ReplayMissError, case_scope
from summarizer.errors import ModelError
from summarizer.evals.cases import GoldCase
from summarizer.evals.fields import FieldConfig
from summarizer.evals.metrics import CaseScore, Metrics, macro, micro, score_case
from summarizer.evals.predictions import Predicted, from_briefing, load_prediction
from summarizer.evals.tags import TagMetrics, by_tag
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing, Usage

Summarize = Callable[[Article, Backend], Awaitable[Briefing]]
Asked = Callable[[Article], list[str]]


@dataclass
class CaseResult:
    """One case: what was predicted, how it scored, and what it cost."""

    case: GoldCase
    predicted: Predicted
    score: CaseScore
    latency_s: float | None = None
    tokens: int | None = None
    cost: float | None = None

    @property
    def error(self) -> str | None:
        """Why the case has no (valid) prediction, if so."""
        return self.predicted.error


@dataclass
class RunResult:
    """Every case's result and what produced them (model, prompt, backend fingerprint...)."""

    results: list[CaseResult]
    meta: dict[str, Any] = field(default_factory=dict)

    def metrics(self) -> Metrics:
        """Micro averages over all cases."""
        return micro(r.score for r in self.results)

    def metrics_macro(self) -> Metrics:
        """Macro averages (mean over the cases where each metric is defined)."""
        return macro(r.score for r in self.results)

    def tags(self) -> dict[str, TagMetrics]:
        """Micro and macro metrics per case tag (`real`, `composed`, `negative`, ...)."""
        return by_tag(self.results)


def article_of(case: GoldCase) -> Article:
    """The `Article` the pipeline sees for a case."""
    a = case.article
    return Article(text=a.text, title=a.title, published=a.published, origin=case.id)


def default_summarize(prompt: str = "briefing", strategy: str = "whole") -> Summarize:
    """The strategy's own extraction (no cache: an eval measures the model)."""

    async def summarize(article: Article, backend: Backend) -> Briefing:
        from summarizer.strategies import resolve

        return await resolve(strategy, backend, prompt).arun(article, backend)

    return summarize


def safe_score(
    case: GoldCase, pred: Predicted, cfg: FieldConfig, passages: list[str] | None = None
) -> CaseScore:
    """Score a case; a scorer crash scores an empty prediction carrying the error."""
    try:
        return score_case(case, pred, cfg, passages=passages)
    except Exception as e:  # a bug in one evaluator must not lose the other cases
        return score_case(case, Predicted.failed(f"scoring crashed: {type(e).__name__}: {e}"), cfg)


def score_predictions(
    cases: Sequence[GoldCase], directory: str | Path, cfg: FieldConfig | None = None
) -> list[CaseResult]:
    """Score stored predictions `<directory>/<case id>.json` (no model is called)."""
    cfg = cfg or FieldConfig()
    results = []
    for case in cases:
        pred = load_prediction(directory, case.id)
        results.append(CaseResult(case, pred, safe_score(case, pred, cfg)))
    return results


async def _predict(
    case: GoldCase, backend: Backend, summarize: Summarize
) -> tuple[Predicted, Usage]:
    with case_scope(case.id):
        try:
            briefing = await summarize(article_of(case), backend)
        except ReplayMissError:
            raise
        except ModelError as e:
            usage = {k: v for k, v in e.usage.items() if k in Usage.model_fields}
            return Predicted.failed(e.one_line()), Usage(**usage)
        except Exception as e:  # one case's crash is that case's error
            return Predicted.failed(f"{type(e).__name__}: {e}"), Usage()
    return from_briefing(briefing), briefing.provenance.usage


def _progress(console: Console | None, show: bool) -> Progress:
    columns = (TextColumn("eval"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=console, disable=not show, transient=True)


async def arun_cases(
    cases: Sequence[GoldCase],
    backend: Backend,
    *,
    summarize: Summarize | None = None,
    cfg: FieldConfig | None = None,
    concurrency: int = 4,
    price: Price | None = None,
    console: Console | None = None,
    show_progress: bool = True,
    asked: Asked | None = None,
) -> list[CaseResult]:
    """Run `backend` over every case, at most `concurrency` at a time, with a progress bar.

    `asked` gives the passages a staged run asks the model about (for `candidates.recall`).
    """
    summarize, cfg = summarize or default_summarize(), cfg or FieldConfig()
    limit = asyncio.Semaphore(max(1, concurrency))
    with _progress(console, show_progress) as bar:
        task = bar.add_task("eval", total=len(cases))

        async def one(case: GoldCase) -> CaseResult:
            async with limit:
                start = time.perf_counter()
                pred, usage = await _predict(case, backend, summarize)
                latency = round(time.perf_counter() - start, 4)
            bar.advance(task)
            passages = await asyncio.to_thread(asked, article_of(case)) if asked else None
            score = safe_score(case, pred, cfg, passages)
            cost = cost_usd(usage, price)
            return CaseResult(case, pred, score, latency, usage.total_tokens, cost)

        return list(await asyncio.gather(*(one(c) for c in cases)))


def run_cases(cases: Sequence[GoldCase], backend: Backend, **options: Any) -> list[CaseResult]:
    """Blocking `arun_cases`."""
    return asyncio.run(arun_cases(cases, backend, **options))
