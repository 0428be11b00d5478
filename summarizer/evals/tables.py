"""Rich renderables for eval results. Pure: they build tables, the CLI prints them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from summarizer.evals.gate import Regression, Value, worse
from summarizer.evals.metrics import METRIC_NAMES
from summarizer.evals.report import fmt
from summarizer.evals.runner import CaseResult


def _delta(name: str, now: Value, ref: Value) -> Text:
    if now is None or ref is None:
        return Text("—")
    diff = now - ref
    style = "red" if worse(name, now, ref) else ("green" if diff else "")
    return Text(f"{diff:+.3f}", style=style)


def _status(name: str, now: Value, failed: set[str]) -> Text:
    if name in failed:
        return Text("FAIL", style="bold red")
    return Text("—" if now is None else "ok", style="green" if now is not None else "dim")


def metrics_table(
    metrics: Mapping[str, Value],
    baseline: Mapping[str, Value] | None = None,
    thresholds: Mapping[str, float] | None = None,
    regressions: Sequence[Regression] = (),
) -> Table:
    """Metric, value, baseline, delta, threshold, status; one section per field."""
    table = Table(title="Eval metrics", title_justify="left")
    for column in ("metric", "value", "baseline", "delta", "threshold", "status"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    failed = {r.metric for r in regressions}
    group = None
    for name in METRIC_NAMES:
        if group is not None and name.split(".")[0] != group:
            table.add_section()
        group = name.split(".")[0]
        now, ref = metrics.get(name), (baseline or {}).get(name)
        limit = (thresholds or {}).get(name)
        table.add_row(
            name,
            fmt(now),
            fmt(ref),
            _delta(name, now, ref),
            fmt(limit),
            _status(name, now, failed),
        )
    return table


def misses_table(results: Iterable[CaseResult]) -> Table | None:
    """Per-case misses (`-` gold only, `+` predicted only, `~` wrong field, `!` error)."""
    table = Table(title="Misses per case", title_justify="left", show_lines=True)
    table.add_column("case", no_wrap=True)
    table.add_column("misses")
    for r in results:
        if r.score.misses:
            table.add_row(r.case.id, Text("\n".join(r.score.misses)))
    return table if table.row_count else None


def compare_table(a: Mapping[str, Any], b: Mapping[str, Any], names: tuple[str, str]) -> Table:
    """Two reports side by side: every metric in A and B, and the colored delta B - A."""
    table = Table(title=f"{names[0]}  vs  {names[1]}", title_justify="left")
    for column in ("metric", "A", "B", "delta"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for key in ("model", "prompt", "prompt_hash", "backend"):
        table.add_row(key, str(a.get(key, "—")), str(b.get(key, "—")), "")
    table.add_section()
    ma, mb = a.get("metrics", {}), b.get("metrics", {})
    for name in METRIC_NAMES:
        va, vb = ma.get(name), mb.get(name)
        table.add_row(name, fmt(va), fmt(vb), _delta(name, vb, va))
    return table
