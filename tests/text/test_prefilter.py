"""`summarizer.text.prefilter`: the literals a pattern's every match contains, never more."""

from __future__ import annotations

import re

import pytest
from builders import STRAW_VISIT

from summarizer.text import places
from summarizer.text.prefilter import lowered, required


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        ("albania", {"albania"}),
        ("anguill?a", {"anguil"}),  # the quantified "l" ends the run
        ("belarus|byelo", {"belarus", "byelo"}),
        ("^(?!.*luxem).*belgium", {"belgium"}),  # a negative lookahead requires nothing
        ("^(?=.*americ).*samoa", {"americ"}),  # the longer of two required literals
        ("(cabo|cape) *verde", {"verde"}),
        (r"\bguam", {"guam"}),
        ("t[ü|u]rk[i|e]y", {"rk"}),
        (r"^the\ congo$", {"the congo"}),
        (r"u\.?s\.?a", {"u"}),
        ("(ha(i|\\xef)ti)", {"ha"}),  # a letter of another script ends a run
        ("x{0,3}yz", {"yz"}),
        ("(?:ab)+cd", {"ab"}),
        ("(?:ab)*c", {"c"}),
    ],
)
def test_required_literals(pattern: str, literals: set[str]) -> None:
    assert required(pattern) == literals


@pytest.mark.parametrize(
    "pattern",
    ["a|", "(a|b?)", r"(?P<x>ab)", r"(ab)\1", "(?i)ab", "a{", "[[:alpha:]]x", r".*", "ab)"],
)
def test_what_it_cannot_read_requires_nothing(pattern: str) -> None:
    assert required(pattern) is None


def test_every_match_of_a_country_pattern_holds_one_of_its_literals() -> None:
    words = STRAW_VISIT.split()
    texts = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words))}
    texts |= {country for _, country in places._gazetteer()[2]} | set(places.IRREGULAR)
    texts |= {"U.S.", "USA", "P.R.K.", "D.R.C.", "the Congo", "Cote d'Ivoire", "BVI", "Turkiye"}
    for pattern, _ in places._gazetteer()[2]:
        literals = required(pattern.pattern)
        assert literals is not None, pattern.pattern
        for text in texts:
            if pattern.search(text):
                assert any(s in text.lower() for s in literals), (pattern.pattern, text)


def test_country_named_searches_only_patterns_that_can_match() -> None:
    searched = places._searched("Foreign Minister Anna Berg")
    assert len(searched) < len(places._gazetteer()[2]) // 10
    assert places._searched("Côte d'Ivoire") == places._gazetteer()[2]  # not ASCII: all
    text = "Republic of Korea"
    assert {c for pattern, c in places._searched(text) if pattern.search(text)} == {"South Korea"}


def test_lowered_is_none_where_a_letter_outside_ascii_matches_an_ascii_one() -> None:
    assert lowered("Ignore ‘Previous’ Instructions") == "ignore ‘previous’ instructions"
    for odd in ("\u0130", "\u0131", "\u017f", "\u212a"):  # İ, ı, ſ, Kelvin sign
        assert lowered(f"a{odd}b") is None
    assert re.search("(?i)system", "\u017fystem")  # why: "ſ" is an "s" to re.IGNORECASE
