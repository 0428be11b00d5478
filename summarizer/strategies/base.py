"""A `Strategy` turns an article into model calls and their answers into `Drafts`.

    plan(article)        -> the calls to make (messages + response model each)
    finish(article, plan, results) -> Drafts   (results: a Completion or a ModelError per call)

`run`/`arun` are the one call loop, sync and async (calls of one article run concurrently);
both end in `pipeline.finalize`. A call that fails is skipped unless every call failed, then
the first failure is raised with the usage of all of them. `identity` is what the service's
cache key holds for the strategy: its prompts, its response schemas and the code that finalizes
the answers (`pipeline.version.answer_code`, a hash of its source).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from summarizer.backends.base import Backend, Completion, Message
from summarizer.errors import ModelError
from summarizer.pipeline.article import Article
from summarizer.pipeline.finalize import RunInfo, finalize
from summarizer.pipeline.mentions import Drafts
from summarizer.pipeline.prompts import Prompt
from summarizer.pipeline.version import answer_code
from summarizer.schema import Briefing, Usage

Result = Completion[Any] | ModelError


@dataclass(frozen=True)
class Call:
    """One model call: its messages and the model its answer must validate as."""

    messages: list[Message]
    response_model: type[BaseModel]


@dataclass
class Plan:
    """The calls for one article, and whatever the strategy needs to read their answers."""

    calls: list[Call]
    state: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class Strategy(ABC):
    """How an article is asked about; see the module docstring."""

    name: str
    plan_in_thread = False  # planning is CPU work (a parse): keep it off the event loop

    @property
    @abstractmethod
    def prompt(self) -> Prompt:
        """The prompt its calls use (recorded in provenance and cache keys)."""

    @abstractmethod
    def schemas(self) -> list[dict[str, Any]]:
        """The JSON schemas its answers follow (a representative one for built-per-call)."""

    @abstractmethod
    def plan(self, article: Article) -> Plan:
        """The calls to make about `article`."""

    @abstractmethod
    def finish(self, article: Article, plan: Plan, results: list[Completion[Any] | None]) -> Drafts:
        """Drafts from the calls' answers, in plan order (`None` for a call that failed)."""

    def identity(self) -> str:
        """Hash of everything of the strategy that decides an answer (see module docstring)."""
        parts = [self.name, self.prompt.hash, answer_code(), self.schemas()]
        text = json.dumps(parts, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def run(self, article: Article, backend: Backend) -> Briefing:
        """Extract a grounded briefing (blocking; calls one after another)."""
        plan = self.plan(article)
        context = {"article": article.text}
        results: list[Result] = []
        for call in plan.calls:
            try:
                results.append(
                    backend.generate(call.messages, call.response_model, context=context)
                )
            except ModelError as e:
                results.append(e)
        return self._complete(article, backend, plan, results)

    async def arun(self, article: Article, backend: Backend) -> Briefing:
        """Extract a grounded briefing (async; the article's calls run concurrently)."""
        plan = (
            await asyncio.to_thread(self.plan, article)
            if self.plan_in_thread
            else self.plan(article)
        )
        context = {"article": article.text}

        async def one(call: Call) -> Result:
            try:
                return await backend.agenerate(call.messages, call.response_model, context=context)
            except ModelError as e:
                return e

        results = list(await asyncio.gather(*(one(c) for c in plan.calls)))
        return self._complete(article, backend, plan, results)

    def complete(
        self, article: Article, backend: Backend, plan: Plan, results: list[Result]
    ) -> Briefing:
        """The Briefing from the calls' results (used by `run`/`arun` and the Batch API)."""
        return self._complete(article, backend, plan, results)

    def _complete(
        self, article: Article, backend: Backend, plan: Plan, results: list[Result]
    ) -> Briefing:
        usage, attempts, model = Usage(), 0, ""
        for result in results:
            if isinstance(result, ModelError):
                usage += Usage(**{k: v for k, v in result.usage.items() if k in Usage.model_fields})
                attempts += result.attempts
            else:
                usage, attempts, model = (
                    usage + result.usage,
                    attempts + result.attempts,
                    result.model,
                )
        errors = [r for r in results if isinstance(r, ModelError)]
        if errors and len(errors) == len(results):
            first = errors[0]
            first.usage, first.attempts = usage.model_dump(), attempts
            raise first
        answered: list[Completion[Any] | None] = [
            None if isinstance(r, ModelError) else r for r in results
        ]
        drafts = self.finish(article, plan, answered)
        run = RunInfo(self.prompt, backend, self.name, attempts, usage, model)
        return finalize(article, drafts, run)
