"""Who meets: the parties of a trigger sentence, read from the dependency parse."""

from __future__ import annotations

import pytest

from summarizer.strategies.staged import candidates
from summarizer.strategies.staged.candidates import analyze


def _parties(text: str) -> list[list[str]]:
    return [[p.text for p in s.parties] for s in analyze(text) if s.trigger]


@pytest.mark.parametrize(
    ("sentence", "parties"),
    [
        ("Tarnwick's mayor, Agnes Pryce, met Lars Vik of Halden Lithium on Tuesday.",
         ["Agnes Pryce", "Lars Vik"]),
        ("Greece has cancelled a meeting between Foreign Minister Nikos Adamantidis and the "
         "Turkish foreign minister.", ["Nikos Adamantidis", "Turkish foreign minister"]),
        ("Kazakhstan's Foreign Minister Yerlan Zhaksybekov spoke by phone on Sunday with "
         "China's foreign minister about congestion.",
         ["Yerlan Zhaksybekov", "China's foreign minister"]),
        ("Norwegian Fisheries Minister Ingrid Solheim-Berg and her Icelandic counterpart, "
         "Gunnar Hallvardsson, will now meet on Monday in Reykjavik.",
         ["Ingrid Solheim-Berg", "Gunnar Hallvardsson"]),
        ("Foreign Minister Claire Whitlow is due to hold talks with her Karsland counterpart, "
         "Anatoly Verin, on Thursday.", ["Anatoly Verin", "Claire Whitlow"]),
    ],
)  # fmt: skip
def test_parties_are_the_triggers_arguments(sentence: str, parties: list[str]) -> None:
    assert _parties(sentence) == [parties]


def test_the_two_refers_back_to_the_last_pair() -> None:
    text = (
        "Prime Minister Ana Lipovac and her counterpart, Johan Brekke, met on Monday in Ostvik. "
        "Gas prices rose again this week, traders in the capital said on Tuesday. "
        "The two leaders agreed to meet again on January 12 in Ledra."
    )
    assert _parties(text) == [["Ana Lipovac", "Johan Brekke"], ["Ana Lipovac", "Johan Brekke"]]


def test_the_two_leaders_are_the_pair_named_just_before_without_a_candidate() -> None:
    # the lede names the pair but states no meeting; the next sentence's summit is theirs
    text = (
        "Prime Minister Ana Lipovac and President Johan Brekke declared a truce on Monday. "
        "The two leaders made the announcement at a summit held in Ostvik."
    )
    assert _parties(text) == [["Ana Lipovac", "Johan Brekke"]]


def test_the_two_leaders_are_the_nearer_pair() -> None:
    # an older candidate's pair loses to the pair the sentence just before names
    text = (
        "Agnes Pryce met Lars Vik on Monday in Halden. "
        "Gas prices rose again this week, traders in the capital said on Tuesday. "
        "Ana Lipovac and Johan Brekke then spent the day at the lakeside palace. "
        "Mediator Oskar Lund said the two leaders had agreed on a timetable after hours of talks."
    )
    assert _parties(text)[-1] == ["Ana Lipovac", "Johan Brekke"]


def test_they_is_resolved_only_by_a_candidate() -> None:
    # "they" can be any group: a sentence naming people is no antecedent on its own
    text = (
        "Relief worker Ana Lipovac and engineer Johan Brekke reached the valley on Monday. "
        "They discussed the floods with reporters."
    )
    assert _parties(text) == [[]]


def test_an_organization_qualifying_a_person_is_no_party() -> None:
    text = "Halden Lithium chief Lars Vik met Mayor Agnes Pryce at the town hall on Tuesday."
    assert _parties(text) == [["Lars Vik", "Agnes Pryce"]]


def test_a_reporting_subject_is_no_party() -> None:
    text = "The defence ministry of Karsland confirmed the talks with General Dmitri Zhuravlev."
    assert "defence ministry" not in _parties(text)[0]


def test_without_a_parse_every_side_of_the_sentence_is_a_party(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(candidates, "nlp", lambda: None)
    assert _parties("Agnes Pryce met Lars Vik on Tuesday at the town hall.") == [
        ["Agnes Pryce", "Lars Vik"]
    ]


def test_the_two_leaders_discussing_a_topic_are_the_last_pair() -> None:
    text = (
        "Prime Minister Helena Marques Vidal will host President Alberto Chissano Mutemba in "
        "Lisbon on January 4. The two leaders will discuss the restructuring of Mozambique's "
        "debt to state banks."
    )
    pair = ["Helena Marques Vidal", "Alberto Chissano Mutemba"]
    assert _parties(text) == [pair, pair]


def test_the_object_of_discuss_is_a_topic_not_a_party() -> None:
    text = "Minister Tomasz Brel discussed the Keshet Dam with Farida Nasser on Tuesday."
    assert _parties(text) == [["Tomasz Brel", "Farida Nasser"]]


def test_a_list_of_surnames_is_one_party_each() -> None:
    text = (
        "Marta Lindqvist met Yonas Berhane and Efua Mensah-Boateng on Monday in Addis Ababa. "
        "A three-way meeting this afternoon: Lindqvist, Berhane and Mensah-Boateng sat down for "
        "half an hour in a side room."
    )
    assert _parties(text)[1] == ["Lindqvist", "Berhane", "Mensah-Boateng"]


def test_named_sides_after_the_two_are_kept() -> None:
    text = "The two ministers, Tomasz Brel and Farida Nasser, sat down on Monday in Kelbar."
    assert _parties(text) == [["Tomasz Brel", "Farida Nasser"]]


def test_a_nationality_and_portfolio_before_a_title_is_no_party() -> None:
    text = (
        "Tanzanian Trade Minister Neema Mwakyusa met Kenyan Trade Cabinet Secretary Peter "
        "Kiprotich in Arusha on Tuesday to discuss the rules."
    )
    assert _parties(text) == [["Neema Mwakyusa", "Peter Kiprotich"]]


def test_a_plural_title_stands_for_the_people_the_next_sentence_names() -> None:
    text = (
        "Water ministers from Ostrenia and Kestria met in Halvik on Tuesday for six hours. "
        "Ostrenian Water Minister Ilse Marovic and her Kestrian counterpart, Tomas Feldgren, "
        "said afterwards that they had narrowed their differences, and agreed to meet again "
        "in Dorava on April 2."
    )
    pair = ["Ilse Marovic", "Tomas Feldgren"]
    assert _parties(text) == [pair, pair]  # "they ... agreed to meet": named in the sentence


def test_a_plural_title_followed_by_unrelated_names_stays_unresolved() -> None:
    text = (
        "Foreign ministers of the bloc met in Halvik on Tuesday for six hours. "
        "Analysts Maria Oduya and Pieter Brandt said the mood was poor."
    )
    assert len(_parties(text)[0]) < 2


@pytest.mark.parametrize(
    ("sentence", "parties"),
    [
        ("Talks were held today between Veskor and Kestrian border commanders after the clash.",
         ["Veskor border commanders", "Kestrian border commanders"]),
        ("Israeli and Palestinian negotiators met on Wednesday for the first time in a year.",
         ["Israeli negotiators", "Palestinian negotiators"]),
    ],
)  # fmt: skip
def test_two_coordinated_modifiers_of_a_title_are_two_sides(
    sentence: str, parties: list[str]
) -> None:
    assert _parties(sentence) == [parties]


@pytest.mark.parametrize(
    ("sentence", "parties"),
    [
        ("The foreign ministers of Albania and Croatia met in Tirana on Monday.",
         ["foreign ministers of Albania", "foreign ministers of Croatia"]),
        ("Ministers from Finland and Estonia held talks in Helsinki on Thursday.",
         ["Ministers of Finland", "Ministers of Estonia"]),
        ("Talks are set for Monday between deputy ministers of both Norland and Estmark.",
         ["deputy ministers of Norland", "deputy ministers of Estmark"]),
        ("The delegations of Cyprus, Greece and Israel met in Athens on Thursday.",
         ["delegations of Cyprus", "delegations of Greece", "delegations of Israel"]),
        ("Talks on Friday brought together ministers from Chile, Peru, Bolivia, and Brazil.",
         ["ministers of Chile", "ministers of Peru", "ministers of Bolivia",
          "ministers of Brazil"]),
    ],
)  # fmt: skip
def test_a_plural_title_of_coordinated_places_is_one_side_each(
    sentence: str, parties: list[str]
) -> None:
    assert _parties(sentence) == [parties]


@pytest.mark.parametrize(
    "sentence",
    [
        "Kurt Vell worked to arrange a meeting between Maria Keller and Johan Berg in Oslo.",
        "The Norwegian senate subpoenaed a transcript of a call between Maria Keller and Johan "
        "Berg in late July.",
    ],
)
def test_a_meeting_between_two_sides_has_those_two_whoever_arranges_it(sentence: str) -> None:
    assert _parties(sentence) == [["Maria Keller", "Johan Berg"]]


def test_a_title_of_one_place_stays_one_side() -> None:
    [found] = _parties("The foreign ministers of Albania met Nikos Dendias in Tirana on Monday.")
    assert "foreign ministers of Albania" not in found
    assert len(found) == 2


def test_talking_to_someone_makes_them_a_party() -> None:
    text = "Odd Lunde talked to the Velorian Prime Minister on the phone on Tuesday about fish."
    assert _parties(text) == [["Odd Lunde", "Velorian Prime Minister"]]


def test_he_is_the_person_the_sentence_before_names() -> None:
    text = (
        "Velorian Prime Minister Anna Reis began a visit to Skarn yesterday, her second. "
        "She will meet the Skarnish President on Wednesday."
    )
    assert _parties(text)[-1] == ["Anna Reis", "Skarnish President"]


def test_who_reports_a_meeting_is_no_party_to_it() -> None:
    reported = (
        "Speaking in Ostvik on Tuesday, adviser Tomas Ruel said the president would meet "
        "with Ana Lipovac if there is a prospect of a deal."
    )
    assert "Tomas Ruel" not in [p for ps in _parties(reported) for p in ps]
    own = "Mrs Agnes Pryce said afterwards that she had met Lars Vik to ask for a water study."
    assert _parties(own) == [["Agnes Pryce", "Lars Vik"]]


def test_who_reports_their_own_talks_stays_a_party() -> None:
    assert _parties("Ana Lipovac said the talks with Johan Brekke were frank.") == [
        ["Johan Brekke", "Ana Lipovac"]
    ]


def test_the_first_modifier_is_the_one_right_before_and() -> None:
    text = (
        "After a Thai soldier died, talks were held today between Thai and Cambodian border "
        "commanders at the crossing."
    )
    [sentence] = [s for s in analyze(text) if s.trigger]
    first = sentence.parties[0]
    assert first.text == "Thai border commanders"
    assert text[first.start :].startswith("Thai and Cambodian")


@pytest.mark.parametrize(
    ("sentence", "parties"),
    [
        ("Talks between Kenya and Tanzania on Tuesday failed to end the standoff at the border.",
         ["Kenya", "Tanzania"]),
        ("The U.S. has also met with Iran's foreign minister to discuss the prisoner swap.",
         ["U.S.", "Iran's foreign minister"]),
        ("Beijing will hold talks with Hanoi on Friday about the fishing ban.",
         ["Beijing", "Hanoi"]),
    ],
)  # fmt: skip
def test_a_state_that_meets_is_a_side(sentence: str, parties: list[str]) -> None:
    """A country or its capital as the subject of a meeting or the object of "with" or
    "between" is that state's side (its government).
    """
    [found] = _parties(sentence)
    assert sorted(found) == sorted(parties)


@pytest.mark.parametrize(
    "sentence",
    [
        "Prime Minister Odd Lunde visited Kenya on Tuesday, his first trip abroad this year.",
        "President Ana Reis left Nairobi yesterday to meet the council of elders in Lamu.",
    ],
)
def test_a_state_visited_or_left_is_no_side(sentence: str) -> None:
    """What a visit goes to, or a place someone leaves for a meeting, names no counterpart."""
    [found] = _parties(sentence)
    assert not {"Kenya", "Nairobi"} & set(found)


@pytest.mark.parametrize(
    ("sentence", "state"),
    [
        ("Israel has resumed strikes on Gaza after the talks between Hamas and Egyptian "
         "mediators in Cairo.", "Israel"),
        ("Turkey signed a gas deal with Russia after talks between Erdogan and Putin.", "Russia"),
        ("Pakistan held elections after the meeting between Nawaz Sharif and Imran Khan.",
         "Pakistan"),
        ("Qatar hosted talks between the United States and the Taliban in Doha.", "Qatar"),
    ],
)  # fmt: skip
def test_a_state_acting_around_a_meeting_is_no_side(sentence: str, state: str) -> None:
    """Only the meeting's own subject or its with/between objects (or those of a support verb
    whose object the meeting is) are sides: not who strikes, signs or votes after the talks,
    nor a host.
    """
    [found] = _parties(sentence)
    assert state not in found


def test_the_states_a_host_brings_together_stay_sides() -> None:
    [found] = _parties("Qatar hosted talks between the United States and the Taliban in Doha.")
    assert {"United States", "Taliban"} <= set(found)


def test_the_two_leaders_are_people_not_the_states_just_named() -> None:
    text = (
        "President Ana Reis met Prime Minister Odd Lunde in Ostvik on Monday. "
        "A new summit between Kenya and Tanzania is planned for the spring. "
        "The two leaders will meet again in June."
    )
    assert _parties(text)[-1] == ["Ana Reis", "Odd Lunde"]


@pytest.mark.parametrize(
    "document", ["Harbour Fisheries Agreement", "Ostvik Border Treaty", "Tarn Valley Water Act"]
)
def test_a_named_document_is_no_side(document: str) -> None:
    text = (
        f"Hopes rose that the impasse in the {document} could be broken with talks in Ledra "
        "between Prime Minister Ana Lipovac and the opposition leader Johan Brekke."
    )
    [[*sides]] = _parties(text)
    assert document not in sides and {"Ana Lipovac", "Johan Brekke"} <= set(sides)


def test_who_opposes_or_praises_a_meeting_is_no_side_of_it() -> None:
    # a visit to a country names no counterpart; its critic is not one either
    opposed = (
        "Maria Keller's visit to Norland was strongly opposed by the ruling Labour Party "
        "chairman Johan Berg, who expressed his anger at the trip."
    )
    [found] = _parties(opposed)
    assert "Johan Berg" not in found and len(found) < 2  # no candidate
    # the praiser is a side when the meeting is theirs ("his first summit")
    praised = "Maria Keller praised her first summit with Johan Berg on Monday."
    assert sorted(*_parties(praised)) == ["Johan Berg", "Maria Keller"]


@pytest.mark.parametrize(
    ("sentence", "parties"),
    [
        # the one body a meeting noun is named for is the event, not a side
        ("Prime Minister Odd Lunde and President Ana Reis, who are attending the Nordic Council "
         "summit in Oslo, issued a joint statement.", ["Odd Lunde", "Ana Reis"]),
        # two names before it are its sides
        ("Leaders attended the EU-China summit in Brussels on Monday.", ["EU", "Leaders"]),
    ],
)  # fmt: skip
def test_a_body_a_summit_is_named_for_is_no_side(sentence: str, parties: list[str]) -> None:
    assert sorted(_parties(sentence)[0]) == sorted(parties)


def test_names_in_what_is_discussed_are_no_sides() -> None:
    sentence = (
        "The foreign secretaries will now meet to discuss such issues as the status of the "
        "Varn glacier and Sir Holm and the release of Tomas Berg."
    )
    assert "Tomas Berg" not in _parties(sentence)[0] and "Holm" not in _parties(sentence)[0]


def test_he_is_not_the_person_his_own_sentence_names() -> None:
    text = (
        "President Ana Reis and Prime Minister Odd Lunde held talks in Bergen on Monday. "
        "He also invited President Reis to visit Oslo."
    )
    assert sorted(_parties(text)[1]) == ["Odd Lunde", "Reis"]


def test_a_meeting_noun_is_not_the_meeting_of_a_verb_holding_its_own() -> None:
    # "after a meeting with A, B held talks with C": the verb's parties are the talks'
    sentence = (
        "After a meeting with Ana Reis on Monday, President Odd Lunde held talks with "
        "Prime Minister Kari Holm."
    )
    assert sorted(_parties(sentence)[0]) == ["Kari Holm", "Odd Lunde"]


def test_a_meeting_told_before_takes_no_sides_alongside() -> None:
    # a possessed meeting word with no sides of its own is a meeting told before: the other
    # people its sentence names are not at that table
    text = (
        "Odd Lunde met Kari Holm in Oslo on Friday. Lunde urged the government, led by "
        "President Ana Reis, to follow his meeting with more efforts at peacemaking."
    )
    assert _parties(text) == [["Odd Lunde", "Kari Holm"], []]


@pytest.mark.parametrize(
    ("sentence", "parties"),
    [
        # who releases a thing about a meeting is no party to it
        ("Last week the Harbour Council released a summary of a phone call made by President "
         "Ana Reis to Prime Minister Odd Lunde in July.", ["Ana Reis", "Odd Lunde"]),
        # a phase or a measure of the talks is still the talks
        ("Ana Reis agreed to the resumption of talks with Prime Minister Odd Lunde.",
         ["Ana Reis", "Odd Lunde"]),
    ],
)  # fmt: skip
def test_what_is_about_a_meeting_carries_no_party(sentence: str, parties: list[str]) -> None:
    assert sorted(_parties(sentence)[0]) == parties
