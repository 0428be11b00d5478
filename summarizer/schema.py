"""The typed briefing: what the tool returns (`Briefing`) and what the model fills in (`*Draft`).

The model only fills the draft: words copied from the article. Code then resolves dates,
locates quotes (offsets) and records provenance, producing the `Briefing`. The model is sent
the draft's `request_schema()`: its constraints without the prose (`terse`), which the system
prompt gives; the field descriptions here are the published schema's and the reader's.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
from collections.abc import Collection
from typing import Annotated, Any, Literal

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
    """The briefing of one article: its summary, meetings and tensions."""

    summary: Annotated[str, StringConstraints(max_length=800)] = Field(
        description="One to three neutral sentences summarizing the article."
    )
    meetings: list[MeetingDraft] = Field(default_factory=list, max_length=MAX_MEETINGS)
    tensions: list[TensionDraft] = Field(default_factory=list, max_length=MAX_TENSIONS)

    @classmethod
    def request_schema(cls, *, lengths: bool = True) -> dict[str, Any]:
        """The JSON schema the model is sent (`terse`): every constraint of `model_json_schema`,
        the prose only where the system prompt (`prompts/briefing-*.system.j2`) says nothing:
        `NOTES`, and this class's docstring as the tool's description.

        `lengths=False` leaves out the caps of short strings (`maxLength` under
        `LONG_TEXT`: names, titles, places, which no real value nears), for a request whose
        schema nothing decodes under (a tool call, a schema in the prompt): there they only
        cost tokens (~100 of ~800), and validation checks them all the same. The caps of
        sentences and phrases stay: a model told them keeps a long quote or summary short
        rather than be re-asked. Where the provider decodes under the schema (llama.cpp's
        grammar, structured outputs) every cap bounds a small model's loops: all kept.
        """
        text = _request_schema_text(cls, lengths)
        schema: dict[str, Any] = json.loads(text)  # a fresh copy each call
        return schema


@functools.cache
def _request_schema_text(model: type[BriefingDraft], lengths: bool = True) -> str:
    """`request_schema` as JSON text, built once a class (pydantic's schema walk is ~5 ms: a
    daily run asks for it to name its strategy before the first request goes out).
    """
    schema = terse(model.model_json_schema(), NOTES, caps_from=0 if lengths else LONG_TEXT)
    description = inspect.cleandoc(BriefingDraft.__doc__ or "")
    return json.dumps({"title": schema.pop("title"), "description": description} | schema)


LONG_TEXT = 200  # a `maxLength` from here up caps a sentence or a phrase, not a name


# --- The schema the model is sent --------------------------------------------------------

NOTES = frozenset(
    {("Participant", "aliases"), ("TensionDraft", "issue"), ("TensionDraft", "description")}
)
"""(model, field): the field descriptions `BriefingDraft.request_schema` keeps. The prompt's
rules and example cover every other field; these three it never explains."""
_ANNOTATIONS = ("title", "description", "default")
_NULLABLE_MERGE = frozenset(
    {"type", "maxLength", "minLength", "pattern", "format", "items", "minItems", "maxItems"}
)  # keywords that constrain only their own type: `X | None` may be written as one type list


def terse(
    schema: dict[str, Any], notes: Collection[tuple[str, str]] = (), *, caps_from: int = 0
) -> dict[str, Any]:
    """`schema` (pydantic's) as short as it goes and as strict: the same documents valid.

    Annotations go (`title` but the root's, which names the tool; `default`; `description`
    but a model's field in `notes`), `X | None` with `X` of one type becomes `"type": [X,
    "null"]`, and a `$defs` entry referred to once is written in place (the draft's schema
    keeps none). A `maxLength` under `caps_from` goes too (none by default: then the same
    documents are valid; see `BriefingDraft.request_schema` for when it is raised).
    """
    defs: dict[str, Any] = schema.get("$defs", {})
    uses = _refs(schema)
    single = {name for name in defs if uses.count(name) == 1}

    def clean(node: Any) -> Any:
        if isinstance(node, list):
            return [clean(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = str(node.get("$ref", "")).removeprefix("#/$defs/")
        if ref in single and len(node) == 1:
            return clean(defs[ref])
        model = node.get("title") if "properties" in node else None
        short = isinstance(node.get("maxLength"), int) and node["maxLength"] < caps_from
        dropped = (*_ANNOTATIONS, "$defs", *(("maxLength",) if short else ()))
        out = {k: clean(v) for k, v in node.items() if k not in dropped}
        if "properties" in node:
            out["properties"] = {
                name: _noted(clean(field), field, (model, name) in notes)
                for name, field in node["properties"].items()
            }
        return _nullable(out)

    root: dict[str, Any] = {"title": schema["title"]} | clean(schema)
    kept = {name: clean(d) for name, d in defs.items() if name not in single}
    return root | ({"$defs": kept} if kept else {})


def _refs(node: Any) -> list[str]:
    """The `$defs` names `node` refers to, once per reference (in `$defs` too)."""
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    if not isinstance(node, dict):
        return []
    own = [str(node["$ref"]).removeprefix("#/$defs/")] if "$ref" in node else []
    return own + [r for v in node.values() for r in _refs(v)]


def _noted(field: dict[str, Any], original: dict[str, Any], keep: bool) -> dict[str, Any]:
    return field | {"description": original["description"]} if keep else field


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """`{"anyOf": [X, {"type": "null"}]}` as X with `"type": [X's type, "null"]` where X has one
    type and only keywords that constrain that type (so null stays valid and nothing else is).
    """
    options = node.get("anyOf")
    if not (isinstance(options, list) and len(options) == 2 and {"type": "null"} in options):
        return node
    [other] = [o for o in options if o != {"type": "null"}]
    if not (isinstance(other.get("type"), str) and set(other) <= _NULLABLE_MERGE):
        return node
    rest = {k: v for k, v in node.items() if k != "anyOf"}
    merged: dict[str, Any] = other | {"type": [other["type"], "null"]} | rest
    return merged
