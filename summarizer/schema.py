"""The typed briefing: what the tool returns (`Briefing`) and what the model fills in (`*Draft`).

The model only fills the draft: words copied from the article. Code then resolves dates,
locates quotes (offsets) and records provenance, producing the `Briefing`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Precision = Literal["day", "week", "month", "year", "unknown"]
Status = Literal["scheduled", "held", "proposed", "cancelled", "postponed", "unknown"]
Modality = Literal["in_person", "call", "video", "unknown"]
Scope = Literal["bilateral", "multilateral", "unknown"]

MAX_MEETINGS = 8
MAX_TENSIONS = 6

# Length caps bound what a small model can emit inside one string (grammar-enforced by the
# embedded backend), so a looping model stops at the cap instead of at max_tokens.
Short = Annotated[str, StringConstraints(max_length=120)]
Phrase = Annotated[str, StringConstraints(max_length=200)]
SentenceText = Annotated[str, StringConstraints(max_length=600)]


class Strict(BaseModel):
    """Base for every model here: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Quote(Strict):
    """A verbatim quote from the article; `start`/`end` are filled in by code after grounding."""

    text: str = Field(description="Words copied exactly from the article.")
    start: int | None = Field(None, description="Character offset of the quote in the article.")
    end: int | None = Field(None, description="Character offset just past the quote.")


class Participant(Strict):
    """One side of a meeting: a person, or a specific collective body (then `name` is null)."""

    name: Short | None = Field(
        None,
        description="The person's name in its fullest form found in the article, e.g. "
        "'Joseph Dunford'. Null for a collective body such as 'EU farm ministers'.",
    )
    aliases: list[Short] = Field(
        default_factory=list,
        max_length=6,
        description="Other spellings or short forms of this name used in the article.",
    )
    title: Short | None = Field(None, description="Title or role as the article gives it.")
    organization: Short | None = Field(None, description="Organization, ministry or body.")
    country: Short | None = Field(None, description="Country the participant represents.")

    @model_validator(mode="after")
    def _identified(self) -> Participant:
        if not (self.name or self.organization or self.title):
            raise ValueError("a participant needs a name, or an organization/title for a body")
        return self

    def label(self) -> str:
        """Short human label: the name, else title/organization."""
        return self.name or self.title or self.organization or "?"


class Location(Strict):
    """Where a meeting takes place. Each part is null unless the article states it."""

    venue: Short | None = Field(None, description="Building or venue, only if stated.")
    city: Short | None = Field(None, description="City, only if stated.")
    country: Short | None = Field(None, description="Country, only if stated or implied by city.")


class When(Strict):
    """When a meeting happens: the words as written, and the date code resolved from them."""

    text: str | None = Field(None, description="The time expression as written, e.g. 'Thursday'.")
    date: dt.date | None = Field(None, description="Resolved ISO date (code-filled).")
    precision: Precision = Field("unknown", description="How precise `date` is (code-filled).")
    time: str | None = Field(None, description="Time of day if stated, e.g. '10:00'.")


class MeetingFormat(Strict):
    """How a meeting happens."""

    modality: Modality = Field("unknown", description="in_person, call, video or unknown.")
    scope: Scope = Field("unknown", description="bilateral (two sides) or multilateral.")
    context_event: Phrase | None = Field(
        None,
        description="Larger event it happens on the sidelines of, e.g. 'G-20 foreign "
        "ministers' meeting'.",
    )


class Meeting(Strict):
    """A meeting between at least two named or specific sides that the article states."""

    participants: list[Participant] = Field(min_length=2, max_length=12)
    location: Location = Field(default_factory=Location)
    when: When = Field(default_factory=When)
    status: Status = "unknown"
    format: MeetingFormat = Field(default_factory=MeetingFormat)
    agenda: list[str] = Field(default_factory=list, description="Stated topics only.")
    evidence: list[Quote] = Field(default_factory=list)


class Tension(Strict):
    """A stated disagreement, dispute or friction between parties."""

    parties: list[str] = Field(min_length=1, description="Countries, organizations or people.")
    issue: str = Field(description="Short phrase naming what the tension is about.")
    description: str = Field("", description="One neutral sentence.")
    evidence: list[Quote] = Field(default_factory=list)


class Source(Strict):
    """Where the article came from."""

    title: str | None = None
    url: str | None = None
    published: dt.date | None = None
    language: str | None = None


class Usage(Strict):
    """Token usage summed over every attempt of one extraction."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class Provenance(Strict):
    """How a briefing was made, so any result can be traced and reproduced."""

    prompt_name: str
    prompt_hash: str
    backend: str
    model: str
    mode: str
    strategy: str = "whole"
    attempts: int = 1
    usage: Usage = Field(default_factory=Usage)
    created_at: dt.datetime


class Briefing(Strict):
    """The typed, grounded briefing of one article."""

    source: Source
    summary: str = Field(description="One to three neutral sentences.")
    meetings: list[Meeting] = Field(default_factory=list)
    tensions: list[Tension] = Field(default_factory=list)
    provenance: Provenance


# --- What the model fills in -------------------------------------------------------------


class WhenDraft(Strict):
    """The time words of a meeting, copied from the article (code resolves the date)."""

    text: Short | None = Field(
        None, description="The exact words giving the day or date, e.g. 'on Thursday'; else null."
    )
    time: Short | None = Field(None, description="Time of day if stated, else null.")


class MeetingDraft(Strict):
    """One meeting the article states, between at least two sides."""

    participants: list[Participant] = Field(min_length=2, max_length=8)
    location: Location = Field(default_factory=Location)
    when: WhenDraft = Field(default_factory=WhenDraft)
    status: Status = Field(
        "unknown",
        description="scheduled (will happen), held (already happened), proposed (suggested, "
        "not agreed), cancelled, postponed, or unknown.",
    )
    format: MeetingFormat = Field(default_factory=MeetingFormat)
    agenda: list[Phrase] = Field(default_factory=list, max_length=6, description="Stated topics.")
    evidence: list[SentenceText] = Field(
        default_factory=list,
        max_length=4,
        description="Sentences copied word for word from the article that state this meeting.",
    )


class TensionDraft(Strict):
    """A stated tension between parties."""

    parties: list[Short] = Field(min_length=1, max_length=6)
    issue: Phrase = Field(description="Short phrase, e.g. 'Crimea sanctions'.")
    description: SentenceText = Field("", description="One neutral sentence.")
    evidence: list[SentenceText] = Field(
        default_factory=list, max_length=3, description="Sentences copied word for word."
    )


class BriefingDraft(Strict):
    """What the model returns for one article."""

    summary: Annotated[str, StringConstraints(max_length=800)] = Field(
        description="One to three neutral sentences summarizing the article."
    )
    meetings: list[MeetingDraft] = Field(default_factory=list, max_length=MAX_MEETINGS)
    tensions: list[TensionDraft] = Field(default_factory=list, max_length=MAX_TENSIONS)
