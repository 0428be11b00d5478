"""What every strategy hands to `finalize`: meeting mentions, tension drafts and a summary.

A `MeetingMention` is one meeting as one model answer states it, in the article's own words:
sides (grounded participants), the model's status, time words, places, agenda and the
evidence sentences it rests on. Strategies differ in how they get mentions (one prompt for
the whole article, or closed questions per candidate sentence); from here on, code does the
same to all of them (`pipeline.finalize`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from summarizer.schema import Modality, Participant, Status, TensionDraft


@dataclass
class MeetingMention:
    """One meeting as one answer states it; `finalize` corrects, merges and resolves it."""

    participants: list[Participant]
    status: Status
    evidence: list[str]
    when_text: str | None = None
    time: str | None = None
    city: str | None = None
    country: str | None = None
    venue: str | None = None
    agenda: list[str] = field(default_factory=list)
    modality: Modality = "unknown"  # the model's, if it gave one; code reads the evidence
    context_event: str | None = None
    date: dt.date | None = None  # resolved by `finalize.correct` (or copied: "the same day")
    borrowed: bool = False  # the time words come from a neighbouring sentence
    tense_known: bool = False  # status held/scheduled read from the clause's parse


@dataclass
class Drafts:
    """A strategy's whole answer about one article, before `finalize`."""

    meetings: list[MeetingMention] = field(default_factory=list)
    tensions: list[TensionDraft] = field(default_factory=list)
    summary: str = ""
