"""`summarizer.schema`: the Briefing model, its drafts and the published JSON schema."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from builders import briefing, meeting
from pydantic import ValidationError

from summarizer.schema import (
    Briefing,
    BriefingDraft,
    Location,
    Meeting,
    Participant,
    Quote,
    When,
)


def _briefing() -> Briefing:
    """A briefing with one fully filled-in meeting."""
    lisbon = meeting(
        [
            Participant(name="Ana Duarte", aliases=["Duarte"], country="Portugal"),
            Participant(organization="EU", title="farm ministers"),
        ],
        When(text="Friday", date=dt.date(2021, 3, 5), precision="day"),
        location=Location(city="Lisbon", country="Portugal"),
        status="scheduled",
        evidence=[Quote(text="x", start=0, end=1)],
    )
    return briefing([lisbon], published=dt.date(2021, 3, 4), language="en")


def test_round_trip_through_json() -> None:
    original = _briefing()
    assert Briefing.model_validate_json(original.model_dump_json()) == original


def test_unknown_fields_are_rejected() -> None:
    data = json.loads(_briefing().model_dump_json())
    data["meetings"][0]["mood"] = "tense"
    with pytest.raises(ValidationError, match="mood"):
        Briefing.model_validate(data)


def test_meeting_needs_two_participants() -> None:
    with pytest.raises(ValidationError, match="at least 2"):
        Meeting(participants=[Participant(name="A B")])


def test_participant_needs_some_identity() -> None:
    with pytest.raises(ValidationError, match="needs a name"):
        Participant(country="France")


def test_draft_caps_list_lengths_for_small_models() -> None:
    schema = BriefingDraft.model_json_schema()
    assert schema["properties"]["meetings"]["maxItems"] == 8
    meeting = schema["$defs"]["MeetingDraft"]
    assert meeting["properties"]["participants"]["minItems"] == 2
    assert "date" not in schema["$defs"]["WhenDraft"]["properties"]


def test_published_schema_describes_fields() -> None:
    schema = Briefing.model_json_schema()
    assert "description" in schema["$defs"]["Participant"]["properties"]["name"]
