"""The brief and daily HTML pages in a real browser (headless Chromium, tests/browser.py):
after the page's script ran, at desktop and phone width, every evidence span is highlighted at
its stored offsets, a click on a meeting marks its evidence and scrolls it into view, nothing
is logged as an error, no request leaves the page, and a phone never scrolls sideways.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import browser
import pages
import pytest
from browser import Browser, Opened, Span

from summarizer.schema import Briefing, Quote

pytestmark = pytest.mark.slow  # a real browser: seconds per page

PANEL = "aside.panel"
CELLS = ".table-wrap th, .table-wrap td"


def test_the_harness_blocks_and_records_every_request_that_would_leave_the_page(
    chromium: Browser, tmp_path: Path
) -> None:
    page = tmp_path / "leaky.html"
    page.write_text(
        '<!DOCTYPE html><img src="https://cdn.example.com/a.png">'
        '<script>fetch("http://example.org/x").catch(() => {});'
        'new WebSocket("wss://example.net/s"); console.error("boom")</script>'
    )
    with chromium.open(page, browser.DESKTOP) as opened:
        opened.page.wait_for_load_state("networkidle")
        blocked, errors = list(opened.blocked), list(opened.errors)
    assert sorted(blocked) == [
        "http://example.org/x",
        "https://cdn.example.com/a.png",
        "wss://example.net/s",
    ]
    assert any("boom" in e for e in errors)
    with pytest.raises(AssertionError, match="would have left the page"):
        opened.assert_clean()


def evidence(b: Briefing) -> list[tuple[str, Quote]]:
    """Every evidence quote of `b` with its item's label: meetings m1.., then tensions t1.."""
    meetings = [(f"m{i}", q) for i, m in enumerate(b.meetings, 1) for q in m.evidence]
    return meetings + [(f"t{i}", q) for i, t in enumerate(b.tensions, 1) for q in t.evidence]


def at_offsets(shown: list[Span]) -> list[tuple[int, int, str]]:
    return sorted((*s.offsets, s.text) for s in shown)


def assert_painted(shown: list[Span]) -> None:
    """Every span has a box and a background that paints."""
    assert shown and all(s.visible for s in shown)
    backgrounds = [c for s in shown for c in s.backgrounds]
    assert not any(map(browser.is_transparent, backgrounds)), backgrounds


# --- summarizer brief --html ----------------------------------------------------------------


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> pages.BriefPage:
    """The brief page of the generals article, made once for the module."""
    return pages.brief_page(tmp_path_factory.mktemp("brief-page"))


@pytest.fixture(params=sorted(browser.VIEWPORTS))
def brief_at(request: pytest.FixtureRequest, chromium: Browser, brief: pages.BriefPage
             ) -> Iterator[Opened]:  # fmt: skip
    """The brief page at each viewport (desktop 1280x900, phone 390x844)."""
    with chromium.open(brief.path, browser.VIEWPORTS[request.param]) as opened:
        yield opened


def test_brief_every_evidence_span_is_highlighted_at_its_stored_offsets(
    brief_at: Opened, brief: pages.BriefPage
) -> None:
    page = brief_at.page
    assert browser.text_of(page, ".article-text") == brief.text
    shown = browser.spans(page, ".article-text")
    quotes = evidence(brief.briefing)
    assert len(quotes) == 3  # two meetings and a tension, one quote each
    assert all(brief.text[q.start : q.end] == q.text for _, q in quotes if q.start is not None)
    assert at_offsets(shown) == sorted((q.start, q.end, q.text) for _, q in quotes)
    assert sorted((s.start, s.item) for s in shown) == sorted((q.start, k) for k, q in quotes)
    assert_painted(shown)
    colours = {s.item: s.backgrounds[0] for s in shown}
    assert len(set(colours.values())) == len(colours) == 3  # each item its own colour
    brief_at.assert_clean()


def test_brief_clicking_a_meeting_in_the_side_panel_marks_its_evidence_and_scrolls_to_it(
    brief_at: Opened,
) -> None:
    page = brief_at.page
    for item in ("m2", "m1"):
        entry = page.locator(f'{PANEL} [data-target="{item}"]')
        entry.click()
        assert browser.active_items(page, ".article-text") == {item}
        assert entry.get_attribute("aria-pressed") == "true"
        assert "is-active" in (entry.get_attribute("class") or "")
        assert browser.in_viewport(page, f'.article-text mark[data-item="{item}"]')
    assert page.locator(f'{PANEL} [data-target="m2"]').get_attribute("aria-pressed") == "false"
    brief_at.assert_clean()


def test_brief_on_a_phone_a_click_in_the_panel_scrolls_down_to_the_evidence(
    chromium: Browser, brief: pages.BriefPage
) -> None:
    with chromium.open(brief.path, browser.PHONE) as opened:
        mark = '.article-text mark[data-item="t1"]'
        assert not browser.in_viewport(opened.page, mark)  # the panel comes first on a phone
        opened.page.locator(f'{PANEL} [data-target="t1"]').click()
        assert browser.in_viewport(opened.page, mark)
        assert opened.page.evaluate("window.scrollY") > 0
        opened.assert_clean()


def test_brief_every_entry_clicks_without_an_error_or_a_request(brief_at: Opened) -> None:
    entries = brief_at.page.locator("[data-target]")
    assert entries.count() == 6  # m1, m2, t1: in the panel and in the tables
    for n in range(entries.count()):
        entries.nth(n).click()
    brief_at.page.locator("mark[data-item]").first.click()
    brief_at.assert_clean()


def test_brief_nothing_overflows_sideways_and_no_word_in_a_table_is_cut(brief_at: Opened) -> None:
    brief_at.assert_fits(CELLS)


def test_brief_screenshot(brief_at: Opened, tmp_path: Path) -> None:
    brief_at.assert_screenshot(tmp_path / "brief.png")


# --- summarizer daily --html ----------------------------------------------------------------


@pytest.fixture(scope="module")
def daily(tmp_path_factory: pytest.TempPathFactory) -> pages.DailyPage:
    """The bundled day's page (examples/daily and its feed), made once for the module."""
    return pages.daily_page(tmp_path_factory.mktemp("daily-page"))


@pytest.fixture(params=sorted(browser.VIEWPORTS))
def daily_at(request: pytest.FixtureRequest, chromium: Browser, daily: pages.DailyPage
             ) -> Iterator[Opened]:  # fmt: skip
    """The daily page at each viewport (desktop 1280x900, phone 390x844)."""
    with chromium.open(daily.path, browser.VIEWPORTS[request.param]) as opened:
        yield opened


def merged_labels(digest: dict[str, object], kind: str) -> dict[str, set[int]]:
    """Each merged meeting's (m1..) or tension's (t1..) label and the sources it came from."""
    items: list[dict[str, list[dict[str, int]]]] = digest[kind]  # type: ignore[assignment]
    prefix = kind[0]
    return {f"{prefix}{i}": {s["n"] for s in it["sources"]} for i, it in enumerate(items, 1)}


def test_daily_every_source_shows_its_evidence_at_its_stored_offsets(
    daily_at: Opened, daily: pages.DailyPage
) -> None:
    page = daily_at.page
    labels = merged_labels(daily.digest, "meetings") | merged_labels(daily.digest, "tensions")
    assert len(daily.briefings) == 8
    seen: dict[str, set[int]] = {}
    for n, b in daily.briefings.items():
        root = f"#source-{n} .article-text"
        text = browser.text_of(page, root)
        shown = browser.spans(page, root)
        quotes = [q for _, q in evidence(b)]
        assert quotes, f"source {n} has no evidence"
        assert all(text[q.start : q.end] == q.text for q in quotes if q.start is not None)
        assert at_offsets(shown) == sorted((q.start, q.end, q.text) for q in quotes)
        assert_painted(shown)
        for s in shown:
            seen.setdefault(s.item, set()).add(n)
    assert seen == labels  # every merged item's evidence in exactly the sources it came from
    daily_at.assert_clean()


def test_daily_clicking_a_meeting_in_the_timeline_marks_its_evidence_and_scrolls_to_it(
    daily_at: Opened, daily: pages.DailyPage
) -> None:
    page = daily_at.page
    sources = merged_labels(daily.digest, "meetings")
    for item in ("m2", "m1"):  # one source (far down the page), then four
        mark = f'#sources mark[data-item="{item}"]'
        assert not browser.in_viewport(page, mark)  # the sources are below the timeline
        entry = page.locator(f'#timeline [data-target="{item}"]')
        entry.click()
        assert browser.active_items(page, "#sources") == {item}
        marked = page.eval_on_selector_all(
            f"{mark}.is-active", "(ms) => ms.map((m) => m.closest('[data-source]').dataset.source)"
        )
        assert {int(n) for n in marked} == sources[item]
        assert entry.get_attribute("aria-pressed") == "true"
        assert browser.in_viewport(page, mark)
        page.evaluate("window.scrollTo(0, 0)")
    daily_at.assert_clean()


def test_daily_every_entry_clicks_without_an_error_or_a_request(daily_at: Opened) -> None:
    entries = daily_at.page.locator("[data-target]")
    assert entries.count() == 5 + 5 + 2  # timeline and table meetings, table tensions
    for n in range(entries.count()):
        entries.nth(n).click()
    daily_at.assert_clean()


def test_daily_nothing_overflows_sideways_and_no_word_in_a_table_is_cut(daily_at: Opened) -> None:
    daily_at.assert_fits(CELLS)


def test_daily_screenshot(daily_at: Opened, tmp_path: Path) -> None:
    daily_at.assert_screenshot(tmp_path / "daily.png")
