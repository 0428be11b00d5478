"""Where a meeting is when its own sentence does not say: the destination of a participant's
trip that the article states ("Premier Wen Jiabao visits India this week", "Comanescu's visit
in Chisinau", "a visit of India", "his trip to Ankara"). A meeting held or planned on a visit
is at the visit's destination; news states the trip once, in the lede or a background line,
and the meetings in later sentences that name no place (six real stories of the gold suite
have this shape: a premier's, a prime minister's, a president's, a foreign minister's visit).

Pure: (participants, article text) -> `Trip` (city, country, its sentence) or None. Only a
place the gazetteer knows counts, and only when every trip the article gives that person goes
to one country (a tour of several is no answer); `finalize` puts the trip's sentence in the
meeting's evidence, so the place is grounded like any other.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.pipeline.names import called, name_forms
from summarizer.schema import Participant
from summarizer.text import places
from summarizer.text.fold import fold
from summarizer.text.sentences import bounds_of

# a visit word and the words that lead to its destination: "visits India", "visit to Ankara",
# "visit in Chisinau", "a visit of India", "trip to", "tour of"
_TRIP = re.compile(
    r"\b(?:(?:state\s+|official\s+)?visit(?:s|ed|ing)?(?:\s+(?:to|in|of))?|trip\s+to|tour\s+of)"
    r"\s+(?:the\s+)?(?P<place>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
)

# the endings of a nationality word ("Australian", "Japanese", "Israeli"): a visiting person
_DEMONYM = re.compile(r"(?:an|ese|ish|i|ic)$")
# a trip that did not or will not take place, or one only offered: no meeting was held there
_CALLED_OFF = re.compile(
    r"\b(?:cancel|postpon|call(?:ed|s)? off|scrap|invit|offer)\w*|\bcut short\b", re.I
)


def trip_place(people: Sequence[Participant], article: str) -> Trip | None:
    """The one destination the article gives a trip by one of `people` (see the module
    docstring); None when there is none, or trips to more than one country.
    """
    for person in people:
        found = _trips(person, article)
        if len({t.country for t in found}) == 1:
            cities = {t.city for t in found if t.city}
            return Trip(
                cities.pop() if len(cities) == 1 else None, found[0].country, found[0].sentence
            )
    return None


def names_place(text: str) -> bool:
    """`text` puts something in or at a place the gazetteer knows ("one in Moscow, Russia"):
    a meeting's evidence that does, even where code kept no place from it, borrows no trip's.
    """
    return any(_known(m[1]) for m in _IN_PLACE.finditer(text))


_IN_PLACE = re.compile(r"\b(?:[Ii]n|[Aa]t)\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})")


@dataclass(frozen=True)
class Trip:
    """A trip's destination (its city as written, if a city; its country) and its sentence."""

    city: str | None
    country: str
    sentence: str


def _trips(person: Participant, article: str) -> list[Trip]:
    """Each trip the article gives `person`: a visit word after one of their names."""
    forms = _forms(person)
    return [
        trip
        for visitor, trip in _stated_trips(article)
        if any(re.search(rf"\b{re.escape(f)}\b", visitor) for f in forms)
    ]


@functools.lru_cache(maxsize=256)
def _stated_trips(article: str) -> tuple[tuple[str, Trip], ...]:
    """(the folded last name before the visit word, the trip) of each trip the article states
    (read once per article: `finalize` asks for each meeting without a place).
    """
    out = []
    for start, end in bounds_of(article):
        sentence = article[start:end]
        if _CALLED_OFF.search(sentence):
            continue  # "cancelled his visit to Ankara", "a planned trip ..., which was cancelled"
        for match in _TRIP.finditer(sentence):
            named = name_forms(sentence[: match.start()])
            place = _known(match["place"])
            if named and place is not None:  # the visitor is the last name before the visit
                out.append((fold(named[-1].text), Trip(*place, sentence)))
    return tuple(out)


def _forms(person: Participant) -> list[str]:
    """The folded names a person goes by: names, aliases and their surnames (two letters+)."""
    return [fold(f) for f in called(person.name, *person.aliases) if len(f) > 1]


def _known(phrase: str) -> tuple[str | None, str] | None:
    """(city or None, country) of the longest leading run of `phrase` the gazetteer knows."""
    words = phrase.split()
    first = places.country_named(words[0])
    if first and first != words[0] and _DEMONYM.search(words[0]):
        return None  # "visiting Australian Foreign Minister ...": who visits, not where
    for n in range(len(words), 0, -1):
        run = " ".join(words[:n])
        country = places.country_named(run) if places.is_country(run) else None
        if country:
            return None, country
        city_in = places.city_country(run)
        if city_in:
            return run, city_in
    return None
