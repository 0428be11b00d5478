"""Suite files: strict, paths relative to the file, metric names checked."""

from __future__ import annotations

from typing import Any

import pytest

from summarizer.errors import ConfigError
from summarizer.evals.suite import load_suite


def test_loads_and_resolves_relative_paths(tmp_path: Any) -> None:
    path = tmp_path / "suite.yaml"
    path.write_text(
        "name: gold\ncases: cases\nbackend: fake\nprompt: briefing-v1\n"
        "thresholds: {meetings.f1: 0.6}\ntolerances: {date.exact: 0.05}\nmatch_threshold: 90\n"
    )
    suite = load_suite(path)
    assert suite.cases == str(tmp_path / "cases")
    assert suite.backend == "fake"
    assert suite.tolerance("date.exact") == 0.05
    assert suite.tolerance("meetings.f1") == 0.02
    assert suite.scoring().match_threshold == 90


def test_unknown_metric_and_field_name_the_file(tmp_path: Any) -> None:
    path = tmp_path / "suite.yaml"
    path.write_text("cases: c\nthresholds: {meetings.f2: 0.6}\nbackned: fake\n")
    with pytest.raises(ConfigError) as info:
        load_suite(path)
    assert f"{path}: thresholds: unknown metric meetings.f2" in info.value.message
    assert f"{path}: backned: unknown field" in info.value.message


def test_malformed_suite_yaml(tmp_path: Any) -> None:
    path = tmp_path / "suite.yaml"
    path.write_text("cases: [c\n")
    with pytest.raises(ConfigError, match=r"suite\.yaml:\d+: malformed YAML"):
        load_suite(path)


def test_only_selects_named_cases_and_rejects_unknown_ids() -> None:
    from summarizer.evals.cases import parse_case
    from summarizer.evals.suite import Suite

    def case(case_id: str) -> Any:
        return parse_case(
            {
                "id": case_id,
                "source": "original",
                "article": {"title": "t", "text": "x"},
                "expected": {"meetings": [], "tensions": [], "optional_meetings": []},
                "notes": "",
            },
            f"{case_id}.yaml",
        )

    cases = [case("01-a"), case("02-b"), case("03-c")]
    assert [c.id for c in Suite(only=["03-c", "01-a"]).select(cases)] == ["01-a", "03-c"]
    assert Suite().select(cases) == cases
    with pytest.raises(ConfigError, match="unknown case id"):
        Suite(only=["09-z"]).select(cases)
