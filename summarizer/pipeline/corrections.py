"""Code-side corrections `finalize` applies to every mention, whatever model or strategy made it.

Small and large models alike get these wrong where the words are plain: a "cancelled" visit
answered as scheduled, a city the sentence names for someone's title rather than for the
meeting, a call reported as in person. Each rule reads the mention's own evidence sentence.
"""

from __future__ import annotations

import datetime as dt
import re

from summarizer.pipeline import dates
from summarizer.pipeline.mentions import MeetingMention
from summarizer.schema import Modality, Participant, Status
from summarizer.text.sentences import bounds_of

_VIDEO = re.compile(r"\bvideo|\bvirtual|\bonline\b", re.I)
_CALL = re.compile(r"\b(?:tele)?phone|\bcall(?:s|ed)?\b|\bspoke by\b", re.I)
# The words that state a status outright (each pattern covers the verb's forms).
_CUES: list[tuple[Status, re.Pattern[str]]] = [
    ("cancelled", re.compile(r"\bcancel|\bcall(?:ed)? off\b|\bscrap|\bpulled out of\b", re.I)),
    ("postponed", re.compile(r"\bpostpon|\bdelay|\bput off\b|\bpushed back|\breschedul", re.I)),
    ("proposed", re.compile(r"\bpropos|\binvit|\boffer(?:ed|s)? to\b|\bsuggest", re.I)),
]
_FUTURE = re.compile(
    r"\bwill\b|\bshall\b|\b(?:is|are) (?:due|set|scheduled|expected|to)\b|\bplans? to\b|"
    r"\bnext (?:week|month)\b|\btomorrow\b|\bupcoming\b",
    re.I,
)
_PAST = re.compile(
    r"\b(?:met|held|hosted|received|visited|spoke|talked|conferred|phoned|called|discussed|"
    r"welcomed|yesterday|last week)\b",
    re.I,
)
_LOCATIVE = r"\b(?:[Ii]n|[Aa]t|[Tt]o|near|capital|city|town|port),?\s+(?:[\w'’-]+\s+){0,3}"


def status_cue(sentence: str) -> Status | None:
    """The status the words of `sentence` state, if they state one unambiguously."""
    for status, pattern in _CUES:
        if pattern.search(sentence):
            return status
    future, past = _FUTURE.search(sentence), _PAST.search(sentence)
    if future and not past:
        return "scheduled"
    return "held" if past and not future else None


def decide_status(
    answered: Status,
    evidence: str,
    when_text: str | None,
    published: dt.date | None,
    *,
    tense_known: bool = False,
) -> Status:
    """Code overrides the model where the text is plain: cancelled/postponed/proposed words,
    then unambiguous tense, then a date before or after publication; else the model's answer.
    `tense_known`: the answer's held/scheduled was read from the parse of the meeting's own
    clause, which neither a sentence-wide tense word ("... who will be in the cabinet") nor a
    borrowed or ambiguous date ("on Monday") undoes.
    """
    cue = status_cue(evidence)
    if cue is not None and not (tense_known and cue in ("held", "scheduled")):
        return cue
    if tense_known and answered in ("held", "scheduled"):
        return answered
    date = dates.resolve(when_text, published).date
    if date is not None and published is not None and date != published:
        return "held" if date < published else "scheduled"
    return answered


# The head nouns of a building's or a street's name: "Downing Street", "Buckingham Palace",
# "the Zappeion Hall", "Tiananmen Square" are where in a city a meeting is, not the city.
_VENUE = re.compile(
    r"\s(?:Street|Avenue|Road|Square|Palace|House|Hall|Hotel|Building|Center|Centre|Castle|"
    r"Office|Residence|Mansion|Stadium)$"
)


def is_venue(name: str) -> bool:
    """`name` ends in a building's or a street's head noun (`_VENUE`)."""
    return _VENUE.search(name) is not None


def venue_not_city(mention: MeetingMention) -> None:
    """A city answer that names a building or a street is the meeting's venue (in place)."""
    if mention.city and is_venue(mention.city):
        mention.venue = mention.venue or mention.city
        mention.city = None


def located(place: str | None, sentence: str) -> bool:
    """The sentence puts something at `place`: "in neutral Tarsis", "at the Grand Harbour
    Hotel", "the border city of Dorn", "travel to Kampala" — not "Hollmark's chief of defence".
    """
    if not place:
        return False
    return re.search(_LOCATIVE + re.escape(place) + r"\b", sentence) is not None


# "on the sidelines of the conference": the meeting is where that event is. Event nouns a
# meeting can be held beside (summits, conferences, ministerial meetings, forums, assemblies).
_SIDELINES = re.compile(
    r"\b(?:on|at) the (?:sidelines|margins|fringes?) of (?:the|a|an|this)\b", re.I
)
_EVENT_IN = re.compile(
    r"\b(?:conference|summit|meeting|ministerial|forum|assembly|gathering|session|congress)s?\b"
    r"[^.;]{0,40}?\b(?:in|at) "
    # "in the Nordmarkian port city of Hallstad", "in the capital, Mirat"
    r"(?:the (?:[A-Z][\w'’-]+ )?(?:port |border |coastal )?(?:city|town|capital)(?: of|,) )?"
    r"((?:[A-Z][\w'’-]+)(?:\s[A-Z][\w'’-]+){0,2})"
)
EVENT_LOOKBACK = 1500  # characters before the meeting's sentence where its event is named


def event_place(sentence: str, before: str) -> str | None:
    """Where a meeting "on the sidelines of the conference" is: the place the sentence gives
    the event ("on the sidelines of a gathering of G20 ministers in the port city of
    Hallstad"), else that of the last event named with its place in the text `before` its
    sentence ("a G-20 ministerial meeting in Bonn, Germany" -> "Bonn"); else None.
    """
    sidelines = _SIDELINES.search(sentence)
    if sidelines is None:
        return None
    own = _EVENT_IN.search(sentence, sidelines.start())  # "... of the G20 meeting in Osaka"
    if own is not None:
        return own[1]
    found = list(_EVENT_IN.finditer(before[-EVENT_LOOKBACK:]))
    return found[-1][1] if found else None


def modality(evidence: str, answered: Modality = "unknown") -> Modality:
    """video / call from the words of the evidence; else the model's answer if it gave one,
    else in_person; unknown without evidence.
    """
    if not evidence:
        return "unknown"
    if _VIDEO.search(evidence):
        return "video"
    if _CALL.search(evidence):
        return "call"
    return answered if answered != "unknown" else "in_person"


def counterparts(people: list[Participant]) -> list[Participant]:
    """A side known only as "counterpart" takes the title of the other titled side."""
    titles = [p.title for p in people if p.title and "counterpart" not in p.title.lower()]
    if not titles:
        return people
    return [
        p.model_copy(update={"title": titles[0]})
        if p.title and "counterpart" in p.title.lower()
        else p
        for p in people
    ]


# A meeting word and where it is: "Sunday's meeting in Riyadh", "talks in Jeddah", "the
# summit, held in Mecca" (news states the place of the meeting it leads with in a later
# sentence of its own). Not "held in" or "took place in" alone: protests are held too.
_MEETING_IN = (
    r"\b(?:meetings?|talks|summit|discussions|negotiations|conference)\b[^.;]{0,30}?"
    r"\b(?:in|at)\s+(?:the\s+)?"
)
NEARBY = 3  # sentences either side of a meeting's own where its place may be stated


def nearby_place(place: str | None, text: str, at: int) -> tuple[int, int] | None:
    """Where, within `NEARBY` sentences of the one at offset `at`, the article puts a meeting
    in `place` (the model's answer, which its own sentence does not state): that sentence's
    bounds, else None.
    """
    if not place or at < 0:
        return None
    bounds = bounds_of(text)
    i = next((k for k, (a, b) in enumerate(bounds) if a <= at < b), None)
    if i is None:
        return None
    pattern = re.compile(_MEETING_IN + re.escape(place) + r"\b")
    for a, b in bounds[max(0, i - NEARBY) : i + NEARBY + 1]:
        if pattern.search(text, a, b):
            return a, b
    return None
