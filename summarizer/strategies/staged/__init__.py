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
4. `assemble`: each answer's confirmed candidates become meeting mentions; `finalize` does
   the rest, as for every strategy.

The system prompt is the same for every call, so llama.cpp reuses its KV cache across calls
and articles; a call's prompt holds its windows' text, not the whole article.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from summarizer.backends.base import Completion
from summarizer.pipeline import prompts
from summarizer.pipeline.article import Article
from summarizer.pipeline.mentions import Drafts
from summarizer.strategies.base import Call, Plan, Strategy
from summarizer.strategies.staged import assemble
from summarizer.strategies.staged.candidates import analyze
from summarizer.strategies.staged.questions import (
    Ask,
    Options,
    answer_model,
    batch,
    build_messages,
    options_for,
)
from summarizer.strategies.staged.spans import Sentence
from summarizer.strategies.staged.windows import build_windows

__all__ = ["Questions", "StagedStrategy", "plan"]

PROMPT = "staged"


@dataclass(frozen=True)
class Questions:
    """What will be asked about one article: its sentences and the asks (one per call)."""

    sentences: list[Sentence]
    asks: list[Ask]


def plan(article: Article) -> Questions:
    """Analyze the article, keep the windows holding a candidate, batch them into asks.

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
    return Questions(sentences, batch(asks))


class StagedStrategy(Strategy):
    """Closed questions per candidate sentence (see the module docstring)."""

    name = "staged"
    plan_in_thread = True

    def __init__(self) -> None:
        self._prompt = prompts.load(PROMPT)

    @property
    def prompt(self) -> prompts.Prompt:
        """The staged prompt."""
        return self._prompt

    def schemas(self) -> list[dict[str, Any]]:
        """The shape of the per-call answer models (built per window from `Options`)."""
        sample = Options(sides={}, times=("t",), places=("p",))
        return [answer_model(sample).model_json_schema()]

    def plan(self, article: Article) -> Plan:
        """One call per batch of candidate windows; none when no sentence holds a candidate."""
        questions = plan(article)
        calls = [
            Call(build_messages(ask, article, self._prompt), answer_model(ask.options))
            for ask in questions.asks
        ]
        return Plan(calls, state=questions)

    def finish(self, article: Article, plan: Plan, results: list[Completion[Any] | None]) -> Drafts:
        """The confirmed candidates of every answered call, and an extractive summary."""
        questions: Questions = plan.state
        found = []
        for ask, result in zip(questions.asks, results, strict=True):
            if result is not None:
                found += assemble.found_meetings(result.value, ask.options)
        return Drafts(meetings=found, summary=assemble.summary(questions.sentences, article))
