"""Per-tag metrics: kinds from the folder, a metric per tag, report/junit/markdown, the gate."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from rich.console import Console

from summarizer.errors import CaseError
from summarizer.evals.cases import load_case, load_cases
from summarizer.evals.fields import FieldConfig
from summarizer.evals.gate import Regression, check_tags
from summarizer.evals.report import write_reports
from summarizer.evals.runner import CaseResult, RunResult, safe_score
from summarizer.evals.suite import Suite
from summarizer.evals.tables import compare_table, tags_table
from summarizer.evals.tags import tag_order


def _tagged(gold: Any, case_id: str, tags: list[str], drop_second: bool) -> CaseResult:
    """The standard two-meeting case; the prediction drops the second meeting if asked."""
    data = gold.standard() | {"id": case_id, "tags": tags}
    case = gold.parse(data)
    pred = gold.as_prediction(data["expected"])
    if drop_second:
        pred.meetings = pred.meetings[:1]
    return CaseResult(case, pred, safe_score(case, pred, FieldConfig()))


def _run(gold: Any) -> RunResult:
    # real/a: 2 of 2 meetings; real+call/b: 1 of 2; composed+call/c: 1 of 2.
    results = [
        _tagged(gold, "a", ["real"], drop_second=False),
        _tagged(gold, "b", ["real", "call"], drop_second=True),
        _tagged(gold, "c", ["composed", "call"], drop_second=True),
    ]
    return RunResult(results, {"suite": "unit"})


def test_loader_tags_cases_by_folder(tmp_path: Any, gold: Any) -> None:
    gold.write(tmp_path, gold.case("01-a") | {"tags": ["call", "call"]})
    gold.write(tmp_path / "real", gold.case("wn-x") | {"tags": ["negative"]})
    cases = {c.id: c.tags for c in load_cases(tmp_path)}
    assert cases == {"01-a": ["composed", "call"], "wn-x": ["real", "negative"]}


def test_a_case_cannot_claim_the_other_kind(tmp_path: Any, gold: Any) -> None:
    path = gold.write(tmp_path / "real", gold.case("wn-y") | {"tags": ["composed"]})
    with pytest.raises(CaseError, match="'composed' contradicts the case's folder"):
        load_case(path)


def test_tags_must_be_words(tmp_path: Any, gold: Any) -> None:
    path = gold.write(tmp_path, gold.case("01-b") | {"tags": ["Multi Meeting"]})
    with pytest.raises(CaseError, match=r"tags: tags must be lower-case words"):
        load_case(path)


def test_metrics_per_tag_hand_computed(gold: Any) -> None:
    tags = _run(gold).tags()
    assert list(tags) == ["real", "composed", "call"]
    # real: a (tp 2) + b (tp 1, fn 1) -> recall 3/4, precision 1, f1 6/7
    assert tags["real"].cases == 2
    assert tags["real"].metrics["meetings.recall"] == 0.75
    assert tags["real"].metrics["meetings.f1"] == pytest.approx(6 / 7)
    # macro recall over real: mean(1.0, 0.5)
    assert tags["real"].metrics_macro["meetings.recall"] == 0.75
    # call: b and c, each 1 of 2 -> 0.5; composed: c alone -> 0.5
    assert tags["call"].cases == 2 and tags["call"].metrics["meetings.recall"] == 0.5
    assert tags["composed"].metrics["meetings.recall"] == 0.5
    # participants over real: a 4/4, b 2 matched of 4 gold -> recall 6/8
    assert tags["real"].metrics["participants.recall"] == 0.75


def test_tag_order_puts_kinds_first() -> None:
    assert tag_order(["negative", "composed", "call", "real"]) == [
        "real",
        "composed",
        "call",
        "negative",
    ]


def test_reports_carry_every_metric_per_tag(tmp_path: Any, gold: Any) -> None:
    paths = write_reports(_run(gold), tmp_path)
    report = json.loads(paths["report.json"].read_text())
    assert report["tags"]["real"]["cases"] == 2
    assert report["tags"]["call"]["metrics"]["meetings.recall"] == 0.5
    assert len(report["tags"]["real"]["metrics"]) == len(report["metrics"])
    assert report["cases"][1]["tags"] == ["real", "call"]
    md = paths["report.md"].read_text()
    assert "| metric | real (2) | composed (1) | call (2) |" in md
    assert "| meetings.recall | 0.750 | 0.500 | 0.500 |" in md


def test_junit_has_a_testsuite_per_tag(tmp_path: Any, gold: Any) -> None:
    root = ET.parse(write_reports(_run(gold), tmp_path)["junit.xml"]).getroot()
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["unit.real", "unit.composed", "unit.call"]
    call = suites["unit.call"]
    assert [c.get("name") for c in call.findall("testcase")] == ["b", "c"]
    assert (call.get("tests"), call.get("failures"), call.get("errors")) == ("2", "2", "0")
    assert suites["unit.real"].get("failures") == "1"  # a is perfect, b misses a meeting


def _entry(recall: float, cases: int = 2) -> dict[str, Any]:
    return {"cases": cases, "metrics": {"meetings.recall": recall}}


def test_gate_per_tag_against_baseline_and_thresholds() -> None:
    now = {"real": _entry(0.70), "composed": _entry(0.90)}
    base = {"real": _entry(0.80), "composed": _entry(0.90)}
    found = check_tags(now, base, {"composed": {"meetings.recall": 0.95}})
    assert found == [
        Regression("meetings.recall", 0.70, baseline=0.80, tolerance=0.02, tag="real"),
        Regression("meetings.recall", 0.90, threshold=0.95, tag="composed"),
    ]
    assert found[0].describe() == (
        "[real] meetings.recall: baseline 0.8000, now 0.7000, tolerance 0.0200"
    )


def test_gate_reports_a_tag_the_run_lacks() -> None:
    found = check_tags({"real": _entry(0.8)}, {"real": _entry(0.8), "composed": _entry(0.9)})
    assert found == [Regression("cases", None, tag="composed")]
    assert found[0].describe() == "[composed] cases: no cases with this tag in this run"


def test_suite_tag_thresholds_name_known_metrics() -> None:
    assert Suite(tag_thresholds={"real": {"meetings.f1": 0.5}}).tag_thresholds["real"] == {
        "meetings.f1": 0.5
    }
    with pytest.raises(ValueError, match="real: unknown metric meetings.fone"):
        Suite(tag_thresholds={"real": {"meetings.fone": 0.5}})


def test_tables_show_tags(gold: Any) -> None:
    tags = {t: m.as_dict() for t, m in _run(gold).tags().items()}
    console = Console(width=160, record=True)
    console.print(tags_table(tags))
    text = console.export_text()
    assert "real" in text and "call" in text and "0.75" in text
    a = {"metrics": {}, "tags": {"real": _entry(0.5)}}
    b = {"metrics": {}, "tags": {"real": _entry(0.75)}}
    console = Console(width=160, record=True)
    console.print(compare_table(a, b, ("A", "B")))
    compared = console.export_text()
    assert "[real] meetings.recall" in compared and "+0.250" in compared
