"""The agenda a meeting's neighbouring sentence lists: news states a meeting, then what was
on the table in a sentence of its own ("They discussed a number of issues including border
security, Canada's role in Afghanistan, and support for the war", "Topics discussed included
...", "The agenda of their discussions included ...", "the talks covered ..., including ...";
13 stories of the 193 in ../shared/realnews have this shape). A small model names at most two
topics per meeting, from the meeting's own sentence; this reads the list in code.

Pure: (the meeting's sentence, article text) -> (the listed items, the sentence listing them).
A listing sentence is the meeting's own or one of the `FOLLOWING` sentences after it in the
article; it speaks of talks (a discussion word) and lists after "including", "such as",
"covered" or "discussed" (the first of them). Items are the list's comma-separated
phrases, verbatim, each of at most `MAX_WORDS` words (a longer one is a clause, not a topic).
A meeting whose next sentence lists the topics of another one stated between them is not
told apart: the listing must come within `FOLLOWING` sentences.
"""

from __future__ import annotations

import re

from summarizer.text import places
from summarizer.text.sentences import bounds_of

FOLLOWING = 2
MAX_WORDS = 8
MAX_ITEMS = 8

# a sentence about what talks were about: a discussion word ...
_TALKS = re.compile(r"\b(?:discuss\w*|talks?|topics?|agenda|negotiations?)\b", re.I)
# ... and the word that opens its list
_LIST = re.compile(
    r"\b(?:includ(?:ed|ing|es)|such as|covered|focused on|centred on|centered on|"
    r"discussed(?: about)?|talked about)\s+",
    re.I,
)
_SPLIT = re.compile(r",\s+(?:and\s+|as well as\s+)?|\s+as well as\s+")
_EDGES = " .;:\"'“”‘’()"
_INNER = re.compile(r"\b(?:including|such as)\s+", re.I)
_LEADING = re.compile(
    r"^(?:(?:and|the|through|included|includes|covered|especially|notably)\s+)+", re.I
)
_CLAUSE = re.compile(r"^(?:because|which|who|that|when|while|as|like|where|if|but)\b", re.I)
_SAID = re.compile(r"\b(?:said|says|told|added|according)\b", re.I)
_NOT_TOPIC = re.compile(r"^(?:in|on|at|to|for|from|with|by|of)\b|^\d", re.I)


def listed_topics(sentence: str, article: str) -> tuple[list[str], str | None]:
    """The topics a sentence at or just after `sentence` (the meeting's, found verbatim in
    `article`) lists for the talks, and that sentence; ([], None) when none does.
    """
    at = article.find(sentence)
    if at < 0:
        return [], None
    bounds = bounds_of(article)
    first = next((i for i, (a, b) in enumerate(bounds) if a <= at < b), None)
    if first is None:
        return [], None
    for a, b in bounds[first : first + 1 + FOLLOWING]:
        items = _items(article[a:b])
        if len(items) >= 2:
            return items, article[a:b]
    return [], None


def _items(sentence: str) -> list[str]:
    """The listed phrases of a sentence about talks (see the module docstring): after its
    first list word, up to a clause that ends the list ("..., which has included ...", "...,
    but it soon ..."); a phrase too long to be a topic ("the importance of ... in places such
    as Afghanistan"), one opening on a preposition or a number, is left out; none unless two
    are left.
    """
    if not _TALKS.search(sentence):
        return []
    found = _LIST.search(sentence)
    if found is None:
        return []
    out = []
    for raw in _SPLIT.split(sentence[found.end() :].rstrip(_EDGES)):
        raw = raw.strip(_EDGES)
        if _CLAUSE.match(raw) or _SAID.search(raw):
            break  # the list is over ("..., which has included", "..., an aide said")
        inner = _INNER.search(raw)  # "a number of issues including border security"
        piece = _LEADING.sub("", raw[inner.end() :] if inner else raw)
        if piece and len(piece.split()) <= MAX_WORDS and not _NOT_TOPIC.match(piece):
            out.append(piece)
    if sum(places.is_country(p) for p in out) * 2 > len(out):
        return []  # "talks which had included China, the DPRK, ...": who, not what
    return out[:MAX_ITEMS] if len(out) >= 2 else []
