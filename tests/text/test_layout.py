"""The reading view: hard-wrapped text unwrapped, paragraphs kept, furniture dropped, offsets
into the text as given.
"""

from __future__ import annotations

from builders import hard_wrap
from hypothesis import given
from hypothesis import strategies as st

from summarizer.text.layout import is_furniture, read

PARAGRAPHS = (
    "BONN, Feb 15 (Wire) - The two foreign ministers will meet on Thursday on the sidelines "
    "of a ministerial meeting, officials said on Wednesday, in the first talks between them "
    "since the vice-ministers' round in Kaesong broke up without an agreement last month.\n"
    "The ministers are expected to discuss the ceasefire, the exchange of prisoners and the "
    "reopening of the border crossings that were closed in the spring, a spokesman said.\n"
    "Neither side would say how long the talks would last."
)
VIEW = PARAGRAPHS.replace("\n", "\n\n")  # the view: paragraphs apart by one blank line


def test_a_hard_wrapped_text_reads_as_its_paragraphs() -> None:
    wrapped = hard_wrap(PARAGRAPHS)
    assert max(len(line) for line in wrapped.splitlines()) <= 65
    assert read(wrapped).text == VIEW
    assert read(PARAGRAPHS).text == VIEW  # lines that are paragraphs stay paragraphs


def test_a_blank_line_also_starts_a_paragraph() -> None:
    assert read(VIEW).text == VIEW  # already the view: unchanged
    assert read(PARAGRAPHS.replace("\n", "\n\n\n")).text == VIEW
    blank_separated = "\n\n".join(hard_wrap(p, indent="").strip() for p in PARAGRAPHS.split("\n"))
    assert read(blank_separated).text == VIEW


def test_a_line_ending_in_a_hyphen_keeps_the_text_as_written() -> None:
    wrapped = (
        "Officials said on Monday that the two sides had agreed a cease-\n"
        "fire that held through the night in the capital and the north\n"
        "of the country, where fighting had gone on for three weeks and\n"
        "more than forty people were killed, the ministry said later.\n"
    )
    assert (
        "a cease- fire that held" in read(wrapped).text
    )  # "cease- fire" or "cease-fire": unknowable


def test_view_offsets_point_into_the_text_as_given() -> None:
    wrapped = hard_wrap(PARAGRAPHS)
    view = read(wrapped)
    for word in ("sidelines", "Kaesong", "prisoners", "last."):
        at = view.text.index(word)
        start, end = view.original(at, at + len(word))
        assert wrapped[start:end] == word
    at = view.text.index("the sidelines of a ministerial")
    start, end = view.original(at, at + len("the sidelines of a ministerial"))
    assert " ".join(wrapped[start:end].split()) == "the sidelines of a ministerial"


def test_headline_and_furniture_lines() -> None:
    page = (
        "You are here\n\nHome > World > Europe\n\nTop Generals To Meet Thursday\n\nAdvertisement\n"
        "The two generals will meet on Thursday, officials said.\nShare this article\nReuter\n"
    )
    assert read(page).text == (
        "Top Generals To Meet Thursday\n\nThe two generals will meet on Thursday, officials said."
    )
    for line in ("You are here", "Advertisement", "Share on Facebook", "(Reporting by A. Writer)"):
        assert is_furniture(line)
    for line in ("The talks are here to stay.", "Share prices fell on Monday.", "Top Generals"):
        assert not is_furniture(line)


@given(st.text(alphabet=st.sampled_from("ab .\n  -"), max_size=200))
def test_view_maps_every_character_back(text: str) -> None:
    view = read(text)
    assert len(view.index) == len(view.text)
    for i, char in enumerate(view.text):
        original = text[view.index[i]]
        assert original == char or (char in " \n" and original.isspace())
