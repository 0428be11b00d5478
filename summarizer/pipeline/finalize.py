"""The one back half: every strategy's `Drafts` -> the validated, grounded `Briefing`.

1. `correct` each mention: status from plain words (`corrections.decide_status`), the date
   resolved in code from the time words, a city kept only where the evidence puts the meeting
   and a country only where the evidence names it; the time of day, agenda items and context
   event only where the article states them. Places and phrases are read in the article's data
   (`injection.data_only`): a line that addresses the model states nothing.
2. `same_day`: "the same day" takes the date of the meeting mentioned before it.
3. `merge` mentions of one meeting: same sides (`names.same_person`, one set within the
   other), dates and statuses that do not conflict.
4. `to_meeting`: evidence located with offsets, format from the evidence's words.
5. Tensions keep only parties the article mentions and located evidence; the summary loses any
   sentence that addresses the model (`injection.without_instructions`).
Then the `Briefing` with its `Provenance`. No strategy builds a Briefing any other way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from summarizer.backends.base import Backend
from summarizer.pipeline import agenda, corrections, dates, grounding, names, trips
from summarizer.pipeline import states as states_
from summarizer.pipeline.article import Article
from summarizer.pipeline.injection import data_only, without_instructions
from summarizer.pipeline.mentions import Drafts, MeetingMention
from summarizer.pipeline.prompts import Prompt
from summarizer.schema import (
    Briefing,
    Location,
    Meeting,
    MeetingFormat,
    Participant,
    Provenance,
    Source,
    Tension,
    TensionDraft,
    Usage,
    When,
)
from summarizer.text import places
from summarizer.text.fold import fold, has_phrase
from summarizer.text.normalize import find_quote
from summarizer.text.places import keep_mentioned, mentioned

_SAME_DAY = re.compile(r"\bsame day\b", re.I)


@dataclass(frozen=True)
class RunInfo:
    """What made the drafts: for the provenance."""

    prompt: Prompt
    backend: Backend
    strategy: str
    attempts: int = 1
    usage: Usage = field(default_factory=Usage)
    model: str = ""


def correct(mention: MeetingMention, article: Article) -> MeetingMention:
    """Status, date, places and stated phrases of one mention, decided from its evidence and
    the article's data (in place).
    """
    sentence = " ".join(mention.evidence)
    published = article.published
    mention.status = corrections.decide_status(
        mention.status, sentence, mention.when_text, published, tense_known=mention.tense_known
    )
    tense = dates.tense_for(mention.status)
    mention.date = dates.resolve(mention.when_text, published, tense=tense).date
    stated = _as_data(mention.evidence, article)
    answered = mention.city
    city = keep_mentioned(mention.city, stated)
    mention.city = city if corrections.located(mention.city, stated) else None
    country = keep_mentioned(mention.country, stated)
    mention.country = country if country != mention.city and _placed(country, stated) else None
    if mention.city is None and mention.evidence:
        at = find_quote(article.text, mention.evidence[0])
        before = article.text[: at[0]] if at else ""
        mention.city = corrections.event_place(mention.evidence[0], before)
        _place_nearby(mention, answered, at[0] if at else -1, article.text)
    _place_from_data(mention, article.text)
    _place_from_trip(mention, article.text)
    corrections.venue_not_city(mention)
    data = data_only(article.text)
    mention.time = mention.time if mention.time and has_phrase(mention.time, data) else None
    mention.agenda = [a for a in mention.agenda if grounding.phrase_grounded(a, data)]
    topics, listing = (
        agenda.listed_topics(mention.evidence[0], data) if mention.evidence else ([], None)
    )
    if listing is not None:  # "They discussed issues including A, B and C": the code's list
        mention.agenda = unique_folded([*mention.agenda, *topics])
        mention.evidence = unique_folded([*mention.evidence, listing])
    if not grounding.phrase_grounded(mention.context_event, data):
        mention.context_event = None
    return mention


def _placed(country: str | None, stated: str) -> bool:
    """The evidence puts the meeting in `country` ("in Azerbaijan", "Bonn, Germany"), not
    just names a side's nationality ("the Russian Foreign Ministry announced ...").
    """
    if not country:
        return False
    after_city = re.search(r"\b[A-Z][\w'’-]+,\s+" + re.escape(country) + r"\b", stated)
    return corrections.located(country, stated) or after_city is not None


def _place_nearby(mention: MeetingMention, answered: str | None, at: int, article: str) -> None:
    """The model's city for a meeting whose own sentence names no place is kept where a
    sentence near it puts a meeting there ("Iran's President met King Abdullah ..." and two
    sentences on "Sunday's meeting in Riyadh"); that sentence joins the evidence. A line
    that addresses the model is no such sentence (read as `injection.data_only` blanks it).
    """
    if mention.city is not None:
        return
    found = corrections.nearby_place(answered, data_only(article), at)
    if found is not None:
        mention.city = answered
        mention.evidence = unique_folded([*mention.evidence, article[found[0] : found[1]]])


def _place_from_data(mention: MeetingMention, article: str) -> None:
    """The gazetteer decides what a place is: a country is never a city ("in Azerbaijan" is
    the country), a city is a proper name, and a real city's country is the city's, not a
    participant's nationality ("talks in Jeddah" are in Saudi Arabia, "in Bonn" in Germany).
    An unknown city (an invented one, a venue town the data lacks) keeps the stated country;
    a known city is no country.
    """
    city = mention.city
    if city and places.is_country(city):
        mention.city, mention.country = None, places.country_named(city)
    elif city and not city[:1].isupper():
        mention.city = None
    elif city:
        mention.country = places.city_country(city, article) or mention.country
    if mention.country and places.country_named(mention.country):
        mention.country = places.country_named(mention.country)
    elif mention.country and places.city_country(mention.country, article):
        mention.country = None  # a city given as the country ("Nairobi"): the model misread


def _place_from_trip(mention: MeetingMention, article: str) -> None:
    """A meeting in person whose evidence gives no place is where the article sends a
    participant on a trip (`trips`: "Wen Jiabao visits India this week"); the trip's sentence
    joins the evidence. Last, so status and date are read from the meeting's own words.
    """
    if mention.city or mention.country or mention.venue:
        return
    if _modality(mention) in ("call", "video") or trips.names_place(" ".join(mention.evidence)):
        return  # a call is held from wherever each side is; a place stated is not the trip's
    trip = trips.trip_place(mention.participants, data_only(article))
    if trip is not None:
        mention.city, mention.country = trip.city, trip.country
        mention.evidence = unique_folded([*mention.evidence, trip.sentence])


def _as_data(evidence: list[str], article: Article) -> str:
    """The evidence as the article's data reads it: a quote from a line that addresses the
    model reads as blanks (`injection.data_only`, offsets kept).
    """
    data = data_only(article.text)
    if data == article.text:
        return " ".join(evidence)
    spans = [find_quote(article.text, q) for q in evidence]
    return " ".join(data[s[0] : s[1]] if s else q for q, s in zip(evidence, spans, strict=True))


_DAY_PART = re.compile(r"\b(morning|afternoon|evening|night|tonight|noon|midday)\b")
_SAME_PART = {"tonight": "evening", "night": "evening", "midday": "noon"}


def same_day(mentions: list[MeetingMention]) -> None:
    """A meeting "the same day" is on the date of the one mentioned before it (in order)."""
    for before, item in zip(mentions, mentions[1:], strict=False):
        if item.date is None and item.when_text and _SAME_DAY.search(item.when_text):
            item.date = before.date


def same_meeting(a: MeetingMention, b: MeetingMention) -> bool:
    """One meeting mentioned twice: same sides, dates and statuses that do not conflict (a
    date read from a neighbouring sentence conflicts with nothing: "The two discussed ...").
    """
    if a.date and b.date and a.date != b.date and not (a.borrowed or b.borrowed):
        return False
    if a.status != b.status and "unknown" not in (a.status, b.status):
        return False
    parts_a, parts_b = _day_parts(a.when_text), _day_parts(b.when_text)
    if parts_a and parts_b and not parts_a & parts_b:
        return False  # "this morning" and "this afternoon": two meetings of one day
    small, large = sorted((a.participants, b.participants), key=len)
    return all(any(names.same_person(p, q) for q in large) for p in small)


def _day_parts(when: str | None) -> set[str]:
    """The parts of the day `when` names ("this morning" -> {"morning"}; "tonight" and "night"
    are the evening, "midday" is noon).
    """
    found = set(_DAY_PART.findall(when.lower())) if when else set()
    return {_SAME_PART.get(w, w) for w in found}


def merge(mentions: list[MeetingMention]) -> list[MeetingMention]:
    """Merge mentions of the same meeting (see `same_meeting`), keeping first-mention order."""
    merged: list[MeetingMention] = []
    for item in mentions:
        target = next((m for m in merged if same_meeting(m, item)), None)
        if target is None:
            merged.append(item)
        else:
            _absorb(target, item)
    return merged


def merge_titled(
    mentions: list[MeetingMention], text: str = "", *, undated: bool = False
) -> list[MeetingMention]:
    """A meeting described by titles ("the top US general and his Russian counterpart") and
    again by names on the same date is one meeting, with the named participants: a mention
    with unnamed sides joins a dated mention of the same date whose people include all its
    named ones and can stand for its unnamed ones (as many, countries not in conflict; a side
    given only as its state, by a person `text`, the article, gives that state: `states`). In
    an `undated` article (no publication date, so no date resolves) the same time words stand
    for the same date. Of several, the one whose people share a title word with its sides,
    else the next mentioned.
    """
    out = list(mentions)
    for titled in list(out):
        others = [m for m in out if m is not titled and _stands_for(m, titled, text, undated)]
        if not others:
            continue
        at = out.index(titled)
        best = max(others, key=lambda m: (_title_overlap(titled, m), -abs(out.index(m) - at)))
        out.remove(titled)
        named = [p for p in titled.participants if p.name]
        _absorb(best, replace(titled, participants=named))
    return out


def _stands_for(named: MeetingMention, titled: MeetingMention, text: str, undated: bool) -> bool:
    unnamed = [p for p in titled.participants if not p.name]
    if not unnamed or any(not p.name for p in named.participants):
        return False
    states = [p for p in unnamed if states_.is_state(p)]
    if any(not p.title for p in unnamed if p not in states) or (
        titled.evidence and titled.evidence == named.evidence
    ):
        return False  # a body (the IMF) is no title a person stands for; one sentence's
        # sides met one by one ("met with the IMF, then with Trump") are two meetings
    if titled.date is not None or named.date is not None or not undated:
        if titled.date is None or titled.date != named.date:
            return False
    elif not dates.same_words(titled.when_text, named.when_text):
        return False  # no publication date: "Thursday" resolves to none, so its words speak
    if titled.status != named.status and "unknown" not in (titled.status, named.status):
        return False
    if _modality(titled) != _modality(named):
        return False  # "a video call today with Kenya's minister" is not the talks in the room
    known = [p for p in titled.participants if p.name]
    if not all(any(names.same_person(p, q) for q in named.participants) for p in known):
        return False
    free = [q for q in named.participants if not any(names.same_person(p, q) for p in known)]
    if len(free) < len(unnamed):
        return False
    if not states_.represents(states, free, text):
        return False  # "talks between Kenya and Tanzania": a Kenyan and a Tanzanian named
    countries = {q.country for q in free if q.country}
    return all(not p.country or not countries or p.country in countries for p in unnamed)


def _modality(mention: MeetingMention) -> str:
    return corrections.modality(" ".join(mention.evidence), mention.modality)


def _title_overlap(titled: MeetingMention, named: MeetingMention) -> int:
    def title_words(people: list[Participant]) -> set[str]:
        return {w for p in people if p.title for w in fold(p.title).split()} - {"of", "the"}

    return len(title_words(titled.participants) & title_words(named.participants))


def _absorb(target: MeetingMention, item: MeetingMention) -> None:
    extra = [
        p
        for p in item.participants
        if not any(names.same_person(p, q) for q in target.participants)
    ]
    target.participants = names.dedupe_participants([*target.participants, *extra])
    target.status = target.status if target.status != "unknown" else item.status
    if not target.when_text or (target.borrowed and item.when_text and not item.borrowed):
        target.when_text, target.date = item.when_text, item.date
        target.time, target.borrowed = item.time, item.borrowed
    target.city = target.city or item.city
    target.country = target.country or item.country
    target.venue = target.venue or item.venue
    target.agenda = unique_folded([*target.agenda, *item.agenda])
    target.evidence = unique_folded([*target.evidence, *item.evidence])


def to_meeting(mention: MeetingMention, article: Article) -> Meeting:
    """A `Meeting` from merged mentions: dates resolved, evidence located, format inferred."""
    people = corrections.counterparts(mention.participants)
    tense = dates.tense_for(mention.status)
    resolved = dates.resolve(mention.when_text, article.published, tense=tense)
    if resolved.date is None and mention.date is not None:  # "the same day" (`same_day`)
        resolved = dates.Resolved(mention.date, "day")
    evidence = grounding.locate(mention.evidence, article.text)
    words = " ".join(q.text for q in evidence)
    return Meeting(
        participants=people,
        location=Location(venue=mention.venue, city=mention.city, country=mention.country),
        when=When(
            text=mention.when_text,
            date=resolved.date,
            precision=resolved.precision,
            time=mention.time,
        ),
        status=mention.status,
        format=MeetingFormat(
            modality=corrections.modality(words, mention.modality),
            scope="bilateral" if len(people) == 2 else "multilateral",
            context_event=mention.context_event,
        ),
        agenda=mention.agenda,
        evidence=evidence,
    )


def to_tension(draft: TensionDraft, article: Article) -> Tension | None:
    """A Tension with located evidence and only parties the article mentions; else None."""
    data = data_only(article.text)
    parties = [p for p in unique_casefold(draft.parties) if mentioned(p, data)]
    if not parties:
        return None
    return Tension(
        parties=parties,
        issue=draft.issue.strip(),
        description=draft.description.strip(),
        evidence=grounding.locate(draft.evidence, article.text),
    )


def source_of(article: Article) -> Source:
    """The briefing's `source` block: the article's metadata."""
    return Source(
        title=article.title, url=article.url, published=article.published, language=article.language
    )


def finalize(article: Article, drafts: Drafts, run: RunInfo) -> Briefing:
    """The Briefing of `drafts` (see the module docstring)."""
    mentions = [correct(m, article) for m in drafts.meetings]
    same_day(mentions)
    merged = merge_titled(merge(mentions), article.text, undated=article.published is None)
    tensions = [to_tension(t, article) for t in drafts.tensions]
    return Briefing(
        source=source_of(article),
        summary=without_instructions(drafts.summary.strip()),
        meetings=[to_meeting(m, article) for m in merged],
        tensions=[t for t in tensions if t is not None],
        provenance=Provenance(
            prompt_name=run.prompt.name,
            prompt_hash=run.prompt.hash,
            backend=run.backend.name,
            model=run.model or run.backend.model,
            mode=run.backend.mode,
            strategy=run.strategy,
            attempts=run.attempts,
            usage=run.usage,
            created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        ),
    )


def unique_folded(items: list[str]) -> list[str]:
    """Items without repeats, compared by `fold` (first spelling kept)."""
    seen: set[str] = set()
    out = []
    for item in items:
        if fold(item) not in seen:
            seen.add(fold(item))
            out.append(item)
    return out


def unique_casefold(items: list[str]) -> list[str]:
    """Stripped, non-empty items without case-insensitive repeats (first spelling kept)."""
    seen: set[str] = set()
    out: list[str] = []
    for item in (i.strip() for i in items):
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out
