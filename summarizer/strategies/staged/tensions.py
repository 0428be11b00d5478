"""The tension stage of the staged strategy: one closed question per article.

Parties are an enum of the article's own actors: the countries it names (a place's or a
nationality's country, from the gazetteer: "Pyongyang" and "North Korean" are North Korea),
and the organizations and bodies spaCy finds. The sentences asked about are those that name
two or more of those parties (co-mention, no phrase list), at most `MAX_SENTENCES`, marked
`[t1]`, `[t2]`, ... The model answers up to `MAX_TENSIONS` tensions: the sentence that states
it (an enum of the marks), two or more parties (enums), and the issue in a few words. Code
keeps an issue only when every word of it is the article's, writes it as a phrase of the
asked sentence that holds it (`issue_phrase`; that sentence, verbatim, is the evidence), and
keeps the parties that name two sides at least (`sides`). No sentence naming two parties: no
call, no invented tension.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from types import GenericAlias
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, create_model

from summarizer.backends.base import Message
from summarizer.pipeline import prompts
from summarizer.pipeline.article import Article
from summarizer.schema import Strict, TensionDraft
from summarizer.strategies.staged.candidates import is_prose, nlp
from summarizer.strategies.staged.spans import Sentence
from summarizer.text import places
from summarizer.text.fold import fold, words

MAX_TENSIONS = 3
MAX_PARTIES = 10
MAX_SENTENCES = 6
ISSUE_CHARS = 60
MIN_ORG_CHARS = 3
MIN_STEM = 5  # letters a country's name shares with its nationality word


@dataclass(frozen=True)
class TensionAsk:
    """The sentences asked about (in article order) and the parties the answer may name."""

    sentences: tuple[Sentence, ...]
    parties: tuple[str, ...]


def actors(sentence: Sentence, article: str) -> list[str]:
    """The parties `sentence` names: countries (of its places and nationalities) and bodies."""
    found: list[str] = []
    for span in sentence.spans:
        if span.label in ("GPE", "NORP", "LOC"):
            country = places.country_of(span.text, article) or places.capital_of(span.text)
            if country:
                found.append(country)
        elif span.label == "ORG" and len(span.text) >= MIN_ORG_CHARS:
            found.append(span.text)
    return list(dict.fromkeys(found))


def tension_ask(sentences: list[Sentence], article: str) -> TensionAsk | None:
    """What to ask about the article's tensions, or None when no sentence names two parties."""
    prose = [s for s in sentences if is_prose(s.text)]
    named = [actors(s, article) for s in prose]
    counts = Counter(p for found in named for p in found)
    order = {p: i for i, p in enumerate(dict.fromkeys(p for found in named for p in found))}
    top = sorted(counts, key=lambda p: (-counts[p], order[p]))[:MAX_PARTIES]
    chosen = [s for s, found in zip(prose, named, strict=True) if len(set(found) & set(top)) >= 2]
    if not chosen:
        return None
    parties = tuple(sorted(top, key=lambda p: order[p]))
    return TensionAsk(tuple(chosen[:MAX_SENTENCES]), parties)


def marks(ask: TensionAsk) -> tuple[str, ...]:
    """The sentence marks `t1`, `t2`, ..."""
    return tuple(f"t{i}" for i in range(1, len(ask.sentences) + 1))


def passage(ask: TensionAsk) -> str:
    """The asked sentences, one per line, each after its mark."""
    return "\n".join(f"[{m}] {s.text}" for m, s in zip(marks(ask), ask.sentences, strict=True))


def tension_messages(ask: TensionAsk, article: Article, prompt: prompts.Prompt) -> list[Message]:
    """The chat messages of the tension question: the staged system prompt (the meeting
    questions' own, so its KV cache serves both), then the marked sentences, the parties and
    the tension instructions (the user template's tension branch).
    """
    published = article.published.isoformat() if article.published else None
    parties = ", ".join(f'"{p}"' for p in ask.parties)
    return prompt.render(passage=passage(ask), published=published, parties=parties)


def tension_model(ask: TensionAsk) -> type[BaseModel]:
    """The response model: up to `MAX_TENSIONS` tensions, each its sentence, parties, issue."""
    party: Any = Literal.__getitem__(ask.parties)
    mark: Any = Literal.__getitem__(marks(ask))
    parties: Any = GenericAlias(list, (party,))
    issue = Annotated[str, StringConstraints(min_length=3, max_length=ISSUE_CHARS)]
    item = create_model(
        "StatedTension",
        __base__=Strict,
        evidence=(mark, Field(description="The sentence stating it.")),
        parties=(parties, Field(min_length=2, max_length=3, description="The parties in it.")),
        issue=(issue, Field(description="What it is about, in the sentence's words.")),
    )
    items: Any = GenericAlias(list, (item,))
    return create_model(
        "TensionAnswer", __base__=Strict, tensions=(items, Field(max_length=MAX_TENSIONS))
    )


def found_tensions(answer: BaseModel, ask: TensionAsk, article: str) -> list[TensionDraft]:
    """The answer's tensions with two sides (`sides`) and an issue in the article's words,
    the issue put as a phrase of the sentence that holds it (`issue_phrase`), which is its
    evidence; one per set of sides and one per issue of one sentence (the first: a small
    model lists one dispute again with other parties of the same sentence).
    """
    by_mark = dict(zip(marks(ask), ask.sentences, strict=True))
    known = set(words(article))
    out: list[TensionDraft] = []
    seen: set[object] = set()
    for item in getattr(answer, "tensions", []):
        parties = sides(list(dict.fromkeys(item.parties)), ask)
        if not parties or not _grounded(_spaced(item.issue), known):
            continue
        issue, sentence = issue_phrase(item.issue, by_mark[item.evidence], ask.sentences)
        keys = {frozenset(parties), (sentence.start, fold(issue))}
        if not issue or keys & seen:
            continue
        seen |= keys
        out.append(TensionDraft(parties=parties, issue=issue, evidence=[sentence.text]))
    return out


def sides(parties: list[str], ask: TensionAsk) -> list[str]:
    """The sides `parties` name, each once; none unless two at least (a tension is between
    sides). A party listed under two names is one side: a single-word name of a country is
    the country ("DPRK" is North Korea), a nationality word of a country listed too is that
    country ("Sandoran" is "Sandora": the listed country of an invented story). A word the
    list took from inside a longer name of the asked sentences ("Bashar" of "Bashar
    al-Assad", "Middle" of "Middle East") or a modifier ("Dubai-based", "Mexican-") is no side.
    """
    names = {fold(span.text) for sentence in ask.sentences for span in sentence.spans}
    found = [_side(p, ask.parties, names) for p in parties]
    out = list(dict.fromkeys(s for s in found if s))
    return out if len(out) >= 2 else []


def _side(party: str, listed: tuple[str, ...], names: set[str]) -> str | None:
    """The side `party` names (see `sides`), or None when it names none."""
    country = places.country_named(party)
    if country == party or (country and len(party.split()) == 1):
        return country
    stems = [p for p in listed if p != party and _nationality_of(party, p)]
    if stems:
        return min(stems, key=len)
    if "-" in party and not party.rsplit("-", 1)[1][:1].isupper():
        return None  # a modifier: "Dubai-based", "Mexican-" (of "Mexican- and Canadian-made")
    key = fold(party)
    inside = re.compile(rf"(?<!\w){re.escape(key)}(?!\w)")
    return None if key not in names and any(inside.search(n) for n in names) else party


def _nationality_of(word: str, country: str) -> bool:
    """`word` is `country` and an ending of up to three letters ("Kharzani", "Kharzan")."""
    a, b = fold(country), fold(word)
    return len(a) >= MIN_STEM and " " not in b and b.startswith(a) and len(b) - len(a) <= 3


def _spaced(issue: str) -> str:
    return " ".join(issue.split()).strip(" .,;:")


def _grounded(issue: str, known: set[str]) -> bool:
    """Every word of the issue is a word of the article (folded), and it has one at least."""
    found = words(issue)
    return bool(found) and all(w in known for w in found) and bool(fold(issue))


def issue_phrase(
    issue: str, marked: Sentence, sentences: tuple[Sentence, ...]
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
    cut = len(issue) >= ISSUE_CHARS - 1  # the limit leaves 59 or 60 characters
    for sentence in (marked, *(s for s in sentences if s is not marked)):
        span = _find(text, sentence.text)
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


def _find(phrase: str, text: str) -> tuple[int, int] | None:
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
    if complete and tokens:
        last = tokens[-1].i
        chunk = next((c for c in doc.noun_chunks if c.start <= last < c.end), None)
        tokens += list(doc[last + 1 : chunk.end]) if chunk is not None else []
    while tokens and (tokens[-1].pos_ in _DANGLING or tokens[-1].tag_ in _WH):
        tokens.pop()
    while tokens and tokens[0].pos_ in ("PUNCT", "CCONJ", "SPACE"):
        tokens.pop(0)
    return text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)] if tokens else ""


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
