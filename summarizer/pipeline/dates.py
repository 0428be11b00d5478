"""Resolve the time words a model copied ("on Thursday", "next month") against the publication date.

Deterministic, table-driven rules; `dateparser` is only a fallback for formats not handled here.
Time-of-day words ("night", "at 10:00") are ignored. Without a publication date only absolute
dates with an explicit year resolve; anything relative is `(None, "unknown")` — never a guess.

Rules (weeks run Monday to Sunday; `p` is the publication date):
- bare weekday: news convention, the weekday of p's week (after p: upcoming, same: p, before: past);
  with tense "future" the first such day on or after p, with "past" the last one on or before p.
- "this <weekday>": the first on or after p (on or before with tense "past").
- "last <weekday>": the most recent such day strictly before p.
- "next <weekday>": that weekday in the week after p's week ("next Tuesday" from Wed 15 -> Tue 21,
  "next Thursday" from Wed 15 -> Thu 23, not Thu 16). "<weekday> next/last/this week" likewise.
- "this/next/last week": Monday of that week, precision week; "weekend": its Saturday, week.
- "this/next/last month": the 1st of that month, precision month; same for years (Jan 1, year).
- "in April": April 1 of the year that puts it between 2 months before and 9 months after p's month.
- "March 3" without year: the year (p's, one before or after) that puts it nearest to p.
- "the 16th": the 16th of p's month, the month before or after, whichever is nearest to p.
- "in two weeks", "three days ago": p plus or minus that span (weeks -> week, months -> month).
- "16/02/2017": day and month in either order when one is over 12; "03/04/2017" is ambiguous.
- "in April" with tense "future": the first April on or after p's month; "past": on or before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Literal, NamedTuple

import dateparser

from summarizer.schema import Precision, Status
from summarizer.text.fold import fold

Tense = Literal["past", "future"]


class Resolved(NamedTuple):
    """A resolved date and how precise it is; `(None, "unknown")` when nothing resolves."""

    date: dt.date | None
    precision: Precision


UNKNOWN = Resolved(None, "unknown")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}  # fmt: skip
SHIFT = {"last": -1, "this": 0, "next": 1}

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")  # fmt: skip
_ABBR = ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept", "sep", "oct", "nov", "dec"]
_MON = r"(?P<mon>" + "|".join([*MONTH_NAMES, *_ABBR]) + r")\.?(?!\w)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_WD = r"(?P<wd>" + "|".join([*WEEKDAYS, "tues", "weds", "thurs"]) + r")(?!\w)"
_NUM = r"(?P<n>\d{1,2}|" + "|".join(NUMBERS) + ")"
_TIME = re.compile(
    r"\b\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\.?(?!\w)|\b\d{1,2}[:h]\d{2}\b"
    r"|\b(?:gmt|utc|cet|cest|[ecmpb][sd]t)\b",
    re.I,
)


def is_duration(text: str) -> bool:
    """`text` is a length of time with no anchor ("40-minute", "more than four hours")."""
    return _DURATION.match(" ".join(text.replace(",", " ").split())) is not None


def tense_for(status: Status) -> Tense | None:
    """The tense hint a meeting status implies: held -> past; scheduled/proposed -> future."""
    if status == "held":
        return "past"
    return "future" if status in ("scheduled", "proposed", "postponed") else None


def resolve(text: str | None, published: dt.date | None, *, tense: Tense | None = None) -> Resolved:
    """Resolve `text` against `published`; see the module docstring for every rule."""
    if not text or not text.strip():
        return UNKNOWN
    clean = " ".join(_TIME.sub(" ", text.replace(",", " ")).split())
    has_year = re.search(r"\b(?:19|20)\d{2}\b", clean) is not None
    for pattern, rule in _RULES:
        match = pattern.search(clean)
        if match:
            try:
                resolved = rule(match, published, tense)
            except ValueError:  # e.g. "Feb 30", or a year out of range
                return UNKNOWN
            if resolved != UNKNOWN or not has_year:
                return resolved
            break  # relative words but an explicit year: let dateparser read the whole
    if (published is None and not has_year) or _DURATION.match(clean):
        return UNKNOWN
    return _fallback(clean, published, tense)


# --- rules: (match, published, tense) -> Resolved -------------------------------------------

Rule = Callable[[re.Match[str], dt.date | None, Tense | None], Resolved]


def _iso(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    return Resolved(dt.date(int(m["year"]), int(m["m"]), int(m["day"])), "day")


def _numeric(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    """Day and month in either order; only when one of them is over 12 (else ambiguous)."""
    a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
    if a > 12 >= b:
        return Resolved(dt.date(year, b, a), "day")
    if b > 12 >= a:
        return Resolved(dt.date(year, a, b), "day")
    if a != b:
        raise ValueError("ambiguous day/month order")  # resolves to unknown, never a guess
    return Resolved(dt.date(year, a, b), "day")


def _full_date(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    return Resolved(dt.date(int(m["year"]), _month(m), int(m["day"])), "day")


def _month_year(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    return Resolved(dt.date(int(m["year"]), _month(m), 1), "month")


def _year(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    return Resolved(dt.date(int(m["year"]), 1, 1), "year")


def _month_day(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    if p is None:
        return UNKNOWN
    month, day = _month(m), int(m["day"])
    candidates = [_safe_date(p.year + k, month, day) for k in (-1, 0, 1)]
    valid = [c for c in candidates if c is not None]
    if not valid:
        raise ValueError(f"no such day: {month}-{day}")
    return Resolved(min(valid, key=lambda c: abs((c - p).days)), "day")


def _ordinal_day(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    if p is None:
        return UNKNOWN
    day = int(m["day"])
    months = [_add_months(p.replace(day=1), k) for k in (-1, 0, 1)]
    valid = [c for c in (_safe_date(x.year, x.month, day) for x in months) if c is not None]
    if not valid:
        raise ValueError(f"no such day: {day}")
    return Resolved(min(valid, key=lambda c: abs((c - p).days)), "day")


def _day_word(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
    word = " ".join(m["w"].lower().split())
    offset = 2 if word == "day after tomorrow" else -2 if word == "day before yesterday" else None
    offset = offsets.get(word.split()[-1], 0) if offset is None else offset
    return UNKNOWN if p is None else Resolved(p + dt.timedelta(days=offset), "day")


def _span(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    if p is None:
        return UNKNOWN
    n = int(m["n"]) if m["n"].isdigit() else NUMBERS[m["n"].lower()]
    n = -n if m.groupdict().get("ago") else n
    unit = m["unit"].lower()
    if unit.startswith("month"):
        return Resolved(_add_months(p.replace(day=1), n), "month")
    if unit.startswith("year"):
        return Resolved(dt.date(p.year + n, 1, 1), "year")
    days = n * 7 if unit.startswith("week") else n
    return Resolved(p + dt.timedelta(days=days), "week" if unit.startswith("week") else "day")


def _weekday(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    if p is None:
        return UNKNOWN
    target = [w[:3] for w in WEEKDAYS].index(m["wd"].lower()[:3])
    week = m["shift2"]
    if week:
        return Resolved(_monday(p, SHIFT[week.lower()]) + dt.timedelta(days=target), "day")
    mod = (m["mod"] or "").lower()
    if re.search(r"\b(?:later|earlier)\s+(?:on\s+)?$", m.string[: m.start()], re.I):
        t = "past"  # wire copy's "later Friday", "earlier Tuesday": the day of its events
    if mod == "next":
        return Resolved(_monday(p, 1) + dt.timedelta(days=target), "day")
    if mod == "last":  # the day before publication is "yesterday": "last Thursday" on a
        back = (p.weekday() - target - 1) % 7 + 1  # Friday is the Thursday a week before
        return Resolved(p - dt.timedelta(days=back + 7 if back == 1 else back), "day")
    if mod == "coming" or (mod == "this" and t is None):
        t = "future"
    if t == "future":
        return Resolved(p + dt.timedelta(days=(target - p.weekday()) % 7), "day")
    if t == "past":
        return Resolved(p - dt.timedelta(days=(p.weekday() - target) % 7), "day")
    return Resolved(_monday(p, 0) + dt.timedelta(days=target), "day")


def _week(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    if p is None:
        return UNKNOWN
    monday = _monday(p, SHIFT[m["shift"].lower()])
    if m["weekend"]:
        return Resolved(monday + dt.timedelta(days=5), "week")
    return Resolved(monday, "week")


def _current(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    if p is None:
        return UNKNOWN
    unit = m["unit"].lower()
    if unit == "week":
        return Resolved(_monday(p, 0), "week")
    if unit == "month":
        return Resolved(p.replace(day=1), "month")
    return Resolved(dt.date(p.year, 1, 1), "year")


def _month_rel(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    if p is None:
        return UNKNOWN
    return Resolved(_add_months(p.replace(day=1), SHIFT[m["shift"].lower()]), "month")


def _year_rel(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    if p is None:
        return UNKNOWN
    return Resolved(dt.date(p.year + SHIFT[m["shift"].lower()], 1, 1), "year")


def _month_only(m: re.Match[str], p: dt.date | None, t: Tense | None) -> Resolved:
    if p is None or (m["mon"] in ("may", "march") and not (m["q"] or m["prep"])):
        return UNKNOWN  # a lowercase bare "may"/"march" is a verb, not a month
    low = {"future": 0, "past": -11, None: -2}[t]
    month = _month(m)
    for year in (p.year - 1, p.year, p.year + 1):
        if low <= (year - p.year) * 12 + month - p.month <= low + 11:
            return Resolved(dt.date(year, month, 1), "month")
    return UNKNOWN  # unreachable: the window covers twelve months


_Q = r"(?P<q>(?:early|earlier|mid|late|later|end of|the end of|beginning of|start of)[\s-]+)"
_UNIT = r"(?P<unit>days?|weeks?|months?|years?)"
_PATTERNS: list[tuple[str, Rule]] = [
    (_YEAR + r"(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<day>\d{1,2})\b", _iso),
    (r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.]" + _YEAR + r"\b", _numeric),
    (rf"\b{_MON}\s*(?:the\s+)?{_DAY}\s+(?:of\s+)?{_YEAR}\b", _full_date),
    (rf"\b{_DAY}\s+(?:of\s+)?{_MON}\s*{_YEAR}\b", _full_date),
    (rf"\b{_MON}\s*(?:the\s+)?{_DAY}\b(?!\s*:)", _month_day),
    (rf"\b{_DAY}\s+(?:of\s+)?{_MON}", _month_day),
    (rf"\b{_MON}\s*(?:of\s+)?{_YEAR}\b", _month_year),
    (r"\bthe\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b", _ordinal_day),
    (r"\b(?P<w>today|tonight|yesterday|tomorrow|day\s+after\s+tomorrow|"
     r"day\s+before\s+yesterday|this\s+(?:morning|afternoon|evening))\b", _day_word),
    (rf"\b(?:in|within)\s+{_NUM}\s+{_UNIT}\b", _span),
    (rf"\b{_NUM}\s+{_UNIT}\s+(?:(?P<ago>ago|earlier|before)|later|from\s+now)\b", _span),
    (rf"\b(?:(?P<mod>last|next|this|coming)\s+)?{_WD}"
     r"(?:.*?\b(?P<shift2>last|next|this)\s+week\b)?", _weekday),
    (r"\b(?P<shift>last|next|this)\s+(?:(?P<weekend>weekend)|week)\b", _week),
    (r"\b(?:end|rest|remainder)\s+of\s+the\s+(?P<unit>week|month|year)\b", _current),
    (r"\b(?P<shift>last|next|this)\s+month\b", _month_rel),
    (r"\b(?P<shift>last|next|this)\s+year\b", _year_rel),
    (r"\b" + _YEAR + r"\b", _year),
    (rf"(?:^|\b(?P<prep>in|by|until|before|after|since)\s+|\b{_Q}){_MON}", _month_only),
]  # fmt: skip
_RULES = [(re.compile(pattern, re.I), rule) for pattern, rule in _PATTERNS]
# A length of time with nothing that anchors it ("40-minute", "more than four hours", "a
# nine-day tour", "four years"): how long, not when. dateparser would read "40-minute" as
# 2040 and "10 days" as ten days ago; anchored spans ("two days later", "in three weeks")
# are rules above.
_COUNT = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"a few|several|many|[a-z]+teen|twenty|thirty|forty|fifty|sixty|hundreds? of)"
)
_DURATION = re.compile(
    r"^(?:(?:about|around|nearly|almost|over|more than|less than|some|up to|at least|"
    r"another|a full|the full|the|a|an|his|her|their|its)\s+)*"
    + _COUNT
    + r"[\s-]+(?:minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?)"
    r"(?:[\s-]+(?:long|old|tour|visit|trip|meeting|talks))?$",
    re.I,
)


# --- helpers ----------------------------------------------------------------------------------


def _monday(p: dt.date, weeks: int) -> dt.date:
    """Monday of p's week shifted by `weeks`."""
    return p - dt.timedelta(days=p.weekday()) + dt.timedelta(weeks=weeks)


def _add_months(first: dt.date, months: int) -> dt.date:
    """The 1st of the month `months` after the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month(m: re.Match[str]) -> int:
    return MONTH_NAMES.index(next(n for n in MONTH_NAMES if n.startswith(m["mon"].lower()[:3]))) + 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _fallback(text: str, p: dt.date | None, t: Tense | None) -> Resolved:
    """Let dateparser try formats the table does not cover; its period gives the precision."""
    prefer = {"past": "past", "future": "future", None: "current_period"}[t]
    settings: dict[str, object] = {"PREFER_DATES_FROM": prefer, "RETURN_AS_TIMEZONE_AWARE": False}
    if p is not None:
        settings["RELATIVE_BASE"] = dt.datetime(p.year, p.month, p.day)
    parser = dateparser.date.DateDataParser(languages=["en"], settings=settings)
    data = parser.get_date_data(text)
    if data is None or data.date_obj is None:
        return UNKNOWN
    periods: dict[str, Precision] = {"week": "week", "month": "month", "year": "year"}
    return Resolved(data.date_obj.date(), periods.get(str(data.period), "day"))


_PREPOSITION = re.compile(r"^(?:on|at|in|by)\s+")  # "on Thursday" is "Thursday"


def same_words(a: str | None, b: str | None) -> bool:
    """Two time expressions say the same time in the same words ("on Thursday" and
    "Thursday"; not "next Thursday"), for mentions whose dates cannot be resolved.
    """
    words = [_PREPOSITION.sub("", fold(w or "")).strip() for w in (a, b)]
    return bool(words[0]) and words[0] == words[1]
