"""The tension stage of the staged strategy: closed questions about candidate sentences.

Parties are the article's own actors: the countries it names (a place's or a nationality's
country, from the gazetteer: "Pyongyang" and "North Korean" are North Korea), and the
organizations and bodies spaCy finds. A sentence that names two or more of the article's
`MAX_PARTIES` most named parties is a candidate, its sides those parties (code reads them
from the sentence: a small model asked to pick parties from a list picks ones the sentence
does not name). At most `MAX_SENTENCES` candidates are asked, marked `[t1]`, `[t2]`, ...:
those holding a word of what a dispute is made of (`conflict_words`) first, then those whose
next sentence holds one (the parties named in one sentence, the quarrel in the next:
"Morland introduced a new toll ... Estravia has called the toll discriminatory"), then the
others, in article order; no call when no candidate is either. For each, the model answers
whether it states a dispute between its sides and, if so, the issue in a few words. Code
keeps an issue only when every word of it is the article's, writes it as a phrase of the
sentence that holds it (`issues.issue_phrase`), and keeps one tension per set of sides and
thing. No candidate: no call, no invented tension.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, create_model

from summarizer.backends.base import Message
from summarizer.pipeline import prompts
from summarizer.pipeline.article import Article
from summarizer.schema import Strict, TensionDraft
from summarizer.strategies.staged.candidates import is_prose
from summarizer.strategies.staged.issues import ISSUE_CHARS, issue_phrase, locate
from summarizer.strategies.staged.questions import closed_reply, sides_label
from summarizer.strategies.staged.spans import DATELINE, Sentence, Span
from summarizer.text import places
from summarizer.text.fold import fold, words

__all__ = ["ISSUE_CHARS", "TensionAsk", "found_tensions", "issue_phrase", "sides"]

MAX_TENSIONS = 3
MAX_PARTIES = 10
MAX_SENTENCES = 6
MAX_SIDES = 3
MIN_ORG_CHARS = 3
MIN_STEM = 5  # letters a country's name shares with its nationality word
MIN_CONTENT = 4  # letters of a content word of an issue (not "of", "the", "on")
MIN_RUN = 2  # words of a model's issue that must be found together in an asked sentence

# What a tension is made of: the conflict classes of the CAMEO event codebook (10-20: demand,
# disapprove, reject, threaten, protest, exhibit force, reduce relations, coerce, assault,
# fight) and the labelers' definition (a disagreement, dispute, sanction, protest or friction:
# accusations, a walkout, a lawsuit, a rejected proposal), as word beginnings: "sanction" is
# "sanctions", "sanctioned"; "accus" is "accuse", "accusation" ("sever" only as a verb, not
# "several"). The sentences holding one, or followed by one that does, are asked first, and
# an article with neither is not asked (as one with no meeting word is not asked about
# meetings); the model, not the word, decides a tension.
_CONFLICT = re.compile(
    r"\b(?:disput|disagre|conflict|sanction|protest|accus|friction|tension|walk(?:ed)? ?out|"
    r"lawsuit|su(?:e|ed|es|ing)\b|reject|refus|threat|condemn|critici|denounc|objection|"
    r"complain|disappoint|blam|demand|tariff|embargo|restrict|bans?\b|banned|expel|expuls|"
    r"sever(?:s|ed|ing)?\b|retaliat|den(?:y|ied|ies)|violat|abus|mistreat|detain|detention|"
    r"arrest|coerc|punish|pressur|warn|ultimatum|provoc|aggress|hostil|contest|rival|rift|"
    r"feud|spat|stand-?off|boycott|crackdown|wars?\b|invad|invasion|occup|attack|clash|fight|"
    r"fought|strike|bomb|insurgen|rebel)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TensionAsk:
    """The sentences asked about (in article order), the article's parties, and the sides of
    each asked sentence (the parties it names, in its order).
    """

    sentences: tuple[Sentence, ...]
    parties: tuple[str, ...]
    sides: tuple[tuple[str, ...], ...] = ()


def actors(sentence: Sentence, article: str) -> list[str]:
    """The parties `sentence` names: countries (of its places and nationalities) and bodies."""
    found: list[str] = []
    dateline = DATELINE.match(sentence.text)  # "VESKOR, May 14 (Meridian Wire) - ": no party
    opens = sentence.start + (dateline.end() if dateline else 0)
    for span in sentence.spans:
        if span.end <= opens:
            continue
        if span.label in ("GPE", "NORP", "LOC"):
            country = places.country_of(span.text, article) or places.capital_of(span.text)
        else:  # a country or capital that NER read as a body or a person: "Malawi", "Budapest"
            country = places.capital_of(span.text) or _country_itself(span.text)
        if country:
            found.append(country)
        elif span.label == "ORG" and len(span.text) >= MIN_ORG_CHARS and _body(span, article):
            found.append(span.text)
    return list(dict.fromkeys(found))


def _country_itself(name: str) -> str | None:
    """The country `name` is the name of, not a longer name holding one ("Netball Malawi")."""
    country = places.country_named(name)
    return country if country is not None and fold(country) == fold(name) else None


# An organization span that is no party: the audience of a statement ("told VOA", "in an
# interview with Fox News", "according to MSF" reports, it does not dispute), the last word
# of a title ("Secretary of State", "Department of Commerce"), or a war's name, which is an
# event ("the Korean War", "War on Terror").
_AUDIENCE = re.compile(r"\b(?:told|tells?|telling|interview with|according to)\s+(?:the\s+)?$")
_TITLE_END = re.compile(r"\bof\s+$")
_WAR = re.compile(r"(?:^|\s)War\b")


def _body(span: Span, article: str) -> bool:
    """`span` (an organization) can be a side of a dispute (see `_AUDIENCE`)."""
    before = article[max(0, span.start - 20) : span.start]
    if _AUDIENCE.search(before) or _WAR.search(span.text):
        return False
    return not (" " not in span.text and _TITLE_END.search(before))


def conflict_words(text: str) -> int:
    """How many words of `text` say what a dispute is made of (see `_CONFLICT`)."""
    return len(_CONFLICT.findall(text))


def tension_ask(sentences: list[Sentence], article: str) -> TensionAsk | None:
    """What to ask about the article's tensions, or None when no sentence names two parties."""
    prose = [s for s in sentences if is_prose(s.text)]
    named = [actors(s, article) for s in prose]
    counts = Counter(p for found in named for p in found)
    order = {p: i for i, p in enumerate(dict.fromkeys(p for found in named for p in found))}
    top = sorted(counts, key=lambda p: (-counts[p], order[p]))[:MAX_PARTIES]
    parties = tuple(sorted(top, key=lambda p: order[p]))
    found = []
    cue = [conflict_words(s.text) > 0 for s in prose]
    for at, (sentence, listed) in enumerate(zip(prose, named, strict=True)):
        own = sides([p for p in listed if p in parties], (sentence,), parties)
        if own:  # rank: its own words say dispute (0), the next sentence's do (1), neither (2)
            rank = 0 if cue[at] else 1 if at + 1 < len(cue) and cue[at + 1] else 2
            found.append((rank, at, sentence, tuple(own[:MAX_SIDES])))
    first = sorted(found, key=lambda f: f[:2])[:MAX_SENTENCES]
    if not first or first[0][0] == 2:
        return None  # no candidate near a word of what a dispute is made of: nothing to ask
    chosen = [(at, s, o) for _, at, s, o in sorted(first, key=lambda f: f[1])]
    return TensionAsk(tuple(s for _, s, _ in chosen), parties, tuple(o for _, _, o in chosen))


def marks(ask: TensionAsk) -> tuple[str, ...]:
    """The sentence marks `t1`, `t2`, ..."""
    return tuple(f"t{i}" for i in range(1, len(ask.sentences) + 1))


def passage(ask: TensionAsk) -> str:
    """The asked sentences, one per line, each after its mark."""
    return "\n".join(f"[{m}] {s.text}" for m, s in zip(marks(ask), ask.sentences, strict=True))


def tension_messages(ask: TensionAsk, article: Article, prompt: prompts.Prompt) -> list[Message]:
    """The chat messages of the tension question: the staged system prompt (the meeting
    questions' own, so its KV cache serves both), then the marked sentences, each with its
    sides, and the tension instructions (the user template's tension branch).
    """
    published = article.published.isoformat() if article.published else None
    lines = [f"{m}. {sides_label(o)}" for m, o in zip(marks(ask), ask.sides, strict=True)]
    return prompt.render(passage=passage(ask), published=published, tension_sides=lines)


def tension_model(ask: TensionAsk) -> type[BaseModel]:
    """The response model: one answer per asked sentence, keyed `t1`, `t2`, ... Each opens
    with the sentence's sides as a constant (the grammar writes them), then whether it states
    a dispute between them; a dispute has its issue, a sentence without one nothing more.
    """
    issue = Annotated[str, StringConstraints(min_length=3, max_length=ISSUE_CHARS)]
    fields: dict[str, Any] = {}
    for number, own in enumerate(ask.sides, 1):
        reply = closed_reply(
            ("Tension", number, sides_label(own), "The sentence's sides."),
            ("dispute", "The sentence states a dispute.", "No dispute between them."),
            {"issue": (issue, Field(description="What they are at odds over, in its words."))},
        )
        fields[f"t{number}"] = (reply, Field(description=f"Sentence {number}."))
    return create_model("TensionAnswer", __base__=Strict, **fields)


def found_tensions(answer: BaseModel, ask: TensionAsk, article: str) -> list[TensionDraft]:
    """The disputes the answer confirmed, with the sides code read from their sentence and an
    issue in the article's words, put as a phrase of the sentence that holds it
    (`issue_phrase`; that sentence and the marked one are the evidence); one per issue of one
    sentence, and one per set of sides and thing (a small model names one dispute again in
    the next sentence that mentions it; the same sides over another thing are another
    dispute), at most `MAX_TENSIONS`.
    """
    known = set(words(article))
    out: list[TensionDraft] = []
    seen: set[tuple[int, str]] = set()
    told: list[tuple[frozenset[str], frozenset[str]]] = []
    for number, (sentence, own) in enumerate(zip(ask.sentences, ask.sides, strict=True), 1):
        reply = getattr(answer, f"t{number}", None)
        said = (
            grounded_issue(reply.issue, ask.sentences, known) if reply and reply.dispute else None
        )
        if said is None:
            continue
        issue, where = issue_phrase(said, sentence, ask.sentences, reply.issue if reply else None)
        key = (frozenset(own), _content(issue))
        if not issue or (where.start, fold(issue)) in seen or len(out) >= MAX_TENSIONS:
            continue
        if _only_names(issue, (sentence, where)):
            continue  # "ECOWAS", "in Turkey": a party or a place says nothing of the quarrel
        if any(sides == key[0] and content & key[1] for sides, content in told):
            continue  # the same sides over the same thing: one dispute named again
        told.append(key)
        seen.add((where.start, fold(issue)))
        evidence = list(dict.fromkeys([sentence.text, where.text]))
        out.append(TensionDraft(parties=list(own), issue=issue, evidence=evidence))
    return out


def _only_names(issue: str, sentences: tuple[Sentence, ...]) -> bool:
    """Every content word of `issue` is in a name in `sentences` (the marked one and the one
    holding the issue: a party, person or place span): the issue names who or where, not
    what is disputed.
    """
    named = {
        w for s in sentences for span in s.spans if span.label != "TIME" for w in words(span.text)
    }
    content = _content(issue)
    return bool(content) and content <= named


def grounded_issue(issue: str, sentences: tuple[Sentence, ...], known: set[str]) -> str | None:
    """The model's issue when every word of it is the article's; else the longest run of at
    least `MIN_RUN` of its words that an asked sentence holds ("dividing the mackerel catch"
    of "talks on the mackerel catch": "the mackerel catch"; an answer that ends in a word the
    length limit cut, or in stray characters, loses that end); else None.
    """
    text = _spaced(issue)
    if _grounded(text, known):
        return text
    said = text.split()
    for n in range(len(said) - 1, MIN_RUN - 1, -1):
        for i in range(len(said) - n + 1):
            run = " ".join(said[i : i + n])
            if _grounded(run, known) and any(locate(run, s.text) for s in sentences):
                return run
    return None


def sides(
    parties: list[str], sentences: tuple[Sentence, ...], listed: tuple[str, ...]
) -> list[str]:
    """The sides `parties` name, each once; none unless two at least (a tension is between
    sides). A party listed under two names is one side: a single-word name of a country is
    the country ("DPRK" is North Korea), a nationality word of a country listed too is that
    country ("Sandoran" is "Sandora": the listed country of an invented story). A word taken
    from inside a longer name of `sentences` ("Bashar" of "Bashar al-Assad", "Middle" of
    "Middle East") or a modifier ("Dubai-based", "Mexican-") is no side.
    """
    names = {fold(span.text) for sentence in sentences for span in sentence.spans}
    found = [_side(p, listed, names) for p in parties]
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


def _content(issue: str) -> frozenset[str]:
    """The issue's content words (folded, four letters or more: "tariffs", "dairy", "sugar")."""
    return frozenset(w for w in words(issue) if len(w) >= MIN_CONTENT)


def _spaced(issue: str) -> str:
    return " ".join(issue.split()).strip(" .,;:")


def _grounded(issue: str, known: set[str]) -> bool:
    """Every word of the issue is a word of the article (folded), and it has one at least."""
    found = words(issue)
    return bool(found) and all(w in known for w in found) and bool(fold(issue))
