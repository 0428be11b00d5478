"""The gold-case loader accepts exactly the documented shape and names file:field otherwise."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from summarizer.errors import CaseError
from summarizer.evals.cases import case_paths, load_case, load_cases

DOC_EXAMPLE = """\
id: 07-bonn-sidelines
source: "original"
article:
  title: "Generals to meet"
  published: "2017-02-15"
  text: |
    General Dunford will meet Gerasimov on Thursday.
expected:
  meetings:
    - participants:
        - {name: "Joseph Dunford", aliases: ["Dunford", "Dunfort"], title: "Chairman", organization: "US military", country: "United States"}
        - {name: null, aliases: [], title: "farm ministers", organization: "European Union", country: null}
      location: {city: null, country: "Azerbaijan", venue: null}
      date: "2017-02-16"
      date_text: "Thursday"
      status: scheduled
      agenda: ["state of US-Russian military relations"]
  tensions:
    - parties: ["Russia", "United States"]
      issue: "Crimea sanctions"
  optional_meetings: []
notes: "labeling judgement calls"
"""  # noqa: E501


def test_loads_the_documented_example(tmp_path: Any) -> None:
    path = tmp_path / "07-bonn-sidelines.yaml"
    path.write_text(DOC_EXAMPLE)
    case = load_case(path)
    assert case.article.published == dt.date(2017, 2, 15)
    meeting = case.expected.meetings[0]
    assert meeting.date == dt.date(2017, 2, 16)
    assert meeting.participants[0].aliases == ["Dunford", "Dunfort"]
    assert meeting.participants[1].name is None
    assert case.expected.tensions[0].issue == "Crimea sanctions"


def test_published_may_be_absent(tmp_path: Any, gold: Any) -> None:
    data = gold.standard()
    del data["article"]["published"]
    assert load_case(gold.write(tmp_path, data)).article.published is None


def _error(tmp_path: Any, gold: Any, data: dict[str, Any]) -> str:
    path = gold.write(tmp_path, data)
    with pytest.raises(CaseError) as info:
        load_case(path)
    return info.value.message


def test_unknown_field_names_file_and_field(tmp_path: Any, gold: Any) -> None:
    data = gold.standard()
    person = data["expected"]["meetings"][0]["participants"][1]
    person["nmae"] = person.pop("name")
    message = _error(tmp_path, gold, data)
    where = f"{tmp_path / '01-standard.yaml'}: expected.meetings[0].participants[1]"
    assert f"{where}.nmae: unknown field" in message
    assert f"{where}.name: missing field" in message


def test_missing_field(tmp_path: Any, gold: Any) -> None:
    data = gold.standard()
    del data["expected"]["meetings"][1]["location"]["venue"]
    message = _error(tmp_path, gold, data)
    assert message.endswith("01-standard.yaml: expected.meetings[1].location.venue: missing field")


def test_bad_status(tmp_path: Any, gold: Any) -> None:
    data = gold.standard()
    data["expected"]["meetings"][0]["status"] = "happening"
    message = _error(tmp_path, gold, data)
    assert "01-standard.yaml: expected.meetings[0].status: Input should be 'scheduled'" in message


def test_bad_date(tmp_path: Any, gold: Any) -> None:
    data = gold.standard()
    data["expected"]["meetings"][0]["date"] = "2017-02-30"
    assert "01-standard.yaml: expected.meetings[0].date: " in _error(tmp_path, gold, data)


def test_participant_without_any_identity(tmp_path: Any, gold: Any) -> None:
    data = gold.standard()
    data["expected"]["meetings"][0]["participants"][0] = gold.person(None)
    message = _error(tmp_path, gold, data)
    assert "expected.meetings[0].participants[0]: a participant needs a name" in message


def test_malformed_yaml_names_file_and_line(tmp_path: Any) -> None:
    path = tmp_path / "02-broken.yaml"
    path.write_text("id: 02-broken\nsource: original\narticle: [unclosed\n  text: x\n")
    with pytest.raises(CaseError, match=r"02-broken\.yaml:\d+: malformed YAML"):
        load_case(path)


def test_top_level_not_a_mapping(tmp_path: Any) -> None:
    path = tmp_path / "03-list.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(CaseError, match="03-list.yaml: expected a mapping"):
        load_case(path)


def test_id_must_match_file_name(tmp_path: Any, gold: Any) -> None:
    path = gold.write(tmp_path, gold.standard(), name="09-other")
    with pytest.raises(CaseError, match=r"09-other\.yaml: id: '01-standard' does not match"):
        load_case(path)


def test_loads_a_directory_sorted_and_a_glob(tmp_path: Any, gold: Any) -> None:
    gold.write(tmp_path, gold.case("02-b"))
    gold.write(tmp_path, gold.case("01-a"))
    (tmp_path / "README.md").write_text("not a case")
    assert [c.id for c in load_cases(tmp_path)] == ["01-a", "02-b"]
    assert [c.id for c in load_cases(tmp_path / "02-*.yaml")] == ["02-b"]
    assert case_paths(tmp_path / "01-a.yaml") == [tmp_path / "01-a.yaml"]


def test_no_cases_found(tmp_path: Any) -> None:
    with pytest.raises(CaseError, match="no case files found"):
        load_cases(tmp_path)
