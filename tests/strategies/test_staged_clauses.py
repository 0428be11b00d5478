"""The tense and place the parse gives a trigger sentence's meeting (`staged.clauses`), and
how `assemble` prefers them to the model's guess. Sentences are our own writing.
"""

from __future__ import annotations

import pytest

from summarizer.pipeline.mentions import MeetingMention
from summarizer.schema import Participant
from summarizer.strategies.staged.assemble import decide_tense, decide_when, place_from_parse
from summarizer.strategies.staged.candidates import analyze
from summarizer.strategies.staged.spans import Hints, Span


def _hints(text: str) -> Hints:
    [sentence] = [s for s in analyze(text) if s.parties]
    return sentence.hints


@pytest.mark.parametrize(
    ("sentence", "tense"),
    [
        ("Foreign Minister Ana Lipovac met Johan Brekke in Ostvik on Monday.", "held"),
        ("Ana Lipovac led six hours of talks with Johan Brekke on the river treaty.", "held"),
        ("Ana Lipovac will meet Johan Brekke in Ostvik next week.", "scheduled"),
        ("Ana Lipovac is due to hold talks with Johan Brekke on Thursday.", "scheduled"),
        ("Ana Lipovac said she would meet Johan Brekke after the vote.", "scheduled"),
        ("Ana Lipovac meets Johan Brekke over the river treaty.", None),
    ],
)  # fmt: skip
def test_tense_of_the_clause(sentence: str, tense: str | None) -> None:
    assert _hints(sentence).tense == tense


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("Ana Lipovac led talks with Kestrian officials in Geneva, Switzerland, on Monday.",
         "Geneva"),
        ("Ana Lipovac continued her tour, meeting with Johan Brekke in Syria on Friday.",
         "Syria"),
        ("On her first visit to Japan, Ana Lipovac met Johan Brekke.", "Japan"),
        ("Ana Lipovac met Johan Brekke, who had arrived in Athens on Sunday.", None),
        # a clause modifying the meeting noun places it
        ("The talks between Ana Lipovac and Johan Brekke, held in Geneva on Monday, ended "
         "without a deal.", "Geneva"),
        # a big city the NER leaves unlabelled is still a place (the gazetteer's)
        ("Ana Lipovac and Johan Brekke will meet again in Odesa on May 3, the ministry said.",
         "Odesa"),
    ],
)  # fmt: skip
def test_place_the_clause_puts_the_meeting_in(sentence: str, place: str | None) -> None:
    found = _hints(sentence).place
    assert (found.text if found else None) == place


def test_the_clause_tense_overrides_held_or_scheduled_but_not_a_cancellation() -> None:
    held = Hints(tense="held")
    assert decide_tense("scheduled", held) == "held"
    assert decide_tense("unknown", held) == "held"
    assert decide_tense("cancelled", held) == "cancelled"
    assert decide_tense("scheduled", Hints()) == "scheduled"


def _mention(city: str | None, country: str | None) -> MeetingMention:
    people = [Participant(name="Ana Lipovac"), Participant(name="Johan Brekke")]
    return MeetingMention(people, "held", ["..."], city=city, country=country)


def test_the_parsed_place_replaces_the_models_pick() -> None:
    jeddah = Hints(place=Span("Jeddah", 0, 6, "GPE"))
    assert place_from_parse(_mention("Ukraine", "Ukraine"), jeddah).city == "Jeddah"
    syria = Hints(place=Span("Syria", 0, 5, "GPE"))
    found = place_from_parse(_mention("Paris", None), syria)
    assert (found.city, found.country) == (None, "Syria")
    house = Hints(place=Span("White House", 0, 11, "FAC"))
    found = place_from_parse(_mention("White House", None), house)
    assert (found.city, found.venue) == (None, "White House")
    # a facility label on what the model too calls the city, with no building's name, is the
    # city; a city the gazetteer lacks is kept under the parsed country
    resort = Hints(place=Span("Shram el-Sheikh", 0, 15, "FAC"))
    found = place_from_parse(_mention("Shram el-Sheikh", "Egypt"), resort)
    assert (found.city, found.venue) == ("Shram el-Sheikh", None)
    egypt = Hints(place=Span("Egypt", 0, 5, "GPE"))
    found = place_from_parse(_mention("Shram el-Sheikh", None), egypt)
    assert (found.city, found.country) == ("Shram el-Sheikh", "Egypt")


def test_plain_statements_are_marked() -> None:
    assert _hints("Foreign Secretary Ana Lipovac spoke with Johan Brekke about the case.").plain
    assert _hints("Talks between Ana Lipovac and Johan Brekke have failed to reach a deal.").plain
    assert not _hints("Ana Lipovac visited Johan Brekke's hometown in May.").plain


def test_a_plain_meeting_the_model_denied_is_kept() -> None:
    from summarizer.strategies.staged.assemble import found_meetings
    from summarizer.strategies.staged.questions import Candidate, Options, answer_model

    [sentence] = [
        s
        for s in analyze("Foreign Secretary Ana Lipovac spoke with Johan Brekke on Monday.")
        if s.parties
    ]
    sides = {p.text: Participant(name=p.text) for p in sentence.parties}
    options = Options(sides, ("Monday",), (), (Candidate(sentence, tuple(sides)),))
    model = answer_model(options)
    label = " and ".join(sides)
    denied = model.model_validate({"c1": {"sides": label, "meeting": False}})
    [found] = found_meetings(denied, options)
    assert (found.status, found.when_text, found.agenda) == ("held", "Monday", [])


def test_a_conditional_plan_is_not_plain() -> None:
    assert _hints("Ana Lipovac will meet Johan Brekke in Ostvik on Monday.").plain
    assert not _hints("Ana Lipovac would meet Johan Brekke if there is a prospect of a deal.").plain


def test_a_side_meeting_others_in_turn_is_one_meeting_each() -> None:
    hub = _hints("Ana Lipovac met with the Harbour Council, then with Johan Brekke on Monday.").hub
    assert hub is not None and hub.text == "Ana Lipovac"
    assert _hints("Ana Lipovac met with Johan Brekke and Tomas Ruel on Monday.").hub is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Ana Lipovac and Johan Brekke have not held talks since 2019.",
        "Did Ana Lipovac meet Johan Brekke in secret last year?",
        "If Ana Lipovac had met Johan Brekke, the war would have ended.",
    ],
)
def test_negated_asked_or_conditional_meetings_are_not_plain(sentence: str) -> None:
    assert not _hints(sentence).plain


def test_a_meeting_only_asked_about_or_supposed_is_none_whatever_the_model_says() -> None:
    from summarizer.strategies.staged.assemble import found_meetings
    from summarizer.strategies.staged.questions import Candidate, Options, answer_model

    text = "Asked whether she had spoken to Johan Brekke, Ana Lipovac said she had not."
    [sentence] = [s for s in analyze(text) if s.parties]
    assert sentence.hints.supposed
    assert not _hints("Ana Lipovac said she had spoken to Johan Brekke on Monday.").supposed
    sides = {p.text: Participant(name=p.text) for p in sentence.parties}
    options = Options(sides, (), (), (Candidate(sentence, tuple(sides)),))
    label = " and ".join(sides)
    said_yes = answer_model(options).model_validate(
        {"c1": {"sides": label, "meeting": True, "status": "held", "when": None, "city": None,
                "country": None, "topics": []}}
    )  # fmt: skip
    assert found_meetings(said_yes, options) == []


def test_hints_come_from_the_trigger_of_the_parties() -> None:
    found = _hints(
        "Ana Lipovac, who spoke to reporters in Berlin on Monday, will meet Johan Brekke in "
        "Vienna on Friday."
    )
    assert found.tense == "scheduled" and found.place is not None
    assert found.place.text == "Vienna"


def test_a_wish_is_no_plan_and_two_subjects_are_no_hub() -> None:
    assert _hints("Ana Lipovac wanted to meet Johan Brekke, but he refused.").tense is None
    both = "Ana Lipovac and Johan Brekke met separately with Tomas Ruel in Vienna."
    assert _hints(both).hub is None


@pytest.mark.parametrize(
    ("sentence", "when"),
    [
        ("Last week the Norwegian ministry released a summary of a phone call made by Maria "
         "Keller on July 28 to Johan Berg.", "July 28"),
        ("Ana Lipovac held talks with Johan Brekke on Tuesday, the ministry said on Friday.",
         "Tuesday"),
        ("The ministry said on Friday that Ana Lipovac met Johan Brekke.", None),
        ("Ana Lipovac met Johan Brekke to discuss the treaty signed in 2019.", None),
    ],
)  # fmt: skip
def test_the_time_words_of_the_meetings_own_clause(sentence: str, when: str | None) -> None:
    found = _hints(sentence).when
    assert (found.text if found else None) == when


def test_the_clauses_time_words_come_before_the_models_guess() -> None:
    text = (
        "Last week the Norwegian ministry released a summary of a phone call made by Maria "
        "Keller on July 28 to Johan Berg."
    )
    [sentence] = [s for s in analyze(text) if s.parties]
    assert decide_when("Last week", sentence, sentence.hints.when) == "July 28"
    assert decide_when("Last week", sentence) == "Last week"  # no parse: the model's, as stated


def test_what_is_said_in_a_meeting_makes_the_meeting_held() -> None:
    text = "Maria Keller told Johan Berg in a phone call on Monday that the border had reopened."
    [sentence] = [s for s in analyze(text) if s.parties]
    assert [p.text for p in sentence.parties] == ["Maria Keller", "Johan Berg"]
    hints = sentence.hints
    assert (hints.tense, hints.plain) == ("held", True)  # the model's "no" does not drop it
    assert hints.when is not None and hints.when.text == "Monday"


@pytest.mark.parametrize(
    ("sentence", "plain"),
    [
        ("Maria Keller told Johan Berg in a phone call on Monday that the border would reopen.",
         True),  # what the call was about may hedge; the call itself is stated
        ("Maria Keller would meet Johan Berg in Oslo if the ceasefire holds.", False),
        ("Maria Keller said she would meet Johan Berg in Oslo after the vote.", False),
    ],
)  # fmt: skip
def test_a_hedge_in_the_meetings_own_clause_makes_it_not_plain(sentence: str, plain: bool) -> None:
    assert _hints(sentence).plain is plain


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("Maria Keller met Johan Berg for the first time at the Madrid summit in June 2018.",
         "Madrid"),
        ("The Madrid talks between Spain and Morocco ended on Monday.", "Madrid"),
        ("Talks between Spain and Morocco on the Madrid accord ended on Monday.", None),
    ],
)  # fmt: skip
def test_a_city_a_meeting_is_named_for_is_its_place(sentence: str, place: str | None) -> None:
    found = _hints(sentence).place
    assert (found.text if found else None) == place
