"""Sides that are states: "Talks between Kenya and Tanzania", "The U.S. has met with ...".

The staged strategy makes a country (or its capital) a side where the parse makes it the
subject of a meeting or the object of "with"/"between" (`strategies.staged.parties`); such a
side is a `Participant` with the state's name as written for organization and its country.
When the article names the people who met for those states on the same occasion, the
meeting is theirs (`finalize.merge_titled`): `represents` says who stands for which state,
from the nationality or country the article puts before each person's name.
"""

from __future__ import annotations

import re

from summarizer.schema import Participant
from summarizer.text import places
from summarizer.text.fold import fold

# The words before a name that can say whose they are: "Tanzanian Trade Minister Neema
# Mwakyusa", "Kenya's foreign minister, Raila Odinga": up to this many, within the sentence.
_BEFORE_WORDS = 6
_SENTENCE_END = re.compile(r"(?<![A-Z])[.!?]\s")  # "U.S. envoy ..." ends no sentence


def is_state(p: Participant) -> bool:
    """No name or title; the organization is the name or capital of the side's country."""
    if p.name or p.title or not p.organization or not p.country:
        return False
    return places.state_of(p.organization) == p.country


def person_country(p: Participant, text: str) -> str | None:
    """The country the article puts before `p`'s first mention: a nationality word or a
    country name among the few words before the name in its sentence; else `p.country`.
    """
    if p.country or not p.name:
        return p.country
    at = text.find(p.name)
    if at < 0:
        return None
    before = text[max(0, at - 160) : at]
    before = _SENTENCE_END.split(before)[-1]
    words = before.replace("’", "'").split()[-_BEFORE_WORDS:]
    for word in reversed(words):
        word = re.sub(r"'s$", "", word.strip(',;:()"“”'))
        if word[:1].isupper() and fold(word) not in ("the", "a"):
            found = places.country_named(word) or places.country_of(word, "")
            if found:
                return found
    return None


def represents(states: list[Participant], people: list[Participant], text: str) -> bool:
    """Every state side has a person of its country among `people` (by `person_country`)."""
    countries = {person_country(q, text) for q in people}
    return all(p.country in countries for p in states)
