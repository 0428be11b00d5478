"""`summarizer.pipeline.trips`: a meeting whose own words give no place is at the destination
of a participant's stated trip; `finalize.correct` puts the trip's sentence in its evidence.
Our own sentences, with real place names (the gazetteer decides what a place is).
"""

from __future__ import annotations

import datetime as dt

from summarizer.pipeline.article import Article
from summarizer.pipeline.finalize import correct
from summarizer.pipeline.mentions import MeetingMention
from summarizer.pipeline.trips import names_place, trip_place
from summarizer.schema import Participant

LIPOVAC, BREKKE = Participant(name="Ana Lipovac"), Participant(name="Johan Brekke")
VISIT = "Prime Minister Ana Lipovac began a three-day visit of India on Monday."
TALKS = "Lipovac held talks with Johan Brekke on trade."


def test_a_visit_of_a_country_is_where_the_visitor_is() -> None:
    trip = trip_place([LIPOVAC], f"{VISIT} {TALKS}")
    assert trip is not None and (trip.city, trip.country, trip.sentence) == (None, "India", VISIT)


def test_a_visit_in_a_city_gives_the_city_and_its_country() -> None:
    text = "Lipovac's visit in Chisinau is her first. Lipovac met Johan Brekke."
    trip = trip_place([LIPOVAC], text)
    assert trip is not None and (trip.city, trip.country) == ("Chisinau", "Moldova")


def test_no_trip_when_it_goes_to_two_countries_or_was_called_off() -> None:
    tour = f"{VISIT} On Thursday Lipovac begins a visit to Kenya."
    assert trip_place([LIPOVAC], tour) is None  # India and Kenya: a tour, no one place
    off = "Ana Lipovac cancelled her visit to India on Monday. Lipovac met Johan Brekke."
    assert trip_place([LIPOVAC], off) is None


def test_the_visitor_is_the_last_name_before_the_visit_not_a_demonym() -> None:
    text = "Ana Lipovac welcomed Johan Brekke on his visit to Ghana on Monday."
    assert trip_place([LIPOVAC], text) is None
    trip = trip_place([BREKKE], text)
    assert trip is not None and trip.country == "Ghana"
    host = "Ana Lipovac assured visiting Australian Foreign Minister Johan Brekke of support."
    assert trip_place([LIPOVAC, BREKKE], host) is None  # "Australian": who visits, not where


def test_a_stated_place_is_seen_at_the_start_of_a_sentence_too() -> None:
    assert names_place("In Vilnius, Lipovac will hold talks with Brekke.")
    assert names_place("They met twice, once in Moscow, Russia.")
    assert not names_place("Lipovac held talks with Johan Brekke on trade.")


def _mention(evidence: str) -> MeetingMention:
    return MeetingMention(participants=[LIPOVAC, BREKKE], status="held", evidence=[evidence])


def test_finalize_places_a_meeting_on_the_trip_with_its_sentence_as_evidence() -> None:
    article = Article(text=f"{VISIT} {TALKS}", published=dt.date(2024, 3, 5))
    found = correct(_mention(TALKS), article)
    assert (found.city, found.country) == (None, "India")
    assert found.evidence == [TALKS, VISIT]


def test_finalize_leaves_a_call_and_a_stated_place_alone() -> None:
    call = "Lipovac spoke with Johan Brekke by phone on trade."
    found = correct(_mention(call), Article(text=f"{VISIT} {call}"))
    assert (found.country, found.evidence) == (None, [call])
    elsewhere = "Lipovac and Johan Brekke last met in Moscow, Russia, in 2019."
    found = correct(_mention(elsewhere), Article(text=f"{VISIT} {elsewhere}"))
    assert found.country != "India" and found.evidence == [elsewhere]
