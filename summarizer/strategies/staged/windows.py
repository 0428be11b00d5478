"""Stage 2: windows of ±`RADIUS` sentences around each trigger sentence, merged when they
overlap (one model call per window), capped at `MAX_SENTENCES` so one call stays small.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarizer.strategies.staged.spans import Sentence

RADIUS = 1
MAX_SENTENCES = 6


@dataclass(frozen=True)
class Window:
    """Consecutive sentences of the article; `triggers` are the ones with a meeting trigger."""

    sentences: tuple[Sentence, ...]

    @property
    def start(self) -> int:
        """Offset of the window's first character in the article."""
        return self.sentences[0].start

    @property
    def end(self) -> int:
        """Offset just past the window's last character."""
        return self.sentences[-1].end

    @property
    def triggers(self) -> tuple[Sentence, ...]:
        """The window's sentences that hold a meeting trigger."""
        return tuple(s for s in self.sentences if s.trigger)

    def text(self, article: str) -> str:
        """The window as it stands in the article (line breaks kept)."""
        return article[self.start : self.end]


def build_windows(
    sentences: list[Sentence], radius: int = RADIUS, max_sentences: int = MAX_SENTENCES
) -> list[Window]:
    """One window per trigger sentence (±`radius`), overlapping ones merged, in article order.

    A merge that would exceed `max_sentences` starts a new window instead (the two may then
    share a sentence).
    """
    ranges: list[tuple[int, int]] = []
    for i, sentence in enumerate(sentences):
        if not sentence.trigger:
            continue
        lo, hi = max(0, i - radius), min(len(sentences) - 1, i + radius)
        if ranges and lo <= ranges[-1][1] and hi - ranges[-1][0] < max_sentences:
            ranges[-1] = (ranges[-1][0], hi)
        else:
            ranges.append((lo, hi))
    return [Window(tuple(sentences[lo : hi + 1])) for lo, hi in ranges]
