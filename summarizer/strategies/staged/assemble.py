"""Stage 4, in code: window answers -> meetings -> the `Briefing`.

A window's answer confirms (or not) each candidate meeting and names its time words and places
from the options; the candidate's parties become participants, its sentence the evidence
(located with offsets). Code merges the mentions of one meeting across windows: same sides
(by `names.same_person`, one set within the other), no conflicting date and no conflicting
status (the same people meeting on two days, or a held call and a scheduled visit, stay two
meetings). Code also overrides the model's status where the words are plain (`status_cue`).
Dates are resolved by `summarizer.pipeline.dates`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pydantic import BaseModel

from summarizer.backends.base import Backend
from summarizer.pipeline import dates, grounding, names, prompts
from summarizer.pipeline.article import Article
from summarizer.schema import (
    Briefing,
    Location,
    Meeting,
    MeetingFormat,
    Modality,
    Participant,
    Provenance,
    Status,
    Usage,
    When,
)
from summarizer.strategies.staged.questions import Options, replies
from summarizer.strategies.staged.spans import Sentence
from summarizer.strategies.whole import source_of
from summarizer.text.fold import fold
from summarizer.text.places import keep_mentioned

_SAME_DAY = re.compile(r"\bsame day\b", re.I)
_VIDEO = re.compile(r"\bvideo|\bvirtual|\bonline\b", re.I)
_CALL = re.compile(r"\b(?:tele)?phone|\bcall(?:s|ed)?\b|\bspoke by\b", re.I)
SUMMARY_MIN_WORDS = 8
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


@dataclass
class Found:
    """One meeting as one window's answer states it, with options resolved to article terms."""

    participants: list[Participant]
    status: Status
    when_text: str | None = None
    city: str | None = None
    country: str | None = None
    agenda: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    date: dt.date | None = None
    borrowed: bool = False  # the time words come from a neighbouring sentence


def found_meetings(answer: BaseModel, options: Options, article: Article) -> list[Found]:
    """The meetings the model confirmed among the window's candidates."""
    out = []
    for candidate, reply in zip(options.candidates, replies(answer, options), strict=True):
        if reply is None or not reply.meeting:
            continue
        people = names.dedupe_participants([options.sides[label] for label in candidate.sides])
        if len(people) < 2:
            continue
        sentence = candidate.sentence.text
        when = decide_when(reply.when, candidate.sentence)
        status = decide_status(reply.status, sentence, when, article.published)
        resolved = dates.resolve(when, article.published, tense=dates.tense_for(status))
        city = _in(reply.city, sentence) if located(reply.city, sentence) else None
        country = _in(reply.country, sentence)
        out.append(
            Found(
                participants=people,
                status=status,
                when_text=when,
                borrowed=when is not None and when not in _times(candidate.sentence),
                city=city,
                country=country if country != city else None,
                agenda=[a.strip() for a in reply.topics if a.strip()],
                evidence=[sentence],
                date=resolved.date,
            )
        )
    return out


def _times(sentence: Sentence) -> list[str]:
    return [s.text for s in sentence.labelled("TIME")]


def decide_when(answered: str | None, sentence: Sentence) -> str | None:
    """The model's time words if the candidate's sentence holds them; else that sentence's
    first time words; else the model's (from a neighbouring sentence).
    """
    own = _times(sentence)
    if answered in own or not own:
        return answered
    return own[0]


def located(place: str | None, sentence: str) -> bool:
    """The sentence puts something at `place`: "in neutral Tarsis", "at the Grand Harbour
    Hotel", "the border city of Dorn", "travel to Kampala" — not "Hollmark's chief of defence".
    """
    if not place:
        return False
    before = r"\b(?:in|at|to|near|capital|city|town|port),?\s+(?:[\w'’-]+\s+){0,3}"
    return re.search(before + re.escape(place) + r"\b", sentence) is not None


def same_day(found: list[Found]) -> None:
    """A meeting "the same day" is on the date of the one mentioned before it (in order)."""
    for before, item in zip(found, found[1:], strict=False):
        if item.date is None and item.when_text and _SAME_DAY.search(item.when_text):
            item.date = before.date


def _in(place: str | None, sentence: str) -> str | None:
    """A place the model chose, kept only if the candidate's sentence names it (or its
    nationality word: "the Velorian border city" names Veloria).
    """
    return keep_mentioned(place, sentence)


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
    answered: Status, evidence: str, when_text: str | None, published: dt.date | None
) -> Status:
    """Code overrides the model where the text is plain: cancelled/postponed/proposed words,
    then unambiguous tense, then a date before or after publication; else the model's answer.
    """
    cue = status_cue(evidence)
    if cue is not None:
        return cue
    date = dates.resolve(when_text, published).date
    if date is not None and published is not None and date != published:
        return "held" if date < published else "scheduled"
    return answered


def same_meeting(a: Found, b: Found) -> bool:
    """One meeting mentioned twice: same sides, dates and statuses that do not conflict (a
    date read from a neighbouring sentence conflicts with nothing: "The two discussed ...").
    """
    if a.date and b.date and a.date != b.date and not (a.borrowed or b.borrowed):
        return False
    if a.status != b.status and "unknown" not in (a.status, b.status):
        return False
    small, large = sorted((a.participants, b.participants), key=len)
    return all(any(_same_side(p, q) for q in large) for p in small)


def _same_side(a: Participant, b: Participant) -> bool:
    if a.name or b.name:
        return names.same_person(a, b)
    pairs = [(a.title, b.title), (a.organization, b.organization)]
    return any(x and y and fold(x) == fold(y) for x, y in pairs)


def merge(found: list[Found]) -> list[Found]:
    """Merge mentions of the same meeting (see `same_meeting`), keeping first-mention order."""
    merged: list[Found] = []
    for item in found:
        target = next((m for m in merged if same_meeting(m, item)), None)
        if target is None:
            merged.append(item)
            continue
        extra = [
            p for p in item.participants if not any(_same_side(p, q) for q in target.participants)
        ]
        target.participants = names.dedupe_participants([*target.participants, *extra])
        target.status = target.status if target.status != "unknown" else item.status
        if not target.when_text or (target.borrowed and item.when_text and not item.borrowed):
            target.when_text, target.date = item.when_text, item.date
            target.borrowed = item.borrowed
        target.city = target.city or item.city
        target.country = target.country or item.country
        target.agenda = _unique([*target.agenda, *item.agenda])
        target.evidence = _unique([*target.evidence, *item.evidence])
    return merged


def to_meeting(found: Found, article: Article) -> Meeting:
    """A `Meeting` from merged mentions: dates resolved, evidence located, format inferred."""
    people = _counterparts(found.participants)
    resolved = dates.resolve(
        found.when_text, article.published, tense=dates.tense_for(found.status)
    )
    if resolved.date is None and found.date is not None:  # "the same day" (see `same_day`)
        resolved = dates.Resolved(found.date, "day")
    evidence = grounding.locate(found.evidence, article.text)
    return Meeting(
        participants=people,
        location=Location(city=found.city, country=found.country),
        when=When(text=found.when_text, date=resolved.date, precision=resolved.precision),
        status=found.status,
        format=MeetingFormat(
            modality=modality(" ".join(q.text for q in evidence)),
            scope="bilateral" if len(people) == 2 else "multilateral",
        ),
        agenda=found.agenda,
        evidence=evidence,
    )


def _counterparts(people: list[Participant]) -> list[Participant]:
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


def modality(evidence: str) -> Modality:
    """video / call from the words of the evidence, else in_person; unknown without evidence."""
    if not evidence:
        return "unknown"
    if _VIDEO.search(evidence):
        return "video"
    return "call" if _CALL.search(evidence) else "in_person"


def summary(sentences: list[Sentence], article: Article) -> str:
    """An extractive summary: the article's first sentence of reasonable length (the lede)."""
    for sentence in sentences:
        text = " ".join(sentence.text.split())
        if len(text.split()) >= SUMMARY_MIN_WORDS and text[-1:] in ".!?\"'”’":
            return text
    return article.title or (" ".join(sentences[0].text.split()) if sentences else "")


def briefing(
    article: Article,
    meetings: list[Meeting],
    sentences: list[Sentence],
    *,
    prompt: prompts.Prompt,
    backend: Backend,
    attempts: int,
    usage: Usage,
    model: str,
) -> Briefing:
    """The final Briefing of the staged strategy (tensions are not extracted by it)."""
    return Briefing(
        source=source_of(article),
        summary=summary(sentences, article),
        meetings=meetings,
        provenance=Provenance(
            prompt_name=prompt.name,
            prompt_hash=prompt.hash,
            backend=backend.name,
            model=model or backend.model,
            mode=backend.mode,
            strategy="staged",
            attempts=attempts,
            usage=usage,
            created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        ),
    )


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if fold(item) not in seen:
            seen.add(fold(item))
            out.append(item)
    return out
