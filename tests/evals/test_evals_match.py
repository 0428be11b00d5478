"""Participant, place and phrase matching."""

from __future__ import annotations

import pytest

from summarizer.evals.cases import GoldParticipant
from summarizer.evals.match import (
    DEFAULT_THRESHOLD,
    normalize,
    participant_score,
    parties_overlap,
    person,
    same_place,
    soft_match,
)


def _p(name: str | None, *aliases: str, **rest: str | None) -> GoldParticipant:
    fields = {"title": None, "organization": None, "country": None} | rest
    return GoldParticipant(name=name, aliases=list(aliases), **fields)


def _matches(gold: GoldParticipant, pred: GoldParticipant) -> bool:
    return participant_score(person(gold), person(pred)) >= DEFAULT_THRESHOLD


def test_normalize_drops_case_diacritics_and_punctuation() -> None:
    assert normalize("  José  MÚJICA-Cordano. ") == "jose mujica cordano"


@pytest.mark.parametrize(
    "predicted",
    [
        "Valery Gerasimov",
        "valéry gerasimov",
        "Valeriy Gerasimov",  # transliteration
        "Gerasimov",  # surname only
        "Gerasimow",  # surname-only misspelling
        "Gerasimov Valery",  # order
    ],
)
def test_name_variants_match(predicted: str) -> None:
    assert _matches(_p("Valery Gerasimov"), _p(predicted))


def test_alias_matches() -> None:
    assert _matches(_p("Muhammad al-Sudani", "Sudani"), _p("Al Soudani"))


@pytest.mark.parametrize("predicted", ["Valery Petrov", "Valery", "Ivan Gerasimenko-Orlov"])
def test_different_people_do_not_match(predicted: str) -> None:
    assert not _matches(_p("Valery Gerasimov"), _p(predicted))


def test_collective_body_matches_by_organization_or_title() -> None:
    body = _p(None, title="farm ministers", organization="European Union")
    assert _matches(body, _p(None, title="EU farm ministers", organization="European Union"))
    assert _matches(body, _p(None, organization="European Union"))
    assert not _matches(body, _p(None, title="creditor banks' steering committee"))


def test_title_only_person_respects_country() -> None:
    russian = _p(None, title="defence minister", country="Russia")
    assert _matches(russian, _p(None, title="Defence Minister", country="Russian Federation"))
    assert not _matches(russian, _p(None, title="defence minister", country="Ukraine"))


def test_places() -> None:
    assert same_place(None, None)
    assert not same_place("Bonn", None)
    assert not same_place(None, "Bonn")
    assert same_place("Düsseldorf", "Dusseldorf")
    assert same_place("US", "the United States")
    assert not same_place("Baku", "Ganja")


def test_soft_match_is_word_set_based() -> None:
    assert soft_match("Crimea sanctions", "sanctions over Crimea")
    assert soft_match("sanctions", "Crimea sanctions")
    assert not soft_match("trade tariffs", "military communication")


def test_parties_overlap_needs_one_common_party() -> None:
    assert parties_overlap(["Russia", "United States"], ["USA", "China"])
    assert not parties_overlap(["Russia"], ["China", "Japan"])


def test_a_side_given_as_its_state_matches_that_states_officials() -> None:
    """The article's "The U.S. has met with ..." and a labeler's "U.S. officials": one side."""
    officials = person(_p(None, title="officials", country="United States"))
    for written in ("U.S.", "Washington"):
        state = person(_p(None, organization=written, country="United States"))
        assert state.state and participant_score(officials, state) == 100.0
        assert participant_score(person(_p(None, title="officials", country="Iran")), state) == 0
    named = person(_p("Marco Rubio", organization="U.S.", country="United States"))
    assert not named.state  # a person is matched by name, never as a state
    assert participant_score(named, state) == 0  # no role that acts for the state
    minister = person(_p("Marco Rubio", title="Secretary of State", country="United States"))
    assert participant_score(minister, state) == DEFAULT_THRESHOLD  # its minister: just a match


@pytest.mark.parametrize(
    ("gold", "pred"),
    [
        (_p(None, title="rebels", country="Syria"),
         _p(None, organization="Syria", country="Syria")),
        (_p("Alexei Navalny", title="opposition leader", country="Russia"),
         _p(None, organization="Russia", country="Russia")),
        (_p(None, title="Iranian opposition", country="Iran"),
         _p(None, organization="Iran", country="Iran")),
    ],
)  # fmt: skip
def test_a_state_is_not_any_side_of_its_country(
    gold: GoldParticipant, pred: GoldParticipant
) -> None:
    """A state side is its government: not the rebels or the opposition of that country."""
    assert participant_score(person(gold), person(pred)) < DEFAULT_THRESHOLD
