"""Spans spaCy's small model misreads on news text, put right with the gazetteer.

spaCy labels an unfamiliar place a person ("Guiana" of "French Guiana"), and an unfamiliar
name a place ("Traian Basescu"); a country's name used as a surname ("Rep. Jim Jordan ...
Jordan met Johnson") stays a person.
"""

from __future__ import annotations

import re
from dataclasses import replace

from summarizer.strategies.staged.spans import Span
from summarizer.text import places
from summarizer.text.fold import fold

COMPASS = frozenset(
    {"northern", "southern", "eastern", "western", "north", "south", "east", "west", "central"}
)  # "Northern Syria" is a region, not a person's name


def is_region(name: str) -> bool:
    """A compass word opens the name ("Northern Syria"): a region, not a person's name."""
    return fold(name.split()[0]) in COMPASS if name.split() else False


def as_country(span: Span, text: str, surnames: set[str]) -> Span:
    """A "person" whose text is exactly a country's name, alone or with the capitalized word
    before it ("Guiana" of "French Guiana"), is the place, unless it is a surname of the
    article's people (`surnames`, folded).
    """
    at = max(0, span.start - 30)
    before = re.search(r"([A-Z][\w'’-]+) $", text[at : span.start])
    if before and exact_country(f"{before[1]} {span.text}"):
        return Span(f"{before[1]} {span.text}", at + before.start(1), span.end, "GPE")
    if fold(span.text) in surnames:
        return span  # "Rep. Jim Jordan ... Jordan met Johnson": a surname, not the country
    return replace(span, label="GPE") if exact_country(span.text) else span


def known_place(name: str) -> bool:
    """The gazetteer knows `name` as a country or a city (spaCy also calls names "places":
    "Traian Basescu" is no place).
    """
    return places.country_named(name) is not None or places.is_city(name)


def exact_country(phrase: str) -> bool:
    """`phrase` is a country's own name, not one that only contains it ("Saint Helena" in
    "Minister Helena ...").
    """
    found = places.country_named(phrase)
    return found is not None and fold(found) == fold(phrase)
