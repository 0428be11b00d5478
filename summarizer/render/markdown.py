"""Markdown from untrusted strings: the one place text and links are escaped for Markdown.

Everything the daily note (`summarizer.daily.note`) and `brief --markdown`
(`summarizer.render.view`) write comes from an article, a feed or a model, so none of it may
open Markdown structure: `escape_md` makes a string one line of literal text (a heading, list,
quote, table cell, emphasis, code span or fence, HTML tag, link or entity cannot start in it;
a renderer shows exactly the words), and `md_link` / `md_autolink` make a link only of a
plain http(s) URL (`link_url`), showing anything else as escaped text. Both drop terminal
control characters too.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from summarizer.text.controls import clean_controls

# Inline punctuation with a meaning somewhere in CommonMark/GFM/Obsidian: escapes, code,
# emphasis, links/images, autolinks and HTML, table cells, strikethrough, headings and tags.
_INLINE = re.compile(r"([\\`*_\[\]<>|~#])")
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
# What starts a block at the beginning of a line (`#`, `>`, `*`, `_`, backticks and `~` are
# escaped everywhere already): `- `/`+ ` lists, `=` setext rules, `1.`/`1)` ordered lists.
_LEADING_MARK = re.compile(r"^([-+=])")
_LEADING_NUMBER = re.compile(r"^([0-9]{1,9})([.)])")
_UNSAFE_IN_URL = frozenset("<>\\")


def escape_md(text: str) -> str:
    """`text` as one line of literal Markdown text: controls dropped, whitespace collapsed,
    every character that could start Markdown structure backslash-escaped.
    """
    line = " ".join(clean_controls(text).split())
    line = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", line))
    return _LEADING_NUMBER.sub(r"\1\\\2", _LEADING_MARK.sub(r"\\\1", line))


def link_url(url: str | None) -> str | None:
    r"""`url` if it is a plain http(s) URL with a host, safe inside `<...>`; else None.

    Refused: other schemes (`javascript:`, `data:`, ...), whitespace, control and format
    characters, and `<`, `>`, `\`, which could end or escape a Markdown link destination.
    """
    if not url or any(c in _UNSAFE_IN_URL or unicodedata.category(c)[0] in "CZ" for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and host else None


def md_link(label: str, url: str | None) -> str:
    """`[label](<url>)` for a safe http(s) URL (see `link_url`); otherwise the label, escaped."""
    target = link_url(url)
    text = escape_md(label) or (escape_md(target) if target else "")
    return f"[{text}](<{target}>)" if target else text


def md_autolink(url: str) -> str:
    """`<url>` for a safe http(s) URL (see `link_url`); otherwise the URL as escaped text."""
    target = link_url(url)
    return f"<{target}>" if target else escape_md(url)
