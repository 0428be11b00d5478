"""The issue of a tension as a phrase of the article: the model's words found in the asked
sentence that holds them (blind to case, accents, spaces and punctuation), widened to whole
words, run on to the head of a noun phrase cut after a modifier (and to the end of one the
answer's length limit cut), cut before a second clause ("sanctions and warned that ..."), and
trimmed of a leading preposition, a dangling function word or an unpaired quote mark.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from summarizer.strategies.staged.candidates import nlp
from summarizer.strategies.staged.spans import Sentence

ISSUE_CHARS = 60


def issue_phrase(
    issue: str, marked: Sentence, sentences: tuple[Sentence, ...], answered: str | None = None
) -> tuple[str, Sentence]:
    """The model's issue as a phrase of the asked sentence that holds it, and that sentence.

    Found in the marked sentence or, failing that, in another asked one (blind to case,
    accents, spaces and punctuation: "U. S." is "U.S.", "inEurope" is "in Europe"), the issue
    is that sentence's own words, widened to whole words; an issue the answer's length limit
    cut (`ISSUE_CHARS`) runs on to the end of the noun phrase it cut ("... produced in the" ->
    "... produced in the 27-nation bloc"). A small model often takes its issue from another
    sentence than the one it marks: the sentence that holds the words is the evidence. Not
    found (the model's own wording), the issue is its words. Either way it does not end on a
    function word ("tariffs on steel exports to the" -> "tariffs on steel exports") and keeps
    no unpaired quote mark or bracket.
    """
    text = _paired(" ".join(issue.split()).strip(_EDGE))
    # the limit leaves 59 or 60 characters; `answered` is the model's issue before code kept
    # the part of it the article holds
    cut = len(answered or issue) >= ISSUE_CHARS - 1
    for sentence in (marked, *(s for s in sentences if s is not marked)):
        span = locate(text, sentence.text)
        if span is not None:
            phrase = _phrase(sentence.text, *span, complete=cut)
            if len(phrase) > 2 * ISSUE_CHARS:  # a noun phrase that runs on: the words found
                phrase = _phrase(sentence.text, *span, complete=False)
            return _paired(phrase), sentence
    return _paired(_phrase(text, 0, len(text), complete=False)), marked


_EDGE = " .,;:!?\"'{}()[]“”‘’"  # stray punctuation at a fragment's ends, and JSON an answer left
# Parts of speech a phrase does not end on ("... exports to the"), and wh-words ("... which").
_DANGLING = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "PART", "AUX", "PUNCT", "SPACE"})
_WH = frozenset({"WDT", "WP", "WP$", "WRB"})
_STOPS = frozenset({".", "!", "?", ";"})  # a phrase does not run past one
# ... nor begins on a preposition or conjunction ("over Malaysia's claim" -> "Malaysia's claim")
_LEADING = frozenset({"ADP", "CCONJ", "SCONJ", "PART", "PUNCT", "SPACE"})


def locate(phrase: str, text: str) -> tuple[int, int] | None:
    """Where `phrase` is in `text`, blind to case, accents, spaces and punctuation; else None."""
    needle, _ = _squeezed(phrase)
    hay, at = _squeezed(text)
    i = hay.find(needle) if needle else -1
    return None if i < 0 else (at[i], at[i + len(needle) - 1] + 1)


def _squeezed(text: str) -> tuple[str, list[int]]:
    """`text`'s letters and digits, case- and accent-folded, with the offset of each."""
    out: list[str] = []
    at: list[int] = []
    for i, c in enumerate(text):
        for d in unicodedata.normalize("NFKD", c).casefold():
            if d.isalnum():
                out.append(d)
                at.append(i)
    return "".join(out), at


def _phrase(text: str, start: int, end: int, complete: bool) -> str:
    """The words of `text` from `start` to `end`, widened to whole words ("Beijing-" ->
    "Beijing-imposed"; to the end of the noun phrase of the last one when `complete`), less
    a dangling word at either end.
    """
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    doc = _parse(text)
    if doc is None:
        return text[start:end]
    tokens = [t for t in doc if t.idx < end and t.idx + len(t.text) > start]
    # not past a full stop inside a "word" ("the two groups.The result": a missing space)
    stop = next((k for k, t in enumerate(tokens) if k and t.text in _STOPS), len(tokens))
    tokens = tokens[:stop]
    if tokens:
        last = tokens[-1].i
        chunk = next((c for c in doc.noun_chunks if c.start <= last < c.end), None)
        # a noun phrase cut inside, after a modifier ("... for significant" of "for
        # significant corruption"), runs on to its head; one the length limit cut, to its end
        inside = last < chunk.root.i and doc[last].pos_ not in _DANGLING if chunk else False
        if chunk is not None and (complete or inside):
            tokens += list(doc[last + 1 : chunk.end])
    tokens = _one_clause(tokens)
    while tokens and (tokens[-1].pos_ in _DANGLING or tokens[-1].tag_ in _WH):
        tokens.pop()
    while tokens and tokens[0].pos_ in _LEADING:
        tokens.pop(0)
    return text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)] if tokens else ""


def _one_clause(tokens: list[Any]) -> list[Any]:
    """The tokens up to a second clause joined on ("sanctions and warned that ...": the
    issue is "sanctions"): a coordinating conjunction followed by a verb.
    """
    for k, token in enumerate(tokens[1:-1], 1):
        if token.pos_ == "CCONJ" and tokens[k + 1].pos_ in ("VERB", "AUX"):
            return tokens[:k]
    return tokens


_PAIRS = ('"', "“”", "‘’", "()", "[]")
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")  # "Russia’s" holds no quote mark


def _paired(phrase: str) -> str:
    """`phrase` without the quote marks or brackets of a kind it holds an odd number of."""
    for kind in _PAIRS:
        found = [m.start() for m in re.finditer(f"[{re.escape(kind)}]", phrase)]
        found = [i for i in found if not _APOSTROPHE.match(phrase, i)]
        if len(found) % 2:
            phrase = "".join(c for i, c in enumerate(phrase) if i not in found)
    return " ".join(phrase.split()).strip(_EDGE)


@functools.lru_cache(maxsize=64)
def _parse(text: str) -> Any | None:
    """spaCy's parse of one sentence or phrase (the asked sentences are parsed once each)."""
    model = nlp()
    return model(text) if model is not None else None
