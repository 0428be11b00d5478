"""report.html (evals.html, chart, marks, diff) and the compare page (evals.compare), built
from RunResults made with the test builders and read back with the stdlib HTML parser.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from builders import gold_briefing

from summarizer.evals.chart import PLOT, f1_chart
from summarizer.evals.compare import compare_html
from summarizer.evals.fields import FieldConfig
from summarizer.evals.html import report_html
from summarizer.evals.predictions import from_briefing
from summarizer.evals.report import build_report
from summarizer.evals.runner import CaseResult, RunResult, safe_score
from summarizer.schema import Quote

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


class Page(HTMLParser):
    """Every element (tag, attributes) and the text inside each <mark>, by class."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.open_marks: list[dict[str, str]] = []
        self.marks: list[tuple[dict[str, str], str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "mark":
            self.open_marks.append(a)
            self.marks.append((a, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.open_marks.pop()

    def handle_data(self, data: str) -> None:
        for a in self.open_marks:  # a mark's text includes that of the marks nested in it
            k = max(i for i, (m, _) in enumerate(self.marks) if m is a)
            self.marks[k] = (a, self.marks[k][1] + data)

    def tags(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def spans(self, side: str) -> dict[str, str]:
        """Each span (data-span) of a side's marks, its pieces joined: the text it covers."""
        out: dict[str, str] = {}
        for a, text in self.marks:
            if side in a["class"].split():
                out[a["data-span"]] = out.get(a["data-span"], "") + text
        return out


def _result(case: Any, pred: Any) -> CaseResult:
    return CaseResult(case, pred, safe_score(case, pred, FieldConfig()))


def _run(gold: Any) -> RunResult:
    """The standard case (tagged real) against the gold briefing: Baku matched with a wrong
    date, Bonn missed, an extra meeting; and a negative composed case with nothing predicted.
    """
    data = gold.standard()
    data["tags"] = ["real"]
    case = gold.parse(data)
    briefing = gold_briefing()
    briefing.meetings[0].when.date = dt.date(2017, 2, 17)
    extra = briefing.meetings[0].model_copy(deep=True)
    extra.participants[1].name = "Ivan Grozny"
    extra.evidence = [Quote(text="officials said")]
    briefing.meetings.append(extra)
    negative = gold.parse(gold.case("02-none") | {"tags": ["composed", "negative"]})
    pred = from_briefing(briefing)
    empty = from_briefing(gold_briefing().model_copy(update={"meetings": [], "tensions": []}))
    meta = {"suite": "unit", "backend": "fake", "model": "m1", "strategy": "whole"}
    return RunResult([_result(case, pred), _result(negative, empty)], meta)


def test_meta_and_metric_table(gold: Any) -> None:
    run = _run(gold)
    report, page = build_report(run), Page(report_html(run))
    html = report_html(run)
    for value in ("unit", "fake", "m1", "whole"):
        assert f"<dd>{value}</dd>" in html
    cells = re.findall(r'<tr data-metric="meetings.f1">(.*?)</tr>', html)[0]
    values = dict(re.findall(r'<td data-tag="([^"]+)">([^<]+)</td>', cells))
    assert values["overall"] == f"{report['metrics']['meetings.f1']:.3f}" == "0.500"
    assert values["real"] == "0.500" and values["composed"] == "—"
    assert set(values) == {"overall", "overall (macro)", "real", "composed", "negative"}
    assert page.tags("table", **{"class": "metrics"})


def test_chart_bars_are_proportional_to_f1(gold: Any) -> None:
    run = _run(gold)
    report, page = build_report(run), Page(report_html(run))
    bars = page.tags("rect")
    defined = [
        (tag, m)
        for tag, values in [("overall", report["metrics"])]
        + [(t, e["metrics"]) for t, e in report["tags"].items()]
        for m in ("meetings.f1", "participants.f1", "tensions.f1")
        if values[m] is not None
    ]
    assert len(bars) == len(defined)
    for bar in bars:
        assert float(bar["height"]) == pytest.approx(float(bar["data-value"]) * PLOT, abs=0.01)
    real = {b["data-metric"]: float(b["height"]) for b in bars if b["data-tag"] == "real"}
    assert real["meetings.f1"] == pytest.approx(0.5 * PLOT)
    assert real["tensions.f1"] == pytest.approx(PLOT)


def test_chart_geometry_skips_undefined_values() -> None:
    chart = f1_chart(
        {"a": {"meetings.f1": 0.25, "tensions.f1": None}}, ("meetings.f1", "tensions.f1")
    )
    a, b = chart.bars
    assert a.height == 0.25 * PLOT and a.y + a.height == chart.baseline
    assert b.value is None and b.height == 0 and b.title == "tensions.f1 [a]: n/a"


def test_gold_and_predicted_marks(gold: Any) -> None:
    page = Page(report_html(_run(gold)))
    golds, preds = page.spans("gold"), page.spans("pred")
    assert {"Joseph Dunford", "Valery Gerasimov", "Thursday", "Baku", "Ana Duarte", "Bonn"} <= set(
        golds.values()
    )
    assert "Dunford" not in golds.values()  # inside "Joseph Dunford": not marked twice
    assert set(preds.values()) == {
        "Joseph Dunford will meet Valery Gerasimov",
        "at odds over Crimea sanctions",
        "officials said",
    }
    items = {a["data-item"] for a, _ in page.marks}
    assert {"meeting-0", "meeting-1", "meeting-2", "tension-0"} <= items
    section = page.tags("section", id="case-01-standard")
    assert section and "data-scope" in section[0]


def test_diff_rows_matched_missed_extra_and_wrong_date(gold: Any) -> None:
    html = report_html(_run(gold))
    page = Page(html)
    rows = {a["data-target"]: a["data-outcome"] for a in page.tags("tr") if "data-target" in a}
    assert rows == {
        "meeting-0": "matched",
        "meeting-1": "missed",
        "meeting-2": "extra",
        "tension-0": "matched",
    }
    date = re.search(r'<tr class="field (\w+)" data-field="date">(.*?)</tr>', html, re.S)
    assert date is not None and date[1] == "wrong"
    assert "2017-02-16 (Thursday)" in date[2] and "2017-02-17 (Thursday)" in date[2]
    assert "✗ wrong" in date[2]
    assert "missed (gold only)" in html and "extra (predicted only)" in html
    assert "Joseph Dunford, Ivan Grozny" in html


def test_everything_from_cases_and_models_is_escaped(gold: Any) -> None:
    text = f"Talks. {SCRIPT} Jo Ann met Bo Li on Monday. {IMG} End."
    people = [gold.person(f"Jo Ann{IMG}"), gold.person("Bo Li")]
    data = gold.case(f"03-x{IMG}", meetings=[gold.meeting(*people, date_text=SCRIPT)], text=text)
    case = gold.parse(data)
    briefing = gold_briefing()
    meeting = briefing.meetings[0]
    meeting.participants[0].name = f"Jo Ann{SCRIPT}"
    meeting.agenda = [IMG]
    meeting.evidence = [Quote(text=f"{SCRIPT} Jo Ann")]
    briefing.tensions[0].issue = SCRIPT
    html = report_html(RunResult([_result(case, from_briefing(briefing))], {"suite": SCRIPT}))
    body = html.split("<body>", 1)[1].rsplit("<script>", 1)[0]
    assert "<script" not in body and "<img" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&#34;&gt;&lt;img" in body
    page = Page(html)
    assert [t for t, _ in page.elements].count("script") == 1
    assert f"{SCRIPT} Jo Ann" in page.spans("pred").values()  # marked, as text
    assert "<script>alert" not in html.split("</head>", 1)[0]  # the suite name in <title>
    assert page.tags("section", id=f"case-03-x{IMG}")


def test_compare_page_improved_regressed_and_changed_cases(gold: Any) -> None:
    run = _run(gold)
    a = build_report(run)
    better = gold.parse(gold.standard() | {"tags": ["real"]})
    full = gold.as_prediction(gold.standard()["expected"])
    b = build_report(RunResult([_result(better, full), run.results[1]], {"model": "m2"}))
    html = compare_html(a, b, ("a/report.json", f"b{SCRIPT}"))
    page = Page(html)
    verdicts: dict[str, str] = {}  # the overall table's (the first)
    for row in (r for r in page.tags("tr") if "data-metric" in r):
        verdicts.setdefault(row["data-metric"], row["data-verdict"])
    assert verdicts["meetings.f1"] == "improved" and verdicts["schema_valid.rate"] == "same"
    assert "▲ improved" in html and "regressed" in html
    changed = page.tags("tr", id="case-01-standard")
    assert changed and changed[0]["data-verdict"] == "improved"
    assert not page.tags("tr", id="case-02-none")
    assert "1 changed, 1 unchanged" in html
    assert "<script>alert" not in html.split("<body>", 1)[1].rsplit("<script>", 1)[0]
    worse = compare_html(b, a, ("b", "a"))
    assert "Regressed: meetings.precision" in worse and "meetings.recall 1.000 → 0.500" in worse
