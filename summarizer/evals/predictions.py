"""The scorer's one "predicted" shape, and how Briefings and prediction files become it.

A prediction file `<case id>.json` holds either a full `Briefing` (as `summarizer brief --json`
prints it; recognised by its `summary`/`provenance`/`source` keys) or just
`{"meetings": [...], "tensions": [...]}` in the gold shape (e.g. a second labeler's annotations).
A missing or invalid file is scored as an empty prediction that is not schema-valid, with the
problem noted as the case's error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from summarizer.evals.cases import (
    Gold,
    GoldLocation,
    GoldMeeting,
    GoldParticipant,
    GoldTension,
    validation_message,
)
from summarizer.schema import Briefing, Meeting, Quote

_BRIEFING_KEYS = {"summary", "provenance", "source"}


@dataclass(frozen=True)
class Evidence:
    """One evidence quote of predicted meeting or tension `index`, with its offsets in the
    article when grounding found them (the HTML report highlights it).
    """

    kind: Literal["meeting", "tension"]
    index: int
    text: str
    start: int | None = None
    end: int | None = None


@dataclass
class Predicted:
    """What a system (or second labeler) said about one article, in the gold shape."""

    meetings: list[GoldMeeting] = field(default_factory=list)
    tensions: list[GoldTension] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    schema_valid: bool = True
    error: str | None = None

    @classmethod
    def failed(cls, error: str) -> Predicted:
        """An empty, schema-invalid prediction recording why there is nothing to score."""
        return cls(schema_valid=False, error=error)


class GoldShapePrediction(Gold):
    """A prediction file in the gold shape. A second labeler's file may also carry the rest of
    a case's `expected` and its own `tags`/`notes`; those are kept for review, not scored.
    """

    meetings: list[GoldMeeting] = Field(default_factory=list)
    tensions: list[GoldTension] = Field(default_factory=list)
    optional_meetings: list[GoldMeeting] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    notes: str | None = None


def _meeting(m: Meeting) -> GoldMeeting:
    return GoldMeeting(
        participants=[GoldParticipant(**p.model_dump()) for p in m.participants],
        location=GoldLocation(**m.location.model_dump()),
        date=m.when.date,
        date_text=m.when.text,
        status=m.status,
        agenda=list(m.agenda),
    )


def _evidence(kind: Literal["meeting", "tension"], items: list[list[Quote]]) -> list[Evidence]:
    return [
        Evidence(kind, i, q.text, q.start, q.end) for i, quotes in enumerate(items) for q in quotes
    ]


def from_briefing(briefing: Briefing) -> Predicted:
    """Convert a Briefing; its evidence quotes are kept for the grounding rate and, with the
    item each belongs to, for the HTML report.
    """
    evidence = _evidence("meeting", [m.evidence for m in briefing.meetings])
    evidence += _evidence("tension", [t.evidence for t in briefing.tensions])
    return Predicted(
        meetings=[_meeting(m) for m in briefing.meetings],
        tensions=[GoldTension(parties=list(t.parties), issue=t.issue) for t in briefing.tensions],
        quotes=[e.text for e in evidence],
        evidence=evidence,
    )


def parse_prediction(data: Any, origin: str) -> Predicted:
    """Validate parsed JSON in either accepted shape; invalid -> `Predicted.failed`."""
    if not isinstance(data, dict):
        return Predicted.failed(f"{origin}: expected a JSON object")
    try:
        if _BRIEFING_KEYS & data.keys():
            return from_briefing(Briefing.model_validate(data))
        shape = GoldShapePrediction.model_validate(data)
    except ValidationError as e:
        return Predicted.failed(validation_message(origin, e))
    return Predicted(meetings=shape.meetings, tensions=shape.tensions)


def load_prediction(directory: str | Path, case_id: str) -> Predicted:
    """Read `<directory>/<case_id>.json`; a missing or malformed file is noted, not raised."""
    path = Path(directory) / f"{case_id}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Predicted.failed(f"{path}: no prediction file")
    except (OSError, UnicodeDecodeError) as e:
        return Predicted.failed(f"{path}: cannot read: {e}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        return Predicted.failed(f"{path}:{e.lineno}: malformed JSON: {e.msg}")
    return parse_prediction(data, str(path))
