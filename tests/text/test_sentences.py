"""`summarizer.text.sentences`: sentence splitting, as strings and as offsets."""

from __future__ import annotations

from summarizer.text.sentences import sentence_bounds, sentences


def test_sentences_split_on_terminal_punctuation_and_lines() -> None:
    assert sentences('He said "Yes." Then left.\nNew line') == [
        'He said "Yes."',
        "Then left.",
        "New line",
    ]


def test_split_sentences_keeps_abbreviations_and_splits_lines() -> None:
    text = "U.S. Gen. Marta Reyes met him. They talked.\nA new line"
    parts = [text[a:b] for a, b in sentence_bounds(text)]
    assert parts == ["U.S. Gen. Marta Reyes met him.", "They talked.", "A new line"]


def test_a_single_letter_before_a_sentence_opener_ends_the_sentence() -> None:
    text = "He wrote on the platform X. The talks in Charlevoix began. George W. Bush spoke."
    assert sentences(text) == [
        "He wrote on the platform X.",
        "The talks in Charlevoix began.",
        "George W. Bush spoke.",
    ]
