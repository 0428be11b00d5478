"""The brief and daily HTML pages in a real browser (headless Chromium, tests/browser.py):
after the page's script ran, at desktop and phone width, every evidence span is highlighted at
its stored offsets, a click on a meeting marks its evidence and scrolls it into view, nothing
is logged as an error, no request leaves the page, and a phone never scrolls sideways.
"""

from __future__ import annotations

from pathlib import Path

import browser
import pytest
from browser import Browser


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
