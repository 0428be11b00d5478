"""Per-tag metrics: every metric, micro and macro, over the cases that carry each tag.

Every case has at least its kind (`real` or `composed`, set by the loader from its folder), so
the kinds partition the suite and each is scored apart; content tags (`negative`, `call`,
`multi-meeting`, ...) overlap. Pure: (case results) -> numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summarizer.evals.metrics import CaseScore, Metrics, macro, micro

if TYPE_CHECKING:
    from summarizer.evals.runner import CaseResult

KINDS = ("real", "composed")  # listed first, in this order; other tags follow alphabetically


@dataclass(frozen=True)
class TagMetrics:
    """One tag's share of a run."""

    cases: int
    metrics: Metrics
    metrics_macro: Metrics

    def as_dict(self) -> dict[str, Any]:
        """The report.json entry."""
        return {"cases": self.cases, "metrics": self.metrics, "metrics_macro": self.metrics_macro}


def tag_order(tags: Iterable[str]) -> list[str]:
    """The kinds first, then the other tags alphabetically."""
    found = set(tags)
    return [k for k in KINDS if k in found] + sorted(found - set(KINDS))


def scores_by_tag(tagged: Iterable[tuple[Sequence[str], CaseScore]]) -> dict[str, list[CaseScore]]:
    """Each tag's case scores, tags in `tag_order`."""
    groups: dict[str, list[CaseScore]] = {}
    for tags, score in tagged:
        for tag in tags:
            groups.setdefault(tag, []).append(score)
    return {tag: groups[tag] for tag in tag_order(groups)}


def by_tag(results: Iterable[CaseResult]) -> dict[str, TagMetrics]:
    """Micro and macro metrics per tag over a run's results."""
    groups = scores_by_tag((r.case.tags, r.score) for r in results)
    return {t: TagMetrics(len(s), micro(s), macro(s)) for t, s in groups.items()}
