"""report.html: one self-contained page of an eval run (CSS and script inline, nothing fetched,
works from `file://`, prints). Pure: (run) -> HTML; `report.write_reports` writes it.

The page: the run's meta; every metric per tag (overall micro and macro, then each tag, micro);
an SVG bar chart of F1 per metric and tag (`chart`); per case, in `<section id="case-ID"
data-scope>`, the article with its gold evidence (`<mark class="hl gold">`) and predicted
evidence (`<mark class="hl pred">`) highlighted (`marks`), and the field-level diff beside it
(`diff`). A mark's `data-item` is its diff row (`meeting-0`, `tension-1`), shared by the gold
and predicted sides of a matched pair, so a click on a row marks both (render's page script).

Every string from a case, a model or a prediction file is escaped (jinja2 autoescape, and
`render.html.highlight` for the article).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from summarizer.evals.chart import Chart, f1_chart
from summarizer.evals.diff import Row, case_diff
from summarizer.evals.fields import FieldConfig
from summarizer.evals.marks import Mark, Side, gold_marks, pred_marks, unlocated
from summarizer.evals.match import DEFAULT_THRESHOLD, SOFT_THRESHOLD
from summarizer.evals.metrics import METRIC_NAMES, Metrics
from summarizer.evals.report import build_report, fmt
from summarizer.render.html import base_css, content_security_policy, environment, page_js
from summarizer.render.html import highlight as highlight_spans

if TYPE_CHECKING:
    from summarizer.evals.runner import CaseResult, RunResult

META_KEYS = ("suite", "backend", "model", "strategy", "prompt", "prompt_hash", "created_at")
CASE_METRICS = ("meetings.f1", "participants.f1", "date.exact", "status.acc", "tensions.f1")
_MARK = re.compile(r'<mark class="hl ([^"]*)" data-item="([^"]*)" data-span="(\d+)">')


@functools.cache
def templates() -> jinja2.Environment:
    """render's environment (autoescape, strict, its filters), also loading this package's
    templates (`summarizer/evals/templates/`), which extend render's `base.html.j2`.
    """
    base = environment()
    own = jinja2.PackageLoader("summarizer.evals", "templates")
    loader = jinja2.ChoiceLoader([own, base.loader] if base.loader else [own])
    return base.overlay(loader=loader)


def render(template: str, *, title: str, **context: Any) -> str:
    """One page from `template` with the shared CSS, page script and its CSP."""
    script = page_js()
    page = templates().get_template(template)
    csp = content_security_policy(script)
    return page.render(title=title, css=base_css(), script=script, csp=csp, **context)


def field_config(meta: Mapping[str, Any]) -> FieldConfig:
    """The thresholds the run was scored with (recorded in its meta), else the defaults."""
    match = meta.get("match_threshold")
    soft = meta.get("soft_threshold")
    return FieldConfig(float(match or DEFAULT_THRESHOLD), float(soft or SOFT_THRESHOLD))


def row_keys(kind: str, rows: Sequence[Row]) -> dict[tuple[Side, int], str]:
    """Each gold and predicted item's diff row name (`kind-N`): its marks' `data-item`."""
    keys: dict[tuple[Side, int], str] = {}
    for n, row in enumerate(rows):
        if row.gold is not None:
            keys["gold", row.gold] = f"{kind}-{n}"
        if row.pred is not None:
            keys["pred", row.pred] = f"{kind}-{n}"
    return keys


def highlight(
    text: str, marks: Sequence[Mark], keys: Mapping[tuple[str, Side, int], str]
) -> Markup:
    """`text` escaped, each mark a `<mark class="hl gold|pred" data-item=ROW>`.

    `render.html.highlight` writes `<mark class="hl hl-ROW" ...>`; the side's class is added
    by the span's index (`data-span`). The pattern can only meet highlight's own tags: the
    text inside is escaped, so it holds no `<`.
    """
    spans = [(m.start, m.end, keys[m.kind, m.side, m.index]) for m in marks]
    html = str(highlight_spans(text, spans))

    def sided(found: re.Match[str]) -> str:
        side = marks[int(found[3])].side
        return f'<mark class="hl {side} {found[1]}" data-item="{found[2]}" data-span="{found[3]}">'

    return Markup(_MARK.sub(sided, html))


@dataclass(frozen=True)
class CaseView:
    """What the page shows of one case."""

    id: str
    tags: list[str]
    title: str | None
    error: str | None
    article: Markup
    meetings: list[tuple[str, Row]]
    tensions: list[tuple[str, Row]]
    unlocated: list[str]
    misses: list[str]
    metrics: list[tuple[str, str]]


def case_view(r: CaseResult, cfg: FieldConfig) -> CaseView:
    """A case's article with its marks, its diff rows (each with its name) and headline metrics."""
    text, diff = r.case.article.text, case_diff(r.case, r.predicted, cfg)
    keys: dict[tuple[str, Side, int], str] = {}
    for kind, rows in (("meeting", diff.meetings), ("tension", diff.tensions)):
        keys |= {(kind, side, i): key for (side, i), key in row_keys(kind, rows).items()}
    marks = [*gold_marks(r.case), *pred_marks(text, r.predicted)]
    values = r.score.metrics()
    return CaseView(
        id=r.case.id,
        tags=list(r.case.tags),
        title=r.case.article.title,
        error=r.error,
        article=highlight(text, marks, keys),
        meetings=[(f"meeting-{n}", row) for n, row in enumerate(diff.meetings)],
        tensions=[(f"tension-{n}", row) for n, row in enumerate(diff.tensions)],
        unlocated=[e.text for e in unlocated(text, r.predicted)],
        misses=list(r.score.misses),
        metrics=[(name, fmt(values[name])) for name in CASE_METRICS],
    )


@dataclass(frozen=True)
class Column:
    """One column of the metric table: a tag (or `overall`), its case count and values."""

    name: str
    cases: int
    values: Metrics


def columns(report: Mapping[str, Any]) -> list[Column]:
    """`overall` (micro), `overall (macro)`, then every tag (micro), as report.json has them."""
    n = int(report["totals"]["cases"])
    out = [
        Column("overall", n, report["metrics"]),
        Column("overall (macro)", n, report["metrics_macro"]),
    ]
    tags: Mapping[str, Any] = report.get("tags") or {}
    return out + [Column(tag, int(e["cases"]), e["metrics"]) for tag, e in tags.items()]


def chart_of(report: Mapping[str, Any]) -> Chart:
    """F1 per metric for `overall` and each tag (micro)."""
    tags: Mapping[str, Any] = report.get("tags") or {}
    return f1_chart({"overall": report["metrics"], **{t: e["metrics"] for t, e in tags.items()}})


def report_html(run: RunResult) -> str:
    """The whole report.html of a run."""
    report = build_report(run)
    cfg = field_config(run.meta)
    meta = [(k, str(report[k])) for k in META_KEYS if report.get(k) is not None]
    return render(
        "eval_report.html.j2",
        title=f"Eval: {report.get('suite', 'eval')}",
        meta=meta,
        totals=report["totals"],
        metric_names=METRIC_NAMES,
        columns=columns(report),
        chart=chart_of(report),
        cases=[case_view(r, cfg) for r in run.results],
        fmt=fmt,
    )
