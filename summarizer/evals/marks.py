"""Where a case's gold and predicted items show in its article, as character spans for the HTML
report. Pure: (case, predicted) -> marks.

Gold cases carry no quotes, so a gold item's evidence is where its own words occur in the text:
a meeting's participants (names and aliases, else title/organization), date words and place; a
tension's parties and issue. Every occurrence is marked, except one lying inside another of the
same item ("Dunford" inside "Joseph Dunford"). A predicted item's evidence is its quotes, at the
offsets grounding stored, else located with `find_quote`; a quote not in the text has no mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from summarizer.evals.cases import GoldCase, GoldMeeting, GoldTension
from summarizer.evals.predictions import Evidence, Predicted
from summarizer.text.normalize import find_quote

Side = Literal["gold", "pred"]
Kind = Literal["meeting", "tension"]


@dataclass(frozen=True)
class Mark:
    """Span `start:end` of the article: evidence of that side's meeting or tension `index`."""

    side: Side
    kind: Kind
    index: int
    start: int
    end: int


def occurrences(text: str, phrase: str) -> Iterator[tuple[int, int]]:
    """Every non-overlapping place `find_quote` finds `phrase` in `text`, in order."""
    pos = 0
    while pos < len(text) and (found := find_quote(text[pos:], phrase)) is not None:
        start, end = found
        if end <= start:
            return
        yield pos + start, pos + end
        pos += end


def meeting_words(m: GoldMeeting) -> list[str]:
    """The words of a meeting to look for: its sides, date words and place."""
    words: list[str | None] = []
    for p in m.participants:
        words += [p.name, *p.aliases] if p.name else [p.title, p.organization]
    words += [m.date_text, m.location.venue, m.location.city, m.location.country]
    return [w for w in words if w]


def tension_words(t: GoldTension) -> list[str]:
    """The words of a tension to look for: its parties and issue."""
    return [*t.parties, t.issue]


def _outermost(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, dropping each one that lies inside an earlier-kept one."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if not any(a <= start and end <= b for a, b in kept):
            kept.append((start, end))
    return kept


def _item_marks(text: str, kind: Kind, index: int, words: Iterable[str]) -> list[Mark]:
    spans = _outermost(s for w in dict.fromkeys(words) for s in occurrences(text, w))
    return [Mark("gold", kind, index, start, end) for start, end in spans]


def gold_marks(case: GoldCase) -> list[Mark]:
    """The gold meetings' and tensions' words in the case's article."""
    text, expected = case.article.text, case.expected
    marks = []
    for i, m in enumerate(expected.meetings):
        marks += _item_marks(text, "meeting", i, meeting_words(m))
    for i, t in enumerate(expected.tensions):
        marks += _item_marks(text, "tension", i, tension_words(t))
    return sorted(marks, key=lambda k: (k.start, -k.end))


def _located(text: str, e: Evidence) -> tuple[int, int] | None:
    if e.start is not None and e.end is not None and 0 <= e.start < e.end <= len(text):
        return e.start, e.end
    return find_quote(text, e.text)


def pred_marks(text: str, pred: Predicted) -> list[Mark]:
    """The predicted items' evidence quotes in `text` (quotes not found are left out)."""
    marks = []
    for e in pred.evidence:
        span = _located(text, e)
        if span is not None:
            marks.append(Mark("pred", e.kind, e.index, *span))
    return sorted(marks, key=lambda k: (k.start, -k.end))


def unlocated(text: str, pred: Predicted) -> list[Evidence]:
    """The predicted quotes that are nowhere in `text`."""
    return [e for e in pred.evidence if _located(text, e) is None]
