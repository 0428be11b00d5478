"""Input text -> `Article`: files, stdin, URLs, bytes; decoding, cleaning, front matter, HTML.

Decisions a user may meet:
- Decoding: a BOM (UTF-8/16/32) wins, then strict UTF-8, then a declared charset: the HTTP
  server's, else a `<meta charset=...>` (or `http-equiv` Content-Type) in the first 4 KB.
  If all fail and the bytes look like 8-bit text (no control bytes), it is detected: under
  30% high bytes, cp1252 (it covers latin-1's printable range); more, windows-1251 when
  nearly all of them read as Cyrillic. Anything else is an `InputError`, never mojibake.
- Files: only regular files are read (a device, FIFO or socket is refused, never opened),
  and never more than the size limit (and one byte), whatever the size on disk said.
- Cleaning: CRLF and CR become LF; control characters other than LF and TAB, and
  zero-width characters, are removed. Offsets downstream refer to `Article.text`.
- Front matter (`---` YAML `---` at the top of text/Markdown): keys title, published
  (or date), url, language are used; other keys (source, tags, author...) are ignored.
  Dates are read as text and then parsed, so `published: 2024-02-30` is reported as not
  a date (YAML itself would fail on it).
- An explicit `published=` always wins over a date found in the input (the user knows).
- A URL input records the final fetched URL, not the page's canonical link.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import re
import stat
import sys
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, BinaryIO

import trafilatura
import yaml

from summarizer.errors import InputError
from summarizer.inputs.decoding import decode
from summarizer.inputs.fetch import fetch_url, format_mb
from summarizer.pipeline.article import Article
from summarizer.text import layout

MAX_BYTES = 2_000_000  # text input; read at call time, so it can be overridden
MAX_HTML_BYTES = 5_000_000  # raw HTML carries markup; its extracted text obeys MAX_BYTES
MAX_TITLE_CHARS = 150
HTML_SUFFIXES = (".html", ".htm", ".xhtml")

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_STRIP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_HTML_LANG = re.compile(r"<html[^>]*\slang=[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
MAX_HTML_DEPTH = 255  # lxml stops nesting elements at 256 levels: deeper text is lost

_STOPWORDS = {
    "en": "the and of to in is that with for was on said from by has are will this it",
    "de": "der die und das ist nicht mit den dem sich auch von ein eine zu im für wird",
    "fr": "le les des est et une dans pour que qui sur au aux pas du avec ont été",
    "es": "el los las y que del por una con para es en se fue su al como más",
    "it": "il gli della che di è per una del con sono non si nel alla anche ha le",
    "pt": "o os as e que do da dos das em um uma para com não foi no na",
    "nl": "de het een en van is dat op te niet zijn met voor die er ook naar wordt",
}
_STOPSETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}


def load(
    source: str,
    *,
    published: dt.date | None = None,
    stdin: BinaryIO | None = None,
    allow_private: bool = False,
    timeout: float = 20,
) -> Article:
    """Load an article from a path, an http(s) URL, or `-` (stdin bytes)."""
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(max(MAX_BYTES, MAX_HTML_BYTES) + 1)
        return _from_bytes(data, name="stdin", origin="-", published=published)
    if _URL.match(source):
        page = fetch_url(source, timeout=timeout, allow_private=allow_private)
        kind = page.content_type.split(";")[0].strip().lower()
        html = True if "html" in kind else False if kind == "text/plain" else None
        return _from_bytes(
            page.body,
            name=source,
            origin=source,
            published=published,
            html=html,
            url=page.final_url,
            encoding=page.charset,
        )
    return _from_path(Path(source), published)


def load_text(
    text: str,
    *,
    title: str | None = None,
    published: dt.date | None = None,
    url: str | None = None,
) -> Article:
    """Build an `Article` from a string (Python API), with the same checks as `load`."""
    _check_size("text", len(text.encode("utf-8", "surrogatepass")), MAX_BYTES)
    body = clean(text).strip()
    if not body:
        raise InputError("text is empty", hint="pass the article's text")
    return Article(
        text=body,
        title=title or guess_title(body),
        url=url,
        published=published,
        language=detect_language(body),
    )


def clean(text: str) -> str:
    """Normalize newlines and drop control and zero-width characters (keep LF, TAB)."""
    return _STRIP.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def guess_title(text: str) -> str | None:
    """The first line of words if it reads like a headline (short, no final period); page
    furniture ("You are here", breadcrumbs, "Advertisement") is skipped, never a title.
    """
    lines = (line.strip() for line in text.splitlines())
    first = next((line for line in lines if line and not layout.is_furniture(line)), "")
    first = first.lstrip("#").strip()
    if not first or len(first) >= MAX_TITLE_CHARS or first.endswith("."):
        return None
    return first


def detect_language(text: str) -> str | None:
    """Guess an ISO 639-1 code from stopwords (en de fr es it pt nl) or Cyrillic (ru)."""
    letters = [c for c in text[:20_000] if c.isalpha()]
    if letters and sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters) > 0.5:
        return "ru"
    words = re.findall(r"[^\W\d_]+", text[:20_000].lower())
    scores = {lang: sum(w in stops for w in words) for lang, stops in _STOPSETS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] < max(3, len(words) // 20):
        return None
    return best


def _check_size(name: str, size: int, limit: int) -> None:
    if size > limit:
        shown, most = format_mb(size), format_mb(limit)
        if shown == most:  # "2.0 MB; the limit is 2.0 MB" says nothing: show the bytes
            shown, most = f"{size:,} bytes", f"{limit:,} bytes"
        raise InputError(
            f"{name} is {shown}; the limit is {most}", hint="split it into smaller files"
        )


def read_capped(stream: IO[bytes], name: str, limit: int) -> bytes:
    """At most `limit` bytes of `stream`; `InputError` if there is more (reads limit + 1)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"{name} is over the limit of {limit:,} bytes", hint="split it into smaller files"
        )
    return data


def _from_path(path: Path, published: dt.date | None) -> Article:
    if not path.exists():
        raise InputError(f"file not found: {path}", hint="check the path")
    if path.is_dir():
        raise InputError(
            f"{path} is a directory; pass a file, or use `summarizer daily {path}` for a folder"
        )
    html = True if path.suffix.lower() in HTML_SUFFIXES else None  # else sniff the content
    try:
        _require_regular(path, path.stat().st_mode)
        # O_NONBLOCK: should the path turn into a FIFO after the check, open does not wait
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
            info = os.fstat(f.fileno())
            _require_regular(path, info.st_mode)
            limit = MAX_HTML_BYTES if html or _sniff_html(f.read(512)) else MAX_BYTES
            _check_size(str(path), info.st_size, limit)  # refused from its size, unread
            f.seek(0)
            data = read_capped(f, str(path), limit)
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e
    return _from_bytes(data, name=str(path), origin=str(path), published=published, html=html)


def _require_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise InputError(
            f"{path} is not a regular file (a device, FIFO or socket)",
            hint="pass a text file, or - to read standard input",
        )


def _from_bytes(
    data: bytes,
    *,
    name: str,
    origin: str,
    published: dt.date | None,
    html: bool | None = None,
    url: str | None = None,
    encoding: str | None = None,
) -> Article:
    if not data.strip():
        raise InputError(f"{name} is empty", hint="pass a file with the article's text")
    html = _sniff_html(data) if html is None else html
    _check_size(name, len(data), MAX_HTML_BYTES if html else MAX_BYTES)
    text = clean(decode(data, name, encoding))
    article = _from_html(text, name, url) if html else _from_plain(text, name)
    return replace(
        article,
        url=url or article.url,
        published=published or article.published,
        language=article.language or detect_language(article.text),
        origin=origin,
    )


def _sniff_html(data: bytes) -> bool:
    head = data[:512].removeprefix(codecs.BOM_UTF8).lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


class TextDatesLoader(yaml.SafeLoader):
    """Safe YAML with dates and times left as text: we parse them, so an impossible date
    (`2024-02-30`) is our one-line error, not an exception from inside YAML.
    """


def _date_as_text(loader: TextDatesLoader, node: yaml.Node) -> str:
    return str(node.value)


TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def _from_plain(text: str, name: str) -> Article:
    meta, body = _front_matter(text, name)
    body = body.strip()
    if not body:
        raise InputError(f"{name} is empty", hint="pass a file with the article's text")
    return Article(
        text=body,
        title=_meta_str(meta, "title") or guess_title(body),
        url=_meta_str(meta, "url"),
        published=_meta_date(meta, name),
        language=_meta_str(meta, "language"),
    )


def _front_matter(text: str, name: str) -> tuple[dict[str, object], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.load(match.group(1), Loader=TextDatesLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise InputError(
            f"malformed YAML front matter in {name}{where}", hint="fix or remove the --- block"
        ) from e
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError(f"front matter of {name} is not a mapping", hint="use `key: value` lines")
    return {str(k): v for k, v in meta.items()}, text[match.end() :]


def _meta_str(meta: dict[str, object], key: str) -> str | None:
    value = meta.get(key)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip() or None


def _meta_date(meta: dict[str, object], name: str) -> dt.date | None:
    value = meta.get("published", meta.get("date"))
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError as e:
        raise InputError(
            f"published in front matter of {name} is not a date: {value!r}",
            hint="write it as YYYY-MM-DD",
        ) from e


def _from_html(html: str, name: str, url: str | None) -> Article:
    body = trafilatura.extract(html, url=url, include_comments=False, favor_precision=True)
    text = clean(body or "").strip()
    if not text and _nesting_depth(html) > MAX_HTML_DEPTH:
        raise InputError(
            f"cannot read {name}: its HTML is nested too deeply (over {MAX_HTML_DEPTH} levels)",
            hint="copy the article text into a .txt file and pass that",
        )
    if not text:
        raise InputError(
            f"no article text found in {name} (the page may need JavaScript)",
            hint="copy the article text into a .txt file and pass that",
        )
    _check_size(f"text extracted from {name}", len(text.encode()), MAX_BYTES)
    meta = trafilatura.extract_metadata(html, default_url=url)
    lang = _HTML_LANG.search(html[:5000])
    return Article(
        text=text,
        title=meta.title or guess_title(text),
        url=meta.url,
        published=_parse_date(meta.date),
        language=meta.language or (lang.group(1).lower() if lang else None),
    )


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _nesting_depth(html: str) -> int:
    """How deep the parsed page's elements nest (the parser stops at 256)."""
    from trafilatura.utils import load_html

    tree: Any = load_html(html)
    if tree is None:
        return 0
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node)
    return deepest
