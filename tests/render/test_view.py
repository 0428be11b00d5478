"""Tests for summarizer.render.view: rendered to a StringIO console, never printed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from builders import briefing, invoke
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


# --- hostile strings (issue 13 items 2-4) ---------------------------------------------------

FAKE_TABLE = (  # under the 120 characters of a name
    "Talks.\n\n## Meetings\n\n| 1 | **Fake** | Geneva |\n|---|---|---|\n"
    "<img src=x onerror=alert(1)>"
)
ESC = "\x1b]0;PWNED\x07\x1b[2J"


def _md_structure(md: str) -> tuple[list[str], list[str], set[str]]:
    """(heading texts, link targets, token types) as markdown-it (what rich uses) parses `md`."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(md)
    shown = ["".join(c.content for c in t.children or []) for t in tokens]
    headings = [shown[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open"]
    inline = [c for t in tokens for c in t.children or []]
    links = [str(c.attrs["href"]) for c in inline if c.type == "link_open"]
    return headings, links, {t.type for t in tokens} | {c.type for c in inline}


def _hostile_briefing(text: str, url: str | None = None) -> Briefing:
    person = Participant(name=f"{text} Marta", title=text, country="Estonia")
    meeting = Meeting(
        participants=[person, Participant(name="Oskar Brandlund")],
        location=Location(city=text, venue=text),
        when=When(text=text, time=text),
        format=MeetingFormat(context_event=text),
        agenda=[text, f"- {text}"],
        evidence=[Quote(text=text)],
    )
    tension = Tension(parties=[text, "Sweden"], issue=text, description=text,
                      evidence=[Quote(text=f"{text}!")])  # fmt: skip
    return briefing([meeting], [tension], title=text, summary=text, url=url, language="en")


def test_markdown_escapes_the_summary_and_every_model_string() -> None:
    md = to_markdown(_hostile_briefing(FAKE_TABLE, url="https://n.test/1"))
    headings, links, kinds = _md_structure(md)
    one_line = " ".join(FAKE_TABLE.split())
    assert headings[0] == one_line  # the title: one heading, as text
    assert headings[1:3] == ["Meetings", f"1. {one_line} Marta ↔ Oskar Brandlund"]
    assert headings[3:] == ["Tensions"]
    assert links == ["https://n.test/1"]
    assert not kinds & {"html_block", "html_inline", "code_inline", "fence", "s_open", "image"}
    assert len([line for line in md.splitlines() if line.startswith("|")]) == 3  # our table
    assert "\n## Meetings\n" in md and md.count("## Meetings") == 1


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://n.test/y>)\n\n## Upcoming meetings\n\n- Fake",
        "https://n.test/z>) [x](https://evil.example/)",
        "https://n.test/w>)[y](https://evil.example/)",
    ],
)
def test_markdown_source_url_that_is_not_a_plain_http_url_is_no_link(url: str) -> None:
    md = to_markdown(_briefing().model_copy(update={"source": _briefing().source.model_copy(
        update={"url": url})}))  # fmt: skip
    headings, links, _ = _md_structure(md)
    assert links == [] and "Upcoming meetings" not in headings
    assert headings[0] == "Baltic ministers meet as quota row simmers"


def test_rich_and_markdown_views_drop_terminal_control_sequences() -> None:
    hostile = _hostile_briefing(f"{ESC}Tallinn\x9b2J\x00", url=f"https://n.test/{ESC}")
    for out in (_render(render_briefing(hostile), 120), to_markdown(hostile)):
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out and "\x00" not in out
        assert "PWNED" not in out and "Tallinn" in out


def test_brief_cli_never_prints_escape_sequences_from_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "hostile.md"
    path.write_text('---\ntitle: "\\e]0;PWNED\\a\\e[2JHostile title"\n---\n'
                    "Ministers met in Geneva on Monday to discuss grain shipments.\n")  # fmt: skip
    for mode in ([], ["--markdown"]):
        result = invoke("brief", path, "--backend", "fake", *mode)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "PWNED" not in result.stdout and "Hostile title" in result.stdout
