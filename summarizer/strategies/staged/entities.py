"""The entity spans of an article put right: a title beside a person's name is no side of its
own, an "organization" or unknown "place" that reads as a name is a person, a country's name
taken for a person is the place, odd time spans go, and a leading "the" and a trailing "'s"
are stripped (`clean`, after spaCy or the regex fallback in `candidates`).
"""

from __future__ import annotations

import re

from summarizer.pipeline import dates
from summarizer.pipeline.names import TITLES
from summarizer.strategies.staged.misread import as_country, is_region, known_place
from summarizer.strategies.staged.spans import Span
from summarizer.text.fold import fold

ORG_WORDS = frozenset(
    {"union", "council", "ministry", "committee", "group", "bank", "rail", "line", "office",
     "agency", "compact", "coalition", "bloc", "conference", "summit", "forum", "association",
     "federation", "party", "company", "inc", "ltd", "corp", "university", "court", "house",
     "hall", "centre", "center", "street", "airport", "port", "city", "river", "sea", "strait",
     "island", "islands", "staff", "chiefs", "government", "assembly", "parliament", "news",
     "gazette", "times", "post", "echo", "wire", "lithium", "energy", "oil", "gas", "airlines",
     "fc", "united", "organization", "organisation", "nations", "fund", "board", "foundation",
     "pacific", "atlantic", "ocean", "north", "south", "east", "west", "gulf", "valley", "lake",
     "bay", "coast", "region", "peninsula", "mountains", "desk", "corridor"}
)  # fmt: skip
_CALENDAR = frozenset([*dates.MONTH_NAMES, *dates.WEEKDAYS, "jan", "feb", "mar", "apr", "jun",
                       "jul", "aug", "sep", "sept", "oct", "nov", "dec"])  # fmt: skip
_LEADING = re.compile(r"^(?:the|a|an|his|her|their|its|both|our|my|your)\s+", re.IGNORECASE)


def clean(text: str, spans: list[Span]) -> list[Span]:
    """Drop titles next to a person's name and odd time spans; relabel organizations that are
    people; strip a leading "the" and a trailing "'s"; sort; dedupe.
    """
    full = [s for s in spans if s.label == "PERSON" and len(s.text.split()) > 1]
    surnames = {fold(s.text.split()[-1]) for s in full if not is_region(s.text)}
    alone = {fold(s.text) for s in spans if s.label == "PERSON" and s not in full}
    out: list[Span] = []
    for span in spans:
        one_word = span.label in ("ORG", "GPE", "NORP") and fold(span.text) in surnames
        one_word = one_word and not _modifier(span, text)
        misread = span.label == "ORG" or (span.label == "GPE" and not known_place(span.text))
        if one_word or (misread and _looks_like_person(span, text, surnames | alone)):
            span = Span(span.text, span.start, span.end, "PERSON")
        if span.label == "PERSON":
            span = as_country(_strip_titles(span), text, surnames)
            if text[span.end : span.end + 3] in ("'s ", "’s "):
                span = Span(span.text, span.start, span.end, "NORP")  # "Sarkand's Farida Nasser"
        out.append(span)
    people = [s for s in out if s.label == "PERSON"]
    kept: list[Span] = []
    for span in out:
        if span.label == "TITLE" and any(_near(span, p, text) for p in people):
            continue
        if span.label == "TIME" and not _time_like(span.text):
            continue
        span = _strip_possessive(_strip_leading(span)) if span.label != "PERSON" else span
        if span.text and span not in kept:
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, -s.end))


def _modifier(span: Span, text: str) -> bool:
    """A name used as a modifier: "the Trump administration", "the Putin regime" (after "the",
    before a lower-case noun) names a body, not the person as a side.
    """
    after = re.match(r"\s+[a-z]", text[span.end :]) is not None
    return after and text[max(0, span.start - 4) : span.start].lower() == "the "


def _looks_like_person(span: Span, text: str, surnames: set[str]) -> bool:
    """An "organization" (or a "place" the gazetteer does not know: "Traian Basescu") of 2-3
    capitalized words, no organization word, whose last word is a
    person's surname elsewhere in the article ("Estrada said"), or set off by commas like a
    name in apposition ("the ambassador, Rafael Estrada, said").
    """
    words = span.text.split()
    apposition = text[span.start - 2 : span.start] == ", " and text[span.end : span.end + 1] == ","
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() for w in words):
        return False
    if {w.lower() for w in words} & ORG_WORDS:
        return False
    return fold(words[-1]) in surnames or apposition


def _time_like(text: str) -> bool:
    """No capitalized word but a month or weekday (after the first word), no possessive."""
    words = text.replace("’", "'").split()
    if any(w.endswith("'s") for w in words):
        return False
    return all(not w[:1].isupper() or w.lower().rstrip(".,") in _CALENDAR for w in words[1:])


def _near(title: Span, person: Span, text: str) -> bool:
    """The title overlaps the person's name or sits beside it ("Tarnwick's mayor, Agnes
    Pryce"; "The President of Romania, Traian Basescu": its place between them).
    """
    if title.start < person.end and person.start < title.end:
        return True
    gap = text[title.end : person.start] if title.end <= person.start else ""
    if _OF_PLACE.fullmatch(gap):
        return True
    gap = gap or (text[person.end : title.start] if person.end <= title.start else "x")
    return len(gap) <= 3 and not any(c.isalnum() for c in gap)


_OF_PLACE = re.compile(r"\s+(?:of|from)\s+(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3},\s+")


def _strip_titles(span: Span) -> Span:
    """Drop leading title words a name run kept: "Presidents Andrei Volan" -> "Andrei Volan"."""
    words = span.text.split(" ")
    cut = 0
    while cut < len(words) - 1 and fold(words[cut]).removesuffix("s") in TITLES:
        cut += 1
    if not cut:
        return span
    start = span.start + len(" ".join(words[:cut])) + 1
    return Span(" ".join(words[cut:]), start, span.end, span.label)


def _strip_possessive(span: Span) -> Span:
    text = span.text.replace("’", "'")
    if not text.endswith("'s"):
        return span
    return Span(span.text[:-2], span.start, span.end - 2, span.label)


def _strip_leading(span: Span) -> Span:
    m = _LEADING.match(span.text)
    if not m:
        return span
    return Span(span.text[m.end() :], span.start + m.end(), span.end, span.label)
