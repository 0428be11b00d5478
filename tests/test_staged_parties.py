"""Who meets: the parties of a trigger sentence, read from the dependency parse."""

from __future__ import annotations

import pytest

from summarizer.staged import candidates
from summarizer.staged.candidates import analyze


def _parties(text: str) -> list[list[str]]:
    return [[p.text for p in s.parties] for s in analyze(text) if s.trigger]


@pytest.mark.parametrize(
    ("sentence", "parties"),
    [
        ("Tarnwick's mayor, Agnes Pryce, met Lars Vik of Halden Lithium on Tuesday.",
         ["Agnes Pryce", "Lars Vik"]),
        ("Greece has cancelled a meeting between Foreign Minister Nikos Adamantidis and the "
         "Turkish foreign minister.", ["Nikos Adamantidis", "Turkish foreign minister"]),
        ("Kazakhstan's Foreign Minister Yerlan Zhaksybekov spoke by phone on Sunday with "
         "China's foreign minister about congestion.",
         ["Yerlan Zhaksybekov", "China's foreign minister"]),
        ("Norwegian Fisheries Minister Ingrid Solheim-Berg and her Icelandic counterpart, "
         "Gunnar Hallvardsson, will now meet on Monday in Reykjavik.",
         ["Ingrid Solheim-Berg", "Gunnar Hallvardsson"]),
        ("Foreign Minister Claire Whitlow is due to hold talks with her Karsland counterpart, "
         "Anatoly Verin, on Thursday.", ["Anatoly Verin", "Claire Whitlow"]),
    ],
)  # fmt: skip
def test_parties_are_the_triggers_arguments(sentence: str, parties: list[str]) -> None:
    assert _parties(sentence) == [parties]


def test_the_two_refers_back_to_the_last_pair() -> None:
    text = (
        "Prime Minister Ana Lipovac and her counterpart, Johan Brekke, met on Monday in Ostvik. "
        "Gas prices rose again this week, traders in the capital said on Tuesday. "
        "The two leaders agreed to meet again on January 12 in Ledra."
    )
    assert _parties(text) == [["Ana Lipovac", "Johan Brekke"], ["Ana Lipovac", "Johan Brekke"]]


def test_an_organization_qualifying_a_person_is_no_party() -> None:
    text = "Halden Lithium chief Lars Vik met Mayor Agnes Pryce at the town hall on Tuesday."
    assert _parties(text) == [["Lars Vik", "Agnes Pryce"]]


def test_a_reporting_subject_is_no_party() -> None:
    text = "The defence ministry of Karsland confirmed the talks with General Dmitri Zhuravlev."
    assert "defence ministry" not in _parties(text)[0]


def test_without_a_parse_every_side_of_the_sentence_is_a_party(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(candidates, "nlp", lambda: None)
    assert _parties("Agnes Pryce met Lars Vik on Tuesday at the town hall.") == [
        ["Agnes Pryce", "Lars Vik"]
    ]
