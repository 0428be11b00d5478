"""Two runs side by side (`summarizer eval compare A B --html FILE`): every metric per tag in A
and B with the delta B - A and a verdict in words (improved / regressed / same; lower is better
for `no_meeting.false_positive_rate`), and the cases whose scores or misses changed. Pure:
(report.json A, report.json B) -> rows -> one self-contained HTML page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from summarizer.evals.gate import worse
from summarizer.evals.html import META_KEYS, render
from summarizer.evals.metrics import METRIC_NAMES
from summarizer.evals.report import fmt

Report = Mapping[str, Any]


@dataclass(frozen=True)
class Delta:
    """One metric in A and in B."""

    metric: str
    a: float | None
    b: float | None

    @property
    def verdict(self) -> str:
        """`improved`, `regressed`, `same`, `only in A`, `only in B` or `n/a`."""
        if self.a is None and self.b is None:
            return "n/a"
        if self.a is None or self.b is None:
            return "only in B" if self.a is None else "only in A"
        if worse(self.metric, self.b, self.a):
            return "regressed"
        return "improved" if worse(self.metric, self.a, self.b) else "same"

    @property
    def diff(self) -> str:
        """B - A, signed, or — where either is missing."""
        return "—" if self.a is None or self.b is None else f"{self.b - self.a:+.3f}"


def deltas(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Delta]:
    """Every metric of two metric mappings."""
    return [Delta(name, a.get(name), b.get(name)) for name in METRIC_NAMES]


@dataclass(frozen=True)
class TagDelta:
    """One tag (or `overall`) of both runs: case counts and every metric's delta."""

    tag: str
    cases: tuple[int | None, int | None]
    deltas: list[Delta]

    def count(self, verdict: str) -> int:
        """How many metrics have `verdict`."""
        return sum(d.verdict == verdict for d in self.deltas)


def tag_deltas(a: Report, b: Report) -> list[TagDelta]:
    """`overall`, then every tag of A (then those only B has); a missing side is empty."""
    out = [TagDelta("overall", (_cases(a), _cases(b)), deltas(a["metrics"], b["metrics"]))]
    ta, tb = a.get("tags") or {}, b.get("tags") or {}
    for tag in [*ta, *(t for t in tb if t not in ta)]:
        ea, eb = ta.get(tag, {}), tb.get(tag, {})
        counts = (ea.get("cases"), eb.get("cases"))
        out.append(TagDelta(tag, counts, deltas(ea.get("metrics", {}), eb.get("metrics", {}))))
    return out


def _cases(report: Report) -> int | None:
    totals = report.get("totals") or {}
    return totals.get("cases")


@dataclass(frozen=True)
class CaseChange:
    """A case whose metrics or misses differ between the runs (or that only one run has)."""

    id: str
    verdict: str
    deltas: list[Delta] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)  # misses A had and B has not
    new: list[str] = field(default_factory=list)  # misses B has and A had not


def _case_change(ca: Mapping[str, Any], cb: Mapping[str, Any]) -> CaseChange | None:
    both = deltas(ca.get("metrics", {}), cb.get("metrics", {}))
    moved = [d for d in both if d.verdict not in ("same", "n/a")]
    ma, mb = list(ca.get("misses") or []), list(cb.get("misses") or [])
    fixed, new = [m for m in ma if m not in mb], [m for m in mb if m not in ma]
    if not (moved or fixed or new):
        return None
    return CaseChange(str(ca.get("id")), _overall({d.verdict for d in moved}), moved, fixed, new)


def _overall(verdicts: set[str]) -> str:
    """A case's verdict from its metrics': mixed, improved, regressed, or just changed."""
    up, down = "improved" in verdicts, "regressed" in verdicts
    if up and down:
        return "mixed"
    return "improved" if up else "regressed" if down else "changed"


def case_changes(a: Report, b: Report) -> list[CaseChange]:
    """The changed cases in A's order, then those only one run scored."""
    ca = {str(c.get("id")): c for c in a.get("cases") or []}
    cb = {str(c.get("id")): c for c in b.get("cases") or []}
    changes = [ch for k in ca if k in cb and (ch := _case_change(ca[k], cb[k])) is not None]
    changes += [CaseChange(k, "only in A") for k in ca if k not in cb]
    changes += [CaseChange(k, "only in B") for k in cb if k not in ca]
    return changes


def _ids(report: Report) -> set[str]:
    return {str(c.get("id")) for c in report.get("cases") or []}


def compare_html(a: Report, b: Report, names: tuple[str, str]) -> str:
    """The compare page: meta of both, per-tag deltas, changed cases."""
    meta = [(k, str(a.get(k, "—")), str(b.get(k, "—"))) for k in META_KEYS if k in a or k in b]
    changes = case_changes(a, b)
    common = _ids(a) & _ids(b)
    return render(
        "eval_compare.html.j2",
        title=f"Eval compare: {names[0]} vs {names[1]}",
        names=names,
        meta=meta,
        tags=tag_deltas(a, b),
        changes=changes,
        unchanged=len(common) - sum(c.id in common for c in changes),
        fmt=fmt,
    )
