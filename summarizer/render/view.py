"""Views of a `Briefing`: rich renderables for the terminal and a Markdown string.

Pure functions: nothing here prints. Colour only decorates; every status is also a word,
so plain output (not a TTY, NO_COLOR) loses nothing. Evidence quotes become numbered
footnotes, shared by identical quote text, referenced from the meeting and tension rows.

Every string of a briefing came from an article or a model: both views drop its control
characters first (`clean_all`), and the Markdown view writes each string through
`summarizer.render.markdown` (escaped; only a plain http(s) source URL is a link), so a
title or summary cannot reach the terminal as escape sequences or open Markdown structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from summarizer.render.markdown import escape_md, md_autolink
from summarizer.schema import Briefing, Meeting, Participant, Quote, Source, Tension, When
from summarizer.text.controls import clean_all

NO_MEETINGS = "No meetings stated in this article."
STATUS_STYLES = {
    "scheduled": "cyan",
    "held": "green",
    "proposed": "yellow",
    "cancelled": "red",
    "postponed": "magenta",
    "unknown": "dim",
}
_MODALITY = {"in_person": "in person", "call": "phone call", "video": "video call"}


@dataclass
class Footnotes:
    """Evidence numbered in reading order: meetings first, then tensions."""

    quotes: list[str] = field(default_factory=list)
    meetings: list[list[int]] = field(default_factory=list)
    tensions: list[list[int]] = field(default_factory=list)

    def number(self, evidence: list[Quote]) -> list[int]:
        """Footnote numbers (1-based) of `evidence`, adding quotes not seen before."""
        refs = []
        for quote in evidence:
            if quote.text not in self.quotes:
                self.quotes.append(quote.text)
            refs.append(self.quotes.index(quote.text) + 1)
        return refs


def footnotes(b: Briefing) -> Footnotes:
    """Number every evidence quote of `b`."""
    notes = Footnotes()
    notes.meetings = [notes.number(m.evidence) for m in b.meetings]
    notes.tensions = [notes.number(t.evidence) for t in b.tensions]
    return notes


# --- Shared wording ------------------------------------------------------------------------


def who_text(meeting: Meeting) -> str:
    """Participants' labels joined by `↔`."""
    return " ↔ ".join(p.label() for p in meeting.participants)


def role_text(p: Participant) -> str:
    """Title, organization and country of a participant, minus what its label already says."""
    label = p.label()
    return ", ".join(x for x in (p.title, p.organization, p.country) if x and x != label)


def where_text(meeting: Meeting) -> str:
    """Only the stated parts of the location, else `not stated`."""
    loc = meeting.location
    return ", ".join(x for x in (loc.venue, loc.city, loc.country) if x) or "not stated"


def when_text(when: When) -> str:
    """The words as written, then the resolved date and precision: `Thursday → 2017-02-16`."""
    resolved = _resolved(when)
    words = when.text or ""
    text = f"{words} → {resolved}" if words and resolved else words or resolved or "not stated"
    return f"{text}, {when.time}" if when.time else text


def format_text(meeting: Meeting) -> str:
    """Modality, scope and the larger event, e.g. `in person · on the sidelines of ...`."""
    fmt = meeting.format
    parts = [_MODALITY.get(fmt.modality, ""), "" if fmt.scope == "unknown" else fmt.scope]
    if fmt.context_event:
        parts.append(f"on the sidelines of {fmt.context_event}")
    return " · ".join(p for p in parts if p)


def _resolved(when: When) -> str:
    if when.date is None:
        return ""
    day = when.date
    return {
        "day": day.isoformat(),
        "week": f"week of {day.isoformat()}",
        "month": f"{day:%Y-%m} (month)",
        "year": f"{day:%Y} (year)",
    }.get(when.precision, f"{day.isoformat()} (approx.)")


def _refs(numbers: list[int], fmt: str = "[{}]") -> str:
    return "".join(fmt.format(n) for n in numbers)


def _header_lines(source: Source) -> list[str]:
    published = source.published.isoformat() if source.published else "date unknown"
    first = " · ".join(x for x in (published, source.language) if x)
    return [first, source.url] if source.url else [first]


# --- Rich ----------------------------------------------------------------------------------


def render_briefing(b: Briefing) -> Group:
    """The whole briefing as one rich renderable (header, summary, meetings, tensions, notes)."""
    b = clean_all(b)
    notes = footnotes(b)
    parts: list[RenderableType] = [
        Text(b.source.title or "Untitled article", style="bold", overflow="fold"),
        Text("\n".join(_header_lines(b.source)), style="dim", overflow="fold"),
        Text(""),
        Text(b.summary, overflow="fold"),
        _heading("Meetings"),
    ]
    if b.meetings:
        parts.append(_meeting_table(b.meetings, notes.meetings))
        parts.extend(_meeting_details(b.meetings))
    else:
        parts.append(Text(NO_MEETINGS, style="italic"))
    if b.tensions:
        parts.append(_heading("Tensions"))
        pairs = zip(b.tensions, notes.tensions, strict=True)
        parts.extend(_tension_line(t, refs) for t, refs in pairs)
    if notes.quotes:
        parts.append(_heading("Evidence"))
        parts.extend(_note_line(n, q) for n, q in enumerate(notes.quotes, 1))
    return Group(*parts)


def _heading(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def _meeting_table(meetings: list[Meeting], refs: list[list[int]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=True, pad_edge=False)
    table.add_column("#", justify="right", overflow="fold")
    table.add_column("Who ↔ whom", ratio=3, overflow="fold")
    table.add_column("Where", ratio=2, overflow="fold")
    table.add_column("When", ratio=2, overflow="fold")
    table.add_column("Status", overflow="fold")
    for i, (meeting, numbers) in enumerate(zip(meetings, refs, strict=True), 1):
        status = Text(meeting.status, style=STATUS_STYLES.get(meeting.status, ""))
        if numbers:
            status.append("\n" + _refs(numbers), style="dim")
        when = when_text(meeting.when)
        table.add_row(str(i), _who_cell(meeting), where_text(meeting), when, status)
    return table


def _who_cell(meeting: Meeting) -> Text:
    cell = Text(overflow="fold")
    for i, p in enumerate(meeting.participants):
        cell.append("\n↔ " if i else "")
        cell.append(p.label(), style="bold")
        role = role_text(p)
        if role:
            cell.append(f" ({role})", style="dim")
    return cell


def _meeting_details(meetings: list[Meeting]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for i, meeting in enumerate(meetings, 1):
        lines = [f"Format: {fmt}" for fmt in [format_text(meeting)] if fmt]
        lines += [f"• {item}" for item in meeting.agenda]
        if lines:
            out.append(Text(f"{i}. {who_text(meeting)}", style="bold", overflow="fold"))
            body = Text("\n".join(lines), overflow="fold")
            out.append(Padding(body, (0, 0, 0, 3), expand=False))
    return out


def _tension_line(t: Tension, refs: list[int]) -> Text:
    line = Text("• ", overflow="fold")
    line.append(", ".join(t.parties), style="bold")
    line.append(" — ")
    line.append(t.issue, style="italic")
    if t.description:
        line.append(f": {t.description}")
    if refs:
        line.append(" " + _refs(refs), style="dim")
    return line


def _note_line(number: int, quote: str) -> Text:
    line = Text(f"[{number}] ", style="bold", overflow="fold")
    line.append(f"“{quote}”")
    return line


# --- Markdown ------------------------------------------------------------------------------


def to_markdown(b: Briefing) -> str:
    """The same content as `render_briefing`, as GitHub-flavoured Markdown (every string
    escaped: see the module docstring).
    """
    b = clean_all(b)
    notes = footnotes(b)
    lines = [f"# {escape_md(b.source.title or 'Untitled article')}", "", _md_header(b.source)]
    lines += ["", escape_md(b.summary), "", "## Meetings", ""]
    if b.meetings:
        lines += _md_table(b.meetings, notes.meetings)
        lines += _md_details(b.meetings)
    else:
        lines += [NO_MEETINGS]
    if b.tensions:
        lines += ["", "## Tensions", ""]
        lines += [_md_tension(t, refs) for t, refs in zip(b.tensions, notes.tensions, strict=True)]
    if notes.quotes:
        lines += [""] + [f"[^{n}]: “{escape_md(q)}”" for n, q in enumerate(notes.quotes, 1)]
    return "\n".join(lines) + "\n"


def _md_header(source: Source) -> str:
    first = _header_lines(source)[0]
    return " · ".join([escape_md(first)] + ([md_autolink(source.url)] if source.url else []))


def _md_table(meetings: list[Meeting], refs: list[list[int]]) -> list[str]:
    rows = ["| # | Who ↔ whom | Where | When | Status |", "|---:|---|---|---|---|"]
    for i, (meeting, numbers) in enumerate(zip(meetings, refs, strict=True), 1):
        who = " ↔ ".join(_md_participant(p) for p in meeting.participants)
        where, when = escape_md(where_text(meeting)), escape_md(when_text(meeting.when))
        cells = [who, where, when, meeting.status + _refs(numbers, "[^{}]")]
        rows.append(f"| {i} | " + " | ".join(cells) + " |")
    return rows


def _md_participant(p: Participant) -> str:
    role, label = escape_md(role_text(p)), escape_md(p.label())
    return f"**{label}** ({role})" if role else f"**{label}**"


def _md_details(meetings: list[Meeting]) -> list[str]:
    lines: list[str] = []
    for i, meeting in enumerate(meetings, 1):
        fmt = format_text(meeting)
        if not (fmt or meeting.agenda):
            continue
        lines += ["", f"### {i}. {escape_md(who_text(meeting))}", ""]
        lines += [f"- Format: {escape_md(fmt)}"] if fmt else []
        if meeting.agenda:
            lines += ["- Agenda:"] + [f"  - {escape_md(item)}" for item in meeting.agenda]
    return lines


def _md_tension(t: Tension, refs: list[int]) -> str:
    desc = f": {escape_md(t.description)}" if t.description else ""
    parties, issue = escape_md(", ".join(t.parties)), escape_md(t.issue)
    return f"- **{parties}** — *{issue}*{desc}{_refs(refs, '[^{}]')}"
