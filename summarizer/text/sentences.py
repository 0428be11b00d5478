"""The one sentence splitter: sentence and line boundaries, no split after "U.S." or "Gen."."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n+")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Capt|Adm|Gov|Sen|Rep|Rev|Prof|St|No|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|Inc|Ltd|Co|Corp|Jr|Sr))\.$"
)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line, surrounding whitespace excluded."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group().startswith(".") and _ABBREVIATION.search(text[start : m.start() + 1]):
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


def sentences(text: str) -> list[str]:
    """The text split into sentences (and lines), stripped."""
    return [text[a:b] for a, b in sentence_bounds(text)]
