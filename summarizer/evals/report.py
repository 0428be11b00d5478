"""Report writers: `report.json` (everything), `junit.xml` (a testsuite per tag), `report.md`,
and `report.html` (`evals.html`: the metrics, an F1 chart and every case's evidence and diff).

Every file is written atomically (a temp file in the same folder, then `os.replace`), so a
crashed run never leaves half a report where CI would read it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.atomic import atomic_write
from summarizer.errors import ConfigError
from summarizer.evals.tags import tag_order

if TYPE_CHECKING:
    from summarizer.evals.runner import CaseResult, RunResult

REPORT_VERSION = 1


def _case_entry(r: CaseResult) -> dict[str, Any]:
    return {
        "id": r.case.id,
        "tags": list(r.case.tags),
        "error": r.error,
        "schema_valid": r.predicted.schema_valid,
        "latency_s": r.latency_s,
        "tokens": r.tokens,
        "cost": r.cost,
        "metrics": r.score.metrics(),
        "counts": dict(sorted(r.score.counts.items())),
        "misses": r.score.misses,
    }


def _sum(values: list[Any]) -> Any:
    known = [v for v in values if v is not None]
    return round(sum(known), 6) if known else None


def build_report(run: RunResult) -> dict[str, Any]:
    """The report.json document."""
    rs = run.results
    return {
        "version": REPORT_VERSION,
        **run.meta,
        "metrics": run.metrics(),
        "metrics_macro": run.metrics_macro(),
        "tags": {tag: m.as_dict() for tag, m in run.tags().items()},
        "totals": {
            "cases": len(rs),
            "errors": sum(1 for r in rs if r.error),
            "latency_s": _sum([r.latency_s for r in rs]),
            "tokens": _sum([r.tokens for r in rs]),
            "cost": _sum([r.cost for r in rs]),
        },
        "cases": [_case_entry(r) for r in rs],
    }


def _testcase(parent: ET.Element, tag: str, r: CaseResult) -> str | None:
    """Append one testcase; return "error"/"failure" when it is one."""
    case = ET.SubElement(parent, "testcase", classname=f"evals.{tag}", name=r.case.id)
    case.set("time", f"{r.latency_s or 0:.3f}")
    if r.error:
        node = ET.SubElement(case, "error", message=r.error)
        node.text = "\n".join(r.score.misses)
        return "error"
    if r.score.misses:
        node = ET.SubElement(case, "failure", message=f"{len(r.score.misses)} misses")
        node.text = "\n".join(r.score.misses)
        return "failure"
    return None


def junit_xml(run: RunResult) -> str:
    """JUnit XML: one testsuite per case tag (`real`, `composed`, `negative`, ...), each with a
    testcase per case carrying that tag; misses are the failure text, crashes are errors.
    A case with several tags appears in each of their suites.
    """
    name = str(run.meta.get("suite", "eval"))
    root = ET.Element("testsuites", name=name)
    by_tag: dict[str, list[CaseResult]] = {}
    for r in run.results:
        for tag in r.case.tags or ["untagged"]:
            by_tag.setdefault(tag, []).append(r)
    for tag in tag_order(by_tag):
        suite = ET.SubElement(root, "testsuite", name=f"{name}.{tag}")
        outcomes = [_testcase(suite, tag, r) for r in by_tag[tag]]
        suite.set("tests", str(len(outcomes)))
        suite.set("failures", str(outcomes.count("failure")))
        suite.set("errors", str(outcomes.count("error")))
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def fmt(value: float | None) -> str:
    """A metric value for humans."""
    return "—" if value is None else f"{value:.3f}"


def markdown(report: dict[str, Any]) -> str:
    """report.md, for a PR comment."""
    lines = [
        f"## Eval: {report.get('suite', 'eval')}",
        "",
        f"model `{report.get('model')}` · prompt `{report.get('prompt')}` "
        f"(`{report.get('prompt_hash')}`) · {report['totals']['cases']} cases, "
        f"{report['totals']['errors']} errors",
        "",
        "| metric | micro | macro |",
        "|---|---:|---:|",
    ]
    for name, value in report["metrics"].items():
        lines.append(f"| {name} | {fmt(value)} | {fmt(report['metrics_macro'].get(name))} |")
    lines += tags_markdown(report.get("tags") or {})
    missed = [c for c in report["cases"] if c["misses"]]
    if missed:
        lines += ["", "<details><summary>Misses</summary>", ""]
        for c in missed:
            lines += [f"**{c['id']}**", "", "```diff", *c["misses"], "```", ""]
        lines.append("</details>")
    return "\n".join(lines) + "\n"


def tags_markdown(tags: dict[str, Any]) -> list[str]:
    """Lines of the per-tag table (micro averages; a column per tag), or none."""
    if not tags:
        return []
    names = list(tags)
    lines = [
        "",
        "### Per tag (micro)",
        "",
        "| metric | " + " | ".join(f"{t} ({tags[t]['cases']})" for t in names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    metric_names = next(iter(tags.values()))["metrics"]
    for metric in metric_names:
        cells = " | ".join(fmt(tags[t]["metrics"].get(metric)) for t in names)
        lines.append(f"| {metric} | {cells} |")
    return lines


REPORT_FILES = ("report.json", "junit.xml", "report.md", "report.html")


def write_reports(run: RunResult, out: str | Path) -> dict[str, Path]:
    """Write report.json, junit.xml, report.md and report.html into `out`; return their paths."""
    from summarizer.evals.html import report_html  # html builds on this module (build_report)

    out = Path(out)
    report = build_report(run)
    paths = {name: out / name for name in REPORT_FILES}
    atomic_write(paths["report.json"], json.dumps(report, indent=2, default=str) + "\n")
    atomic_write(paths["junit.xml"], junit_xml(run))
    atomic_write(paths["report.md"], markdown(report))
    atomic_write(paths["report.html"], report_html(run))
    return paths


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a report.json (e.g. a baseline), or the one in a run's folder; it must have a
    `metrics` mapping.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "report.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: cannot read report: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise ConfigError(f"{path}: not a report.json (no 'metrics')", hint="pass a report.json")
    return data
