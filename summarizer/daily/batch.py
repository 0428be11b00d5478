"""`summarizer daily --batch`: the day's uncached requests through the OpenAI Batch API.

The daily run works as usual (load, cache, persist each briefing as it completes); only its
`Extract` changes. `BatchExtract` collects every article that missed the cache; once each
entry of the day has either arrived or finished otherwise, it writes one JSONL line per unique
article (`custom_id` = the article's cache key), uploads it (`files.create(purpose="batch")`),
creates a batch on `/v1/chat/completions`, polls with exponential backoff (bounded; one
progress line per poll), and downloads the output and error files. Each line is validated as
the sync path would: the same `GroundedBriefingDraft` schema and grounding, then
`extract.assemble` into a Briefing.

Request bodies come from instructor's own request preparation (`handle_response_model`) over
the backend's own call parameters, so every line's body is the one the normal path sends, for
each mode (tools, json_schema, md_json); a test compares the two.

Failures: an article whose line is missing, errored (HTTP status, expired) or invalid or
ungrounded is re-asked synchronously through `extract.asummarize_article` (with its re-ask
loop), at most `concurrency` at once. A batch that fails, expires, is cancelled, outlives
`max_wait` or cannot be created sends every article it could not answer the same way, after a
warning line: the note still comes out. Only a rejected key stops the run (as in daily).

The batch id is kept in `DIR/DATE.batch.json`: a run killed while waiting polls the same
batch when restarted instead of paying for a new one. Costs are shown at the sync prices
(OpenAI bills batch requests at about half). The Batch API takes at most 50,000 lines and
200 MB per batch; self-hosted servers (e.g. vLLM) speaking this API work the same way.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import openai
from instructor.processing.response import handle_response_model
from instructor.utils import extract_json_from_codeblock
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from summarizer.backends.base import Backend, Completion, Message
from summarizer.backends.openai import MODES, OpenAIBackend, answer_text
from summarizer.daily.outputs import atomic_write
from summarizer.daily.run import ArticleResult, DailyConfig, DailyReport, run_daily
from summarizer.errors import ConfigError, MissingKeyError
from summarizer.inputs.sources import Entry
from summarizer.pipeline import grounding, prompts
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing, Usage
from summarizer.service.cache import Cache, cache_key
from summarizer.strategies import whole as extract

log = logging.getLogger(__name__)

Row = dict[str, Any]
FINAL = frozenset({"completed", "failed", "expired", "cancelled"})
ENDPOINT: Literal["/v1/chat/completions"] = "/v1/chat/completions"


@dataclass(frozen=True)
class BatchOptions:
    """How long to wait for a batch and how often to ask."""

    poll_first: float = 5.0  # seconds before the first poll; doubles up to `poll_max`
    poll_max: float = 60.0
    max_wait: float = 25 * 3600.0  # the 24h completion window, plus an hour
    completion_window: Literal["24h"] = "24h"


def request_body(backend: OpenAIBackend, messages: list[Message]) -> dict[str, Any]:
    """The chat.completions body the sync path would send for these messages."""
    params = backend.request_params(messages, grounding.GroundedBriefingDraft)
    for client_only in ("timeout", "max_retries"):
        params.pop(client_only)
    model = params.pop("response_model")
    _, body = handle_response_model(model, mode=MODES[backend.mode], **params)
    body.pop("strict", None)  # instructor's own option; it never reaches the wire
    extra: dict[str, Any] = body.pop("extra_body", {})  # the openai client merges it in
    return dict(body) | extra


def draft_json(response: ChatCompletion, mode: str) -> str | None:
    """The draft's JSON in one chat completion (tool arguments, content or a ```json block)."""
    choice = response.choices[0] if response.choices else None
    if choice is None or choice.finish_reason in ("length", "content_filter"):
        return None
    if choice.message.refusal:
        return None
    text = answer_text(response)
    return extract_json_from_codeblock(text) if text and mode == "md_json" else text


def completion_of(row: Row | None, article: Article, mode: str) -> Completion[Any] | None:
    """A validated, grounded draft from one output line; None when it must be re-asked."""
    response = (row or {}).get("response") or {}
    if response.get("status_code") != 200:
        return None
    try:
        chat = ChatCompletion.model_validate(response.get("body"))
        text = draft_json(chat, mode)
        if text is None:
            return None
        context = {"article": article.text}
        value = grounding.GroundedBriefingDraft.model_validate_json(text, context=context)
    except ValidationError as e:
        log.info("batch line %s invalid: %s", row and row.get("custom_id"), e.errors()[:1])
        return None
    return Completion(value, _usage(chat), attempts=1, raw=text, model=chat.model)


def _usage(chat: ChatCompletion) -> Usage:
    u = chat.usage
    if u is None:
        return Usage()
    return Usage(
        prompt_tokens=u.prompt_tokens,
        completion_tokens=u.completion_tokens,
        total_tokens=u.total_tokens,
    )


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
        strategy: str = "whole",
        concurrency: int = 8,
        options: BatchOptions | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.backend, self.total, self.state = backend, total, state
        self.template, self.strategy = prompts.load(prompt), strategy
        self.options = options or BatchOptions()
        self.report = report or log.info
        self._sync = asyncio.Semaphore(max(1, concurrency))
        self._fingerprint = backend.fingerprint()
        self._waiting: dict[str, _Waiting] = {}
        self._arrived = self._settled = 0
        self._task: asyncio.Task[None] | None = None

    async def __call__(self, article: Article, backend: Backend) -> Briefing:
        """Wait for this article's batch line; re-ask synchronously when it is unusable."""
        key = self._key(article)
        waiting = self._waiting.setdefault(key, _Waiting(article))
        self._arrived += 1
        self._maybe_submit()
        completion = completion_of(await waiting.answer, article, self.backend.mode)
        if completion is not None:
            return extract.assemble(article, completion, self.template, self.backend)
        async with self._sync:
            return await extract.asummarize_article(
                article, backend, prompt=self.template.name, strategy="whole"
            )

    def settled(self) -> None:
        """One entry finished without the model (only counts before the batch is sent)."""
        self._settled += 1
        self._maybe_submit()

    def _key(self, article: Article) -> str:
        return cache_key(
            article.text,
            published=article.published,
            prompt_hash=self.template.hash,
            fingerprint=self._fingerprint,
            strategy=self.strategy,
        )

    def _maybe_submit(self) -> None:
        if self._task is None and self._waiting and self._arrived + self._settled >= self.total:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        waiting = dict(self._waiting)
        rows: dict[str, Row] = {}
        try:
            async with openai.AsyncOpenAI(**self._client_args()) as client:
                rows = await self._batch(client, waiting)
        except openai.AuthenticationError as e:  # stops the run, as a ConfigError does
            error = MissingKeyError(f"API key rejected by {self.backend.host} (HTTP 401)")
            error.__cause__ = e
            for w in waiting.values():
                _settle(w.answer, error)
            return
        except Exception as e:  # the batch as a whole failed: every article goes sync
            self.report(f"batch failed ({type(e).__name__}: {e}); asking each article directly")
        for key, w in waiting.items():
            _settle(w.answer, rows.get(key))

    def _client_args(self) -> dict[str, Any]:
        retries = self.backend.settings.transport_retries
        return self.backend.client_args() | {"max_retries": retries}

    async def _batch(
        self, client: openai.AsyncOpenAI, waiting: dict[str, _Waiting]
    ) -> dict[str, Row]:
        batch = await self._resume(client, set(waiting)) or await self._create(client, waiting)
        batch = await self._poll(client, batch)
        rows: dict[str, Row] = {}
        for file_id in (batch.output_file_id, batch.error_file_id):
            if file_id:
                text = (await client.files.content(file_id)).text
                rows |= {r["custom_id"]: r for r in map(json.loads, text.splitlines()) if r}
        counts = batch.request_counts
        done = f" ({counts.completed}/{counts.total} answered)" if counts else ""
        self.report(f"batch {batch.id}: {batch.status}{done}{_errors(batch)}")
        return rows

    async def _create(self, client: openai.AsyncOpenAI, waiting: dict[str, _Waiting]) -> Any:
        lines = [self._line(key, w.article) for key, w in waiting.items()]
        data = "".join(json.dumps(line) + "\n" for line in lines).encode()
        upload = await client.files.create(file=(f"{self.state.stem}.jsonl", data), purpose="batch")
        batch = await client.batches.create(
            input_file_id=upload.id,
            endpoint=ENDPOINT,
            completion_window=self.options.completion_window,
            metadata={"source": "summarizer daily"},
        )
        atomic_write(self.state, json.dumps({"batch_id": batch.id, "custom_ids": list(waiting)}))
        self.report(f"batch {batch.id}: submitted {len(lines)} requests")
        return batch

    def _line(self, key: str, article: Article) -> Row:
        body = request_body(self.backend, extract.build_messages(article, self.template))
        return {"custom_id": key, "method": "POST", "url": ENDPOINT, "body": body}

    async def _resume(self, client: openai.AsyncOpenAI, keys: set[str]) -> Any:
        """The batch an interrupted run of the day sent for these articles, if still usable."""
        try:
            saved = json.loads(self.state.read_text(encoding="utf-8"))
            if not keys <= set(saved["custom_ids"]):
                return None
            batch = await client.batches.retrieve(saved["batch_id"])
        except (OSError, ValueError, KeyError, TypeError, openai.NotFoundError):
            return None
        if batch.status in ("failed", "cancelled", "cancelling") or (
            batch.status == "expired" and not batch.output_file_id
        ):
            return None
        self.report(f"batch {batch.id}: resuming ({batch.status})")
        return batch

    async def _poll(self, client: openai.AsyncOpenAI, batch: Any) -> Any:
        start, delay = time.monotonic(), self.options.poll_first
        while batch.status not in FINAL:
            if time.monotonic() - start > self.options.max_wait:
                self.report(f"batch {batch.id}: still {batch.status}; cancelling it")
                return await client.batches.cancel(batch.id)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.options.poll_max)
            batch = await client.batches.retrieve(batch.id)
            self.report(_progress(batch, time.monotonic() - start))
        return batch


def _settle(future: asyncio.Future[Row | None], outcome: Row | None | Exception) -> None:
    if future.done():  # its article's task was cancelled
        return
    if isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def _progress(batch: Any, elapsed: float) -> str:
    counts = batch.request_counts
    done = f" {counts.completed + counts.failed}/{counts.total}" if counts else ""
    return f"batch {batch.id}: {batch.status}{done} after {elapsed:.0f}s"


def _errors(batch: Any) -> str:
    found = batch.errors.data if batch.errors and batch.errors.data else []
    return "".join(f"; {e.code}: {e.message}" for e in found[:3])


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
    if extract.resolve_strategy(config.strategy, backend) != "whole":
        raise ConfigError("--batch supports the whole strategy only", hint="pass --strategy whole")
    engine = BatchExtract(
        backend,
        len(entries),
        state=config.path(".batch.json"),
        prompt=config.prompt,
        strategy=config.strategy,
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
