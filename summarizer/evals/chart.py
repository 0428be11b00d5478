"""The HTML report's bar chart as geometry: F1 per metric, grouped by tag (`overall` first), each
bar's height proportional to its F1 (1.0 = the plot's full height). Pure; the template draws
the SVG. A metric with nothing to measure (None) gets no bar, only an `n/a` mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from summarizer.evals.metrics import Metrics

F1_METRICS = ("meetings.f1", "participants.f1", "tensions.f1")
PLOT = 120.0  # height of a bar at F1 = 1.0
BAR = 14.0
GAP = 14.0  # between tag groups
TOP, LEFT, BOTTOM = 12.0, 34.0, 64.0  # BOTTOM leaves room for the slanted tag labels


@dataclass(frozen=True)
class Bar:
    """One metric of one tag; `series` picks its colour (the metric's place in the legend)."""

    tag: str
    metric: str
    series: int
    value: float | None
    x: float
    y: float
    height: float

    @property
    def title(self) -> str:
        """The tooltip and accessible label."""
        shown = "n/a" if self.value is None else f"{self.value:.3f}"
        return f"{self.metric} [{self.tag}]: {shown}"


@dataclass(frozen=True)
class Group:
    """A tag's label, centred under its bars."""

    tag: str
    x: float


@dataclass(frozen=True)
class Chart:
    """Everything the template needs to draw the chart."""

    width: float
    height: float
    baseline: float
    bars: list[Bar]
    groups: list[Group]
    metrics: Sequence[str]
    left: float = LEFT
    bar_width: float = BAR

    def ticks(self) -> list[tuple[str, float]]:
        """The y axis: labels 0, 0.5 and 1 with their y."""
        return [(f"{v:g}", self.baseline - v * PLOT) for v in (0.0, 0.5, 1.0)]


def _bar(tag: str, k: int, metric: str, value: float | None, x: float) -> Bar:
    height = 0.0 if value is None else round(max(0.0, min(1.0, value)) * PLOT, 2)
    return Bar(tag, metric, k, value, x, TOP + PLOT - height, height)


def f1_chart(tags: Mapping[str, Metrics], metrics: Sequence[str] = F1_METRICS) -> Chart:
    """A group of bars per tag (`tags` maps a tag, e.g. `overall`, to its micro metrics)."""
    span = BAR * len(metrics)
    bars, groups = [], []
    for i, (tag, values) in enumerate(tags.items()):
        left = LEFT + GAP + i * (span + GAP)
        groups.append(Group(tag, left + span / 2))
        for k, metric in enumerate(metrics):
            bars.append(_bar(tag, k, metric, values.get(metric), left + k * BAR))
    width = LEFT + GAP + len(groups) * (span + GAP)
    return Chart(width, TOP + PLOT + BOTTOM, TOP + PLOT, bars, groups, metrics)
