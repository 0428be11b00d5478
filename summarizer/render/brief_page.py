"""The briefing page (`summarizer brief --html`): each article with its evidence marked, a side
panel of its meetings and tensions, their tables and the provenance footer, built from the
shared primitives of `summarizer.render.html`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from summarizer.pipeline.article import Article
from summarizer.render.html import (
    Evidence,
    Item,
    colour_css,
    highlight_evidence,
    render_page,
    safe_href,
)
from summarizer.schema import Briefing, Provenance, Quote
from summarizer.text.controls import clean_all, clean_controls


@dataclass(frozen=True)
class ArticleSection:
    """One article of a briefing page: its metadata, highlighted text, items, provenance."""

    n: int
    title: str
    url: str | None
    href: str | None
    published: dt.date | None
    language: str | None
    origin: str | None
    summary: str
    text: Markup
    meetings: list[Item]
    tensions: list[Item]
    missing: list[Evidence]
    provenance: Provenance


def items_of(briefing: Briefing) -> tuple[list[Item], list[Item]]:
    """The briefing's meetings (`m1`, `m2`, ...) and tensions (`t1`, ...) with their evidence."""

    def evidence(label: str, quotes: list[Quote]) -> list[Evidence]:
        return [Evidence(label, q.text, q.start, q.end) for q in quotes]

    meetings = [
        Item(f"m{i}", m, evidence(f"m{i}", m.evidence)) for i, m in enumerate(briefing.meetings, 1)
    ]
    tensions = [
        Item(f"t{i}", t, evidence(f"t{i}", t.evidence)) for i, t in enumerate(briefing.tensions, 1)
    ]
    return meetings, tensions


def article_section(n: int, article: Article, briefing: Briefing) -> ArticleSection:
    """Section `n` of a briefing page: `briefing` shown over `article`'s text (its offsets
    refer to `article.text`; a quote whose offsets do not give its text there is looked up,
    and listed apart when it is not found).
    """
    b = clean_all(briefing)
    meetings, tensions = items_of(b)
    every = [ev for item in (*meetings, *tensions) for ev in item.evidence]
    text, missing = highlight_evidence(article.text, every)
    title = b.source.title or article.title or article.origin or "Untitled article"
    url = b.source.url or article.url
    return ArticleSection(
        n=n,
        title=clean_controls(title),
        url=clean_controls(url) if url else None,
        href=safe_href(url),
        published=b.source.published or article.published,
        language=b.source.language,
        origin=clean_controls(article.origin) if article.origin else None,
        summary=b.summary,
        text=text,
        meetings=meetings,
        tensions=tensions,
        missing=missing,
        provenance=b.provenance,
    )


def briefing_page(items: Sequence[tuple[Article, Briefing]]) -> str:
    """One self-contained page of one or more briefings, each over its article's text.

    One article: the page is its briefing. Several: one `<section data-scope>` per article,
    in the order given, with a contents list at the top; each section's labels (`m1`, `t1`)
    are its own, and clicking an entry marks evidence in that section only.
    """
    if not items:
        raise ValueError("a briefing page needs at least one briefing")
    sections = [article_section(n, a, b) for n, (a, b) in enumerate(items, 1)]
    labels = [i.label for s in sections for i in (*s.meetings, *s.tensions)]
    title = sections[0].title if len(sections) == 1 else f"{len(sections)} briefings"
    return render_page(
        "brief.html.j2", title=title, sections=sections, colour_rules=colour_css(labels)
    )
