"""Stage 2 of the staged strategy: ±1 sentence windows, merged when they overlap."""

from __future__ import annotations

from summarizer.strategies.staged.spans import Sentence
from summarizer.strategies.staged.windows import build_windows


def _sentences(triggers: str) -> list[Sentence]:
    """One sentence per character: 'm' has a trigger, '.' has none."""
    return [
        Sentence(start=10 * i, end=10 * i + 9, text=f"s{i}", trigger="meet" if c == "m" else None)
        for i, c in enumerate(triggers)
    ]


def _ranges(triggers: str, **kw: int) -> list[tuple[str, ...]]:
    return [tuple(s.text for s in w.sentences) for w in build_windows(_sentences(triggers), **kw)]


def test_one_window_per_trigger_with_one_sentence_either_side() -> None:
    assert _ranges("..m.....m..") == [("s1", "s2", "s3"), ("s7", "s8", "s9")]


def test_window_clipped_at_article_edges() -> None:
    assert _ranges("m...m") == [("s0", "s1"), ("s3", "s4")]


def test_overlapping_windows_merge() -> None:
    assert _ranges(".m.m...") == [("s0", "s1", "s2", "s3", "s4")]


def test_adjacent_but_not_overlapping_windows_stay_apart() -> None:
    assert _ranges(".m..m.") == [("s0", "s1", "s2"), ("s3", "s4", "s5")]


def test_merge_is_capped() -> None:
    windows = _ranges(".mmmmmm.", max_sentences=4)
    assert all(len(w) <= 4 for w in windows)
    assert {s for w in windows for s in w} == {f"s{i}" for i in range(8)}


def test_no_trigger_no_window() -> None:
    assert build_windows(_sentences("....")) == []


def test_window_text_and_triggers() -> None:
    article = "A met B.  C said.\nD met E."
    sentences = [
        Sentence(0, 8, "A met B.", "meet"),
        Sentence(10, 17, "C said."),
        Sentence(18, 26, "D met E.", "meet"),
    ]
    [window] = build_windows(sentences)
    assert window.text(article) == article
    assert [s.text for s in window.triggers] == ["A met B.", "D met E."]
