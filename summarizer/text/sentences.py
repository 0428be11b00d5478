"""The one sentence splitter: sentence and line boundaries, no split after "U.S." or "Gen."."""

from __future__ import annotations

import functools
import re

_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n+")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Capt|Adm|Gov|Sen|Rep|Rev|Prof|St|No|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|Inc|Ltd|Co|Corp|Jr|Sr))\.$"
)


# A single capital before a period is an initial ("George W. Bush") unless what follows opens
# a sentence, not a name: a determiner or pronoun ("... on the platform X. The G7 talks ...").
_OPENER = re.compile(r"\s+(?:The|A|An|This|That|These|Those|It|He|She|They|We|His|Her|Their|Its)\b")
_INITIAL = re.compile(r"\b[A-Z]\.$")


@functools.lru_cache(maxsize=64)
def bounds_of(text: str) -> tuple[tuple[int, int], ...]:
    """`sentence_bounds` of `text`, kept for the last texts split: one article's sentences
    serve every meeting `finalize` reads them for.
    """
    return tuple(sentence_bounds(text))


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line, surrounding whitespace excluded."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group().startswith(".") and _abbreviation(text, start, m.start(), m.end()):
            continue
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    out = []
    for a, b in bounds:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _abbreviation(text: str, start: int, at: int, end: int) -> bool:
    """The period at `at` ends an abbreviation or an initial, not the sentence."""
    before = text[start : at + 1]
    if not _ABBREVIATION.search(before):
        return False
    return not (_INITIAL.search(before) and _OPENER.match(text, end))


def sentences(text: str) -> list[str]:
    """The text split into sentences (and lines), stripped."""
    return [text[a:b] for a, b in sentence_bounds(text)]
