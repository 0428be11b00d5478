"""Text as it arrives, read as paragraphs: the reading view every analysis runs on.

Articles come hard-wrapped (newswire, e-mail, plain-text feeds: a line break every ~65
characters, paragraphs marked by an indent or a blank line), as one line per paragraph (web
copy), or with page furniture left in ("You are here", "Advertisement", breadcrumbs). The
reading view is its paragraphs apart by one blank line (as most web and feed copy already
is, so such text reads as given), whitespace inside a paragraph collapsed to one space,
furniture lines dropped, and for every character of the view the offset in the text as given
(`View.original`), so spans found in the view point into the input exactly as given.

Whether a line break is a wrap or a paragraph is read from the text itself, as a typesetter
would: the text is hard-wrapped when most of its lines end near one width, and then a break
is a paragraph only after a blank line, before an indented line, or after a line the next
word would have fitted on. Every other break is a space. A line ending in a hyphen is not
joined to the next without one: "cease- fire" in the source and "vice-" / "ministers" wrapped
cannot be told apart, and the text as written wins.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

MIN_WRAPPED_LINES = 4
MAX_WRAP_WIDTH = 100
FULL_SHARE = 0.5  # share of lines that end near the wrap width in a hard-wrapped text
MID_SENTENCE = 0.3  # share of its lines that break inside a sentence
_ENDS = tuple(".!?:\"'”’)")

# Page furniture: lines that are never the article's words. Each pattern is a kind of line
# seen on news sites and wires, not a phrase of one story: navigation ("You are here",
# "Skip to content", breadcrumbs "Home > World > Europe"), ad and share slots ("Advertisement",
# "Share this article", "Share on Facebook"), and wire sign-offs ("Reuter", "(Reporting by
# ...; Editing by ...)", "-- ENDS --").
_FURNITURE = re.compile(
    r"^(?:you are here|skip to (?:main )?content|advertisement|advert|sponsored(?: content)?|"
    r"share(?: this(?: article| story| page)?| on \w+)?|print(?: this)?|e-?mail(?: this)?|"
    r"read more|related(?: articles| stories)?|most read|follow us(?: on \w+)?|"
    r"reuters?|reuter|ap|afp|-+\s*ends?\s*-+|ends|\(?reporting by [^)]*\)?|"
    r"\(?(?:writing|editing|additional reporting) by [^)]*\)?)\W*$",
    re.IGNORECASE,
)
_CRUMB = re.compile(r"\s(?:>|»|›|/|\|)\s")


@dataclass(frozen=True)
class View:
    """The reading view of a text and, per view character, its offset in the text."""

    text: str
    index: tuple[int, ...]

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The offsets in the given text of the view's `text[start:end]` (end exclusive)."""
        if start >= end:
            at = self.index[start] if start < len(self.index) else self._end()
            return at, at
        return self.index[start], self.index[end - 1] + 1

    def _end(self) -> int:
        return self.index[-1] + 1 if self.index else 0


def is_furniture(line: str) -> bool:
    """A line that is page furniture or a wire sign-off, not the article's words."""
    line = line.strip()
    if not line:
        return False
    if _FURNITURE.match(line):
        return True
    parts = _CRUMB.split(line)
    short = all(0 < len(p.split()) <= 4 for p in parts)
    return len(parts) >= 3 and short and line[-1:] not in ".!?"


@functools.lru_cache(maxsize=32)
def read(text: str) -> View:
    """The reading view of `text` (see the module docstring)."""
    lines = _lines(text)
    width = _wrap_width([line for _, line in lines])
    out: list[str] = []
    index: list[int] = []
    previous: str | None = None  # the last kept line, None at a paragraph start
    for start, line in lines:
        body = line.strip()
        if not body or is_furniture(body):
            previous = None  # a blank or furniture line ends the paragraph
            continue
        lead = start + len(line) - len(line.lstrip())
        if previous is not None and width and _continues(previous, line, width):
            out.append(" ")
            index.append(lead - 1)
        elif out:  # paragraphs apart by a blank line, as most web and feed copy has them
            out.append("\n\n")
            index.extend((lead - 1, lead - 1))
        _collapse(body, lead, out, index)
        previous = line.rstrip()
    return View("".join(out), tuple(index))


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) of each line, line breaks excluded."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _wrap_width(lines: list[str]) -> int:
    """The width the text is hard-wrapped at, or 0 when its lines are paragraphs."""
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if len(lengths) < MIN_WRAPPED_LINES:
        return 0
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if width > MAX_WRAP_WIDTH:
        return 0
    full = sum(length >= 0.75 * width for length in lengths)
    # Lines that are paragraphs end their sentences; wrapped lines mostly break mid-sentence.
    open_ended = sum(not line.rstrip().endswith(_ENDS) for line in lines if line.strip())
    wrapped = full >= FULL_SHARE * len(lengths) and open_ended >= MID_SENTENCE * len(lengths)
    return width if wrapped else 0


def _continues(previous: str, line: str, width: int) -> bool:
    """In a text wrapped at `width`, whether `line` goes on with `previous`'s paragraph: not
    indented, and its first word would not have fitted on `previous`.
    """
    if line[:1].isspace():
        return False
    first = line.split(maxsplit=1)[0]
    return len(previous) + 1 + len(first) > width


def _collapse(body: str, start: int, out: list[str], index: list[int]) -> None:
    """Append `body` (at `start` in the text) with whitespace runs as one space."""
    pos = 0
    for run in re.finditer(r"\s+", body):
        out.append(body[pos : run.start()] + " ")
        index.extend(range(start + pos, start + run.start() + 1))
        pos = run.end()
    out.append(body[pos:])
    index.extend(range(start + pos, start + len(body)))
