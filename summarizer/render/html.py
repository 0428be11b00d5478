"""Self-contained HTML pages from untrusted strings: the primitives every page shares.

Every page (`summarizer brief --html`, `summarizer daily --html`, the eval report) is one file:
its CSS and its one script are inline, nothing is fetched (no font, image, CDN or network),
it works from `file://` and prints (`@media print` in `base.css`), and a phone gets one
column. The pieces, for any page:

- `environment()`: the one jinja2 `Environment` (autoescape on, `StrictUndefined`) over the
  templates shipped in `summarizer/render/templates/`; a page template extends
  `base.html.j2` (blocks `style` and `body`) and is rendered with `render_page`, which fills
  in the shared CSS (`base_css`), the script (`page_js` unless given) and a
  Content-Security-Policy that lets only that exact script run (`content_security_policy`).
- `highlight(text, spans)`: the text, escaped, with each `(start, end, label)` span wrapped in
  `<mark class="hl hl-LABEL" data-item="LABEL" data-span="K">`; overlapping spans are split
  into nested marks, never broken HTML.
- `colour_css(labels)`: one colour per label (`--hl` on `.hl-LABEL`), for marks, swatches and
  quotes alike; `locate` checks a quote's stored offsets against the text it is shown in.
- `safe_href(url)`: a link target only for a plain http(s) URL (never `javascript:`, `data:`).

Safety: autoescape escapes every value a template prints; `highlight` escapes every piece of
the text itself; the only unescaped strings are this package's own CSS and script (`Markup`).
Control characters are dropped from what is shown (`clean_controls`), never from offsets.

The page script (`templates/page.js`) gives a click on any element with `data-target="X"`
(a table row, a panel entry) the marks with `data-item="X"`: they get the class `is-active`
and the first is scrolled into view; the lookup stays inside the nearest `[data-scope]`
element (one article's section) or else covers the whole page. A click on a mark selects its
item the same way, without scrolling.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from typing import Any

import jinja2
from markupsafe import Markup, escape

from summarizer.render.markdown import link_url
from summarizer.render.view import role_text
from summarizer.schema import (
    Location,
    MeetingFormat,
    Participant,
    When,
)
from summarizer.text.controls import clean_controls

__all__ = [
    "PALETTE",
    "Evidence",
    "Item",
    "base_css",
    "colour_css",
    "colours",
    "content_security_policy",
    "environment",
    "highlight",
    "highlight_evidence",
    "item_class",
    "locate",
    "modality_text",
    "page_js",
    "place_text",
    "quote_mark",
    "render_page",
    "resolved_text",
    "safe_href",
    "side",
]

PACKAGE = "summarizer.render"
TEMPLATES = "templates"

# Light backgrounds, each readable under black text, distinct from their neighbours; a page
# with more items than colours reuses them in order.
PALETTE = (
    "#ffe08a",  # yellow
    "#9fd3ff",  # blue
    "#a8e6a1",  # green
    "#ffb3c7",  # pink
    "#d7b8ff",  # purple
    "#ffc894",  # orange
    "#8fe3d6",  # teal
    "#e6e28a",  # olive
    "#c6d0ff",  # periwinkle
    "#f7b0a8",  # salmon
    "#c9e9a0",  # lime
    "#ffd1f0",  # rose
)

_NOT_CLASS = re.compile(r"[^A-Za-z0-9_-]+")


@functools.cache
def environment() -> jinja2.Environment:
    """The jinja2 environment of every page: package templates, autoescape, strict undefined.

    Filters: `href` (`safe_href`), `highlight`; globals: `item_class`, `side`, `place_text`,
    `resolved_text`, `modality_text`, `quote_mark` (the wording helpers below).
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(PACKAGE, TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = safe_href
    env.filters["highlight"] = highlight
    env.globals.update(
        item_class=item_class,
        side=side,
        place_text=place_text,
        resolved_text=resolved_text,
        modality_text=modality_text,
        quote_mark=quote_mark,
    )
    return env


def _asset(name: str) -> str:
    return resources.files(PACKAGE).joinpath(TEMPLATES, name).read_text(encoding="utf-8")


@functools.cache
def base_css() -> Markup:
    """The shared stylesheet (`templates/base.css`): layout, marks, tables, print, phone."""
    return Markup(_asset("base.css"))


@functools.cache
def page_js() -> Markup:
    """The shared page script (`templates/page.js`): click an entry, mark its evidence."""
    return Markup(_asset("page.js"))


def content_security_policy(script: str) -> str:
    """A CSP that lets nothing load and only `script` (by its sha256) run.

    Inline styles are allowed; images only as `data:`; no base URL, no form target. Even a
    string that escaped escaping could neither run script nor fetch anything.
    """
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_page(template: str, *, title: str, script: str | None = None, **context: Any) -> str:
    """Render `template` (extending `base.html.j2`) into one self-contained HTML document.

    `script` replaces the shared `page_js` (it must not contain `</script`); `context` is
    passed to the template (escaped where printed, unless it is `Markup`).
    """
    code = page_js() if script is None else script
    if "</script" in code.lower():
        raise ValueError("an inline script cannot contain '</script'")
    return (
        environment()
        .get_template(template)
        .render(
            title=title,
            css=base_css(),
            script=Markup(code),
            csp=content_security_policy(code),
            **context,
        )
    )


def safe_href(url: str | None) -> str | None:
    """`url` if it is a plain http(s) URL with a host (see `markdown.link_url`), else None.

    Templates make a link only of what this returns: a `javascript:` or `data:` URL, or one
    with spaces or control characters, is shown as text.
    """
    return link_url(url)


def item_class(label: str) -> str:
    """The CSS class of a label: `hl-` and the label with anything but `[A-Za-z0-9_-]` as `-`."""
    return "hl-" + (_NOT_CLASS.sub("-", label) or "-")


def colours(labels: Iterable[str]) -> dict[str, str]:
    """Each distinct label's colour from `PALETTE`, in first-seen order (cycling)."""
    out: dict[str, str] = {}
    for label in labels:
        if label not in out:
            out[label] = PALETTE[len(out) % len(PALETTE)]
    return out


def colour_css(labels: Iterable[str]) -> Markup:
    """CSS rules giving each label's class (`item_class`) its colour, as `--hl`."""
    rules = (f".{item_class(label)} {{ --hl: {c}; }}" for label, c in colours(labels).items())
    return Markup("\n".join(rules))


def locate(text: str, quote: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """Where `quote` is in `text`: its stored offsets when `text[start:end]` is the quote,
    else its first occurrence, else None (the quote is not in this text).
    """
    if start is not None and end is not None and 0 <= start < end <= len(text):
        span = (start, end)
        if text[slice(*span)] == quote:
            return span
    found = text.find(quote) if quote else -1
    return (found, found + len(quote)) if found >= 0 else None


def highlight(text: str, spans: Sequence[tuple[int, int, str]]) -> Markup:
    """`text`, HTML-escaped, with each `(start, end, label)` span in `<mark>` elements.

    Offsets are character (code point) offsets into `text`, `end` exclusive, as `Quote`
    stores them; a span is clipped to the text, and an empty one is dropped. Every mark is
    `<mark class="hl hl-LABEL" data-item="LABEL" data-span="K">` (`K`: the span's index in
    `spans`, `hl-LABEL`: `item_class`). Where spans overlap, the text is cut at every span
    boundary and each piece is wrapped in one mark per span covering it, outermost (earliest
    start, then longest) first: the marks always nest, and the pieces of span `K`, read in
    document order, are exactly `text[start:end]`. Line breaks are kept as they are (show
    the result in an element with `white-space: pre-wrap`); control characters are dropped.
    """
    n = len(text)
    kept = [
        (max(0, start), min(n, end), k, label)
        for k, (start, end, label) in enumerate(spans)
        if max(0, start) < min(n, end)
    ]
    cuts = sorted({0, n, *(s for s, _, _, _ in kept), *(e for _, e, _, _ in kept)})
    out: list[Markup] = []
    for a, b in pairwise(cuts):
        piece = escape(clean_controls(text[a:b]))
        covering = sorted(
            (span for span in kept if span[0] <= a and b <= span[1]),
            key=lambda span: (span[0], -span[1], span[2]),
        )
        for _, _, k, label in reversed(covering):  # innermost first, so the outermost wraps
            piece = Markup(
                '<mark class="hl {cls}" data-item="{label}" data-span="{k}">{piece}</mark>'
            ).format(cls=item_class(label), label=label, k=k, piece=piece)
        out.append(piece)
    return Markup("").join(out)


# --- Evidence, items and the wording of their fields ----------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One evidence quote of an item (`label`: "m1", "t2", ...), as stored: its text, its
    offsets, and for a day's page the number of the source article it is from.
    """

    label: str
    text: str
    start: int | None = None
    end: int | None = None
    source: int | None = None


@dataclass(frozen=True)
class Item:
    """A meeting or tension as a page lists it: its label (`m1`, `t1`: the `data-item` of its
    marks and the `data-target` of its entries), the value itself, and its evidence.
    """

    label: str
    value: Any
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def css(self) -> str:
        """The class carrying the item's colour (`item_class`)."""
        return item_class(self.label)


def highlight_evidence(text: str, evidence: Iterable[Evidence]) -> tuple[Markup, list[Evidence]]:
    """`text` with every piece of evidence found in it highlighted (`highlight`, `locate`),
    and the evidence that is not in it (shown apart, never guessed at).
    """
    spans: list[tuple[int, int, str]] = []
    missing: list[Evidence] = []
    for ev in evidence:
        found = locate(text, ev.text, ev.start, ev.end)
        if found is None:
            missing.append(ev)
        else:
            spans.append((*found, ev.label))
    return highlight(text, spans), missing


def quote_mark(ev: Evidence) -> Markup:
    """One quote on its own, marked as its item's evidence (for evidence without its text)."""
    return highlight(ev.text, [(0, len(ev.text), ev.label)])


def side(p: Participant) -> tuple[str, str]:
    """(label, role) of a participant: the name (or title/body), then what else is known."""
    return p.label(), role_text(p)


def place_text(loc: Location) -> str:
    """The stated parts of a location, venue first; '' when none is stated."""
    return ", ".join(x for x in (loc.venue, loc.city, loc.country) if x)


def resolved_text(when: When) -> str:
    """The date resolved from the words, with its precision: `2017-02-16`, `week of ...`."""
    if when.date is None:
        return ""
    day = when.date
    return {
        "day": f"{day:%a} {day.isoformat()}",
        "week": f"week of {day.isoformat()}",
        "month": f"{day:%B %Y}",
        "year": f"{day:%Y}",
    }.get(when.precision, f"{day.isoformat()} (approx.)")


def modality_text(fmt: MeetingFormat) -> str:
    """Modality, scope and the larger event: `in person · bilateral · on the sidelines of X`."""
    parts = [_MODALITY.get(fmt.modality, ""), "" if fmt.scope == "unknown" else fmt.scope]
    if fmt.context_event:
        parts.append(f"on the sidelines of {fmt.context_event}")
    return " · ".join(p for p in parts if p)


_MODALITY = {"in_person": "in person", "call": "phone call", "video": "video call"}
