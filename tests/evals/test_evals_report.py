"""report.json, junit.xml and report.md, written atomically."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from summarizer.errors import ConfigError
from summarizer.evals.fields import FieldConfig
from summarizer.evals.predictions import Predicted
from summarizer.evals.report import load_report, write_reports
from summarizer.evals.runner import CaseResult, RunResult, safe_score


def _run(gold: Any) -> RunResult:
    data = gold.standard()
    good = gold.parse(data)
    pred = gold.as_prediction(data["expected"])
    pred.meetings[0].status = "held"
    bad = gold.parse(gold.standard() | {"id": "02-crash"})
    failed = Predicted.failed("boom")
    results = [
        CaseResult(good, pred, safe_score(good, pred, FieldConfig()), 1.5, 100, 0.01),
        CaseResult(bad, failed, safe_score(bad, failed, FieldConfig())),
    ]
    return RunResult(results, {"suite": "unit", "model": "fake", "prompt": "briefing"})


def test_writes_all_four_reports(tmp_path: Any, gold: Any) -> None:
    paths = write_reports(_run(gold), tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "junit.xml",
        "report.html",
        "report.json",
        "report.md",
    ]
    report = json.loads(paths["report.json"].read_text())
    assert report["metrics"]["status.acc"] == 0.5
    assert report["metrics_macro"]["status.acc"] == 0.5
    assert report["metrics"]["meetings.recall"] == 0.5
    assert report["model"] == "fake"
    assert report["totals"] == {
        "cases": 2,
        "errors": 1,
        "latency_s": 1.5,
        "tokens": 100,
        "cost": 0.01,
    }
    first = report["cases"][0]
    assert first["id"] == "01-standard" and first["latency_s"] == 1.5
    assert first["misses"] == [
        "~ status [Joseph Dunford, Valery Gerasimov]: gold scheduled, predicted held"
    ]


def test_junit_has_one_testcase_per_case_with_the_diff(tmp_path: Any, gold: Any) -> None:
    paths = write_reports(_run(gold), tmp_path)
    root = ET.parse(paths["junit.xml"]).getroot()
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")  # the inline cases carry no tag: one "untagged" suite
    assert suite.get("name") == "unit.untagged"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["01-standard", "02-crash"]
    failure = cases[0].find("failure")
    assert failure is not None and "gold scheduled, predicted held" in (failure.text or "")
    error = cases[1].find("error")
    assert error is not None and error.get("message") == "boom"
    assert "- meeting [Ana Duarte, Ivan Petrov]" in (error.text or "")


def test_markdown_for_a_pr_comment(tmp_path: Any, gold: Any) -> None:
    text = write_reports(_run(gold), tmp_path)["report.md"].read_text()
    assert "| status.acc | 0.500 | 0.500 |" in text
    assert "```diff" in text and "**02-crash**" in text


def test_no_temp_files_left_behind(tmp_path: Any, gold: Any) -> None:
    write_reports(_run(gold), tmp_path)
    write_reports(_run(gold), tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_load_report_rejects_non_reports(tmp_path: Any) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"cases": []}')
    with pytest.raises(ConfigError, match="not a report.json"):
        load_report(path)
    with pytest.raises(ConfigError, match="cannot read report"):
        load_report(tmp_path / "missing.json")
