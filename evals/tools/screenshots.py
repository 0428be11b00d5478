"""Re-make the README's screenshots of the HTML pages: docs/brief.png, docs/daily.png and
docs/eval-report.png, at the desktop size the browser tests use (1280x900).

    make screenshots        # or: .venv/bin/python evals/tools/screenshots.py [--out docs]

Each page is made exactly as the browser tests make it (tests/pages.py: the CLI with the fake
server, no model) and shot in the same headless Chromium (tests/browser.py: Debian's
`chromium`, every request leaving the page blocked); a page that logs an error or tries to
fetch anything fails the run instead of being shot.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

import browser  # noqa: E402 - tests/ on sys.path first
import pages  # noqa: E402
from browser import Opened  # noqa: E402


def _brief(opened: Opened) -> None:
    """The article beside its panel, the first meeting's evidence marked."""
    opened.page.locator('aside.panel [data-target="m1"]').click()
    opened.page.evaluate("window.scrollTo(0, 0)")


def _eval(opened: Opened) -> None:
    """The first case: its article with gold and predicted marks, its diff beside it."""
    opened.page.locator('#case-01-standard tr[data-target="meeting-1"]').click()
    opened.page.locator("#case-01-standard").evaluate("(el) => el.scrollIntoView()")


# Each PNG: how its page is made (a tests/pages.py builder) and what is done before the shot
# (None: the page as it opens; the daily page opens on the day's timeline).
SHOTS: dict[str, tuple[Callable[[Path], Any], Callable[[Opened], None] | None]] = {
    "brief.png": (pages.brief_page, _brief),
    "daily.png": (pages.daily_page, None),
    "eval-report.png": (pages.eval_page, _eval),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the PNGs go")
    args = parser.parse_args(argv)
    reason = browser.unavailable()
    if reason:
        print(f"screenshots: {reason}", file=sys.stderr)
        return 1
    out = args.out.resolve()
    os.chdir(ROOT)  # the pages show examples/... paths, not this machine's folders
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        made = {name: build(Path(tmp) / name).path for name, (build, _) in SHOTS.items()}
        chromium = browser.launch()
        try:
            for name, (_, prepare) in SHOTS.items():
                png = out / name
                with chromium.open(made[name], browser.DESKTOP) as opened:
                    if prepare is not None:
                        prepare(opened)
                    opened.assert_clean()
                    width, height = opened.screenshot(png)
                print(f"{png}: {width}x{height}, {png.stat().st_size:,} bytes")
        finally:
            chromium.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
