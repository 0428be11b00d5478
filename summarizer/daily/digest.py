"""The day's digest: everything a daily run produced, what `YYYY-MM-DD.digest.json` holds and
the note and the page show (`daily.note`), and the check that spares copying it clean of
control characters when it holds none.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import Field

from summarizer.daily.merge import MergedMeeting
from summarizer.daily.tensions import MergedTension
from summarizer.schema import Strict, Usage
from summarizer.text.controls import clean_all

# A control character `clean_controls` drops or changes, as a digest's JSON shows it: C0 ones
# escaped (but tab and newline; `_ESCAPED`), DEL and C1 as they are (C1 in UTF-8: `_C1`).
# A match after an escaped backslash (`\\b`) is a false alarm, which only costs `clean_all`.
_ESCAPED = re.compile(r"\\(?:[bfr]|u00(?:0[0-8b-f]|1[0-9a-f]|7f|[89][0-9a-f]))", re.IGNORECASE)
_C1 = re.compile(rb"\xc2[\x80-\x9f]")


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
    strategy: str = Field("whole", description="Extraction strategy (whole or staged).")
    meetings: list[MergedMeeting] = Field(default_factory=list)
    tensions: list[MergedTension] = Field(default_factory=list)
    articles: list[ArticleInfo] = Field(default_factory=list)
    failed: list[FailedArticle] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage, description="Tokens spent by this run's calls.")
    cost_usd: float | None = Field(None, description="USD of this run's calls; null if unknown.")
    cost_note: str | None = None


def cleaned(digest: Digest, shown: str | None = None) -> Digest:
    """`clean_all(digest)`; the digest itself when no string in it holds a control character
    (its JSON is searched: ~3 ms for 500 articles, where `clean_all` copies every model, ~35 ms).
    `shown`: the digest's JSON when the caller has it (`digest_json`: indenting adds only
    spaces and newlines between tokens, so it shows a control character just when the compact
    JSON does), searched instead of making it again.
    """
    return clean_all(digest) if shows_control(shown or digest.model_dump_json()) else digest


def shows_control(text: str) -> bool:
    """Whether the JSON text shows a control character (see `_ESCAPED`): each test a scan for
    a literal (~0.01 ms for 500 KB of ASCII), where one regex with a character class took 3 ms.
    """
    if "\x7f" in text or (not text.isascii() and _C1.search(text.encode("utf-8", "surrogatepass"))):
        return True
    return "\\" in text and _ESCAPED.search(text) is not None
