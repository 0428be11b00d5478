"""The day's outputs as text: the Markdown note, the digest JSON and the HTML page
(`render_html`, written by `daily --html`). Pure: no I/O here.

The note has YAML front matter (date, sources, failed, model, prompt hash, tokens, cost) and
reads well in Obsidian and on GitHub. Sections: Upcoming meetings (by resolved date, undated
last), Meetings held (latest first), Cancelled / postponed, Tensions (grouped by parties),
Sources, Failed articles. Every item cites its articles as [1] [2]; each number is also a
reference-style link to the article, so citations are clickable where the article has a URL.
A meeting of unknown status counts as upcoming unless its date is before the note's date.
A meeting's or a source's line is a pure function of it: lines rendered ahead (`note_lines`,
keyed by the item's JSON), and that JSON in the digest's (`digest_json`), are taken as they
are (the daily run renders a day's recorded articles' while its new ones are asked about).
The digest's models are `daily.digest`'s (re-exported here).

Every string here came from an article, a feed or a model: the digest loses its control
characters first (`cleaned`: `clean_all`, skipped when its JSON shows none), each string is
written through `summarizer.render.markdown` (`escape_md`, `md_link`), and only a plain
http(s) URL becomes a link, so no title, name, place, agenda item, tension or error line can
open a heading, list, link, table, HTML tag or code fence.
The HTML page escapes every string the same way through `summarizer.render.html` (jinja2
autoescape), and links only a plain http(s) URL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml
from markupsafe import Markup

from summarizer.backends.cost import format_cost
from summarizer.daily.digest import ArticleInfo as ArticleInfo  # re-exported
from summarizer.daily.digest import Digest as Digest  # re-exported
from summarizer.daily.digest import FailedArticle as FailedArticle  # re-exported
from summarizer.daily.digest import cleaned as cleaned  # re-exported
from summarizer.daily.digest import shows_control
from summarizer.daily.merge import MergedMeeting, SourceRef
from summarizer.daily.tensions import MergedTension
from summarizer.render import html
from summarizer.render.markdown import escape_md, link_url, md_link
from summarizer.schema import Participant

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n+", re.DOTALL)
_FAR_FUTURE = dt.date.max


def digest_json(digest: Digest, ahead: NoteLines | None = None) -> str:
    """The digest as indented JSON. With `ahead` holding items made ahead (`note_lines`),
    its meetings and articles are their entries (`NoteLines.entry`) in the digest's JSON
    without them: the same text.
    """
    if ahead is None or not ahead.by_item:
        return digest.model_dump_json(indent=2) + "\n"
    text = digest.model_copy(update={"meetings": [], "articles": []}).model_dump_json(indent=2)
    for name, items in (("meetings", digest.meetings), ("articles", digest.articles)):
        if items:  # a top-level key is the only one two spaces in
            body = ",\n".join(ahead.entry(item) for item in items)
            text = text.replace(f'\n  "{name}": []', f'\n  "{name}": [\n{body}\n  ]', 1)
    return text + "\n"


def render_note(digest: Digest, lines: NoteLines | None = None, shown: str | None = None) -> str:
    """The whole note: front matter, sections, reference links.

    `lines` (see `note_lines`) holds lines of meetings and sources rendered before: one
    that is there (the very item, or one of the same JSON) is not rendered again. `shown`:
    the digest's JSON, if the caller has it (see `cleaned`).
    """
    digest = cleaned(digest, shown)
    line = _render_line if lines is None else lines.line
    parts = [front_matter(digest), f"# Briefing {digest.date.isoformat()}"]
    upcoming, held, off = split_meetings(digest.meetings, digest.date)
    parts += _section("Upcoming meetings", [line(m) for m in upcoming])
    parts += _section("Meetings held", [line(m) for m in held])
    parts += _section("Cancelled / postponed", [line(m) for m in off])
    parts += _tension_section(digest.tensions)
    parts += _section("Sources", [line(a) for a in digest.articles])
    if digest.failed:
        parts += _section("Failed articles", [_failed_line(f) for f in digest.failed])
    targets = [(a.n, link_url(a.url)) for a in digest.articles]
    links = [f"[{n}]: <{url}>" for n, url in targets if url]
    return "\n\n".join(parts + (["\n".join(links)] if links else [])) + "\n"


@dataclass
class NoteLines:
    """Lines of meetings and sources rendered ahead (`note_lines`) for a `render_note` and a
    `digest_json` to come: by the item's JSON (`_entry`: as the digest's JSON holds it), a
    line being a pure function of it, and by the item itself, with that JSON, for the very
    objects rendered, so that neither is made again after the call (~8 ms for 500 articles).
    Those objects are held here (an id is not reused while they live) and must not change
    once rendered: nothing changes a merged meeting or an `ArticleInfo` (the merge makes a
    new meeting when an article joins its group).
    """

    by_json: dict[str, str] = field(default_factory=dict)
    by_item: dict[int, tuple[MergedMeeting | ArticleInfo, str, str]] = field(default_factory=dict)

    def entry(self, item: MergedMeeting | ArticleInfo) -> str:
        """The item's JSON as an entry of the digest's list (`_entry`): made ahead, or now."""
        held = self.by_item.get(id(item))
        return held[1] if held is not None and held[0] is item else _entry(item)

    def line(self, item: MergedMeeting | ArticleInfo) -> str:
        """The item's line: rendered ahead, or now (and kept by its JSON)."""
        held = self.by_item.get(id(item))
        if held is not None and held[0] is item:
            return held[2]
        key = _entry(item)
        found = self.by_json.get(key)
        if found is None:
            found = self.by_json[key] = _render_line(item)
        return found


def note_lines(items: list[MergedMeeting] | list[ArticleInfo], lines: NoteLines) -> None:
    """Render the note's line and the JSON of each meeting or source into `lines` (by the
    item and its JSON) for a `render_note` to come; an item with a control character is left
    to it (it renders the cleaned item, a copy).
    """
    for item in items:
        key = _entry(item)
        if not shows_control(key):
            line = lines.by_json[key] = _render_line(item)
            lines.by_item[id(item)] = (item, key, line)


def _entry(item: MergedMeeting | ArticleInfo) -> str:
    """The item's JSON as the digest's indented JSON holds it in a list: two levels in (a
    JSON string holds no raw newline, and a list's items are written as they are alone).
    """
    return "    " + item.model_dump_json(indent=2).replace("\n", "\n    ")


def _render_line(item: MergedMeeting | ArticleInfo) -> str:
    return meeting_line(item) if isinstance(item, MergedMeeting) else _source_line(item)


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
    off = [m for m in meetings if _is_off(m)]
    held = [m for m in meetings if not _is_off(m) and _is_held(m, day)]
    upcoming = [m for m in meetings if not _is_off(m) and not _is_held(m, day)]
    upcoming.sort(key=lambda m: m.when.date or _FAR_FUTURE)
    held.sort(key=lambda m: m.when.date or dt.date.min, reverse=True)
    return upcoming, held, off


def _is_off(m: MergedMeeting) -> bool:
    return m.status in ("cancelled", "postponed")


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


def _tension_section(tensions: list[MergedTension]) -> list[str]:
    groups: dict[str, list[MergedTension]] = {}
    for t in tensions:
        key = " · ".join(sorted((escape_md(p) for p in t.parties), key=str.casefold))
        groups.setdefault(key, []).append(t)
    blocks = [
        "\n".join([f"### {key}", *(_tension_line(t) for t in ts)]) for key, ts in groups.items()
    ]
    return ["## Tensions", *(blocks or ["_None reported._"])]


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


# --- the HTML page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineDay:
    """One date of the page's timeline and the meetings on it (`date` None: not stated)."""

    label: str
    date: dt.date | None
    today: bool
    items: list[html.Item] = field(default_factory=list)


@dataclass(frozen=True)
class SourceSection:
    """One source article of the page: its entry, its text with the day's evidence from it
    highlighted (None when the text is not available), and the evidence not shown there.
    """

    info: ArticleInfo
    href: str | None
    text: Markup | None
    quotes: list[html.Evidence]
    labels: list[str]


def html_items(digest: Digest) -> tuple[list[html.Item], list[html.Item]]:
    """The day's meetings (`m1` = the digest's first, ...) and tensions (`t1`, ...), each with
    its evidence and the number of the source it was quoted from.
    """

    def item(label: str, value: MergedMeeting | MergedTension) -> html.Item:
        quotes = [html.Evidence(label, q.text, q.start, q.end, q.source) for q in value.evidence]
        return html.Item(label, value, quotes)

    return (
        [item(f"m{i}", m) for i, m in enumerate(digest.meetings, 1)],
        [item(f"t{i}", t) for i, t in enumerate(digest.tensions, 1)],
    )


def timeline(meetings: list[html.Item], day: dt.date) -> list[TimelineDay]:
    """The meetings by resolved date (then precision: a day before its week), earliest first;
    meetings without a date last. `today` marks the note's own date.
    """
    groups: dict[tuple[dt.date, str] | None, list[html.Item]] = {}
    for item in meetings:
        when = item.value.when
        key = (when.date, when.precision) if when.date is not None else None
        groups.setdefault(key, []).append(item)
    rank = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}
    dated = sorted((k for k in groups if k is not None), key=lambda k: (k[0], rank[k[1]]))
    days = [
        TimelineDay(
            html.resolved_text(groups[k][0].value.when), k[0], k[0] == day and k[1] == "day",
            groups[k],
        )
        for k in dated
    ]  # fmt: skip
    if None in groups:
        days.append(TimelineDay("Date not stated", None, False, groups[None]))
    return days


def source_sections(
    digest: Digest, items: list[html.Item], texts: Mapping[int, str]
) -> list[SourceSection]:
    """Each briefed article with the evidence quoted from it (see `SourceSection`)."""
    sections = []
    for info in digest.articles:
        evidence = [ev for item in items for ev in item.evidence if ev.source == info.n]
        text = texts.get(info.n)
        marked, rest = (None, evidence) if text is None else html.highlight_evidence(text, evidence)
        labels = list(dict.fromkeys(ev.label for ev in evidence))
        sections.append(SourceSection(info, html.safe_href(info.url), marked, rest, labels))
    return sections


def render_html(digest: Digest, texts: Mapping[int, str] | None = None) -> str:
    """The day's self-contained HTML page: a timeline of the meetings by date, the meetings
    (with the sources each was merged from) and tensions, each source article with its
    evidence highlighted where `texts` (source number -> the article's text, the text the
    quotes' offsets refer to) has it, else the evidence quotes themselves; failed articles;
    provenance (model, prompt hash, strategy, tokens, cost) in the footer.

    Every meeting and tension has its colour; its marks carry `data-item` (`m1`, `t1`) and
    its rows and timeline entries `data-target`: a click marks its evidence in every source.
    """
    d = cleaned(digest)
    meetings, tensions = html_items(d)
    labels = [i.label for i in (*meetings, *tensions)]
    return html.render_page(
        "daily.html.j2",
        title=f"Briefing {d.date.isoformat()}",
        digest=d,
        meetings=meetings,
        tensions=tensions,
        timeline=timeline(meetings, d.date),
        sources=source_sections(d, [*meetings, *tensions], texts or {}),
        no_tensions="None reported.",
        cost=format_cost(d.cost_usd),
        colour_rules=html.colour_css(labels),
    )
