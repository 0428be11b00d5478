"""Prediction files in both shapes, and missing/invalid ones, become one `Predicted` shape."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from builders import gold_briefing

from summarizer.evals.metrics import score_case
from summarizer.evals.predictions import from_briefing, load_prediction


def test_from_briefing_keeps_fields_and_quotes() -> None:
    pred = from_briefing(gold_briefing())
    meeting = pred.meetings[0]
    assert meeting.date == dt.date(2017, 2, 16)
    assert meeting.date_text == "Thursday"
    assert meeting.location.city == "Baku"
    assert meeting.participants[0].aliases == ["Dunford"]
    assert pred.tensions[0].issue == "Crimea sanctions"
    assert pred.quotes == [
        "Joseph Dunford will meet Valery Gerasimov",
        "at odds over Crimea sanctions",
    ]
    assert pred.schema_valid


def test_briefing_file_is_scored_with_grounding(tmp_path: Any, gold: Any) -> None:
    (tmp_path / "01-standard.json").write_text(gold_briefing().model_dump_json())
    pred = load_prediction(tmp_path, "01-standard")
    assert pred.error is None
    metrics = score_case(gold.parse(gold.standard()), pred).metrics()
    assert metrics["grounding.rate"] == 1.0
    assert metrics["meetings.precision"] == 1.0
    assert metrics["meetings.recall"] == 0.5


def test_gold_shape_file_second_labeler(tmp_path: Any, gold: Any) -> None:
    data = gold.standard()
    expected = {"meetings": data["expected"]["meetings"], "tensions": data["expected"]["tensions"]}
    (tmp_path / "01-standard.json").write_text(json.dumps(expected))
    pred = load_prediction(tmp_path, "01-standard")
    metrics = score_case(gold.parse(data), pred).metrics()
    assert metrics["meetings.f1"] == 1.0
    assert metrics["tensions.f1"] == 1.0
    assert metrics["schema_valid.rate"] == 1.0


def test_missing_file_is_empty_and_noted(tmp_path: Any, gold: Any) -> None:
    pred = load_prediction(tmp_path, "01-standard")
    assert pred.meetings == [] and not pred.schema_valid
    assert pred.error is not None and "no prediction file" in pred.error
    metrics = score_case(gold.parse(gold.standard()), pred).metrics()
    assert metrics["meetings.recall"] == 0.0
    assert metrics["schema_valid.rate"] == 0.0


def test_invalid_files_name_file_and_field(tmp_path: Any) -> None:
    (tmp_path / "a.json").write_text('{"meetings": [{"participants": []}], "extra": 1}')
    (tmp_path / "b.json").write_text("{not json")
    (tmp_path / "c.json").write_text('{"summary": "x"}')
    a = load_prediction(tmp_path, "a").error or ""
    assert "a.json: extra: unknown field" in a
    assert "a.json: meetings[0].location: missing field" in a
    assert "b.json:1: malformed JSON" in (load_prediction(tmp_path, "b").error or "")
    assert "c.json: provenance: missing field" in (load_prediction(tmp_path, "c").error or "")
