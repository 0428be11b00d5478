"""`summarizer.strategies.chunks`: a long text as overlapping chunks of whole paragraphs
(sentences for a paragraph longer than the budget), as spans of the text.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.strategies.chunks import estimate_tokens, paragraphs, split, units

P1 = "Alpha met Beta in Oslo on Monday."
P2 = "The two discussed fishing quotas. They will meet again."
P3 = "Gamma and Delta spoke by phone."
P4 = "No statement was issued."
TEXT = "\n\n".join([P1, P2, P3, P4])


def _texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_a_text_within_the_limit_is_one_chunk_the_whole_of_it() -> None:
    assert split(TEXT, len(TEXT)) == [(0, len(TEXT))]
    assert split("  padded \n", 100) == [(0, 10)]


def test_chunks_are_whole_paragraphs_and_share_one_with_the_next() -> None:
    limit = len(P1) + len(P2) + 2
    assert _texts(TEXT, split(TEXT, limit)) == [
        f"{P1}\n\n{P2}",
        f"{P2}\n\n{P3}",
        f"{P3}\n\n{P4}",
    ]


def test_no_overlap_when_asked_for_none() -> None:
    limit = len(P1) + len(P2) + 2
    assert _texts(TEXT, split(TEXT, limit, overlap=0)) == [f"{P1}\n\n{P2}", f"{P3}\n\n{P4}"]


def test_the_overlap_shrinks_where_it_and_the_next_paragraph_would_not_fit() -> None:
    long = "Epsilon " * 10 + "spoke."
    text = f"{P1}\n\n{P3}\n\n{long}"
    spans = split(text, len(long) + 2)
    assert _texts(text, spans) == [f"{P1}\n\n{P3}", long]


def test_line_breaks_are_paragraph_boundaries_in_a_text_without_blank_lines() -> None:
    text = f"{P1}\n{P2}\n{P3}"
    assert _texts(text, paragraphs(text)) == [P1, P2, P3]
    assert _texts(TEXT, paragraphs(TEXT)) == [P1, P2, P3, P4]  # blank lines win


def test_a_paragraph_longer_than_the_limit_is_split_at_sentences() -> None:
    text = f"{P1} {P2} {P3} {P4}"  # one paragraph, no line break
    assert _texts(text, units(text, 40)) == [
        P1,
        "The two discussed fishing quotas.",
        "They will meet again.",
        P3,
        P4,
    ]
    chunks = _texts(text, split(text, 60))
    assert chunks[0] == P1 and all(c[0].isupper() for c in chunks)


def test_a_sentence_longer_than_the_limit_is_a_chunk_of_its_own() -> None:
    giant = "Zeta " * 30 + "met Eta."
    text = f"{P1}\n\n{giant}\n\n{P4}"
    assert _texts(text, split(text, 60)) == [P1, giant, P4]


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        split(TEXT, 0)
    with pytest.raises(ValueError, match="overlap"):
        split(TEXT, 10, overlap=-1)


def test_tokens_are_estimated_at_four_characters_rounded_up() -> None:
    assert [estimate_tokens(t) for t in ("", "abcd", "abcde")] == [0, 1, 2]


# --- properties -----------------------------------------------------------------------------

WORDS = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
SENTENCES = st.lists(WORDS, min_size=1, max_size=10).map(lambda w: " ".join(w).capitalize() + ".")
PARAGRAPHS = st.lists(SENTENCES, min_size=1, max_size=5).map(" ".join)
ARTICLES = st.lists(PARAGRAPHS, min_size=1, max_size=14).map("\n\n".join)


@given(ARTICLES, st.integers(20, 400), st.integers(0, 2))
def test_chunks_cover_the_text_in_order(text: str, limit: int, overlap: int) -> None:
    spans = split(text, limit, overlap)
    covered = {i for a, b in spans for i in range(a, b)}
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())
    assert all(a < c and b < d for (a, b), (c, d) in zip(spans, spans[1:], strict=False))


@given(ARTICLES, st.integers(20, 400), st.integers(0, 2))
def test_each_chunk_starts_at_a_boundary_and_fits_unless_one_sentence_is_longer(
    text: str, limit: int, overlap: int
) -> None:
    parts = units(text, limit)
    starts = {a for a, _ in parts}
    spans = split(text, limit, overlap)
    if spans == [(0, len(text))]:
        return
    for a, b in spans:
        assert a in starts
        assert b - a <= limit or (a, b) in parts
    if all(b - a <= limit for a, b in paragraphs(text)):  # no sentence fallback
        assert all(a == 0 or text[a - 2 : a] == "\n\n" for a, _ in spans)


@given(st.data(), st.integers(0, 2))
def test_consecutive_chunks_share_the_configured_number_of_paragraphs(
    data: st.DataObject, overlap: int
) -> None:
    short = st.lists(WORDS, min_size=1, max_size=4).map(lambda w: " ".join(w) + ".")
    text = data.draw(st.lists(short, min_size=1, max_size=20).map("\n\n".join))
    longest = max(len(p) for p in text.split("\n\n"))
    limit = data.draw(st.integers((overlap + 2) * (longest + 2), 300))
    spans = split(text, limit, overlap)
    parts = paragraphs(text)
    for (a, b), (c, _) in zip(spans, spans[1:], strict=False):
        shared = [p for p in parts if a <= p[0] and p[1] <= b and p[0] >= c]
        assert len(shared) == overlap
