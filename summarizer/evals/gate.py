"""The CI gate: which metrics regressed against a baseline report or broke a suite threshold.

A metric regresses when it falls more than its tolerance below the baseline, or below the
suite's threshold. For `no_meeting.false_positive_rate` lower is better, so the comparisons flip
(rising more than the tolerance above the baseline, or above the threshold, regresses).
A metric the baseline measured but this run could not (value None) regresses too.
`check_tags` applies the same rules per case tag: each tag's metrics against the same tag in
the baseline, and against the suite's `tag_thresholds` for that tag. A tag the baseline has
but the run lacks (its cases were dropped) is reported, as is a threshold for an absent tag.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from summarizer.evals.metrics import LOWER_IS_BETTER, METRIC_NAMES

Value = float | None


@dataclass(frozen=True)
class Regression:
    """One failed check, with everything needed to print what regressed."""

    metric: str
    now: Value
    baseline: Value = None
    tolerance: Value = None
    threshold: Value = None
    tag: str | None = None

    def describe(self) -> str:
        """One line: [tag] metric, baseline/threshold, now, tolerance."""
        where = f"[{self.tag}] " if self.tag else ""
        now = "n/a" if self.now is None else f"{self.now:.4f}"
        if self.threshold is not None:
            return f"{where}{self.metric}: now {now}, threshold {self.threshold:.4f}"
        if self.baseline is None:
            return f"{where}{self.metric}: no cases with this tag in this run"
        return (
            f"{where}{self.metric}: baseline {self.baseline:.4f}, now {now}, "
            f"tolerance {self.tolerance:.4f}"
        )


def worse(metric: str, now: float, reference: float, slack: float = 0.0) -> bool:
    """Whether `now` is worse than `reference` by more than `slack`."""
    if metric in LOWER_IS_BETTER:
        return now > reference + slack + 1e-12
    return now < reference - slack - 1e-12


def check(
    metrics: Mapping[str, Value],
    baseline: Mapping[str, Value] | None = None,
    thresholds: Mapping[str, float] | None = None,
    tolerance: Callable[[str], float] = lambda _: 0.02,
) -> list[Regression]:
    """Every regression of `metrics` against `baseline` and `thresholds`."""
    found: list[Regression] = []
    for name in METRIC_NAMES:
        now = metrics.get(name)
        limit = (thresholds or {}).get(name)
        if limit is not None and (now is None or worse(name, now, limit)):
            found.append(Regression(name, now, threshold=limit))
        base = (baseline or {}).get(name)
        tol = tolerance(name)
        if base is not None and (now is None or worse(name, now, base, tol)):
            found.append(Regression(name, now, baseline=base, tolerance=tol))
    return found


def check_tags(
    tags: Mapping[str, Mapping[str, Any]],
    baseline: Mapping[str, Mapping[str, Any]] | None = None,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    tolerance: Callable[[str], float] = lambda _: 0.02,
) -> list[Regression]:
    """Regressions per tag; `tags` and `baseline` map a tag to its report entry."""
    found: list[Regression] = []
    base, limits = baseline or {}, thresholds or {}
    for tag in [*tags, *(t for t in [*base, *limits] if t not in tags)]:
        if tag not in tags:
            found.append(Regression("cases", None, tag=tag))
            continue
        ref = base.get(tag, {}).get("metrics")
        for r in check(tags[tag]["metrics"], ref, limits.get(tag), tolerance):
            found.append(replace(r, tag=tag))
    return found
