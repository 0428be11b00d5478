"""The day's merge, one article at a time: meetings (`daily.merge`) and tensions
(`daily.tensions`) of the articles added so far.

Both merges are folds over the articles in source order (a report joins the first group it
fits), so `DayMerge` can take them one at a time and give the day's merge after any prefix;
`DayMerge.resume` goes on from a merge of the first articles of a day (the daily run merges a
day's recorded articles while its new ones are asked about). Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Iterator

from summarizer.daily.merge import Meetings, MergedMeeting, SourceRef
from summarizer.daily.tensions import MergedTension, add_tensions
from summarizer.schema import Briefing


class DayMerge:
    """`merge_meetings` and `merge_tensions` of the articles added so far, in the order added.

    `meetings()` and `tensions()` may be asked after any prefix; a meeting group no article
    joined since is not combined again.
    """

    def __init__(self) -> None:
        self.items: list[tuple[SourceRef, Briefing]] = []
        self._meetings = Meetings()
        self._tensions: list[MergedTension] = []

    def add(self, ref: SourceRef, briefing: Briefing) -> None:
        """One more article, after those added before."""
        self.items.append((ref, briefing))
        self._meetings.add(ref, briefing)
        add_tensions(self._tensions, ref, briefing)

    def meetings(self) -> list[MergedMeeting]:
        """`merge_meetings(self.items)`."""
        return list(self._meetings.result())

    def combining(self) -> Iterator[MergedMeeting]:
        """`meetings()` one at a time (each combined as it is reached)."""
        return self._meetings.result()

    def tensions(self) -> list[MergedTension]:
        """`merge_tensions(self.items)`."""
        return list(self._tensions)

    def resume(self, items: list[tuple[SourceRef, Briefing]]) -> DayMerge:
        """The merge of `items`: this one with the rest added when `items` starts with the
        items it holds (the same sources, the very same briefings), else a new one.
        """
        held = len(self.items)
        same = len(items) >= held and all(
            (ref is r or ref == r) and briefing is b
            for (ref, briefing), (r, b) in zip(items, self.items, strict=False)
        )
        merge = self if same else DayMerge()
        for ref, briefing in items[len(merge.items) :]:
            merge.add(ref, briefing)
        return merge
