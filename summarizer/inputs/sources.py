"""SOURCE discovery for `summarizer daily`: what articles a day's run is made of.

A SOURCE is one of:
- a folder: its .txt, .md and .html files (not hidden, not recursive), sorted by name;
- an RSS/Atom feed, as a file or an http(s) URL (feedparser). Entry dates become publication
  dates, entry link/title become url/title. The entry's content (or summary) is the article
  when it has at least `MIN_FEED_CHARS` characters of text; otherwise its link is fetched;
- a text file listing URLs, one per line (`#` starts a comment);
- any other file: a single article.

Every string taken from a feed (title, link, text) loses its terminal control characters
(`clean_controls`) before it is shown or stored, and a link is the article's URL only when it
is one http(s) URL without whitespace or control characters; any other link is dropped.

Discovery is cheap: each `Entry` loads its article lazily (`entry.load()`), so fetches run
inside the daily run, concurrently, and one bad article fails alone. Fetched URLs must be
public hosts unless `allow_private`. A SOURCE path that does not exist is a user error.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser

from summarizer.errors import InputError, SummarizerError, UserError
from summarizer.inputs import loaders as article_mod
from summarizer.inputs.fetch import fetch_url
from summarizer.pipeline.article import Article
from summarizer.text.controls import clean_controls

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
MIN_FEED_CHARS = 300
_URL_LINE = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f]+", re.IGNORECASE)  # fullmatch
_BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})


@dataclass(frozen=True)
class Entry:
    """One article to brief, not yet loaded; `origin` names it in messages. `path` is set
    when `load` reads that one local file and nothing else (a day record hashes its bytes).
    """

    origin: str
    load: Callable[[], Article]
    title: str | None = None
    url: str | None = None
    path: Path | None = None


@dataclass(frozen=True)
class Options:
    """How URLs are fetched."""

    allow_private: bool = False
    timeout: float = 20.0


def discover(sources: list[str], options: Options | None = None) -> list[Entry]:
    """Every article the SOURCEs name, in order, without duplicates (same URL or path)."""
    opts = options or Options()
    entries: list[Entry] = []
    seen: set[str] = set()
    for source in sources:
        for entry in _expand(source, opts):
            key = entry.url or entry.origin
            if key not in seen:
                seen.add(key)
                entries.append(entry)
    if not entries:
        raise UserError(
            f"no articles found in {', '.join(sources) or 'no sources'}",
            hint="pass a folder of .txt/.md/.html files, a feed, or a file listing URLs",
        )
    return entries


def _expand(source: str, opts: Options) -> list[Entry]:
    if _URL_LINE.fullmatch(source):
        return _from_url_source(source, opts)
    path = Path(source)
    if not path.exists():
        raise InputError(f"source not found: {source}", hint="check the path")
    if path.is_dir():
        return [_file_entry(p) for p in _article_files(path)]
    data = _read(path)
    if path.suffix.lower() in FEED_SUFFIXES or looks_like_feed(data):
        return feed_entries(data, str(path), opts)
    urls = url_list(data)
    if urls:
        return [_url_entry(url, opts) for url in urls]
    return [_file_entry(path)]


def _article_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in ARTICLE_SUFFIXES
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e


def _file_entry(path: Path) -> Entry:
    return Entry(origin=str(path), load=partial(article_mod.load, str(path)), path=path)


def _url_entry(url: str, opts: Options, published: dt.date | None = None) -> Entry:
    load = partial(
        article_mod.load,
        url,
        published=published,
        allow_private=opts.allow_private,
        timeout=opts.timeout,
    )
    return Entry(origin=url, load=load, url=url)


def looks_like_feed(data: bytes) -> bool:
    """An RSS, RDF or Atom document, judged from its first bytes."""
    head = data[:2048].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return head.startswith((b"<rss", b"<feed", b"<rdf")) or (
        head.startswith(b"<?xml") and any(tag in head for tag in (b"<rss", b"<feed", b"<rdf"))
    )


def url_list(data: bytes) -> list[str]:
    """The URLs of a URL-list file, or [] if any non-comment line is not a URL."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    lines = [line.strip() for line in text.splitlines()]
    urls = [line for line in lines if line and not line.startswith("#")]
    return urls if urls and all(_URL_LINE.fullmatch(u) for u in urls) else []


def _from_url_source(url: str, opts: Options) -> list[Entry]:
    try:
        page = fetch_url(url, timeout=opts.timeout, allow_private=opts.allow_private)
    except SummarizerError as e:
        return [Entry(origin=url, load=partial(_fail, e), url=url)]
    if looks_like_feed(page.body):
        return feed_entries(page.body, url, opts)
    return [_url_entry(url, opts)]


def _fail(error: SummarizerError) -> Article:
    raise error


def feed_entries(data: bytes, origin: str, opts: Options) -> list[Entry]:
    """One entry per feed item (see the module docstring for text vs. fetching the link)."""
    parsed = feedparser.parse(data)
    if not parsed.entries:
        problem = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        raise InputError(f"{origin}: no entries in this feed{problem}", hint="check the feed")
    return [_feed_entry(item, f"{origin}#{i}", opts) for i, item in enumerate(parsed.entries, 1)]


def _feed_entry(item: Any, origin: str, opts: Options) -> Entry:
    title = " ".join(clean_controls(item.get("title") or "").split()) or None
    link = feed_link(item)
    published = entry_date(item)
    text = clean_controls(entry_text(item))
    if len(text) >= MIN_FEED_CHARS:
        load = partial(article_mod.load_text, text, title=title, published=published, url=link)
        return Entry(origin=link or origin, load=load, title=title, url=link)
    if link:
        entry = _url_entry(link, opts, published)
        return Entry(origin=link, load=partial(_titled, entry.load, title), title=title, url=link)
    error = InputError(f"{origin}: feed entry has too little text and no link")
    return Entry(origin=origin, load=partial(_fail, error), title=title)


def _titled(load: Callable[[], Article], title: str | None) -> Article:
    loaded = load()
    return loaded if loaded.title or not title else replace(loaded, title=title)


def feed_link(item: Any) -> str | None:
    """The entry's link if it is one http(s) URL (controls dropped), else None."""
    link = clean_controls(item.get("link") or "").strip()
    return link if _URL_LINE.fullmatch(link) else None


def entry_date(item: Any) -> dt.date | None:
    """The entry's publication (else update) date."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = item.get(key)
        if isinstance(value, time.struct_time):
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    return None


def entry_text(item: Any) -> str:
    """The longest of the entry's content blocks and summary, as plain text."""
    blocks = [c.get("value", "") for c in item.get("content") or []]
    blocks.append(item.get("summary") or "")
    texts = [html_to_text(b) if "<" in b else b.strip() for b in blocks if b.strip()]
    return max(texts, key=len, default="")


def html_to_text(html: str) -> str:
    """Text of an HTML fragment, paragraphs kept as blank-line breaks."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    paragraphs = ("".join(parser.parts)).split("\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)
