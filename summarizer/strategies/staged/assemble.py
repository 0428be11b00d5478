"""Stage 4, in code: a window's answer -> the meeting mentions it confirms.

A window's answer confirms (or not) each candidate meeting and names its time words and places
from the options; the candidate's parties become participants, its sentence the evidence.
`pipeline.finalize` then corrects, merges and resolves the mentions, as for every strategy.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel

from summarizer.pipeline import corrections, dates, names
from summarizer.pipeline.article import Article
from summarizer.pipeline.mentions import MeetingMention
from summarizer.schema import Participant, Status
from summarizer.strategies.staged.questions import Options, replies
from summarizer.strategies.staged.spans import Hints, Sentence, Span, bound_only
from summarizer.text import places

SUMMARY_MIN_WORDS = 8


def found_meetings(answer: BaseModel, options: Options) -> list[MeetingMention]:
    """The meetings the model confirmed among the window's candidates, and those it denied
    that the sentence states plainly (`Hints.plain`: "Raab spoke with Pompeo", "talks between
    Mugabe and Tsvangirai have failed"): code, not a small model's no, decides those, with
    the clause's tense, time words and place and no agenda. A meeting only asked about or
    supposed ("whether she had spoken to ...", `Hints.supposed`) is none.
    """
    out = []
    for candidate, reply in zip(options.candidates, replies(answer, options), strict=True):
        hints = candidate.sentence.hints
        if reply is None or hints.supposed or not (reply.meeting or hints.plain):
            continue  # a clause that asks or supposes states no meeting, whatever the answer
        people = names.dedupe_participants([options.sides[label] for label in candidate.sides])
        if len(people) < 2:
            continue
        confirmed = bool(reply.meeting)
        when = decide_when(reply.when if confirmed else None, candidate.sentence, hints.when)
        mention = MeetingMention(
            participants=people,
            status=decide_tense(reply.status if confirmed else "unknown", hints),
            evidence=[candidate.sentence.text],
            when_text=when,
            borrowed=when is not None and when not in _times(candidate.sentence),
            city=reply.city if confirmed else None,
            country=reply.country if confirmed else None,
            agenda=[a.strip() for a in reply.topics if a.strip()] if confirmed else [],
            tense_known=hints.tense is not None and _status_open(reply, confirmed),
        )
        out += one_by_one(place_from_parse(mention, hints), hints)
    return out


def one_by_one(mention: MeetingMention, hints: Hints) -> list[MeetingMention]:
    """A side meeting each of the others in turn (`Hints.hub`) is one meeting per other side."""
    hub = hints.hub
    people = mention.participants
    found = [p for p in people if hub and names.same_person(p, Participant(name=hub.text))]
    if hub is None or len(people) < 3 or len(found) != 1:
        return [mention]
    return [replace(mention, participants=[found[0], p]) for p in people if p is not found[0]]


def _status_open(reply: BaseModel, confirmed: bool) -> bool:
    """The model answered held/scheduled/unknown (or nothing): the clause's tense stands."""
    return not confirmed or getattr(reply, "status", None) in ("held", "scheduled", "unknown")


def decide_tense(answered: Status, hints: Hints) -> Status:
    """The clause's tense (`clauses`) over the model's held/scheduled/unknown; a cancelled,
    postponed or proposed answer stands (`finalize` checks those against their words).
    """
    if hints.tense and answered in ("held", "scheduled", "unknown"):
        return hints.tense
    return answered


def place_from_parse(mention: MeetingMention, hints: Hints) -> MeetingMention:
    """The place the parse hangs on the meeting's clause ("talks ... in Jeddah", "met in
    Chongqing", "a visit to Saudi Arabia") over the model's pick from the window: a country
    sets the country (a city the gazetteer puts elsewhere, or a country, is dropped), a
    facility the venue ("at the White House"; not one the model too calls the city and no
    building's name: "at Shram el-Sheikh"), a region nothing, any other place the city.
    """
    place = hints.place
    if place is None:
        return mention
    if place.label == "FAC" and (mention.city != place.text or corrections.is_venue(place.text)):
        mention.venue = place.text
        mention.city = None if mention.city == place.text else mention.city
    elif place.label == "LOC":
        return mention  # a region ("the Middle East") is neither city nor country
    elif places.is_country(place.text):
        country = places.country_named(place.text)
        city = mention.city
        known = city is not None and (places.is_country(city) or places.is_city(city))
        elsewhere = known and places.city_country(city or "") != country
        mention.city = None if elsewhere else city  # one the gazetteer lacks may be in it
        mention.country = place.text
    else:
        mention.city = place.text
    return mention


def _times(sentence: Sentence) -> list[str]:
    return [
        s.text
        for s in sentence.labelled("TIME")
        if not dates.is_duration(s.text) and not bound_only(s, sentence.text, sentence.start)
    ]


def decide_when(
    answered: str | None, sentence: Sentence, parsed: Span | None = None
) -> str | None:
    """The time words the parse hangs from the meeting's clause (`Hints.when`), unless a
    length of time; else the model's time words if the candidate's sentence holds them; else
    that sentence's first time words; else the model's (from a neighbouring sentence). A
    length of time ("more than four hours", "a nine-day tour"), the start of a state of
    affairs ("since March") and a deadline ("by 2025") are no time words.
    """
    if parsed is not None and not dates.is_duration(parsed.text):
        return parsed.text
    answered = None if answered and dates.is_duration(answered) else answered
    own = _times(sentence)
    if answered in own or not own:
        return answered
    return own[0]


def summary(sentences: list[Sentence], article: Article) -> str:
    """An extractive summary: the article's first sentence of reasonable length (the lede)."""
    for sentence in sentences:
        text = " ".join(sentence.text.split())
        if len(text.split()) >= SUMMARY_MIN_WORDS and text[-1:] in ".!?\"'”’":
            return text
    return article.title or (" ".join(sentences[0].text.split()) if sentences else "")
