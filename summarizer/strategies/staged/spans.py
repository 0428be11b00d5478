"""The pieces of an article the staged strategy works with: spans and sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SIDE_LABELS = frozenset({"PERSON", "ORG", "TITLE"})
# "SANTIAGO, Sept 8 - ", "DORN (Balkan Desk) - ": where the wire opens a story, not its content.
DATELINE = re.compile(r"^[A-Z][^a-z]{1,40}?(?:,[^-–—(]{1,40})?(?:\([^)]{1,40}\))?\s+[-–—]\s+")


@dataclass(frozen=True)
class Span:
    """A piece of the article: `label` is PERSON, ORG, TITLE, NORP, GPE, LOC, FAC or TIME."""

    text: str
    start: int
    end: int
    label: str


Tense = Literal["held", "scheduled"]


@dataclass(frozen=True)
class Hints:
    """What the parse gives a trigger sentence's meeting (see `clauses`): its tense and place
    (None: not stated), whether it is stated plainly, and the side meeting the others in turn.
    """

    tense: Tense | None = None
    place: Span | None = None
    plain: bool = False  # a meeting word whose own arguments are two sides (`clauses._plain`)
    hub: Span | None = None  # the side meeting each other one in turn (`clauses._hub`)
    supposed: bool = False  # asked or supposed: "whether she had spoken to" (`clauses._supposed`)
    when: Span | None = None  # the time words hanging from the meeting's clause (`clauses._when`)


@dataclass(frozen=True)
class Sentence:
    """One sentence (or line) of the article with its offsets, trigger and spans."""

    start: int
    end: int
    text: str
    trigger: str | None = None
    spans: tuple[Span, ...] = ()
    trigger_at: tuple[tuple[int, int], ...] = ()  # offsets of trigger words in `text`
    speaker: Span | None = None  # the transcript speaker whose turn this sentence is in
    parties: tuple[Span, ...] = ()  # who meets, per the trigger's arguments (see parties.py)
    hints: Hints = Hints()  # the clause's tense and place (see clauses.py)

    def labelled(self, *labels: str) -> list[Span]:
        """This sentence's spans with one of `labels`, in order."""
        return [s for s in self.spans if s.label in labels]


def bound_only(span: Span, text: str, offset: int = 0) -> bool:
    """A time that only bounds a state of affairs: its start ("protested since March", "in
    force since 2019") or a deadline ("a pipeline built by 2025", "troops out by September 11",
    "completed by December 2023"): no meeting happens at it. `text` starts at `offset` in
    the article.
    """
    before = text[max(0, span.start - offset - 6) : max(0, span.start - offset)].lower()
    return before.endswith(("since ", " by "))
