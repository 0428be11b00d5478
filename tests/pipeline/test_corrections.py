"""`summarizer.pipeline.corrections`: status, place and modality read from the evidence words."""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.pipeline.corrections import (
    decide_status,
    event_place,
    located,
    modality,
    nearby_place,
    status_cue,
)


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Greece has cancelled a meeting between the two ministers.", "cancelled"),
        ("The talks were postponed until Monday.", "postponed"),
        ("Khanna wrote to both sides proposing that they meet next week.", "proposed"),
        ("The two will meet in Oslo next month.", "scheduled"),
        ("Ferrer met Dahl this morning.", "held"),
        ("Ferrer, who met Dahl on Monday, will meet him again.", None),
    ],
)
def test_status_cue(sentence: str, status: str | None) -> None:
    assert status_cue(sentence) == status


def test_status_from_date_when_words_are_silent() -> None:
    published = dt.date(2023, 3, 8)  # a Wednesday
    assert decide_status("scheduled", "Pryce and Vik talks, Tuesday", "Tuesday", published) == (
        "held"
    )
    assert decide_status("unknown", "Talks between them", None, published) == "unknown"


def test_modality_from_evidence_words() -> None:
    assert modality("They spoke by video link.") == "video"
    assert modality("She phoned him on Sunday.") == "call"
    assert modality("They met in Oslo.") == "in_person"
    assert modality("") == "unknown"


@pytest.mark.parametrize(
    ("place", "sentence", "kept"),
    [
        ("Tarsis", "The chiefs of Hollmark and Kovalia will hold talks on Thursday in neutral "
         "Tarsis.", True),
        ("Hollmark", "The chiefs of Hollmark and Kovalia will hold talks on Thursday in neutral "
         "Tarsis.", False),
        ("Dorn", "He will meet his counterpart in the Velorian border city of Dorn.", True),
        ("Ravel", "She will hold talks in the Sandoran capital, Ravel, with Emeka.", True),
        ("Kampala", "Kiprotich will travel to Kampala on Tuesday to meet Akello.", True),
    ],
)  # fmt: skip
def test_a_city_is_kept_only_where_the_sentence_puts_the_meeting(
    place: str, sentence: str, kept: bool
) -> None:
    assert located(place, sentence) is kept


def test_a_meeting_on_the_sidelines_of_an_event_is_where_the_event_is() -> None:
    before = "The minister left on Monday for a regional trade ministerial in Tarsis, Veloria. "
    sentence = "She will meet her counterpart on the sidelines of the conference on Tuesday."
    assert event_place(sentence, before) == "Tarsis"
    assert event_place("She will meet her counterpart on Tuesday.", before) is None
    assert event_place(sentence, "The minister left on Monday.") is None


def test_the_event_place_in_the_meetings_own_sentence_comes_first() -> None:
    before = "The minister left on Monday for a regional trade ministerial in Tarsis, Veloria. "
    own = (
        "Whitlow will meet Verin on the sidelines of a gathering of trade ministers in the "
        "Nordmarkian port city of Hallstad."
    )
    assert event_place(own, before) == "Hallstad"
    assert event_place("They met on the sidelines of the summit in Osaka.", "") == "Osaka"


def test_a_parsed_tense_is_not_undone_by_another_clause() -> None:
    evidence = "Talks between Lipovac and Brekke have failed on who will lead the cabinet."
    assert decide_status("held", evidence, None, None) == "scheduled"  # "will": regex
    assert decide_status("held", evidence, None, None, tense_known=True) == "held"
    cancelled = "The talks between Lipovac and Brekke were cancelled."
    assert decide_status("held", cancelled, None, None, tense_known=True) == "cancelled"


_NEARBY_TEXT = (
    "Castamiri President Ilse Varo met King Oderic to discuss the drought. "
    "Both leaders expressed concern over water rights. "
    "According to an account of Sunday's meeting in Ravel by the state agency, they agreed "
    "to meet again. "
    "Separately, protests were held in Dorn. "
    "Farmers blocked roads. Ministers will gather. "
    "Last year's talks in Mirat failed."
)


@pytest.mark.parametrize(
    ("place", "found"),
    [
        ("Ravel", "According to an account of Sunday's meeting in Ravel"),
        ("Dorn", None),  # protests "held in Dorn": no meeting
        ("Mirat", None),  # talks in Mirat, six sentences away: another meeting
        ("Kestria", None),  # no sentence puts a meeting there
        (None, None),
    ],
)
def test_nearby_place_is_a_meeting_placed_within_three_sentences(
    place: str | None, found: str | None
) -> None:
    at = nearby_place(place, _NEARBY_TEXT, 0)
    assert (None if at is None else _NEARBY_TEXT[at[0] : at[1]][: len(found or "")]) == found
