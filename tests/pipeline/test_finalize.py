"""`summarizer.pipeline.finalize`: meeting mentions merged (coreference, same day) and turned
into meetings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from builders import STRAW_TEXT as TEXT

from summarizer.pipeline.article import Article
from summarizer.pipeline.finalize import merge, same_day, to_meeting
from summarizer.pipeline.mentions import MeetingMention as Found
from summarizer.schema import Participant

ARTICLE = Article(text=TEXT, title="Straw in Moscow", published=dt.date(2003, 2, 5))
STRAW, IVANOV = Participant(name="Jack Straw"), Participant(name="Sergei Ivanov")


def _found(people: list[Participant], **kw: Any) -> Found:
    return Found(participants=people, **({"status": "held", "evidence": []} | kw))


def test_same_sides_in_two_windows_is_one_meeting() -> None:
    a = _found([STRAW, IVANOV], when_text="Monday", date=dt.date(2003, 2, 3), agenda=["Iraq"])
    b = _found([Participant(name="Straw"), IVANOV], city="Moscow", agenda=["Iraq", "oil"])
    [one] = merge([a, b])
    assert [p.name for p in one.participants] == ["Jack Straw", "Sergei Ivanov"]
    assert (one.when_text, one.city, one.agenda) == ("Monday", "Moscow", ["Iraq", "oil"])


def test_same_sides_on_different_days_or_statuses_stay_apart() -> None:
    a = _found([STRAW, IVANOV], date=dt.date(2003, 2, 3))
    b = _found([STRAW, IVANOV], date=dt.date(2003, 3, 1))
    c = _found([STRAW, IVANOV], status="scheduled")
    assert len(merge([a, b, c])) == 3


def test_surname_and_honorific_corefer_with_the_full_name() -> None:
    other = _found([Participant(name="Mr Straw"), Participant(title="defence minister")])
    assert len(merge([_found([STRAW, Participant(title="defence minister")]), other])) == 1


def test_the_same_day_takes_the_date_of_the_meeting_before() -> None:
    first = _found([STRAW, IVANOV], when_text="Thursday", date=dt.date(2022, 3, 10))
    second = _found([Participant(name="Ana Lipovac"), Participant(name="Johan Brekke")],
                    when_text="The same day")  # fmt: skip
    same_day([first, second])
    assert second.date == dt.date(2022, 3, 10)
    meeting = to_meeting(second, ARTICLE)
    assert (meeting.when.date, meeting.when.precision) == (dt.date(2022, 3, 10), "day")


def test_a_date_read_from_a_neighbouring_sentence_does_not_split_a_meeting() -> None:
    own = _found([STRAW, IVANOV], when_text="Monday", date=dt.date(2003, 2, 3))
    follow_up = _found(  # "The two discussed Iraq." with "last year" from the next sentence
        [STRAW, IVANOV], when_text="last year", date=dt.date(2002, 1, 1), borrowed=True
    )
    [merged] = merge([own, follow_up])
    assert (merged.when_text, merged.date) == ("Monday", dt.date(2003, 2, 3))
