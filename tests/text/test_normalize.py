"""`summarizer.text.normalize`: quotes are found in the article up to typography, with offsets
into the original text.
"""

from __future__ import annotations

import pytest
from builders import MARR_ARTICLE as ARTICLE
from hypothesis import given
from hypothesis import strategies as st

from summarizer.text.normalize import find_quote, normalize


def test_normalize_maps_each_char_to_its_original_index() -> None:
    text, index = normalize("a  \u201cb\u201d \u2014 c")
    assert text == 'a "b" - c'
    assert len(index) == len(text)
    assert [index[i] for i in (0, 1, 2, 3, 6, 8)] == [0, 1, 3, 4, 7, 9]


def test_normalize_composes_nfc_and_keeps_case() -> None:
    text, index = normalize("Erdog\u0306an SAID")
    assert text == "Erdo\u011fan SAID"
    assert index[5] == 6


@pytest.mark.parametrize(
    "quote",
    [
        '"We agreed to keep talking," Marr said',  # straight quotes, single spaces
        "We agreed to keep talking",
        "We agreed to keep talking.",  # model added a period
        "Marr said - adding that the border dispute remained open",  # hyphen for en dash
        "adding that the border dispute remained open",  # model dropped the period
        "  Farm ministers of the EU will meet in Libya next week.  ",
        "\u201cWe agreed to keep talking,\u201d",
        "the\nborder dispute",
    ],
)
def test_find_quote_tolerates_normalized_differences(quote: str) -> None:
    assert find_quote(ARTICLE, quote) is not None


@pytest.mark.parametrize(
    "quote",
    [
        "We agreed to stop talking",  # one word changed
        "we agreed to keep talking",  # case is not normalized
        "We agreed ... talking",  # no ellipses
        " agreed to keep talkin",  # cuts a word
        "",
        '  ""  ',
    ],
)
def test_find_quote_rejects(quote: str) -> None:
    assert find_quote(ARTICLE, quote) is None


def test_offsets_slice_the_original_text() -> None:
    start, end = find_quote(ARTICLE, '"We agreed to keep talking," Marr said') or (0, 0)
    assert ARTICLE[start:end] == "We agreed  to keep talking,\u201d Marr said"
    start, end = find_quote(ARTICLE, "Erdogan met Valdonian") or (0, 0)
    assert (start, end) == (0, 0)  # diacritics count for quotes
    start, end = find_quote(ARTICLE, "Erdo\u011fan met Valdonian") or (0, 0)
    assert ARTICLE[start:end] == "Erdo\u011fan met  Valdonian"


def test_offsets_with_trailing_period_tolerance() -> None:
    span = find_quote(ARTICLE, "the border dispute remained open,")
    assert span is not None
    assert ARTICLE[span[0] : span[1]] == "the\nborder dispute remained open"


def test_find_quote_skips_occurrences_inside_words() -> None:
    assert find_quote("Libyan talks. Li talks.", "Li talks") == (14, 22)


WORDS = ["talks", "Erdo\u011fan", "“border”", "ministers", "—", "said,", "don’t", "EU", "Li"]
SPACES = [" ", "  ", "\n", " \t"]


@given(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SPACES)), min_size=1, max_size=30),
    st.data(),
)
def test_any_substring_of_words_is_found(pairs: list[tuple[str, str]], data: st.DataObject) -> None:
    article = "".join(word + space for word, space in pairs)
    i = data.draw(st.integers(0, len(pairs) - 1))
    j = data.draw(st.integers(i + 1, len(pairs)))
    quote = " ".join(word for word, _ in pairs[i:j])
    span = find_quote(article, quote)
    assert span is not None
    found = normalize(article[span[0] : span[1]])[0]
    wanted = normalize(quote)[0].strip("\"' ")
    assert found in (wanted, wanted.rstrip(".,;:").rstrip("\"' "))


MIXED = list("ab .-'`\"\t\n\xa0\u2009éø“”—−\u0301Å\u212b\u1100\u1161")


@given(st.text(alphabet=st.sampled_from(MIXED)))
def test_normalize_fast_path_equals_character_by_character(text: str) -> None:
    # a trailing invisible character forces the per-character path and adds nothing
    assert normalize(text) == normalize(text + "\u200b")
