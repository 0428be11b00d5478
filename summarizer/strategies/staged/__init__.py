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
4. `tensions`: one call per article about the sentences that name two of its parties
   (countries, bodies) and a word of what a dispute is made of: each sentence with its sides
   read by code, the model says whether it states a dispute and its issue; no such
   sentence, no call.
5. `assemble`: each answer's confirmed candidates become meeting mentions, the tension
   answer tension drafts; `finalize` does the rest, as for every strategy.

The system prompt is the same for every call of both kinds (a tension question carries its
instructions in its user message), so llama.cpp reuses its KV cache across calls and
articles; a call's prompt holds its windows' text, not the whole article.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from summarizer.backends.base import Completion
from summarizer.pipeline import prompts
from summarizer.pipeline.article import Article
from summarizer.pipeline.injection import data_only
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
from summarizer.strategies.staged.tensions import (
    TensionAsk,
    found_tensions,
    tension_ask,
    tension_messages,
    tension_model,
)
from summarizer.strategies.staged.windows import build_windows
from summarizer.text import layout

__all__ = ["Questions", "StagedStrategy", "plan"]

PROMPT = "staged"


@dataclass(frozen=True)
class Questions:
    """What will be asked about one article: its sentences and the asks (one per call).

    Offsets in `sentences` and `asks` point into `article.text`, the reading view of the
    article as given (`text.layout`); `view.original` maps them into the text as given.
    """

    sentences: list[Sentence]
    asks: list[Ask]
    article: Article
    view: layout.View
    tensions: TensionAsk | None = None


def plan(article: Article) -> Questions:
    """Read the article as paragraphs (`text.layout`), analyze it, keep the windows holding
    a candidate, batch them into asks.

    A trigger sentence shared by two windows is asked about once (in the first).
    """
    view = layout.read(data_only(article.text))  # injected lines blanked: never a candidate
    article = replace(article, text=view.text)
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
    tension = tension_ask(sentences, article.text)
    return Questions(sentences, batch(asks), article, view, tension)


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
        tension = TensionAsk((Sentence(0, 1, "s"),), ("a", "b"), (("a", "b"),))
        return [
            answer_model(sample).model_json_schema(),
            tension_model(tension).model_json_schema(),
        ]

    def plan(self, article: Article) -> Plan:
        """One call per batch of candidate windows; none when no sentence holds a candidate."""
        questions = plan(article)
        calls = [
            Call(build_messages(ask, questions.article, self._prompt), answer_model(ask.options))
            for ask in questions.asks
        ]
        if questions.tensions is not None:
            messages = tension_messages(questions.tensions, questions.article, self._prompt)
            calls.append(Call(messages, tension_model(questions.tensions)))
        return Plan(calls, state=questions)

    def finish(self, article: Article, plan: Plan, results: list[Completion[Any] | None]) -> Drafts:
        """The confirmed candidates of every answered call, and an extractive summary."""
        questions: Questions = plan.state
        found = []
        for ask, result in zip(questions.asks, results[: len(questions.asks)], strict=True):
            if result is not None:
                found += assemble.found_meetings(result.value, ask.options)
        tensions = []
        if questions.tensions is not None and results[-1] is not None:
            text = questions.article.text
            tensions = found_tensions(results[-1].value, questions.tensions, text)
        summary = assemble.summary(questions.sentences, questions.article)
        return Drafts(meetings=found, tensions=tensions, summary=summary)
