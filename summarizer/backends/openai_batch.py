"""The OpenAI Batch API, provider side: request bodies, one batch's life, its output lines.

`request_body` comes from instructor's own request preparation (`handle_response_model`) over
the backend's own call parameters, so every line's body is the one the normal path sends, for
each mode (tools, json_schema, md_json). `BatchRun.answers` writes one JSONL line per request
(`custom_id` = the caller's key), uploads it (`files.create(purpose="batch")`), creates a batch
on `/v1/chat/completions` (or resumes the one an interrupted run sent, recorded in `state`),
polls with exponential backoff (bounded; one progress line per poll), and returns the output
and error lines by `custom_id`. A rejected key is a `MissingKeyError`; any other failure of the
batch as a whole propagates for the caller to fall back. `completion_of` validates one output
line exactly as the sync path validates an answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import openai
from instructor.processing.response import handle_response_model
from instructor.utils import extract_json_from_codeblock
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from summarizer.atomic import atomic_write
from summarizer.backends.base import Completion, Message
from summarizer.backends.openai import MODES, OpenAIBackend, answer_text
from summarizer.errors import MissingKeyError
from summarizer.schema import Usage

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


def request_body(
    backend: OpenAIBackend, messages: list[Message], response_model: type[BaseModel]
) -> dict[str, Any]:
    """The chat.completions body the sync path would send for these messages."""
    params = backend.request_params(messages, response_model)
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


def completion_of(
    row: Row | None, response_model: type[BaseModel], context: dict[str, Any], mode: str
) -> Completion[Any] | None:
    """A validated (and, through `context`, grounded) answer from one output line; None when
    it must be re-asked.
    """
    response = (row or {}).get("response") or {}
    if response.get("status_code") != 200:
        return None
    try:
        chat = ChatCompletion.model_validate(response.get("body"))
        text = draft_json(chat, mode)
        if text is None:
            return None
        value = response_model.model_validate_json(text, context=context)
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


class BatchRun:
    """One batch of requests for `backend` (see the module docstring)."""

    def __init__(
        self,
        backend: OpenAIBackend,
        *,
        state: Path,
        options: BatchOptions | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.backend, self.state = backend, state
        self.options = options or BatchOptions()
        self.report = report or log.info

    async def answers(self, bodies: dict[str, dict[str, Any]]) -> dict[str, Row]:
        """The output (and error) line of each request body, by its `custom_id`."""
        try:
            async with openai.AsyncOpenAI(**self._client_args()) as client:
                return await self._batch(client, bodies)
        except openai.AuthenticationError as e:
            raise MissingKeyError(f"API key rejected by {self.backend.host} (HTTP 401)") from e

    def _client_args(self) -> dict[str, Any]:
        retries = self.backend.settings.transport_retries
        return self.backend.client_args() | {"max_retries": retries}

    async def _batch(
        self, client: openai.AsyncOpenAI, bodies: dict[str, dict[str, Any]]
    ) -> dict[str, Row]:
        batch = await self._resume(client, set(bodies)) or await self._create(client, bodies)
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

    async def _create(self, client: openai.AsyncOpenAI, bodies: dict[str, dict[str, Any]]) -> Any:
        lines = [
            {"custom_id": key, "method": "POST", "url": ENDPOINT, "body": body}
            for key, body in bodies.items()
        ]
        data = "".join(json.dumps(line) + "\n" for line in lines).encode()
        upload = await client.files.create(file=(f"{self.state.stem}.jsonl", data), purpose="batch")
        batch = await client.batches.create(
            input_file_id=upload.id,
            endpoint=ENDPOINT,
            completion_window=self.options.completion_window,
            metadata={"source": "summarizer daily"},
        )
        atomic_write(self.state, json.dumps({"batch_id": batch.id, "custom_ids": list(bodies)}))
        self.report(f"batch {batch.id}: submitted {len(lines)} requests")
        return batch

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


def _progress(batch: Any, elapsed: float) -> str:
    counts = batch.request_counts
    done = f" {counts.completed + counts.failed}/{counts.total}" if counts else ""
    return f"batch {batch.id}: {batch.status}{done} after {elapsed:.0f}s"


def _errors(batch: Any) -> str:
    found = batch.errors.data if batch.errors and batch.errors.data else []
    return "".join(f"; {e.code}: {e.message}" for e in found[:3])
