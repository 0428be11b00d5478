"""`summarizer.pipeline.finalize`: meeting mentions merged (coreference, same day) and turned
into meetings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from builders import STRAW_TEXT as TEXT

from summarizer.pipeline.article import Article
from summarizer.pipeline.finalize import correct, merge, merge_titled, same_day, to_meeting
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


def test_places_are_decided_by_the_gazetteer() -> None:
    text = (
        "Ukrainian officials met Marco Rubio in Jeddah on Tuesday. The generals will meet in "
        "Azerbaijan on Thursday, Russian officials said. Tillerson will meet Lavrov in Bonn, "
        "Germany. Saudi Arabia hosted the talks."
    )
    article = Article(text=text, published=dt.date(2025, 3, 11))
    sentences = text.split(". ")
    jeddah = correct(
        _found([STRAW, IVANOV], evidence=[sentences[0]], city="Jeddah", country="Ukraine"), article
    )
    assert (jeddah.city, jeddah.country) == ("Jeddah", "Saudi Arabia")  # not a side's nationality
    baku = correct(
        _found([STRAW, IVANOV], evidence=[sentences[1]], city="Azerbaijan", country="Russia"),
        article,
    )
    assert (baku.city, baku.country) == (None, "Azerbaijan")  # a country is never a city
    bonn = correct(_found([STRAW, IVANOV], evidence=[sentences[2]], city="Bonn"), article)
    assert (bonn.city, bonn.country) == ("Bonn", "Germany")


def test_a_building_or_a_street_given_as_the_city_is_the_venue() -> None:
    text = "Hopes rose ahead of talks in Downing Street between Tony Blair and Ian Paisley."
    article = Article(text=text, published=dt.date(2004, 11, 30))
    found = correct(_found([STRAW, IVANOV], evidence=[text], city="Downing Street"), article)
    assert (found.city, found.venue) == (None, "Downing Street")


def test_a_city_given_as_the_country_is_no_country() -> None:
    text = "Lindqvist met Diallo on Thursday to discuss a planned vaccine plant near Nairobi."
    article = Article(text=text, published=dt.date(2024, 2, 15))
    found = correct(_found([STRAW, IVANOV], evidence=[text], country="Nairobi"), article)
    assert (found.city, found.country) == (None, None)


def test_a_meeting_by_titles_and_again_by_names_is_one_meeting() -> None:
    general = Participant(title="top military general", country="United States")
    counterpart = Participant(title="counterpart", country="Russia")
    dunford = Participant(name="Joseph Dunford", title="General")
    gerasimov = Participant(name="Valery Gerasimov")
    tillerson, lavrov = Participant(name="Rex Tillerson"), Participant(name="Sergey Lavrov")
    thursday = dt.date(2017, 2, 16)
    mentions = [
        _found([general, counterpart], date=thursday, status="scheduled"),
        _found([dunford, gerasimov], date=thursday, status="scheduled"),
        _found([tillerson, counterpart], date=thursday, status="scheduled"),
        _found([tillerson, lavrov], date=thursday, status="scheduled"),
    ]
    merged = merge_titled(merge(mentions))
    assert [[p.name for p in m.participants] for m in merged] == [
        ["Joseph Dunford", "Valery Gerasimov"],
        ["Rex Tillerson", "Sergey Lavrov"],
    ]
    other_day = _found([general, counterpart], date=dt.date(2017, 3, 1), status="scheduled")
    assert len(merge_titled([other_day, _found([dunford, gerasimov], date=thursday)])) == 2


def test_a_sides_nationality_is_no_place_of_the_meeting() -> None:
    text = (
        "Marco Rubio left for a ministerial meeting in Bonn, Germany on Monday. The Russian "
        "Foreign Ministry said Jack Straw and Sergei Ivanov will meet on the sidelines of the "
        "conference on Thursday."
    )
    article = Article(text=text, published=dt.date(2017, 2, 13))
    evidence = [text[text.index("The Russian") :]]
    found = correct(_found([STRAW, IVANOV], evidence=evidence, country="Russia"), article)
    assert (found.city, found.country) == ("Bonn", "Germany")


def test_morning_and_afternoon_talks_of_one_day_are_two_meetings() -> None:
    day = dt.date(2003, 2, 3)
    morning = _found([STRAW, IVANOV], when_text="this morning", date=day)
    afternoon = _found([STRAW, IVANOV], when_text="this afternoon", date=day)
    again = _found([Participant(name="Straw"), IVANOV], when_text="Monday morning", date=day)
    assert len(merge([morning, afternoon])) == 2
    assert len(merge([morning, again])) == 1


def test_a_call_by_title_is_not_the_named_talks_in_the_room() -> None:
    day = dt.date(2003, 2, 3)
    named = _found([STRAW, IVANOV], date=day, evidence=["Straw met Ivanov in the Kremlin."])
    call = _found(
        [STRAW, Participant(title="foreign minister", country="Kestria")],
        date=day,
        evidence=["Straw held a video call with Kestria's foreign minister."],
    )
    assert len(merge_titled([named, call])) == 2


def test_a_body_or_the_same_sentence_is_not_folded_into_named_talks() -> None:
    day = dt.date(2003, 2, 3)
    said = ["Straw met with the IMF, then with Ivanov."]
    imf = _found([STRAW, Participant(organization="IMF")], date=day, evidence=said)
    ivanov = _found([STRAW, IVANOV], date=day, evidence=said)
    assert len(merge_titled([imf, ivanov])) == 2


def _states_and_people(text: str, states: list[str], people: list[str]) -> list[Found]:
    """A mention of talks between `states` and one of `people` meeting, the same day."""
    day = dt.date(2023, 6, 13)
    sides = [Participant(organization=s, country=s) for s in states]
    return [
        _found(sides, date=day, evidence=[f"Talks between {' and '.join(states)}"]),
        _found([Participant(name=n) for n in people], date=day, evidence=["They met"]),
    ]


@pytest.mark.parametrize(
    ("text", "states", "people"),
    [
        # "Talks between Kenya and Tanzania on Tuesday failed ..." and "Tanzanian Trade
        # Minister A met Kenyan Trade Secretary B on Tuesday": one meeting, A's and B's
        ("Talks between Kenya and Tanzania on Tuesday failed. Tanzanian Trade Minister Neema "
         "Mwakyusa met Kenyan Trade Secretary Peter Kiprotich in Arusha on Tuesday.",
         ["Kenya", "Tanzania"], ["Neema Mwakyusa", "Peter Kiprotich"]),
        # "U.S." ends no sentence: the envoy is of the United States
        ("Talks between the United States and Iran resumed on Saturday. U.S. envoy Steve "
         "Witkoff met Iranian Foreign Minister Abbas Araghchi in Muscat on Saturday.",
         ["United States", "Iran"], ["Steve Witkoff", "Abbas Araghchi"]),
    ],
)  # fmt: skip
def test_talks_between_two_states_are_the_talks_their_named_people_held(
    text: str, states: list[str], people: list[str]
) -> None:
    [one] = merge_titled(_states_and_people(text, states, people), text)
    assert [p.name for p in one.participants] == people
    other = _states_and_people(text, [states[0], "Uganda"], people)
    assert len(merge_titled(other, text)) == 2  # no Ugandan among them


def test_without_a_publication_date_the_same_time_words_are_the_same_day() -> None:
    """An undated article's "Thursday" resolves to no date: a meeting by titles and again by
    names on "Thursday" is still one meeting, and "next Thursday" is another day.
    """
    titled = _found([Participant(title="top US general"), Participant(title="Russian general")],
                    when_text="on Thursday")  # fmt: skip
    named = _found([STRAW, IVANOV], when_text="Thursday")
    [one] = merge_titled([titled, named], undated=True)
    assert [p.name for p in one.participants] == ["Jack Straw", "Sergei Ivanov"]
    later = _found([STRAW, IVANOV], when_text="next Thursday")
    assert len(merge_titled([titled, later], undated=True)) == 2
    # in a dated article time words that resolve to no date ("last year") merge nothing
    vague = [_found(m.participants, when_text="last year") for m in (titled, named)]
    assert len(merge_titled(vague)) == 2
