"""`summarizer.schema`: the Briefing model, its drafts and the published JSON schema."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any, Literal

import pytest
from builders import DRAFTS, ROOT, briefing, meeting
from pydantic import BaseModel, ValidationError

from summarizer.evals.cases import load_cases
from summarizer.schema import (
    NOTES,
    Briefing,
    BriefingDraft,
    Location,
    Meeting,
    Participant,
    Quote,
    When,
    terse,
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


# --- The schema the model is sent (`BriefingDraft.request_schema`) ------------------------

FULL = BriefingDraft.model_json_schema()
SENT = BriefingDraft.request_schema()
_KEYWORDS = {"type", "enum", "properties", "additionalProperties", "required", "items",
             "minItems", "maxItems", "maxLength", "minLength", "anyOf", "$ref", "$defs",
             "title", "description", "default"}  # fmt: skip
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}


def conforms(node: dict[str, Any], value: Any, root: dict[str, Any]) -> bool:
    """JSON Schema validation for the keywords these schemas use; any other keyword fails the
    test (so nothing passes for want of a check).
    """
    assert set(node) <= _KEYWORDS, set(node) - _KEYWORDS
    if "$ref" in node:
        return conforms(root["$defs"][node["$ref"].removeprefix("#/$defs/")], value, root)
    if "anyOf" in node and not any(conforms(o, value, root) for o in node["anyOf"]):
        return False
    types = node.get("type")
    if types and not any(_TYPES[t](value) for t in ([types] if isinstance(types, str) else types)):
        return False
    if "enum" in node and value not in node["enum"]:
        return False
    if isinstance(value, str):
        return node.get("minLength", 0) <= len(value) <= node.get("maxLength", len(value))
    if isinstance(value, list):
        if not node.get("minItems", 0) <= len(value) <= node.get("maxItems", len(value)):
            return False
        return all(conforms(node.get("items", {}), item, root) for item in value)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        if not set(node.get("required", [])) <= set(value):
            return False
        if node.get("additionalProperties") is False and not set(value) <= set(properties):
            return False
        return all(conforms(properties.get(k, {}), v, root) for k, v in value.items())
    return True


def pydantic_accepts(draft: Any) -> bool:
    try:
        BriefingDraft.model_validate(draft)
    except ValidationError:
        return False
    return True


def gold_drafts() -> list[dict[str, Any]]:
    """A draft per committed gold case (composed and real): its meetings and tensions."""
    drafts = []
    for case in load_cases(ROOT / "evals/cases"):
        meetings = [
            {
                "participants": [p.model_dump() for p in m.participants],
                "location": m.location.model_dump(),
                "when": {"text": m.date_text, "time": None},
                "status": m.status,
                "format": {"modality": "unknown", "scope": "unknown", "context_event": None},
                "agenda": m.agenda,
                "evidence": [],
            }
            for m in case.expected.meetings
        ]
        tensions = [t.model_dump() | {"evidence": []} for t in case.expected.tensions]
        title = case.article.title or ""
        drafts.append({"summary": title, "meetings": meetings[:8], "tensions": tensions[:6]})
    return drafts


def recorded_drafts() -> list[Any]:
    """Every draft a model wrote in the committed whole-strategy recordings (raw and kept)."""
    found = []
    for path in sorted(ROOT.glob("evals/results/whole-*/replays/*.json")):
        for call in json.loads(path.read_text())["calls"]:
            found += [json.loads(call[k]) for k in ("raw", "value") if call.get(k)]
    return found + [json.loads(json.dumps(d)) for d in DRAFTS.values()]


ONE_SIDE = {"participants": [{"name": "Ana Duarte"}]}
TWO_SIDES = {"participants": [{"name": "Ana Duarte"}, {"name": "Pieter Hals"}]}
BAD_DRAFTS = {  # the rejections test_schema.py and the fake-server tests rely on, as drafts
    "one participant": {"summary": "s", "meetings": [ONE_SIDE]},
    "unknown field": {"summary": "s", "meetings": [TWO_SIDES | {"mood": "tense"}]},
    "unknown top-level field": {"summary": "s", "title": "t"},
    "no summary": {"meetings": []},
    "null summary": {"summary": None},
    "status not in the enum": {"summary": "s", "meetings": [TWO_SIDES | {"status": "done"}]},
    "too many meetings": {"summary": "s", "meetings": [TWO_SIDES] * 9},
    "name over the cap": {"summary": "s", "meetings": [{"participants": [{"name": "x" * 121},
                                                                         {"name": "B"}]}]},
    "too many aliases": {"summary": "s", "meetings": [{"participants": [
        {"name": "A", "aliases": list("abcdefg")}, {"name": "B"}]}]},
    "tension without issue": {"summary": "s", "tensions": [{"parties": ["A"]}]},
    "tension without parties": {"summary": "s", "tensions": [{"parties": [], "issue": "i"}]},
    "meetings not a list": {"summary": "s", "meetings": "none"},
    "location a string": {"summary": "s", "meetings": [TWO_SIDES | {"location": "Rome"}]},
}  # fmt: skip


def test_the_sent_schema_accepts_every_gold_derived_and_recorded_draft() -> None:
    gold, recorded = gold_drafts(), recorded_drafts()
    assert len(gold) >= 100 and len(recorded) >= 100  # every committed case and answer
    valid_gold = [d for d in gold if pydantic_accepts(d)]
    assert len(valid_gold) >= 0.9 * len(gold)  # the rest: a gold meeting of one side
    assert all(conforms(SENT, d, SENT) for d in valid_gold)
    for draft in gold + recorded:
        assert conforms(SENT, draft, SENT) == conforms(FULL, draft, FULL), draft


@pytest.mark.parametrize("name", list(BAD_DRAFTS))
def test_the_sent_schema_rejects_what_the_full_one_rejects(name: str) -> None:
    bad = BAD_DRAFTS[name]
    assert not pydantic_accepts(bad)
    assert not conforms(FULL, bad, FULL)
    assert not conforms(SENT, bad, SENT)


UNDECODED = BriefingDraft.request_schema(lengths=False)



def test_the_schema_sent_for_a_tool_call_is_the_same_but_for_short_string_caps() -> None:
    """What a tool call is sent (nothing decodes under it) leaves out the caps of names and
    titles (`maxLength` 120), and only those: the caps of sentences and phrases stay, every
    other bad draft is rejected as before, and pydantic still rejects an over-long name.
    """
    sent, undecoded = json.dumps(SENT), json.dumps(UNDECODED)
    assert '"maxLength": 120' in sent and '"maxLength": 120' not in undecoded
    assert all(f'"maxLength": {n}' in json.dumps(UNDECODED) for n in (200, 600, 800))
    unbounded = re.sub(r'"maxLength": 120, ', "", json.dumps(SENT))  # each is first in its node
    assert json.loads(unbounded) == UNDECODED
    for name, bad in BAD_DRAFTS.items():
        assert conforms(UNDECODED, bad, UNDECODED) == (name == "name over the cap"), name
    assert not pydantic_accepts(BAD_DRAFTS["name over the cap"])
    for draft in gold_drafts() + recorded_drafts():
        assert conforms(UNDECODED, draft, UNDECODED) == conforms(SENT, draft, SENT)
    assert len(json.dumps(UNDECODED)) < 0.93 * len(json.dumps(SENT))


def test_a_body_without_name_or_title_is_still_pydantics_to_reject() -> None:
    """The one rule no JSON schema states, before or now: a participant needs an identity."""
    nameless = {"summary": "s", "meetings": [{"participants": [{"country": "Chile"}] * 2}]}
    assert conforms(FULL, nameless, FULL) and conforms(SENT, nameless, SENT)
    assert not pydantic_accepts(nameless)


def _keys(node: Any, key: str) -> list[Any]:
    """Every `key` annotation in a schema (a property named `key` is not one)."""
    if isinstance(node, list):
        return [x for item in node for x in _keys(item, key)]
    if not isinstance(node, dict):
        return []
    found = [node[key]] if isinstance(node.get(key), str) else []
    children = [v for k, v in node.items() if k != "properties"]
    children += list(node.get("properties", {}).values())
    return found + [x for child in children for x in _keys(child, key)]


def test_the_sent_schema_has_no_titles_defaults_or_prose_the_prompt_gives() -> None:
    assert _keys(SENT, "title") == ["BriefingDraft"]  # the tool's name, nothing below it
    assert "$defs" not in SENT and '"default"' not in json.dumps(SENT)
    notes = [FULL["$defs"][m]["properties"][f]["description"] for m, f in NOTES]
    assert sorted(_keys(SENT, "description")) == sorted([*notes, SENT["description"]])
    assert SENT["description"] == "The briefing of one article: its summary, meetings and tensions."
    assert len(json.dumps(SENT)) < len(json.dumps(FULL)) / 2


class _Pair(BaseModel):
    first: Location
    second: Location
    kind: Literal["a", "b"] | None = None


def test_terse_keeps_a_shared_def_and_a_nullable_enum_as_they_validate() -> None:
    schema = terse(_Pair.model_json_schema())
    assert set(schema["$defs"]) == {"Location"}  # referred to twice: kept, once
    assert "anyOf" in schema["properties"]["kind"]  # ["string", "null"] would lose null
    assert schema["$defs"]["Location"]["properties"]["city"]["type"] == ["string", "null"]
    assert conforms(schema, {"first": {}, "second": {"city": None}, "kind": None}, schema)
    assert not conforms(schema, {"first": {}, "second": {}, "kind": "c"}, schema)
