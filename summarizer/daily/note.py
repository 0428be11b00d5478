"""The day's outputs as text: the Markdown note and the digest JSON. Pure: no I/O here.

The note has YAML front matter (date, sources, failed, model, prompt hash, tokens, cost) and
reads well in Obsidian and on GitHub. Sections: Upcoming meetings (by resolved date, undated
last), Meetings held (latest first), Cancelled / postponed, Tensions (grouped by parties),
Sources, Failed articles. Every item cites its articles as [1] [2]; each number is also a
reference-style link to the article, so citations are clickable where the article has a URL.
A meeting of unknown status counts as upcoming unless its date is before the note's date.

Every string here came from an article, a feed or a model: the digest loses its control
characters first, each string is written through `summarizer.render.markdown` (`escape_md`,
`md_link`), and only a plain http(s) URL becomes a link, so no title, name, place, agenda
item, tension or error line can open a heading, list, link, table, HTML tag or code fence.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml
from pydantic import Field

from summarizer.backends.cost import format_cost
from summarizer.daily.merge import MergedMeeting, MergedTension, SourceRef
from summarizer.render.markdown import escape_md, link_url, md_link
from summarizer.schema import Participant, Strict, Usage
from summarizer.text.controls import clean_all

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n+", re.DOTALL)
_FAR_FUTURE = dt.date.max


class ArticleInfo(Strict):
    """One briefed article: its number in Sources, metadata, and what it cost."""

    n: int
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None
    origin: str | None = None
    cached: bool = False
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float | None = None


class FailedArticle(Strict):
    """An article that could not be loaded or briefed, with its one-line error."""

    origin: str
    title: str | None = None
    url: str | None = None
    error: str


class Digest(Strict):
    """Everything the day produced: what `YYYY-MM-DD.digest.json` holds and the note shows."""

    date: dt.date
    model: str | None = None
    prompt_hash: str | None = None
    strategy: str = Field("whole", description="Extraction strategy (staged finds no tensions).")
    meetings: list[MergedMeeting] = Field(default_factory=list)
    tensions: list[MergedTension] = Field(default_factory=list)
    articles: list[ArticleInfo] = Field(default_factory=list)
    failed: list[FailedArticle] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage, description="Tokens spent by this run's calls.")
    cost_usd: float | None = Field(None, description="USD of this run's calls; null if unknown.")
    cost_note: str | None = None


def digest_json(digest: Digest) -> str:
    """The digest as indented JSON."""
    return digest.model_dump_json(indent=2) + "\n"


def render_note(digest: Digest) -> str:
    """The whole note: front matter, sections, reference links."""
    digest = clean_all(digest)
    parts = [front_matter(digest), f"# Briefing {digest.date.isoformat()}"]
    upcoming, held, off = split_meetings(digest.meetings, digest.date)
    parts += _section("Upcoming meetings", [meeting_line(m) for m in upcoming])
    parts += _section("Meetings held", [meeting_line(m) for m in held])
    parts += _section("Cancelled / postponed", [meeting_line(m) for m in off])
    parts += _tension_section(digest.tensions, digest.strategy)
    parts += _section("Sources", [_source_line(a) for a in digest.articles])
    if digest.failed:
        parts += _section("Failed articles", [_failed_line(f) for f in digest.failed])
    targets = [(a.n, link_url(a.url)) for a in digest.articles]
    links = [f"[{n}]: <{url}>" for n, url in targets if url]
    return "\n\n".join(parts + (["\n".join(links)] if links else [])) + "\n"


def note_body(note: str) -> str:
    """The note without its front matter (for showing in a terminal)."""
    return _FRONT_MATTER.sub("", note, count=1)


def front_matter(digest: Digest) -> str:
    """YAML front matter: date, counts, model, prompt hash, tokens, cost."""
    meta: dict[str, object] = {
        "date": digest.date,
        "sources": len(digest.articles),
        "failed": len(digest.failed),
        "meetings": len(digest.meetings),
        "model": digest.model,
        "prompt_hash": digest.prompt_hash,
        "tokens": digest.usage.total_tokens,
        "cost_usd": digest.cost_usd,
    }
    if digest.cost_note:
        meta["cost_note"] = digest.cost_note
    meta["tags"] = ["briefing"]
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{dumped}---"


def split_meetings(
    meetings: list[MergedMeeting], day: dt.date
) -> tuple[list[MergedMeeting], list[MergedMeeting], list[MergedMeeting]]:
    """(upcoming by date, held latest first, cancelled/postponed) as the note shows them."""
    off = [m for m in meetings if m.status in ("cancelled", "postponed")]
    held = [m for m in meetings if m not in off and _is_held(m, day)]
    upcoming = [m for m in meetings if m not in off and m not in held]
    upcoming.sort(key=lambda m: m.when.date or _FAR_FUTURE)
    held.sort(key=lambda m: m.when.date or dt.date.min, reverse=True)
    return upcoming, held, off


def _is_held(m: MergedMeeting, day: dt.date) -> bool:
    if m.status == "held":
        return True
    return m.status == "unknown" and m.when.date is not None and m.when.date < day


def cite(sources: list[SourceRef]) -> str:
    """`[1] [2]`."""
    return " ".join(f"[{s.n}]" for s in sources)


def meeting_line(m: MergedMeeting) -> str:
    """One bullet: date, who, where, how, agenda, citations; conflicts as a sub-bullet."""
    who = " and ".join(_person(p) for p in m.participants)
    bits = [f"**{_when(m)}**", who]
    loc, event = m.location, m.format.context_event
    place = ", ".join(escape_md(x) for x in (loc.venue, loc.city, loc.country) if x)
    bits += [place] if place else []
    bits += [f"on the sidelines of {escape_md(event)}"] if event else []
    bits += [m.format.modality.replace("_", " ")] if m.format.modality != "unknown" else []
    bits += [f"status: {m.status}"] if m.status == "unknown" else []
    bits += [f"agenda: {'; '.join(escape_md(a) for a in m.agenda)}"] if m.agenda else []
    line = f"- {' · '.join(bits)} {cite(m.sources)}"
    for name, values in m.conflicts.items():
        disagree = " vs ".join(escape_md(v) for v in values)
        line += f"\n  - ⚠️ sources disagree on {escape_md(name)}: {disagree}"
    return line


def _when(m: MergedMeeting) -> str:
    when = m.when
    if when.date is None:
        return escape_md(when.text) if when.text else "date unknown"
    if when.precision == "day":
        label = f"{when.date:%a} {when.date.isoformat()}"
    else:
        label = f"{when.precision} of {when.date.isoformat()}"
    return f"{label} {escape_md(when.time)}" if when.time else label


def _person(p: Participant) -> str:
    role = ", ".join(escape_md(x) for x in (p.title, p.organization, p.country) if x)
    if p.name:
        return f"{escape_md(p.name)} ({role})" if role else escape_md(p.name)
    return role or "?"


NO_TENSIONS = {
    "staged": "_Not extracted: the staged strategy (the embedded model's default) finds meetings "
    "only; run with `--strategy whole` for tensions._",
}


def _tension_section(tensions: list[MergedTension], strategy: str = "whole") -> list[str]:
    groups: dict[str, list[MergedTension]] = {}
    for t in tensions:
        key = " · ".join(sorted((escape_md(p) for p in t.parties), key=str.casefold))
        groups.setdefault(key, []).append(t)
    blocks = [
        "\n".join([f"### {key}", *(_tension_line(t) for t in ts)]) for key, ts in groups.items()
    ]
    return ["## Tensions", *(blocks or [NO_TENSIONS.get(strategy, "_None reported._")])]


def _tension_line(t: MergedTension) -> str:
    text = f"- **{escape_md(t.issue)}**"
    text += f" — {escape_md(t.description)}" if t.description else ""
    return f"{text} {cite(t.sources)}"


def _source_line(a: ArticleInfo) -> str:
    head = md_link(a.title or a.origin or a.url or "untitled", a.url)
    extra = [a.published.isoformat()] if a.published else []
    extra += [a.origin] if a.origin and not a.url and a.title else []
    spent = f"{a.usage.total_tokens} tokens, {format_cost(a.cost_usd)}"
    extra += ["cached"] if a.cached else [spent]
    return f"{a.n}. {head} — {escape_md(', '.join(extra))}"


def _failed_line(f: FailedArticle) -> str:
    name = escape_md(f.title or f.origin)
    where = f" ({escape_md(f.origin)})" if f.title else ""
    return f"- {name}{where}: {escape_md(f.error)}"


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"## {title}", "\n".join(lines) if lines else "_None reported._"]
