"""The staged extraction strategy, for small local models: code does what they cannot.

1. `candidates`: sentences, meeting triggers and candidate spans (spaCy NER, corrected in code).
   `parties` reads who meets from the dependency parse of each trigger sentence: small models
   asked to pick the sides from a list pick the whole list.
2. `windows`: ±1 sentence around each trigger sentence, overlapping windows merged.
3. `questions`: for the windows holding a candidate (a trigger sentence with two parties),
   closed questions: is it a meeting, its status, and its time words and places as enums of
   the windows' own spans, so nothing the model returns can be absent from the text. Windows
   are batched, up to `BATCH_CANDIDATES` candidates per call (one call for most articles).
   Windows without a candidate are never sent to the model: no call, no false meeting.
4. `assemble`: answers merged into meetings, dates resolved, evidence located.

The system prompt is the same for every call, so llama.cpp reuses its KV cache across calls
and articles; a call's prompt holds its windows' text, not the whole article.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from pydantic import BaseModel

from summarizer.backends.base import Backend, Completion
from summarizer.errors import ModelError
from summarizer.pipeline import prompts
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing, Usage
from summarizer.strategies.staged import assemble
from summarizer.strategies.staged.candidates import analyze
from summarizer.strategies.staged.questions import (
    Ask,
    answer_model,
    batch,
    build_messages,
    options_for,
)
from summarizer.strategies.staged.spans import Sentence
from summarizer.strategies.staged.windows import build_windows

__all__ = ["Plan", "asummarize_staged", "plan", "summarize_staged"]

PROMPT = "staged"


@dataclass(frozen=True)
class Plan:
    """What will be asked about one article: its sentences and the calls to make."""

    sentences: list[Sentence]
    asks: list[Ask]


def plan(article: Article) -> Plan:
    """Analyze the article, keep the windows holding a candidate, batch them into calls.

    A trigger sentence shared by two windows is asked about once (in the first).
    """
    sentences = analyze(article.text)
    asked: set[int] = set()
    asks = []
    for window in build_windows(sentences):
        options = options_for(window, article)
        fresh = tuple(c for c in options.candidates if c.sentence.start not in asked)
        asked |= {c.sentence.start for c in fresh}
        options = replace(options, candidates=fresh)
        if options.askable:
            asks.append((window, options))
    return Plan(sentences, batch(asks))


Result = Completion[BaseModel] | ModelError


def summarize_staged(article: Article, backend: Backend) -> Briefing:
    """Extract a briefing window by window (blocking)."""
    prompt, steps = prompts.load(PROMPT), plan(article)
    results: list[Result] = []
    for ask in steps.asks:
        model = answer_model(ask.options)
        messages = build_messages(ask, article, prompt)
        try:
            results.append(backend.generate(messages, model, context={"article": article.text}))
        except ModelError as e:
            results.append(e)
    return _finish(article, backend, prompt, steps, results)


async def asummarize_staged(article: Article, backend: Backend) -> Briefing:
    """Extract a briefing window by window (async; windows are asked concurrently)."""
    prompt = prompts.load(PROMPT)
    steps = await asyncio.to_thread(plan, article)

    async def call(ask: Ask) -> Result:
        model = answer_model(ask.options)
        messages = build_messages(ask, article, prompt)
        try:
            return await backend.agenerate(messages, model, context={"article": article.text})
        except ModelError as e:
            return e

    results = await asyncio.gather(*(call(ask) for ask in steps.asks))
    return _finish(article, backend, prompt, steps, list(results))


def _finish(
    article: Article, backend: Backend, prompt: prompts.Prompt, steps: Plan, results: list[Result]
) -> Briefing:
    """Merge the answers into a Briefing; a failed window is skipped unless all of them failed."""
    usage, attempts, model, found = Usage(), 0, "", []
    for ask, result in zip(steps.asks, results, strict=True):
        if isinstance(result, ModelError):
            usage += Usage(**{k: v for k, v in result.usage.items() if k in Usage.model_fields})
            attempts += result.attempts
            continue
        usage, attempts, model = usage + result.usage, attempts + result.attempts, result.model
        found += assemble.found_meetings(result.value, ask.options, article)
    errors = [r for r in results if isinstance(r, ModelError)]
    if errors and len(errors) == len(results):
        first = errors[0]
        first.usage, first.attempts = usage.model_dump(), attempts
        raise first
    assemble.same_day(found)
    meetings = [assemble.to_meeting(f, article) for f in assemble.merge(found)]
    return assemble.briefing(
        article,
        meetings,
        steps.sentences,
        prompt=prompt,
        backend=backend,
        attempts=attempts,
        usage=usage,
        model=model,
    )
