"""The tension stage of the staged strategy: one closed question per article.

Parties are an enum of the article's own actors: the countries it names (a place's or a
nationality's country, from the gazetteer: "Pyongyang" and "North Korean" are North Korea),
and the organizations and bodies spaCy finds. The sentences asked about are those that name
two or more of those parties (co-mention, no phrase list), at most `MAX_SENTENCES`, marked
`[t1]`, `[t2]`, ... The model answers up to `MAX_TENSIONS` tensions: the sentence that states
it (an enum of the marks), two or more parties (enums), and the issue in a few words. Code
keeps an issue only when every word of it is the article's; the evidence is the marked
sentence, verbatim. No sentence naming two parties: no call, no invented tension.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from types import GenericAlias
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, create_model

from summarizer.backends.base import Message
from summarizer.pipeline import prompts
from summarizer.pipeline.article import Article
from summarizer.schema import Strict, TensionDraft
from summarizer.strategies.staged.candidates import is_prose
from summarizer.strategies.staged.spans import Sentence
from summarizer.text import places
from summarizer.text.fold import fold, words

MAX_TENSIONS = 3
MAX_PARTIES = 10
MAX_SENTENCES = 6
ISSUE_CHARS = 60
MIN_ORG_CHARS = 3


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
    """The answer's tensions with two distinct parties and an issue in the article's words;
    one per set of parties and one per issue stated by one sentence (the first: a small model
    lists one dispute again with other parties of the same sentence).
    """
    by_mark = dict(zip(marks(ask), ask.sentences, strict=True))
    known = set(words(article))
    out: list[TensionDraft] = []
    seen: set[object] = set()
    for item in getattr(answer, "tensions", []):
        parties = list(dict.fromkeys(item.parties))
        issue = " ".join(item.issue.split()).strip(" .,;:")
        keys = {frozenset(parties), (item.evidence, fold(issue))}
        if len(parties) < 2 or keys & seen or not _grounded(issue, known):
            continue
        seen |= keys
        sentence = by_mark[item.evidence]
        out.append(TensionDraft(parties=parties, issue=issue, evidence=[sentence.text]))
    return out


def _grounded(issue: str, known: set[str]) -> bool:
    """Every word of the issue is a word of the article (folded), and it has one at least."""
    found = words(issue)
    return bool(found) and all(w in known for w in found) and bool(fold(issue))
