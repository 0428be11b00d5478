"""`summarizer eval` (summarizer.cli.evals) through the root app, in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builders import invoke
from click.testing import Result

ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


def _eval(*args: object) -> Result:
    """`summarizer eval ARGS`, wide and without colour."""
    return invoke("eval", *args, env=ENV)


def _setup(tmp_path: Path, gold: Any) -> tuple[Path, Path]:
    cases, preds = tmp_path / "cases", tmp_path / "preds"
    data = gold.standard()
    gold.write(cases, data)
    gold.write(cases, gold.case("02-none"))
    preds.mkdir()
    expected = {"meetings": data["expected"]["meetings"], "tensions": data["expected"]["tensions"]}
    (preds / "01-standard.json").write_text(json.dumps(expected, default=str))
    (preds / "02-none.json").write_text('{"meetings": [], "tensions": []}')
    return cases, preds


def test_scores_stored_predictions(tmp_path: Path, gold: Any) -> None:
    cases, preds = _setup(tmp_path, gold)
    out = tmp_path / "out"
    result = _eval("--cases", cases, "--predictions", preds, "--out", out)
    assert result.exit_code == 0, result.output
    assert "meetings.f1" in result.output and "FAIL" not in result.output
    report = json.loads((out / "report.json").read_text())
    assert report["metrics"]["meetings.f1"] == 1.0
    assert report["metrics"]["no_meeting.false_positive_rate"] == 0.0
    assert (out / "junit.xml").exists() and (out / "report.md").exists()


def test_suite_as_positional_argument_and_threshold_gate(tmp_path: Path, gold: Any) -> None:
    cases, preds = _setup(tmp_path, gold)
    (preds / "01-standard.json").unlink()
    suite = tmp_path / "suite.yaml"
    suite.write_text("name: unit\ncases: cases\nthresholds: {meetings.recall: 0.9}\n")
    result = _eval(suite, "--predictions", preds, "--out", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "meetings.recall: now 0.0000, threshold 0.9000" in result.output
    assert "no prediction file" in result.output


def test_baseline_gate(tmp_path: Path, gold: Any) -> None:
    cases, preds = _setup(tmp_path, gold)
    base = tmp_path / "base"
    assert _eval("--cases", cases, "--predictions", preds, "--out", base).exit_code == 0
    worse = json.loads((preds / "01-standard.json").read_text())
    del worse["meetings"][1]
    (preds / "01-standard.json").write_text(json.dumps(worse))
    args = ["--cases", cases, "--predictions", preds, "--out", tmp_path / "now"]
    result = _eval(*args, "--baseline", base / "report.json")
    assert result.exit_code == 1, result.output
    assert "regressed:" in result.output
    assert "meetings.recall: baseline 1.0000, now 0.5000, tolerance 0.0200" in result.output
    same = _eval(*args, "--baseline", tmp_path / "now" / "report.json")
    assert same.exit_code == 0, same.output


def test_bad_case_is_a_user_error(tmp_path: Path, gold: Any) -> None:
    cases, preds = _setup(tmp_path, gold)
    (cases / "01-standard.yaml").write_text(
        (cases / "01-standard.yaml").read_text().replace("agenda:", "agneda:", 1)
    )
    result = _eval("--cases", cases, "--predictions", preds, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "expected.meetings[0].agneda: unknown field" in result.output


def test_no_cases_given(tmp_path: Path) -> None:
    result = _eval("--out", tmp_path)
    assert result.exit_code == 2
    assert "no cases to run" in result.output


def test_compare(tmp_path: Path, gold: Any) -> None:
    cases, preds = _setup(tmp_path, gold)
    args = ["--cases", cases, "--predictions", preds, "--out"]
    assert _eval(*args, tmp_path / "a").exit_code == 0
    (preds / "02-none.json").unlink()
    _eval(*args, tmp_path / "b")
    result = _eval("compare", tmp_path / "a" / "report.json", tmp_path / "b" / "report.json")
    assert result.exit_code == 0, result.output
    assert "schema_valid.rate" in result.output and "-0.500" in result.output


def test_help_lists_subcommands() -> None:
    result = _eval("--help")
    assert result.exit_code == 0
    assert "run" in result.output and "compare" in result.output


def test_record_then_replay_with_the_fake_backend(tmp_path: Path, gold: Any) -> None:
    cases, _ = _setup(tmp_path, gold)
    rec = tmp_path / "rec"
    record = ["--backend", "fake", "--record", rec]
    first = _eval("--cases", cases, *record, "--out", tmp_path / "1")
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in rec.iterdir()) == ["01-standard.json", "02-none.json"]
    again = _eval("--cases", cases, "--replay", rec, "--out", tmp_path / "2")
    assert again.exit_code == 0, again.output
    a, b = (json.loads((tmp_path / d / "report.json").read_text()) for d in ("1", "2"))
    assert a["metrics"] == b["metrics"]
    assert b["replay"] == str(rec)
    refill = tmp_path / "refill"  # --record with --replay: recorded calls are kept as they were
    both = _eval(
        "--cases",
        cases,
        "--backend",
        "fake",
        "--record",
        refill,
        "--replay",
        rec,
        "--out",
        tmp_path / "3",
    )
    assert both.exit_code == 0, both.output
    for name in ("01-standard.json", "02-none.json"):
        kept, made = (json.loads((d / name).read_text()) for d in (rec, refill))
        assert kept["calls"] == made["calls"]


def test_replay_miss_is_loud(tmp_path: Path, gold: Any) -> None:
    cases, _ = _setup(tmp_path, gold)
    rec = tmp_path / "rec"
    rec.mkdir()
    result = _eval("--cases", cases, "--replay", rec, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "no recorded answer" in result.output and "re-record with --record" in result.output


def test_mounted_under_the_root_app(tmp_path: Path, gold: Any) -> None:
    """`eval` is a group under the root app: its default command and `compare` both work."""
    cases, preds = _setup(tmp_path, gold)
    args = ["--cases", cases, "--predictions", preds, "--out", tmp_path / "o"]
    assert _eval(*args).exit_code == 0
    report = tmp_path / "o" / "report.json"
    assert _eval("compare", report, report).exit_code == 0
