"""`summarizer eval --baseline` from another suite (issue 13): one warning line when the case
sets differ; none when they match.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builders import invoke

ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


def _cases(tmp_path: Path, gold: Any, ids: list[str]) -> tuple[Path, Path]:
    cases, preds = tmp_path / "cases", tmp_path / "preds"
    preds.mkdir(parents=True, exist_ok=True)
    for case_id in ids:
        gold.write(cases, gold.case(case_id))
        (preds / f"{case_id}.json").write_text('{"meetings": [], "tensions": []}')
    return cases, preds


def test_a_baseline_of_other_cases_is_warned_about(tmp_path: Path, gold: Any) -> None:
    base_cases, base_preds = _cases(tmp_path / "a", gold, ["01-a", "02-b", "03-c"])
    out = tmp_path / "base"
    args = ["eval", "--cases", base_cases, "--predictions", base_preds, "--out", out]
    assert invoke(*args, env=ENV).exit_code == 0
    baseline = out / "report.json"
    cases, preds = _cases(tmp_path / "b", gold, ["02-b", "04-d"])
    args = ["eval", "--cases", cases, "--predictions", preds, "--out", tmp_path / "now"]
    result = invoke(*args, "--baseline", baseline, env=ENV)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: the baseline {baseline} scored other cases (2 only there, e.g. 01-a; 1 only "
        "in this run, e.g. 04-d); its metrics may not compare"
    ]


def test_a_baseline_of_the_same_cases_is_not_warned_about(tmp_path: Path, gold: Any) -> None:
    cases, preds = _cases(tmp_path, gold, ["01-a", "02-b"])
    base = ["eval", "--cases", cases, "--predictions", preds]
    assert invoke(*base, "--out", tmp_path / "base", env=ENV).exit_code == 0
    baseline = tmp_path / "base" / "report.json"
    assert len(json.loads(baseline.read_text())["cases"]) == 2
    result = invoke(*base, "--out", tmp_path / "now", "--baseline", baseline, env=ENV)
    assert result.exit_code == 0 and "warning:" not in result.output
