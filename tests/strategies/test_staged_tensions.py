"""The tension stage of the staged strategy: sides read from co-mention sentences, one closed
reply per sentence, grounded issues.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from summarizer.pipeline import prompts
from summarizer.pipeline.article import Article
from summarizer.strategies.staged import plan
from summarizer.strategies.staged.candidates import analyze
from summarizer.strategies.staged.questions import build_messages
from summarizer.strategies.staged.spans import Sentence, Span
from summarizer.strategies.staged.tensions import (
    ISSUE_CHARS,
    MAX_SENTENCES,
    TensionAsk,
    conflict_words,
    found_tensions,
    grounded_issue,
    issue_phrase,
    sides,
    tension_ask,
    tension_messages,
    tension_model,
)
from summarizer.text.fold import words

TEXT = (
    "Pyongyang rejected Washington's demand for denuclearization on Monday, state media said. "
    "The United Nations Security Council will meet on Friday to discuss new sanctions. "
    "Farmers in the north expect a good harvest this year after heavy rains in the spring."
)


def _ask() -> tuple[Article, TensionAsk]:
    questions = plan(Article(text=TEXT))
    assert questions.tensions is not None
    return questions.article, questions.tensions


def test_parties_come_from_the_article_and_only_co_mention_sentences_are_asked() -> None:
    _, ask = _ask()
    assert {"North Korea", "United States"} <= set(ask.parties)  # capitals stand for countries
    texts = [s.text for s in ask.sentences]
    assert texts[0].startswith("Pyongyang rejected")
    assert not any("harvest" in t for t in texts)  # names no party


def test_no_sentence_naming_two_parties_means_no_question() -> None:
    assert (
        plan(Article(text="Farmers in the north expect a good harvest this year.")).tensions is None
    )


def _yes(ask: Any, number: int, issue: str) -> dict[str, object]:
    return {"sides": " and ".join(ask.sides[number - 1]), "dispute": True, "issue": issue}


def _no(ask: Any, number: int) -> dict[str, object]:
    return {"sides": " and ".join(ask.sides[number - 1]), "dispute": False}


def _answers(ask: Any, given: dict[int, dict[str, object]]) -> dict[str, object]:
    return {f"t{n}": given.get(n) or _no(ask, n) for n in range(1, len(ask.sentences) + 1)}


def test_sides_are_read_from_the_sentence_and_the_answer_is_one_closed_reply_each() -> None:
    article, ask = _ask()
    assert ask.sides[0] == ("North Korea", "United States")
    model = tension_model(ask)
    answer = model.model_validate(_answers(ask, {1: _yes(ask, 1, "demand for denuclearization")}))
    found = found_tensions(answer, ask, article.text)
    assert [(t.parties, t.issue) for t in found] == [
        (["North Korea", "United States"], "demand for denuclearization")
    ]
    assert found[0].evidence == [ask.sentences[0].text]
    with pytest.raises(ValidationError):  # the sides are a constant: no other parties
        model.model_validate(
            _answers(ask, {1: {"sides": "Mars and Venus", "dispute": True, "issue": "demand"}})
        )
    with pytest.raises(ValidationError):  # a dispute has its issue
        model.model_validate(_answers(ask, {1: {**_no(ask, 1), "dispute": True}}))
    invented = model.model_validate(_answers(ask, {1: _yes(ask, 1, "nuclear war threat")}))
    assert found_tensions(invented, ask, article.text) == []


def test_a_sentence_with_the_words_of_a_dispute_is_asked_first() -> None:
    calm = " ".join(f"Norway and Sweden opened ferry line {n} on Monday." for n in range(1, 9))
    text = calm + " Norway accused Sweden of blocking its fishing boats on Tuesday."
    ask = tension_ask(analyze(text), text)
    assert ask is not None and len(ask.sentences) == MAX_SENTENCES
    assert "accused" in ask.sentences[-1].text  # asked although the last of nine
    assert [s.start for s in ask.sentences] == sorted(s.start for s in ask.sentences)
    assert set(ask.sides) == {("Norway", "Sweden")}
    assert conflict_words("They protested the tariffs and sanctioned two banks.") == 3
    assert conflict_words("They signed a ferry deal and toured the harbour.") == 0
    assert tension_ask(analyze(calm), calm) is None  # co-mention alone asks nothing


def test_the_parties_of_one_sentence_and_the_quarrel_of_the_next_are_asked() -> None:
    text = (
        "Norway opened a new toll on Swedish trucks in March. "
        "Stockholm has called it discriminatory and threatened a court case."
    )
    ask = tension_ask(analyze(text), text)
    assert ask is not None and ask.sides == (("Norway", "Sweden"),)
    assert ask.sentences[0].text.startswith("Norway opened")


def test_meeting_and_tension_questions_share_the_system_prompt() -> None:
    prompt = prompts.load("staged")
    questions = plan(Article(text=TEXT))
    assert questions.tensions is not None
    tension = tension_messages(questions.tensions, questions.article, prompt)
    other = plan(Article(text="Anna Berg met Piotr Nowak in Warsaw on Friday, the ministry said."))
    meeting = build_messages(other.asks[0], other.article, prompt)
    assert tension[0]["content"] == meeting[0]["content"]
    assert "[t1] Pyongyang rejected" in tension[1]["content"]
    assert "t1. North Korea and United States" in tension[1]["content"]


def _sentence(text: str, start: int = 0) -> Sentence:
    return Sentence(start, start + len(text), text)


def test_an_issue_cut_at_the_length_limit_runs_on_to_the_end_of_its_noun_phrase() -> None:
    text = (
        "Ottawa objects to the pending U.S. rule that forces every traveller crossing the "
        "Canada-U.S. border to carry a passport."
    )
    issue = "pending U. S. rule that forces every traveller crossing the"
    assert len(issue) >= ISSUE_CHARS - 1  # where the answer's length limit stops it
    phrase, where = issue_phrase(issue, _sentence(text), ())
    assert phrase == "pending U.S. rule that forces every traveller crossing the Canada-U.S. border"
    assert where.text == text
    short = issue_phrase("pending U. S. rule", _sentence(text), ())[0]
    assert short == "pending U.S. rule"  # a finished answer is not run on


def test_the_sentence_that_holds_the_issue_is_its_evidence() -> None:
    marked = _sentence("Mosques across Turkey broadcast prayers for Palestinians on Monday.")
    other = _sentence(
        "Protesters massed in front of Israel's consulate against police raids at the mosque.", 80
    )
    phrase, where = issue_phrase("police raids at the mosque", marked, (marked, other))
    assert (phrase, where) == ("police raids at the mosque", other)


def test_an_issue_does_not_end_on_a_function_word_or_carry_stray_marks() -> None:
    sentence = _sentence(
        "Trump levied 25% tariffs on steel and aluminum exports to the U.S. on Wednesday."
    )
    assert issue_phrase("tariffs on steel and aluminum exports to the", sentence, ())[0] == (
        "tariffs on steel and aluminum exports"
    )
    quoted = _sentence("The group kept acting as a “megaphone for democracy.”")
    assert issue_phrase("acting as a megaphone for democracy", quoted, ())[0] == (
        "acting as a megaphone for democracy"
    )
    # not the sentence's words (the model's own wording): its words, without the JSON it left
    assert (
        issue_phrase("impression of the internet},", sentence, ())[0]
        == "impression of the internet"
    )


def test_an_issue_is_one_noun_phrase_of_its_sentence() -> None:
    sentence = _sentence(
        "Brussels threatened sanctions and warned that the Velorian government's actions "
        "over Ostrenia's claim to the strait would harm its trade with significant partners."
    )
    # a second clause joined on is not the issue
    assert issue_phrase("sanctions and warned that the Velorian", sentence, ())[0] == "sanctions"
    # nor a preposition before it
    assert issue_phrase("over Ostrenia's claim to the strait", sentence, ())[0] == (
        "Ostrenia's claim to the strait"
    )
    # a noun phrase cut before its head runs on to it, even when the answer was short
    assert issue_phrase("its trade with significant", sentence, ())[0] == (
        "its trade with significant partners"
    )


def test_an_issue_stops_at_a_full_stop_a_missing_space_hides() -> None:
    sentence = _sentence("There have been repeated clashes between the two groups.The toll rose.")
    assert issue_phrase("clashes between the two groups", sentence, ())[0] == (
        "clashes between the two groups"
    )


def _two_sanction_sentences(issue_1: str, issue_2: str) -> tuple[TensionAsk, list[Any]]:
    """The ask about two sentences naming one US-North Korea quarrel, and what code keeps
    of a yes to both with these issues.
    """
    text = (
        "Washington warned Pyongyang on Monday that new sanctions were coming. "
        "The United States is drafting sanctions against North Korea, diplomats said."
    )
    questions = plan(Article(text=text))
    ask = questions.tensions
    assert ask is not None and len(ask.sentences) == 2
    answer = tension_model(ask).model_validate(
        {"t1": _yes(ask, 1, issue_1), "t2": _yes(ask, 2, issue_2)}
    )
    return ask, found_tensions(answer, ask, questions.article.text)


def test_one_dispute_named_again_with_the_same_sides_is_one_tension() -> None:
    ask, found = _two_sanction_sentences("new sanctions", "sanctions")
    assert [(t.parties, t.issue, t.evidence) for t in found] == [
        (list(ask.sides[0]), "new sanctions", [ask.sentences[0].text])
    ]


def test_an_issue_that_is_only_a_name_is_no_tension() -> None:
    _, found = _two_sanction_sentences("Pyongyang", "sanctions against North Korea")
    assert [t.issue for t in found] == ["sanctions against North Korea"]


def test_sides_are_the_parties_that_name_a_side_each_once() -> None:
    text = "Syria's Bashar al-Assad fell as the Middle East watched, Sandoran and DPRK media said."
    spans = tuple(
        Span(name, text.index(name), text.index(name) + len(name), label)
        for name, label in [("Syria", "GPE"), ("Bashar al-Assad", "PERSON"),
                            ("Middle East", "LOC"), ("Sandoran", "NORP"), ("DPRK", "ORG")]
    )  # fmt: skip
    listed = ("Syria", "Bashar", "Middle", "Sandora", "Sandoran", "Dubai-based", "DPRK")
    asked = (Sentence(0, len(text), text, spans=spans),)
    assert sides(["Syria", "Bashar"], asked, listed) == []  # a word of a person's name: no side
    assert sides(["Middle", "Syria", "Dubai-based"], asked, listed) == []  # a piece, a modifier
    assert sides(["Sandora", "Sandoran"], asked, listed) == []  # a country, its nationality: one
    found = sides(["Sandoran", "DPRK", "Syria"], asked, listed)
    assert found == ["Sandora", "North Korea", "Syria"]


def test_an_issue_partly_in_the_models_own_words_keeps_the_run_the_sentence_holds() -> None:
    text = "Norway and Iceland again failed to agree on shares of the north-east mackerel catch."
    asked = (_sentence(text),)
    known = set(words(text))
    assert grounded_issue("shares of the north-east mackerel catch", asked, known) == (
        "shares of the north-east mackerel catch"
    )
    assert grounded_issue("dividing the north-east mackerel catch", asked, known) == (
        "the north-east mackerel catch"
    )
    assert grounded_issue("shares of the mackerel ca", asked, known) == "shares of the"
    assert grounded_issue("nuclear war threat", asked, known) is None  # none of it is there
    assert grounded_issue("mackerel war", asked, known) is None  # one word is no run
