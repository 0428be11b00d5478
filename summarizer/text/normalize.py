"""Offset-keeping normalisation and verbatim quote search.

Quotes are compared after `normalize` (whitespace runs, quote marks, dashes, NFC; case kept).
`find_quote` tolerates only: surrounding whitespace, surrounding quote marks, and trailing
`.`, `,`, `;`, `:` added or dropped by the model. A match must start and end on word boundaries.
Nothing else (no ellipses, no case changes, no changed word) is tolerated. Control and
zero-width characters are ignored on both sides. Offsets always point into the text as given.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array

_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛′`"} | {c: '"' for c in "“”„‟″«»"})
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"})
_MARKS = "\"' "
_TRAILING = ".,;:"
INVISIBLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b-\u200d\u2060\ufeff]")
# The whitespace runs `normalize` changes: all but a single space, which it keeps as it is:
# a whitespace character followed by more, or one that is not a space (`\s{2,}|[^\S ]`,
# written so that a search fails fast; `\s` is exactly `str.isspace`).
_RUNS = re.compile(r"\s(?:\s+|(?<! ))")


def normalize(text: str) -> tuple[str, list[int]]:
    """Collapse whitespace runs, unify quote marks and dashes, NFC; keep case.

    Returns the normalized text and, for each of its characters, the index in `text`
    it came from, so a match can be reported as offsets into the original.
    """
    if _plain(text):
        return _normalize_plain(text)
    out: list[str] = []
    index: list[int] = []
    for start, cluster in _clusters(text):
        if cluster.isspace():
            if not (out and out[-1] == " "):
                out.append(" ")
                index.append(start)
            continue
        visible = INVISIBLE.sub("", cluster)
        for char in unicodedata.normalize("NFC", visible).translate(_QUOTES).translate(_DASHES):
            out.append(char)
            index.append(start)
    return "".join(out), index


def _plain(text: str) -> bool:
    """Nothing invisible, no combining marks, already NFC: every character maps to one."""
    if INVISIBLE.search(text):
        return False
    if text.isascii():
        return True
    combining = any(unicodedata.combining(c) for c in set(text))
    return not combining and unicodedata.is_normalized("NFC", text)


def _normalize_plain(text: str) -> tuple[str, list[int]]:
    """`normalize` of a `_plain` text, by the few whitespace runs it changes (paragraph
    breaks, double spaces) instead of by character.
    """
    text = text.translate(_QUOTES).translate(_DASHES)
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for run in _RUNS.finditer(text):
        out += (text[pos : run.start()], " ")
        index += range(pos, run.start() + 1)
        pos = run.end()
    out.append(text[pos:])
    index += range(pos, len(text))
    return "".join(out), index


@functools.lru_cache(maxsize=64)  # more than the articles a daily run has in flight (32)
def _normalized(article: str) -> tuple[str, array[int]]:
    """`normalize`, cached: an article is searched once per quote of a draft, at grounding
    and again at finalize. The offsets are kept as machine integers (8 bytes each).
    """
    text, index = normalize(article)
    return text, array("q", index)


def _clusters(text: str) -> list[tuple[int, str]]:
    """Split into (start, base char + its combining marks) so NFC never crosses a boundary."""
    clusters: list[tuple[int, str]] = []
    for i, char in enumerate(text):
        if clusters and unicodedata.combining(char) and not clusters[-1][1].isspace():
            clusters[-1] = (clusters[-1][0], clusters[-1][1] + char)
        else:
            clusters.append((i, char))
    return clusters


@functools.lru_cache(maxsize=1024)  # a quote is looked up at grounding, snap and finalize
def find_quote(article: str, quote: str) -> tuple[int, int] | None:
    """Offsets `(start, end)` in `article` of the first occurrence of `quote`, else None."""
    norm_article, index = _normalized(article)
    core = normalize(quote)[0].strip(_MARKS)
    for candidate in dict.fromkeys((core, core.rstrip(_TRAILING).rstrip(_MARKS))):
        if not candidate:
            continue
        found = _search(norm_article, candidate)
        if found is not None:
            start, end = found
            original_end = index[end] if end < len(index) else len(article)
            return index[start], _rstrip_end(article, index[start], original_end)
    return None


def _search(haystack: str, needle: str) -> tuple[int, int] | None:
    """First occurrence of `needle` in `haystack` that does not cut a word in two."""
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        cuts_left = needle[0].isalnum() and start > 0 and haystack[start - 1].isalnum()
        cuts_right = needle[-1].isalnum() and end < len(haystack) and haystack[end].isalnum()
        if not (cuts_left or cuts_right):
            return start, end
        start = haystack.find(needle, start + 1)
    return None


def _rstrip_end(article: str, start: int, end: int) -> int:
    """Drop whitespace a collapsed run contributed at the end of a slice."""
    while end > start and article[end - 1].isspace():
        end -= 1
    return end
