"""The scorer: each perturbation moves exactly the metrics it should, by hand-computed amounts."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from summarizer.evals.metrics import METRIC_NAMES, CaseScore, macro, micro, score_case
from summarizer.evals.predictions import Predicted

PERFECT = {name: 1.0 for name in METRIC_NAMES} | {
    "grounding.rate": None,  # gold-shape predictions carry no quotes
    "no_meeting.false_positive_rate": None,  # the standard case has meetings
    "candidates.recall": None,  # measured only for staged runs (passages given)
}


def _score(gold: Any, data: dict[str, Any], expected: dict[str, Any]) -> CaseScore:
    return score_case(gold.parse(data), gold.as_prediction(expected))


def _perturbed(gold: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    data = gold.standard()
    return data, copy.deepcopy(data["expected"])


def _changed(score: CaseScore) -> dict[str, float | None]:
    return {k: v for k, v in score.metrics().items() if v != PERFECT[k]}


def test_gold_against_itself_is_perfect(gold: Any) -> None:
    data, pred = _perturbed(gold)
    score = _score(gold, data, pred)
    assert score.metrics() == PERFECT
    assert score.misses == []


def test_dropping_a_meeting(gold: Any) -> None:
    data, pred = _perturbed(gold)
    del pred["meetings"][1]
    score = _score(gold, data, pred)
    # meetings tp=1 fn=1; participants tp=2 fn=2 (the missed meeting's two people)
    assert _changed(score) == pytest.approx(
        {
            "meetings.recall": 0.5,
            "meetings.f1": 2 / 3,
            "participants.recall": 0.5,
            "participants.f1": 2 / 3,
        }
    )
    assert score.misses == ["- meeting [Ana Duarte, Ivan Petrov] 2017-02-10, held"]


def test_swapping_a_participant(gold: Any) -> None:
    data, pred = _perturbed(gold)
    pred["meetings"][0]["participants"][1] = gold.person("Sergei Volkov", country="Russia")
    score = _score(gold, data, pred)
    # still aligned (one person in common): participants tp=3 fp=1 fn=1
    assert _changed(score) == pytest.approx(
        {"participants.precision": 0.75, "participants.recall": 0.75, "participants.f1": 0.75}
    )


def test_shifting_a_date_by_one_day(gold: Any) -> None:
    data, pred = _perturbed(gold)
    pred["meetings"][0]["date"] = "2017-02-17"
    score = _score(gold, data, pred)
    assert _changed(score) == {"date.exact": 0.5}
    assert "~ date [Joseph Dunford, Valery Gerasimov]: gold 2017-02-16, predicted 2017-02-17" in (
        score.misses
    )


def test_shifting_a_date_by_two_days(gold: Any) -> None:
    data, pred = _perturbed(gold)
    pred["meetings"][0]["date"] = "2017-02-18"
    assert _changed(_score(gold, data, pred)) == {"date.exact": 0.5, "date.within_1d": 0.5}


def test_missing_predicted_date(gold: Any) -> None:
    data, pred = _perturbed(gold)
    pred["meetings"][1]["date"] = None
    assert _changed(_score(gold, data, pred)) == {"date.exact": 0.5, "date.within_1d": 0.5}


def test_alias_spelling_moves_nothing(gold: Any) -> None:
    data, pred = _perturbed(gold)
    pred["meetings"][0]["participants"][0] = gold.person("Dunfort")
    pred["meetings"][0]["participants"][1] = gold.person("Valeriy Gerasimow")
    assert _changed(_score(gold, data, pred)) == {}


def test_wrong_status(gold: Any) -> None:
    data, pred = _perturbed(gold)
    pred["meetings"][1]["status"] = "scheduled"
    score = _score(gold, data, pred)
    assert _changed(score) == {"status.acc": 0.5}
    assert "~ status [Ana Duarte, Ivan Petrov]: gold held, predicted scheduled" in score.misses


def test_city_miss(gold: Any) -> None:
    data, pred = _perturbed(gold)
    pred["meetings"][0]["location"]["city"] = "Ganja"
    assert _changed(_score(gold, data, pred)) == {"location.city_acc": 0.5}


def test_city_spelling_and_null_equal_null(gold: Any) -> None:
    data, pred = _perturbed(gold)
    data["expected"]["meetings"][1]["location"]["city"] = None
    pred["meetings"][1]["location"]["city"] = None
    pred["meetings"][0]["location"]["city"] = "BAKÚ"
    assert _changed(_score(gold, data, pred)) == {}


def test_agenda_soft_recall(gold: Any) -> None:
    data, pred = _perturbed(gold)
    pred["meetings"][0]["agenda"] = ["US-Russian military relations"]
    # gold items: 2 + 1; "communication channels" missed
    assert _changed(_score(gold, data, pred)) == pytest.approx({"agenda.recall": 2 / 3})


def test_extra_meeting_in_a_no_meeting_case(gold: Any) -> None:
    data = gold.case("02-none")
    extra = gold.standard()["expected"]["meetings"][0]
    score = score_case(gold.parse(data), gold.as_prediction({"meetings": [extra], "tensions": []}))
    metrics = score.metrics()
    assert metrics["no_meeting.false_positive_rate"] == 1.0
    assert metrics["meetings.precision"] == 0.0
    assert metrics["meetings.recall"] is None
    assert metrics["participants.precision"] == 0.0
    assert metrics["status.acc"] is None
    clean = score_case(gold.parse(data), Predicted())
    assert clean.metrics()["no_meeting.false_positive_rate"] == 0.0


def test_optional_meeting_is_neither_tp_nor_fp(gold: Any) -> None:
    data, pred = _perturbed(gold)
    visit = gold.meeting(gold.person("Lena Berg"), gold.person("Omar Said"), status="held")
    data["expected"]["optional_meetings"] = [visit]
    with_visit = copy.deepcopy(pred)
    with_visit["meetings"].append(visit)
    assert _score(gold, data, with_visit).metrics() == PERFECT
    assert _score(gold, data, pred).metrics() == PERFECT
    only_visit = gold.case("03-visit", optional=[visit])
    visit_only = gold.as_prediction({"meetings": [visit], "tensions": []})
    score = score_case(gold.parse(only_visit), visit_only)
    assert score.metrics()["no_meeting.false_positive_rate"] == 0.0
    assert score.metrics()["meetings.precision"] is None


def test_tensions(gold: Any) -> None:
    data, pred = _perturbed(gold)
    pred["tensions"] = [
        {"parties": ["United States", "Russia"], "issue": "sanctions over Crimea"},
        {"parties": ["China", "Japan"], "issue": "island dispute"},
    ]
    assert _changed(_score(gold, data, pred)) == pytest.approx(
        {"tensions.precision": 0.5, "tensions.f1": 2 / 3}
    )
    pred["tensions"] = [{"parties": ["Russia"], "issue": "gas prices"}]
    changed = _changed(_score(gold, data, pred))
    assert changed == {"tensions.precision": 0.0, "tensions.recall": 0.0, "tensions.f1": 0.0}


def test_grounding_rate_and_schema_validity(gold: Any) -> None:
    data, pred = _perturbed(gold)
    prediction = gold.as_prediction(pred)
    prediction.quotes = ["Ana Duarte met Ivan Petrov in Bonn", "They signed a treaty."]
    score = score_case(gold.parse(data), prediction)
    assert score.metrics()["grounding.rate"] == 0.5
    assert "~ quote not in article: 'They signed a treaty.'" in score.misses
    failed = score_case(gold.parse(data), Predicted.failed("boom"))
    assert failed.metrics()["schema_valid.rate"] == 0.0
    assert failed.misses[0] == "! error: boom"


def test_micro_and_macro(gold: Any) -> None:
    data, pred = _perturbed(gold)
    full = _score(gold, data, pred)
    del pred["meetings"][1]
    half = _score(gold, data, pred)
    one = gold.standard()
    one["expected"]["meetings"] = one["expected"]["meetings"][:1]
    small = score_case(gold.parse(one), gold.as_prediction({"meetings": [], "tensions": []}))
    scores = [full, half, small]
    # recall counts: tp 2+1+0, fn 0+1+1 -> micro 3/5; macro mean(1, .5, 0) = .5
    assert micro(scores)["meetings.recall"] == pytest.approx(3 / 5)
    assert macro(scores)["meetings.recall"] == pytest.approx(0.5)
    # precision undefined for the empty prediction: macro over two cases only
    assert macro(scores)["meetings.precision"] == pytest.approx(1.0)


def test_date_is_only_scored_when_gold_has_one(gold: Any) -> None:
    data, pred = _perturbed(gold)
    data["expected"]["meetings"][1]["date"] = None
    pred["meetings"][1]["date"] = "2017-03-01"
    score = _score(gold, data, pred)
    assert score.counts["date.n"] == 1
    assert _changed(score) == {}
    assert gold.parse(data).expected.meetings[0].date == dt.date(2017, 2, 16)
