"""Gold cases: the hand-labeled shape of `evals/cases/*.yaml` and its strict loader.

The loader accepts precisely the documented shape (every model forbids unknown keys) and turns
any problem into a `CaseError` whose message names the file and the field, e.g.
``evals/cases/07-x.yaml: expected.meetings[0].participants[1].nmae: unknown field``.
The same meeting/tension models are the scorer's internal "predicted" shape.
"""

from __future__ import annotations

import datetime as dt
import glob
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from summarizer.errors import CaseError, UserError
from summarizer.schema import Status

REAL_DIR = "real"  # cases under a folder of this name are real news; the others are composed
_TAG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class Gold(BaseModel):
    """Base of the gold shape: unknown keys are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class GoldParticipant(Gold):
    """One side of a meeting; all five keys are always written (null / [] when unknown)."""

    name: str | None = Field(description="Fullest name form in the article; null for a body.")
    aliases: list[str] = Field(description="Every other spelling or short form in the article.")
    title: str | None = Field(description="Title or role, e.g. 'defence minister'.")
    organization: str | None = Field(description="Organization, ministry or body.")
    country: str | None = Field(description="Country the participant represents.")

    @model_validator(mode="after")
    def _identified(self) -> GoldParticipant:
        if not (self.name or self.organization or self.title):
            raise ValueError("a participant needs a name, or an organization/title for a body")
        return self

    def label(self) -> str:
        """Short human label: the name, else title/organization."""
        return self.name or self.title or self.organization or "?"


class GoldLocation(Gold):
    """Where a meeting happens; each part null unless the article states it."""

    city: str | None
    country: str | None
    venue: str | None


class GoldMeeting(Gold):
    """One meeting as labeled (or as predicted, converted to this shape)."""

    participants: list[GoldParticipant] = Field(min_length=1)
    location: GoldLocation
    date: dt.date | None = Field(description="Resolved ISO date, or null.")
    date_text: str | None = Field(description="The time words as written, or null.")
    status: Status
    agenda: list[str]

    def label(self) -> str:
        """The participants' labels, comma-separated."""
        return ", ".join(p.label() for p in self.participants)


class GoldTension(Gold):
    """A stated disagreement between parties about an issue."""

    parties: list[str] = Field(min_length=1)
    issue: str


class Expected(Gold):
    """What a correct briefing of the article contains."""

    meetings: list[GoldMeeting]
    tensions: list[GoldTension]
    optional_meetings: list[GoldMeeting] = Field(default_factory=list)


class GoldArticle(Gold):
    """The article text and its metadata; `published` is absent when the article has none."""

    title: str | None
    published: dt.date | None = None
    text: str = Field(min_length=1)


class GoldCase(Gold):
    """One hand-labeled case."""

    id: str = Field(min_length=1)
    source: str
    tags: list[str] = Field(
        default_factory=list,
        description="Labels for per-tag metrics (negative, multi-meeting, call, long, ...). "
        "The loader adds `real` to cases under a `real/` folder and `composed` to the others.",
    )
    article: GoldArticle
    expected: Expected
    notes: str | None = None

    @field_validator("tags")
    @classmethod
    def _tag_words(cls, tags: list[str]) -> list[str]:
        bad = [t for t in tags if not _TAG.fullmatch(t)]
        if bad:
            raise ValueError(f"tags must be lower-case words joined by '-': {', '.join(bad)}")
        return list(dict.fromkeys(tags))


def field_path(loc: Iterable[int | str]) -> str:
    """Render a pydantic error location as `a.b[0].c`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _reason(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "missing field"
    return str(err.get("msg", kind)).removeprefix("Value error, ")


def validation_message(origin: str, error: ValidationError) -> str:
    """One `file: field: reason` line per validation error, joined with '; '."""
    lines = []
    for err in error.errors():
        lines.append(f"{origin}: {field_path(err['loc'])}: {_reason(err)}")
    return "; ".join(lines)


class _TextDates(yaml.SafeLoader):
    """Safe YAML with dates left as text: pydantic parses them, so an unquoted impossible
    date (`published: 2024-02-30`) is a field error naming file and field, not a crash.
    """


def _date_as_text(loader: _TextDates, node: yaml.Node) -> str:
    return str(node.value)


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def read_yaml(path: Path, error: type[UserError] = CaseError) -> Any:
    """Parse a YAML file (dates as text); a syntax error becomes `error` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise error(f"{path}: cannot read: {e}") from e
    try:
        return yaml.load(text, Loader=_TextDates)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else "?"
        raise error(f"{path}:{line}: malformed YAML: {e.problem or e.context}") from e
    except yaml.YAMLError as e:
        raise error(f"{path}: malformed YAML: {e}") from e


def parse_case(data: Any, origin: str) -> GoldCase:
    """Validate parsed YAML as a gold case; errors name `origin` and the field."""
    if not isinstance(data, dict):
        raise CaseError(f"{origin}: expected a mapping at the top level")
    try:
        return GoldCase.model_validate(data)
    except ValidationError as e:
        raise CaseError(validation_message(origin, e)) from e


def kind_of(path: Path) -> str:
    """`real` for a case under a `real/` folder, else `composed`."""
    return "real" if REAL_DIR in path.parent.parts else "composed"


def load_case(path: str | Path) -> GoldCase:
    """Load one case file; its `id` must equal the file name without `.yaml`.

    The case's kind (`real` or `composed`, from its folder) is put first among its tags; a
    case may not claim the other kind in its own `tags`.
    """
    path = Path(path)
    case = parse_case(read_yaml(path), str(path))
    if case.id != path.stem:
        raise CaseError(f"{path}: id: {case.id!r} does not match the file name {path.stem!r}")
    kind = kind_of(path)
    other = "composed" if kind == "real" else "real"
    if other in case.tags:
        raise CaseError(f"{path}: tags: {other!r} contradicts the case's folder (it is {kind})")
    case.tags = [kind, *(t for t in case.tags if t != kind)]
    return case


def case_paths(spec: str | Path) -> list[Path]:
    """The case files a directory, a single file or a glob pattern names, sorted."""
    path = Path(spec)
    if path.is_dir():
        found = sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")])
    elif path.is_file():
        found = [path]
    else:
        found = sorted(Path(p) for p in glob.glob(str(spec)) if p.endswith((".yaml", ".yml")))
    if not found:
        raise CaseError(f"{spec}: no case files found", hint="point --cases at a dir of *.yaml")
    return found


def load_cases(spec: str | Path) -> list[GoldCase]:
    """Load every case a directory/file/glob names; ids must be unique."""
    cases = [load_case(p) for p in case_paths(spec)]
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise CaseError(f"{spec}: duplicate case id {case.id!r}")
        seen.add(case.id)
    return cases
