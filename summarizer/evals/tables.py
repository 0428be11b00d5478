"""Rich renderables for eval results. Pure: they build tables, the CLI prints them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich import box
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


HEADLINE = {  # the per-tag console table's columns; report.md/json have every metric
    "meetings.precision": "mtg P",
    "meetings.recall": "mtg R",
    "meetings.f1": "mtg F1",
    "participants.f1": "who F1",
    "date.exact": "date",
    "location.city_acc": "city",
    "tensions.f1": "tens F1",
    "no_meeting.false_positive_rate": "no-mtg FP",
}


def _two(value: Value) -> str:
    return "—" if value is None else f"{value:.2f}"


def tags_table(
    tags: Mapping[str, Mapping[str, Any]],
    regressions: Sequence[Regression] = (),
) -> Table:
    """A row per case tag: its case count and headline metrics (micro), regressions in red."""
    table = Table(
        title="Per tag (micro; every metric in report.md/json)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("tag", no_wrap=True, max_width=13)
    table.add_column("cases", justify="right")
    for header in HEADLINE.values():
        table.add_column(header, justify="right", min_width=4)
    failed = {(r.tag, r.metric) for r in regressions}
    for tag, entry in tags.items():
        cells = [
            Text(_two(entry["metrics"].get(m)), style="bold red" if (tag, m) in failed else "")
            for m in HEADLINE
        ]
        table.add_row(Text(tag), str(entry["cases"]), *cells)
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


def _compare_rows(
    table: Table, prefix: str, ma: Mapping[str, Value], mb: Mapping[str, Value]
) -> None:
    for name in METRIC_NAMES:
        va, vb = ma.get(name), mb.get(name)
        table.add_row(Text(f"{prefix}{name}"), fmt(va), fmt(vb), _delta(name, vb, va))


def compare_table(a: Mapping[str, Any], b: Mapping[str, Any], names: tuple[str, str]) -> Table:
    """Two reports side by side: every metric in A and B, and the colored delta B - A."""
    table = Table(title=f"{names[0]}  vs  {names[1]}", title_justify="left")
    for column in ("metric", "A", "B", "delta"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for key in ("model", "prompt", "prompt_hash", "backend"):
        table.add_row(key, str(a.get(key, "—")), str(b.get(key, "—")), "")
    table.add_section()
    _compare_rows(table, "", a.get("metrics", {}), b.get("metrics", {}))
    ta, tb = a.get("tags") or {}, b.get("tags") or {}
    for tag in (t for t in ta if t in tb):
        table.add_section()
        cases = (str(ta[tag]["cases"]), str(tb[tag]["cases"]))
        table.add_row(Text(f"[{tag}] cases"), *cases, "")
        _compare_rows(table, f"[{tag}] ", ta[tag]["metrics"], tb[tag]["metrics"])
    return table
