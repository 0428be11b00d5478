"""report.html of `summarizer eval --out DIR` in a real browser (headless Chromium,
tests/browser.py), at desktop and phone width: every gold and predicted span highlighted at its
offsets in its side's colour, a click on a diff row marks both sides' evidence and scrolls it
into view, no console error, no request leaving the page, no sideways scrolling on a phone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import browser
import pages
import pytest
from browser import Browser, Opened

from summarizer.evals.marks import gold_marks

pytestmark = pytest.mark.slow  # a real browser: seconds per page

CASE = "#case-01-standard"
CELLS = ".table-wrap th, .table-wrap td"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> pages.EvalPage:
    """The report of two scored cases, made once for the module."""
    return pages.eval_page(tmp_path_factory.mktemp("eval-page"))


@pytest.fixture(params=sorted(browser.VIEWPORTS))
def opened(
    request: pytest.FixtureRequest, chromium: Browser, report: pages.EvalPage
) -> Iterator[Opened]:
    """report.html loaded at each viewport (desktop 1280x900, phone 390x844)."""
    with chromium.open(report.path, browser.VIEWPORTS[request.param]) as page:
        yield page


def test_every_gold_and_predicted_span_is_highlighted_at_its_offsets(
    opened: Opened, report: pages.EvalPage
) -> None:
    case = report.cases["01-standard"]
    text = case.article.text
    shown = browser.spans(opened.page, f"{CASE} .article-text")
    assert browser.text_of(opened.page, f"{CASE} .article-text") == text
    pred = [(s.offsets, s.text) for s in shown if "pred" in s.classes]
    predicted = report.predictions["01-standard"]
    quotes = [q for item in (*predicted.meetings, *predicted.tensions) for q in item.evidence]
    assert pred == [((q.start, q.end), q.text) for q in quotes]
    gold = [(s.offsets, s.text) for s in shown if "gold" in s.classes]
    assert gold == [((m.start, m.end), text[m.start : m.end]) for m in gold_marks(case)]
    colours = {side: {c for s in shown if side in s.classes for c in s.backgrounds}
               for side in ("gold", "pred")}  # fmt: skip
    assert all(s.visible for s in shown)
    assert not any(browser.is_transparent(c) for c in colours["gold"] | colours["pred"])
    assert len(colours["gold"]) == len(colours["pred"]) == 1  # one colour per side ...
    assert colours["gold"] != colours["pred"]  # ... and two sides, two colours
    opened.assert_clean()


def test_clicking_a_diff_row_marks_both_sides_evidence_and_scrolls_to_it(opened: Opened) -> None:
    page = opened.page
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    row = page.locator(f'{CASE} tr[data-target="meeting-1"]')
    row.click()
    active = [s for s in browser.spans(page, f"{CASE} .article-text") if "is-active" in s.classes]
    assert {s.item for s in active} == {"meeting-1"}
    assert {side for s in active for side in ("gold", "pred") if side in s.classes} == {
        "gold",
        "pred",
    }  # the gold meeting's words and the predicted meeting's quote
    assert browser.active_items(page, CASE) == {"meeting-1"}  # no piece of another row's marks
    assert row.get_attribute("aria-pressed") == "true"
    assert browser.in_viewport(page, f'{CASE} mark[data-item="meeting-1"]')
    opened.assert_clean()


def test_every_row_of_every_case_can_be_clicked_without_an_error(opened: Opened) -> None:
    rows = opened.page.locator("tr[data-target]")
    assert rows.count() == 3  # the first case's two meetings and its tension
    for n in range(rows.count()):
        rows.nth(n).click()
    opened.assert_clean()


def test_nothing_overflows_sideways_and_no_number_in_a_table_is_cut(opened: Opened) -> None:
    opened.assert_fits(CELLS)


def test_screenshot(opened: Opened, tmp_path: Path) -> None:
    width, height = opened.page.viewport_size["width"], opened.page.viewport_size["height"]
    opened.page.locator(CASE).scroll_into_view_if_needed()
    assert opened.screenshot(tmp_path / "report.png") == (width, height)
    opened.assert_clean()


# --- summarizer eval compare A B --html -----------------------------------------------------


@pytest.fixture(scope="module")
def compare(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The comparison of two runs (B fixes the Bonn meeting's status), made once."""
    return pages.compare_page(tmp_path_factory.mktemp("compare-page"))


@pytest.mark.parametrize("viewport", sorted(browser.VIEWPORTS))
def test_compare_page_shows_what_improved_cleanly_at_both_sizes(
    chromium: Browser, compare: Path, viewport: str, tmp_path: Path
) -> None:
    size = browser.VIEWPORTS[viewport]
    with chromium.open(compare, size) as opened:
        changed = opened.page.eval_on_selector_all(
            "#tag-overall tr[data-verdict]:not([data-verdict='same'])",
            "(rows) => rows.map((r) => [r.dataset.metric, r.dataset.verdict])",
        )
        assert ["status.acc", "improved"] in changed
        assert not any(verdict == "regressed" for _, verdict in changed)
        assert opened.page.locator("#case-01-standard").get_attribute("data-verdict") == "improved"
        assert browser.overflow_x(opened.page) <= 1
        assert browser.broken_words(opened.page, CELLS) == []
        assert opened.screenshot(tmp_path / "compare.png") == (size["width"], size["height"])
        opened.assert_clean()
