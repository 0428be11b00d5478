"""`summarizer.pipeline.dates`: a table of time words resolved against publication dates."""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.pipeline import dates
from summarizer.pipeline.dates import Resolved, Tense, resolve, tense_for
from summarizer.schema import Precision, Status

D = dt.date
WED = D(2017, 2, 15)  # a Wednesday
THU_YEAR_END = D(2016, 12, 29)  # a Thursday

CASES: list[tuple[str | None, dt.date | None, Tense | None, dt.date | None, Precision]] = [
    # bare weekdays: the current week by news convention
    ("Thursday", WED, None, D(2017, 2, 16), "day"),
    ("on Thursday", WED, None, D(2017, 2, 16), "day"),
    ("Monday", WED, None, D(2017, 2, 13), "day"),
    ("Wednesday", WED, None, WED, "day"),
    ("Sunday", WED, None, D(2017, 2, 19), "day"),
    ("on Wednesday night", WED, None, WED, "day"),
    ("Friday morning", WED, None, D(2017, 2, 17), "day"),
    ("at 10:00 on Friday", WED, None, D(2017, 2, 17), "day"),
    ("Friday at 3 p.m. GMT", WED, None, D(2017, 2, 17), "day"),
    # tense hints
    ("Monday", WED, "future", D(2017, 2, 20), "day"),
    ("Thursday", WED, "past", D(2017, 2, 9), "day"),
    ("Wednesday", WED, "future", WED, "day"),
    ("Monday", THU_YEAR_END, None, D(2016, 12, 26), "day"),
    ("Monday", THU_YEAR_END, "future", D(2017, 1, 2), "day"),
    # last / next / this weekday
    ("last Friday", WED, None, D(2017, 2, 10), "day"),
    ("last Wednesday", WED, None, D(2017, 2, 8), "day"),
    ("last Tuesday", WED, None, D(2017, 2, 7), "day"),  # yesterday would be "yesterday"
    ("later Monday", WED, "future", D(2017, 2, 13), "day"),  # the day of the story's events
    ("next Tuesday", WED, None, D(2017, 2, 21), "day"),
    ("next Thursday", WED, None, D(2017, 2, 23), "day"),
    ("this Friday", WED, None, D(2017, 2, 17), "day"),
    ("Thursday next week", WED, None, D(2017, 2, 23), "day"),
    ("next Monday", D(2017, 2, 19), None, D(2017, 2, 20), "day"),
    # day words and spans
    ("tomorrow", WED, None, D(2017, 2, 16), "day"),
    ("yesterday", WED, None, D(2017, 2, 14), "day"),
    ("today", WED, None, WED, "day"),
    ("tonight", WED, None, WED, "day"),
    ("tomorrow", D(2016, 2, 28), None, D(2016, 2, 29), "day"),
    ("tomorrow", D(2016, 12, 31), None, D(2017, 1, 1), "day"),
    ("in two weeks", WED, None, D(2017, 3, 1), "week"),
    ("two days ago", WED, None, D(2017, 2, 13), "day"),
    ("in three months", D(2016, 11, 20), None, D(2017, 2, 1), "month"),
    # weeks
    ("next week", WED, None, D(2017, 2, 20), "week"),
    ("this week", WED, None, D(2017, 2, 13), "week"),
    ("later this week", WED, None, D(2017, 2, 13), "week"),
    ("last week", WED, None, D(2017, 2, 6), "week"),
    ("next week", THU_YEAR_END, None, D(2017, 1, 2), "week"),
    ("this weekend", WED, None, D(2017, 2, 18), "week"),
    ("by the end of the week", WED, None, D(2017, 2, 13), "week"),
    # months
    ("later this month", WED, None, D(2017, 2, 1), "month"),
    ("next month", WED, None, D(2017, 3, 1), "month"),
    ("next month", THU_YEAR_END, None, D(2017, 1, 1), "month"),
    ("last month", D(2017, 1, 10), None, D(2016, 12, 1), "month"),
    ("in April", WED, None, D(2017, 4, 1), "month"),
    ("in December", WED, None, D(2016, 12, 1), "month"),
    ("in October", WED, None, D(2017, 10, 1), "month"),
    ("in November", WED, None, D(2017, 11, 1), "month"),
    ("in December", WED, "future", D(2017, 12, 1), "month"),
    ("in March", WED, "past", D(2016, 3, 1), "month"),
    ("mid-March", WED, None, D(2017, 3, 1), "month"),
    ("in May", WED, None, D(2017, 5, 1), "month"),
    ("March 2018", None, None, D(2018, 3, 1), "month"),
    # years
    ("early next year", WED, None, D(2018, 1, 1), "year"),
    ("later this year", WED, None, D(2017, 1, 1), "year"),
    ("next year", D(2016, 2, 29), None, D(2017, 1, 1), "year"),
    ("in 2018", WED, None, D(2018, 1, 1), "year"),
    ("2018", None, None, D(2018, 1, 1), "year"),
    # dates without a year: the nearest year
    ("on March 3", WED, None, D(2017, 3, 3), "day"),
    ("3 March", WED, None, D(2017, 3, 3), "day"),
    ("Feb. 16", WED, None, D(2017, 2, 16), "day"),
    ("Sept. 5th", WED, None, D(2016, 9, 5), "day"),
    ("Jan 2", D(2016, 12, 30), None, D(2017, 1, 2), "day"),
    ("Dec. 30", D(2017, 1, 2), None, D(2016, 12, 30), "day"),
    ("Feb 29", D(2017, 3, 1), None, D(2016, 2, 29), "day"),
    ("the 16th", WED, None, D(2017, 2, 16), "day"),
    ("the 30th", D(2017, 3, 2), None, D(2017, 3, 30), "day"),
    ("on the 16th of March", WED, None, D(2017, 3, 16), "day"),
    # explicit years win, with or without a publication date
    ("March 3, 2018", WED, None, D(2018, 3, 3), "day"),
    ("March 3, 2018", None, None, D(2018, 3, 3), "day"),
    ("Thursday, Feb. 16, 2017", None, None, D(2017, 2, 16), "day"),
    ("2017-02-16", None, None, D(2017, 2, 16), "day"),
    ("16 February 2017", None, None, D(2017, 2, 16), "day"),
    ("16/02/2017", None, None, D(2017, 2, 16), "day"),
    ("02/16/2017", None, None, D(2017, 2, 16), "day"),
    ("Feb 29, 2016", None, None, D(2016, 2, 29), "day"),
    ("March 3rd of 2018", WED, None, D(2018, 3, 3), "day"),
    ("2017/02/16", WED, None, D(2017, 2, 16), "day"),
    # nothing to resolve: never guess
    ("03/04/2017", None, None, None, "unknown"),
    ("Feb 29, 2017", WED, None, None, "unknown"),
    ("Thursday", None, None, None, "unknown"),
    ("next week", None, None, None, "unknown"),
    ("on March 3", None, None, None, "unknown"),
    ("tomorrow", None, None, None, "unknown"),
    ("asdf qwerty", WED, None, None, "unknown"),
    ("soon", WED, None, None, "unknown"),
    ("they may meet", WED, None, None, "unknown"),
    ("in the coming weeks", WED, None, None, "unknown"),
    ("", WED, None, None, "unknown"),
    ("   ", WED, None, None, "unknown"),
    (None, WED, None, None, "unknown"),
]


@pytest.mark.parametrize(("text", "published", "tense", "date", "precision"), CASES)
def test_resolve(
    text: str | None,
    published: dt.date | None,
    tense: Tense | None,
    date: dt.date | None,
    precision: Precision,
) -> None:
    assert resolve(text, published, tense=tense) == Resolved(date, precision)


def test_case_table_is_big() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("status", "tense"),
    [("held", "past"), ("scheduled", "future"), ("proposed", "future"), ("unknown", None)],
)
def test_tense_for_status(status: Status, tense: Tense | None) -> None:
    assert tense_for(status) == tense


def test_fallback_uses_dateparser_for_other_formats() -> None:
    text = "Thursday the 16th of February in 2017"
    assert resolve(text, None) == Resolved(D(2017, 2, 16), "day")


@pytest.mark.parametrize(
    "words",
    ["40-minute", "more than four hours", "a nine-day tour", "56 years", "10 days", "four years"],
)
def test_a_length_of_time_is_no_date(words: str) -> None:
    assert dates.is_duration(words)
    assert dates.resolve(words, dt.date(2024, 2, 15)).date is None


def test_anchored_spans_still_resolve() -> None:
    published = dt.date(2024, 2, 15)
    assert dates.resolve("two days later", published).date == dt.date(2024, 2, 17)
    assert dates.resolve("three weeks ago", published).date == dt.date(2024, 1, 25)
    assert not dates.is_duration("in two days")
