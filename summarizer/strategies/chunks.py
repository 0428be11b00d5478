"""Long articles: a text longer than a budget, as overlapping chunks of whole paragraphs.

Pure functions on a string and offsets; a chunk is a `(start, end)` span of the text, so
whatever is found in it is located in the whole text again (`whole.py` grounds every chunk's
draft against the full article).

    units(text, limit)            -> paragraph spans; a paragraph longer than `limit` is
                                     replaced by its sentences (`text.sentences`)
    split(text, limit, overlap=1) -> chunk spans of at most `limit` characters, each
                                     starting at a unit; consecutive chunks share `overlap`
                                     units, so a meeting stated across a boundary is read whole

A paragraph ends at a blank line; in a text without blank lines, at a line break; a text
with neither is one paragraph (so it is split at sentences). A chunk exceeds `limit` only
when one sentence does. Token counts are estimated as elsewhere in the code (`len // 4`,
`daily.run.estimate_tokens`), rounded up.
"""

from __future__ import annotations

import re

from summarizer.text.sentences import sentence_bounds

__all__ = ["CHARS_PER_TOKEN", "estimate_tokens", "split", "units"]

CHARS_PER_TOKEN = 4  # Qwen2.5 reads ~4.7 characters of English news per token: 4 is safe
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")

Span = tuple[int, int]


def estimate_tokens(text: str) -> int:
    """A conservative token count of `text` (`CHARS_PER_TOKEN` characters a token)."""
    return -(-len(text) // CHARS_PER_TOKEN)


def paragraphs(text: str) -> list[Span]:
    """Spans of the text's paragraphs, surrounding whitespace excluded (see module doc)."""
    boundary = _BLANK_LINE if _BLANK_LINE.search(text) else _LINE_BREAK
    out: list[Span] = []
    start = 0
    for m in [*boundary.finditer(text), None]:
        end = m.start() if m else len(text)
        a, b = _trim(text, start, end)
        if a < b:
            out.append((a, b))
        start = m.end() if m else len(text)
    return out


def units(text: str, limit: int) -> list[Span]:
    """The paragraphs, each one longer than `limit` replaced by its sentences."""
    out: list[Span] = []
    for a, b in paragraphs(text):
        if b - a <= limit:
            out.append((a, b))
        else:
            out += [(a + s, a + e) for s, e in sentence_bounds(text[a:b])]
    return out


def split(text: str, limit: int, overlap: int = 1) -> list[Span]:
    """Chunks of at most `limit` characters, consecutive ones sharing `overlap` units.

    A text within `limit` is one chunk, the whole of it (`(0, len(text))`). Each chunk holds
    as many units as fit; the next starts `overlap` units before the previous one's end, fewer
    when those and the next unit would not fit together.
    """
    if limit < 1 or overlap < 0:
        raise ValueError(f"need limit >= 1 and overlap >= 0, got {limit} and {overlap}")
    if len(text) <= limit:
        return [(0, len(text))]
    parts = units(text, limit)
    chunks: list[Span] = []
    first = 0
    while parts:
        last = _fill(parts, first, limit)
        chunks.append((parts[first][0], parts[last][1]))
        if last == len(parts) - 1:
            break
        first = _next_first(parts, first, last, limit, overlap)
    return chunks


def _fill(parts: list[Span], first: int, limit: int) -> int:
    """The last unit of the chunk starting at unit `first`: as many as fit, at least one."""
    last = first
    while last + 1 < len(parts) and parts[last + 1][1] - parts[first][0] <= limit:
        last += 1
    return last


def _next_first(parts: list[Span], first: int, last: int, limit: int, overlap: int) -> int:
    """The next chunk's first unit: `overlap` units back, fewer where they and the next new
    unit would not fit in `limit`; always after `first` (every chunk adds a unit).
    """
    start = max(first + 1, last + 1 - overlap)
    while start <= last and parts[last + 1][1] - parts[start][0] > limit:
        start += 1
    return start


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
