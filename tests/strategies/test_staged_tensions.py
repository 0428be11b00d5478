"""The tension stage of the staged strategy: parties as enums, co-mention sentences, grounded
issues.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from summarizer.pipeline import prompts
from summarizer.pipeline.article import Article
from summarizer.strategies.staged import plan
from summarizer.strategies.staged.questions import build_messages
from summarizer.strategies.staged.spans import Sentence, Span
from summarizer.strategies.staged.tensions import (
    ISSUE_CHARS,
    TensionAsk,
    found_tensions,
    issue_phrase,
    sides,
    tension_messages,
    tension_model,
)

TEXT = (
    "Pyongyang rejected Washington's demand for denuclearization on Monday, state media said. "
    "The United Nations Security Council will meet on Friday to discuss new sanctions. "
    "Farmers in the north expect a good harvest this year after heavy rains in the spring."
)


def _ask() -> tuple[Article, object]:
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


def _item(parties: list[str], issue: str) -> dict[str, object]:
    return {"evidence": "t1", "parties": parties, "issue": issue}


def test_the_answer_is_enums_and_the_issue_must_be_the_articles_words() -> None:
    article, ask = _ask()
    model = tension_model(ask)  # type: ignore[arg-type]
    sides = ["North Korea", "United States"]
    answer = model.model_validate(
        {"tensions": [_item(sides, "demand for denuclearization"), _item(sides, "again"),
                      _item(["United States", "United States"], "sanctions")]}
    )  # fmt: skip
    found = found_tensions(answer, ask, article.text)  # type: ignore[arg-type]
    assert [(t.parties, t.issue) for t in found] == [(sides, "demand for denuclearization")]
    assert found[0].evidence == [ask.sentences[0].text]  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):
        model.model_validate({"tensions": [_item(["Mars", "Venus"], "demand")]})
    invented = model.model_validate({"tensions": [_item(sides, "nuclear war threat")]})
    assert found_tensions(invented, ask, article.text) == []  # type: ignore[arg-type]


def test_meeting_and_tension_questions_share_the_system_prompt() -> None:
    prompt = prompts.load("staged")
    questions = plan(Article(text=TEXT))
    assert questions.tensions is not None
    tension = tension_messages(questions.tensions, questions.article, prompt)
    other = plan(Article(text="Anna Berg met Piotr Nowak in Warsaw on Friday, the ministry said."))
    meeting = build_messages(other.asks[0], other.article, prompt)
    assert tension[0]["content"] == meeting[0]["content"]
    assert "[t1] Pyongyang rejected" in tension[1]["content"]
    assert 'Parties: "' in tension[1]["content"]


def test_one_issue_of_one_sentence_is_one_tension() -> None:
    article, ask = _ask()
    model = tension_model(ask)  # type: ignore[arg-type]
    parties = list(ask.parties)  # type: ignore[attr-defined]
    first, other = ["North Korea", "United States"], [p for p in parties if p != "North Korea"][:2]
    answer = model.model_validate(
        {"tensions": [_item(first, "demand for denuclearization"),
                      _item(other, "demand for denuclearization")]}
    )  # fmt: skip
    found = found_tensions(answer, ask, article.text)  # type: ignore[arg-type]
    assert [t.parties for t in found] == [first]


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


def test_one_issue_of_one_sentence_marked_twice_is_one_tension() -> None:
    text = (
        "Washington warned Pyongyang on Monday that talks would not resume soon. "
        "The United Nations is considering sanctions against North Korea, diplomats said."
    )
    questions = plan(Article(text=text))
    assert questions.tensions is not None and len(questions.tensions.sentences) == 2
    ask = questions.tensions
    model = tension_model(ask)
    first = {"evidence": "t1", "parties": ["North Korea", "United States"], "issue": "sanctions"}
    again = {"evidence": "t2", "parties": ["North Korea", "United Nations"], "issue": "sanctions"}
    answer = model.model_validate({"tensions": [first, again]})
    found = found_tensions(answer, ask, questions.article.text)
    assert [(t.parties, t.evidence) for t in found] == [
        (["North Korea", "United States"], [ask.sentences[1].text])
    ]


def test_sides_are_the_parties_that_name_a_side_each_once() -> None:
    text = "Syria's Bashar al-Assad fell as the Middle East watched, Sandoran and DPRK media said."
    spans = tuple(
        Span(name, text.index(name), text.index(name) + len(name), label)
        for name, label in [("Syria", "GPE"), ("Bashar al-Assad", "PERSON"),
                            ("Middle East", "LOC"), ("Sandoran", "NORP"), ("DPRK", "ORG")]
    )  # fmt: skip
    listed = ("Syria", "Bashar", "Middle", "Sandora", "Sandoran", "Dubai-based", "DPRK")
    ask = TensionAsk((Sentence(0, len(text), text, spans=spans),), listed)
    assert sides(["Syria", "Bashar"], ask) == []  # a word of a person's name is no side
    assert sides(["Middle", "Syria", "Dubai-based"], ask) == []  # nor a piece or a modifier
    assert sides(["Sandora", "Sandoran"], ask) == []  # a country and its nationality: one side
    assert sides(["Sandoran", "DPRK", "Syria"], ask) == ["Sandora", "North Korea", "Syria"]
