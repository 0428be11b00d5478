"""Cross-article merge: the same meeting reported by several articles appears once.

Two meetings are the same when all three hold:
- participants: at least one side matches (`names.same_person`: name, alias, surname, fuzzy;
  or the same body), and no named participant conflicts: if both meetings name someone the
  other does not, they need two matching sides (so "A meets B" and "A meets C" stay apart,
  while a side named only by title, e.g. "Russia's foreign minister", never blocks a merge);
- dates: within one day, or one is missing; a week/month date need only overlap the other;
- places: no two different cities, no two different countries (venues may differ).
Merging unions participants (a title-only side joins the named person of the same country
or title) and agenda items (fuzzy), keeps every quote with its source, and cites all
sources. A field the sources disagree on (date, place, status) keeps every value under
`conflicts`; the chosen status is the latest-published article's.

The merge is a fold over the articles in source order (a report joins the first group it
fits), so `Meetings` can take them one at a time (`daily.day_merge.DayMerge` does). The
sources, cited quotes and fuzzy likeness here are shared with `daily.tensions`. Everything
here is pure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pydantic import Field
from rapidfuzz import fuzz

from summarizer.pipeline import names, people
from summarizer.schema import (
    Briefing,
    Location,
    Meeting,
    MeetingFormat,
    Participant,
    Quote,
    Status,
    Strict,
    When,
)
from summarizer.text.fold import fold
from summarizer.text.places import country_named

PARTY_RATIO = 85
AGENDA_RATIO = 90
PLACE_RATIO = 85
SamePerson = Callable[[Participant, Participant], bool]
_PRECISION = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}


class SourceRef(Strict):
    """An article a merged item came from; `n` is its number in the note's Sources list."""

    n: int
    title: str | None = None
    url: str | None = None


class CitedQuote(Strict):
    """A quote with its offsets in the article numbered `source`."""

    text: str
    start: int | None = None
    end: int | None = None
    source: int


class MergedMeeting(Strict):
    """One meeting of the day, from one or more articles (Meeting's fields, plus sources)."""

    participants: list[Participant]
    location: Location = Field(default_factory=Location)
    when: When = Field(default_factory=When)
    status: Status = "unknown"
    format: MeetingFormat = Field(default_factory=MeetingFormat)
    agenda: list[str] = Field(default_factory=list)
    evidence: list[CitedQuote] = Field(default_factory=list)
    sources: list[SourceRef]
    conflicts: dict[str, list[str]] = Field(
        default_factory=dict, description="Field -> the differing values the sources give."
    )


@dataclass
class _Seen:
    """One meeting as reported by one article."""

    ref: SourceRef
    meeting: Meeting
    published: dt.date | None


@dataclass
class _Group:
    members: list[_Seen] = field(default_factory=list)
    merged: MergedMeeting | None = None  # `_combine(members)`, until a member joins


class Meetings:
    """`merge_meetings` one briefing at a time: a report joins the first group all of whose
    members it matches. Only groups holding someone who is the same person as one of its
    participants can match (a shared side is required), so only those are tried;
    `people.People` finds them without comparing all.
    """

    def __init__(self) -> None:
        self.groups: list[_Group] = []
        self.people = people.People()
        self.groups_of: defaultdict[int, set[int]] = defaultdict(set)  # person id -> groups

    def add(self, ref: SourceRef, briefing: Briefing) -> None:
        for meeting in briefing.meetings:
            seen = _Seen(ref, meeting, briefing.source.published)
            ids = {i for p in meeting.participants for i in self.people.matches(p)}
            tried = sorted({g for i in ids for g in self.groups_of[i]})
            fits = (k for k in tried if _fits(meeting, self.groups[k], self.people.same))
            k = next(fits, None)
            if k is None:
                k = len(self.groups)
                self.groups.append(_Group())
            self.groups[k].members.append(seen)
            self.groups[k].merged = None
            for p in meeting.participants:
                self.groups_of[self.people.id(p)].add(k)

    def result(self) -> Iterator[MergedMeeting]:
        for group in self.groups:
            if group.merged is None:
                group.merged = _combine(group.members)
            yield group.merged


def merge_meetings(items: list[tuple[SourceRef, Briefing]]) -> list[MergedMeeting]:
    """Merge the meetings of all briefings (see the module docstring), first-seen order."""
    fold = Meetings()
    for ref, briefing in items:
        fold.add(ref, briefing)
    return list(fold.result())


def _fits(meeting: Meeting, group: _Group, same: SamePerson) -> bool:
    return all(same_meeting(meeting, m.meeting, same=same) for m in group.members)


def same_meeting(a: Meeting, b: Meeting, *, same: SamePerson = names.same_person) -> bool:
    """The merge rule for two reports of a meeting (see the module docstring)."""
    return (
        sides_match(a.participants, b.participants, same=same)
        and dates_compatible(a.when, b.when)
        and places_compatible(a.location, b.location)
    )


def sides_match(
    a: list[Participant], b: list[Participant], *, same: SamePerson = names.same_person
) -> bool:
    """At least one shared side, and no conflicting named participants (unless two match)."""
    matched = [p for p in a if any(same(p, q) for q in b)]
    lone_a = [p for p in a if p.name and not any(same(p, q) for q in b)]
    lone_b = [q for q in b if q.name and not any(same(q, p) for p in a)]
    if not matched:
        return False
    return len(matched) >= 2 or not (lone_a and lone_b)


def _span(when: When) -> tuple[dt.date, dt.date] | None:
    day = when.date
    if day is None or when.precision == "unknown":
        return None
    if when.precision == "week":
        return day, day + dt.timedelta(days=6)
    if when.precision == "month":
        nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return day.replace(day=1), nxt - dt.timedelta(days=1)
    if when.precision == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    return day, day


def dates_compatible(a: When, b: When) -> bool:
    """Within one day of each other (spans for coarse dates), or either unknown."""
    span_a, span_b = _span(a), _span(b)
    if span_a is None or span_b is None:
        return True
    slack = dt.timedelta(days=1)
    return span_a[0] - slack <= span_b[1] and span_b[0] - slack <= span_a[1]


def _country(name: str) -> str:
    key = fold(name).strip().removeprefix("the ")
    return fold(country_named(key) or key)


def _differ(x: str | None, y: str | None, *, country: bool = False) -> bool:
    if not (x and y):
        return False
    a, b = (_country(x), _country(y)) if country else (fold(x), fold(y))
    return fuzz.ratio(a, b) < PLACE_RATIO


def places_compatible(a: Location, b: Location) -> bool:
    """No two different cities and no two different countries."""
    return not (_differ(a.city, b.city) or _differ(a.country, b.country, country=True))


def _combine(members: list[_Seen]) -> MergedMeeting:
    meetings = [m.meeting for m in members]
    conflicts = {
        name: values
        for name, values in (
            ("when", _distinct([_when_label(m.when) for m in meetings])),
            ("location", _distinct([_place_label(m.location) for m in meetings])),
            ("status", _distinct([m.status for m in meetings if m.status != "unknown"])),
        )
        if len(values) > 1
    }
    return MergedMeeting(
        participants=_union_participants([p for m in meetings for p in m.participants]),
        location=_fill_location([m.location for m in meetings]),
        when=min((m.when for m in meetings), key=lambda w: _PRECISION[w.precision]),
        status=_latest_status(members),
        format=_fill_format([m.format for m in meetings]),
        agenda=union_phrases([a for m in meetings for a in m.agenda]),
        evidence=[cite(q, s.ref.n) for s in members for q in s.meeting.evidence],
        sources=refs([m.ref for m in members]),
        conflicts=conflicts,
    )


def _when_label(when: When) -> str:
    if when.date is None:
        return ""
    return when.date.isoformat() if when.precision == "day" else f"{when.date} ({when.precision})"


def _place_label(loc: Location) -> str:
    return ", ".join(x for x in (loc.venue, loc.city, loc.country) if x)


def _distinct(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and fold(value) not in {fold(v) for v in out}:
            out.append(value)
    return out


def _latest_status(members: list[_Seen]) -> Status:
    known = [m for m in members if m.meeting.status != "unknown"]
    if not known:
        return "unknown"
    floor = dt.date.min
    return max(reversed(known), key=lambda m: m.published or floor).meeting.status


def _fill_location(locations: list[Location]) -> Location:
    venue, city, country = (
        next((getattr(x, attr) for x in locations if getattr(x, attr)), None)
        for attr in ("venue", "city", "country")
    )
    return Location(venue=venue, city=city, country=country)


def _fill_format(formats: list[MeetingFormat]) -> MeetingFormat:
    modality = next((f.modality for f in formats if f.modality != "unknown"), "unknown")
    scope = next((f.scope for f in formats if f.scope != "unknown"), "unknown")
    event = next((f.context_event for f in formats if f.context_event), None)
    return MeetingFormat(modality=modality, scope=scope, context_event=event)


def _union_participants(people: list[Participant]) -> list[Participant]:
    named = names.dedupe_participants([p for p in people if p.name])
    merged = list(named)
    for body in (p for p in people if not p.name):
        k = _title_match(body, merged)
        if k is not None:
            merged[k] = _fill(merged[k], body)
        elif not any(names.same_person(body, q) for q in merged):
            merged.append(body)
    return merged


def _title_match(body: Participant, people: list[Participant]) -> int | None:
    """The one named person a title-only side must be: same country, or a similar title."""
    hits = [k for k, p in enumerate(people) if p.name and _same_role(body, p)]
    return hits[0] if len(hits) == 1 else None


def _same_role(body: Participant, person: Participant) -> bool:
    if body.country and person.country:
        return _country(body.country) == _country(person.country)
    if body.title and person.title:
        return fuzz.token_set_ratio(fold(body.title), fold(person.title)) >= PARTY_RATIO
    return False


def _fill(person: Participant, body: Participant) -> Participant:
    update = {
        attr: getattr(person, attr) or getattr(body, attr)
        for attr in ("title", "organization", "country")
    }
    return person.model_copy(update=update)


def union_phrases(phrases: list[str]) -> list[str]:
    """Phrases without fuzzy duplicates (token_set_ratio >= 90); the longer wording wins."""
    kept: list[str] = []
    for phrase in (p.strip() for p in phrases):
        k = next((k for k, x in enumerate(kept) if similar(x, phrase, AGENDA_RATIO)), None)
        if k is None and phrase:
            kept.append(phrase)
        elif k is not None and len(phrase) > len(kept[k]):
            kept[k] = phrase
    return kept


def similar(a: str, b: str, ratio: int) -> bool:
    """Fuzzy likeness of two phrases: token_set_ratio of their folded forms >= `ratio`."""
    return fuzz.token_set_ratio(fold(a), fold(b)) >= ratio


def cite(quote: Quote, n: int) -> CitedQuote:
    """`quote` as cited from the article numbered `n`."""
    return CitedQuote(text=quote.text, start=quote.start, end=quote.end, source=n)


def refs(sources: list[SourceRef]) -> list[SourceRef]:
    """`sources` without repeats (one per article number; the last wins, first-seen order)."""
    return list({r.n: r for r in sources}.values())
