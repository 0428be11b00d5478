"""`Article`: one article's clean text and metadata, the input of every strategy.

Loaders (files, stdin, URLs, HTML) live in `summarizer.inputs`; offsets everywhere downstream
refer to `Article.text`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    """One article's clean text and metadata, as every later stage sees it."""

    text: str
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None
    language: str | None = None
    origin: str | None = None  # path, URL or "-" it was read from, for messages
