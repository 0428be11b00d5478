"""Candidate recall: a gold meeting is reached when an asked passage names two of its sides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from summarizer.evals.candidates import forms, reached, staged_passages
from summarizer.evals.fields import FieldConfig
from summarizer.evals.metrics import score_case
from summarizer.evals.predictions import Predicted
from summarizer.pipeline.article import Article


def _meeting(gold: Any, *people: dict[str, Any]) -> Any:
    return gold.parse(gold.case(meetings=[gold.meeting(*people)])).expected.meetings[0]


def test_forms_are_names_aliases_and_surnames_else_roles(gold: Any) -> None:
    named = gold.person("Jack Straw", ["Mr Straw"], "foreign secretary")
    body = gold.person(None, [], "interior minister", "Ministry of the Interior")
    meeting = _meeting(gold, named, body)
    assert forms(meeting.participants[0]) == ["Jack Straw", "Mr Straw", "Straw"]
    assert forms(meeting.participants[1]) == ["interior minister", "Ministry of the Interior"]


def test_reached_needs_two_sides_in_one_passage(gold: Any) -> None:
    meeting = _meeting(gold, gold.person("Jack Straw"), gold.person("Li Zhaoxing"))
    assert reached(meeting, ["Straw held talks with Li Zhaoxing in Beijing."])
    assert not reached(meeting, ["Straw arrived in Beijing.", "Li Zhaoxing spoke later."])
    assert not reached(meeting, [])


def test_candidate_recall_counts_and_names_the_missed(gold: Any) -> None:
    case = gold.parse(gold.standard())  # Dunford-Gerasimov and Duarte-Petrov
    passages = ["General Joseph Dunford will meet Valery Gerasimov in Baku on Thursday."]
    score = score_case(case, Predicted(), FieldConfig(), passages=passages)
    assert (score.counts["candidates.reached"], score.counts["candidates.n"]) == (1, 2)
    assert score.metrics()["candidates.recall"] == 0.5
    assert "? never asked about: meeting [Ana Duarte, Ivan Petrov]" in score.misses
    assert score_case(case, Predicted(), FieldConfig()).metrics()["candidates.recall"] is None


def test_staged_passages_are_candidate_sentences_with_neighbours() -> None:
    text = (
        "Officials gathered in the capital on Monday. "
        "Jack Straw met Sergei Ivanov in Moscow on Monday. "
        "The talks covered Iraq, an aide said."
    )
    [passage] = staged_passages(Article(text=text, published=dt.date(2003, 2, 5)))
    assert passage == text
