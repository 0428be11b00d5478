"""Tests for summarizer.render.view: rendered to a StringIO console, never printed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from builders import briefing
from rich.console import Console, RenderableType

from summarizer.render.view import NO_MEETINGS, footnotes, render_briefing, to_markdown, when_text
from summarizer.schema import (
    Briefing,
    Location,
    Meeting,
    MeetingFormat,
    Participant,
    Quote,
    Tension,
    When,
)

Q1 = "Foreign Minister Marta Vellanki met her counterpart Oskar Brandlund in Tallinn on Thursday."
Q2 = (
    "Agriculture commissioner Ilse Kormoran will brief EU farm ministers "
    "at the Justus Lipsius building."
)
D = dt.date(2019, 5, 16)
Q3 = "The two governments remain at odds over fishing quotas in the Baltic."


def _briefing(
    meetings: list[Meeting] | None = None, tensions: list[Tension] | None = None
) -> Briefing:
    """The sample article's briefing: two meetings and a tension unless others are given."""
    return briefing(
        meetings if meetings is not None else _meetings(),
        tensions if tensions is not None else _tensions(),
        title="Baltic ministers meet as quota row simmers",
        url="https://news.example.org/2019/05/baltic-ministers-meet-as-quota-row-simmers-long-slug",
        published=dt.date(2019, 5, 14),
        language="en",
        summary="Two meetings took place on Thursday: a bilateral in Tallinn and a briefing "
        "of EU farm ministers in Brussels. A dispute over fishing quotas continues.",
    )


def _meetings() -> list[Meeting]:
    thursday = When(text="Thursday", date=dt.date(2019, 5, 16), precision="day", time="10:00")
    bilateral = Meeting(
        participants=[
            Participant(name="Marta Vellanki", title="Foreign Minister", country="Estonia"),
            Participant(name="Oskar Brandlund", title="Foreign Minister", country="Sweden"),
        ],
        location=Location(city="Tallinn"),
        when=thursday,
        status="held",
        format=MeetingFormat(
            modality="in_person", scope="bilateral", context_event="Baltic Sea Council summit"
        ),
        agenda=["fishing quotas", "energy interconnectors"],
        evidence=[Quote(text=Q1)],
    )
    briefing = Meeting(
        participants=[
            Participant(name="Ilse Kormoran", title="Agriculture commissioner"),
            Participant(organization="EU farm ministers"),
        ],
        location=Location(venue="Justus Lipsius building", city="Brussels"),
        when=When(text="Thursday", date=dt.date(2019, 5, 16), precision="day"),
        status="scheduled",
        evidence=[Quote(text=Q2), Quote(text=Q1)],
    )
    return [bilateral, briefing]


def _tensions() -> list[Tension]:
    return [
        Tension(
            parties=["Estonia", "Sweden"],
            issue="Baltic fishing quotas",
            description="The two governments disagree on quota levels.",
            evidence=[Quote(text=Q3)],
        )
    ]


def _render(renderable: RenderableType, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


@pytest.mark.parametrize("width", [80, 120])
def test_render_shows_names_dates_statuses_and_footnotes(width: int) -> None:
    out = _render(render_briefing(_briefing()), width)
    for name in ("Marta Vellanki", "Oskar Brandlund", "Ilse Kormoran", "EU farm ministers"):
        assert name in out
    assert "Thursday →" in out and "2019-05-16" in out
    assert "held" in out and "scheduled" in out
    assert "[1]" in out and "[2][1]" in out and "[3]" in out
    assert "Justus Lipsius" in out and "Brussels" in out
    assert "on the sidelines of Baltic Sea Council summit" in " ".join(out.split())


def test_render_wide_keeps_resolved_date_beside_its_words() -> None:
    out = _render(render_briefing(_briefing()), 120)
    assert "Thursday → 2019-05-16" in out
    assert "Ilse Kormoran (Agriculture commissioner)" in out


@pytest.mark.parametrize("width", [80, 120])
def test_render_fits_the_width_without_truncation(width: int) -> None:
    out = _render(render_briefing(_briefing()), width)
    assert max(len(line) for line in out.splitlines()) <= width
    assert "…" not in out


def test_render_empty_briefing_says_no_meetings() -> None:
    out = _render(render_briefing(_briefing(meetings=[], tensions=[])), 80)
    assert NO_MEETINGS in out
    assert "Tensions" not in out and "Evidence" not in out


def test_render_tension_line_has_parties_issue_description_and_reference() -> None:
    out = " ".join(_render(render_briefing(_briefing()), 120).split())
    assert "Estonia, Sweden — Baltic fishing quotas: The two governments disagree" in out
    assert f"[3] “{Q3}”" in out


def test_render_collective_body_has_no_empty_role_line() -> None:
    out = _render(render_briefing(_briefing()), 120)
    assert "↔ EU farm ministers " in out
    assert "EU farm ministers (" not in out


def test_footnotes_share_a_number_for_the_same_quote() -> None:
    notes = footnotes(_briefing())
    assert notes.meetings == [[1], [2, 1]]
    assert notes.tensions == [[3]]
    assert notes.quotes == [Q1, Q2, Q3]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (When(text="Thursday", date=D, precision="day"), "Thursday → 2019-05-16"),
        (When(text="that week", date=D, precision="week"), "that week → week of 2019-05-16"),
        (When(text="in May", date=D, precision="month"), "in May → 2019-05 (month)"),
        (When(text="this year", date=D, precision="year"), "this year → 2019 (year)"),
        (When(text="someday", date=D), "someday → 2019-05-16 (approx.)"),
        (When(text="soon"), "soon"),
        (When(), "not stated"),
        (When(date=dt.date(2019, 5, 16), precision="day", time="10:00"), "2019-05-16, 10:00"),
    ],
)
def test_when_text_shows_words_resolved_date_and_precision(when: When, expected: str) -> None:
    assert when_text(when) == expected


def test_markdown_has_table_details_and_footnotes() -> None:
    md = to_markdown(_briefing())
    assert md.startswith("# Baltic ministers meet as quota row simmers\n")
    assert "| # | Who ↔ whom | Where | When | Status |" in md
    assert "**Marta Vellanki** (Foreign Minister, Estonia) ↔ **Oskar Brandlund**" in md
    assert "| Thursday → 2019-05-16, 10:00 | held[^1] |" in md
    assert "scheduled[^2][^1]" in md
    assert "- Agenda:\n  - fishing quotas\n  - energy interconnectors" in md
    assert f"[^1]: “{Q1}”" in md and f"[^3]: “{Q3}”" in md
    assert "- **Estonia, Sweden** — *Baltic fishing quotas*: The two" in md


def test_markdown_empty_briefing_and_escaped_pipes() -> None:
    assert NO_MEETINGS in to_markdown(_briefing(meetings=[], tensions=[]))
    meeting = _meetings()[1].model_copy(update={"location": Location(venue="Hall A|B")})
    assert "Hall A\\|B" in to_markdown(_briefing(meetings=[meeting]))
