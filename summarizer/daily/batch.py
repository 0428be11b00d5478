"""`summarizer daily --batch`: the day's uncached requests through the OpenAI Batch API.

The daily run works as usual (load, cache, persist each briefing as it completes); only its
`Extract` changes. `BatchExtract` collects every article that missed the cache; once each
entry of the day has either arrived or finished otherwise, it sends one request per unique
article as one batch (`backends.openai_batch.BatchRun`). Each output line is validated as the
sync path would (the strategy's response model and grounding), then the strategy completes it
into a Briefing through `finalize`, as always.

Failures: an article whose line is missing, errored (HTTP status, expired) or invalid or
ungrounded is re-asked synchronously through the strategy's own call loop (with its re-ask),
at most `concurrency` at once. A batch that fails, expires, is cancelled, outlives `max_wait`
or cannot be created sends every article it could not answer the same way, after a warning
line: the note still comes out. Only a rejected key stops the run (as in daily).

The batch id is kept in `DIR/DATE.batch.json`: a run killed while waiting polls the same
batch when restarted instead of paying for a new one. Costs are shown at the sync prices
(OpenAI bills batch requests at about half). The Batch API takes at most 50,000 lines and
200 MB per batch; self-hosted servers (e.g. vLLM) speaking this API work the same way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from summarizer.backends.base import Backend
from summarizer.backends.openai import OpenAIBackend
from summarizer.backends.openai_batch import (
    BatchOptions,
    BatchRun,
    Row,
    completion_of,
    request_body,
)
from summarizer.daily.run import ArticleResult, DailyConfig, DailyReport, run_daily
from summarizer.errors import ConfigError, MissingKeyError
from summarizer.inputs.sources import Entry
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing
from summarizer.service import Briefer
from summarizer.service.cache import Cache
from summarizer.strategies import resolved_name
from summarizer.strategies.whole import WholeStrategy

log = logging.getLogger(__name__)

__all__ = ["BatchExtract", "BatchOptions", "run_daily_batch"]


@dataclass
class _Waiting:
    article: Article
    answer: asyncio.Future[Row | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class BatchExtract:
    """The daily run's `Extract` that answers from one Batch API batch (see module doc).

    `total` is the number of entries of the run; `settled` is called for each entry that
    finished without reaching the model (cache hit, unreadable), so the batch goes out as
    soon as every other entry has arrived.
    """

    def __init__(
        self,
        backend: OpenAIBackend,
        total: int,
        *,
        state: Path,
        prompt: str = "briefing",
        concurrency: int = 8,
        options: BatchOptions | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.backend, self.total = backend, total
        self.strategy = WholeStrategy(prompt)
        self.batch = BatchRun(backend, state=state, options=options, report=report)
        self.report = self.batch.report
        self._ids = Briefer(backend, self.strategy)  # custom_id = the article's cache key
        self._sync = asyncio.Semaphore(max(1, concurrency))
        self._waiting: dict[str, _Waiting] = {}
        self._arrived = self._settled = 0
        self._task: asyncio.Task[None] | None = None

    async def __call__(self, article: Article, backend: Backend) -> Briefing:
        """Wait for this article's batch line; re-ask synchronously when it is unusable."""
        key = self._ids.key(article)
        waiting = self._waiting.setdefault(key, _Waiting(article))
        self._arrived += 1
        self._maybe_submit()
        row = await waiting.answer
        plan = self.strategy.plan(article)
        [call] = plan.calls
        context = {"article": article.text}
        completion = completion_of(row, call.response_model, context, self.backend.mode)
        if completion is not None:
            return self.strategy.complete(article, self.backend, plan, [completion])
        async with self._sync:
            return await self.strategy.arun(article, backend)

    def settled(self) -> None:
        """One entry finished without the model (only counts before the batch is sent)."""
        self._settled += 1
        self._maybe_submit()

    def _maybe_submit(self) -> None:
        if self._task is None and self._waiting and self._arrived + self._settled >= self.total:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        waiting = dict(self._waiting)
        rows: dict[str, Row] = {}
        try:
            rows = await self.batch.answers({k: self._body(w.article) for k, w in waiting.items()})
        except MissingKeyError as error:  # stops the run, as a ConfigError does
            for w in waiting.values():
                _settle(w.answer, error)
            return
        except Exception as e:  # the batch as a whole failed: every article goes sync
            self.report(f"batch failed ({type(e).__name__}: {e}); asking each article directly")
        for key, w in waiting.items():
            _settle(w.answer, rows.get(key))

    def _body(self, article: Article) -> dict[str, object]:
        [call] = self.strategy.plan(article).calls
        return request_body(self.backend, call.messages, call.response_model)


def _settle(future: asyncio.Future[Row | None], outcome: Row | None | Exception) -> None:
    if future.done():  # its article's task was cancelled
        return
    if isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


async def run_daily_batch(
    entries: list[Entry],
    backend: Backend,
    config: DailyConfig,
    *,
    cache: Cache | None = None,
    on_done: Callable[[ArticleResult], None] | None = None,
    options: BatchOptions | None = None,
    report: Callable[[str], None] | None = None,
) -> DailyReport:
    """`daily.run_daily` with the model calls sent as one batch (see the module docstring)."""
    if not isinstance(backend, OpenAIBackend):
        raise ConfigError("--batch needs the openai backend", hint="pass --backend openai")
    if resolved_name(config.strategy, backend) != "whole":
        raise ConfigError("--batch supports the whole strategy only", hint="pass --strategy whole")
    engine = BatchExtract(
        backend,
        len(entries),
        state=config.path(".batch.json"),
        prompt=config.prompt,
        concurrency=config.concurrency,
        options=options,
        report=report,
    )
    hook = on_done or (lambda result: None)

    def done(result: ArticleResult) -> None:
        engine.settled()
        hook(result)

    every_at_once = replace(config, concurrency=len(entries), rpm=None, tpm=None)
    return await run_daily(
        entries, backend, every_at_once, cache=cache, extract_fn=engine, on_done=done
    )
