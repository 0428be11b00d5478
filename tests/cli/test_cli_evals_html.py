"""`summarizer eval --out DIR` writes report.html; `eval compare A B --html FILE` writes the
comparison page. Run in-process on a tiny suite with the fake backend, recorded and replayed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builders import invoke
from click.testing import Result

ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


def _eval(*args: object) -> Result:
    return invoke("eval", *args, env=ENV)


def _cases(tmp_path: Path, gold: Any) -> Path:
    cases = tmp_path / "cases"
    gold.write(cases, gold.standard())
    gold.write(cases, gold.case("02-none"))
    return cases


def test_eval_writes_report_html(tmp_path: Path, gold: Any) -> None:
    cases, rec = _cases(tmp_path, gold), tmp_path / "rec"
    first = _eval("--cases", cases, "--backend", "fake", "--record", rec, "--out", tmp_path / "1")
    assert first.exit_code == 0, first.output
    again = _eval("--cases", cases, "--replay", rec, "--out", tmp_path / "2")
    assert again.exit_code == 0, again.output
    page = (tmp_path / "2" / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert 'id="case-01-standard"' in page and 'id="case-02-none"' in page
    assert "<svg" in page and 'class="hl gold' in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page


def test_compare_html_from_run_folders(tmp_path: Path, gold: Any) -> None:
    cases, preds = _cases(tmp_path, gold), tmp_path / "preds"
    preds.mkdir()
    expected = gold.standard()["expected"]
    (preds / "01-standard.json").write_text(json.dumps(expected, default=str))
    (preds / "02-none.json").write_text('{"meetings": [], "tensions": []}')
    assert _eval("--cases", cases, "--predictions", preds, "--out", tmp_path / "a").exit_code == 0
    del expected["meetings"][1]
    (preds / "01-standard.json").write_text(json.dumps(expected, default=str))
    _eval("--cases", cases, "--predictions", preds, "--out", tmp_path / "b")
    out = tmp_path / "cmp.html"
    result = _eval("compare", tmp_path / "a", tmp_path / "b" / "report.json", "--html", out)
    assert result.exit_code == 0, result.output
    assert "meetings.recall" in result.output and f"comparison written to {out}" in result.output
    page = out.read_text(encoding="utf-8")
    assert 'data-metric="meetings.recall" data-verdict="regressed"' in page
    assert 'id="case-01-standard" data-case="01-standard" data-verdict="regressed"' in page
    stdout = _eval("compare", tmp_path / "a", tmp_path / "b", "--html", "-")
    assert stdout.exit_code == 0 and stdout.stdout.startswith("<!DOCTYPE html>")


def test_compare_html_needs_a_report(tmp_path: Path) -> None:
    result = _eval("compare", tmp_path, tmp_path, "--html", tmp_path / "x.html")
    assert result.exit_code == 2
    assert "cannot read report" in result.output
    assert not (tmp_path / "x.html").exists()
