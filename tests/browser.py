"""Headless Chromium for the page tests: Debian's `chromium` driven by playwright.

No browser is downloaded (`playwright install` fetches from a CDN): `launch()` runs the one on
`$SUMMARIZER_CHROMIUM` or `PATH` (`chromium`, `chromium-browser`). `Browser.open` loads a page
with every request that would leave it blocked and recorded, and its console errors and
uncaught exceptions collected; `Opened.assert_clean` fails a test on any of them.

The `chromium` fixture in `conftest.py` is the one browser of a test session.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser as PWBrowser
    from playwright.sync_api import (
        ConsoleMessage,
        Error,
        Page,
        Playwright,
        Request,
        Route,
        WebSocketRoute,
    )

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

# What a self-contained page may load: itself and what it carries inline.
LOCAL_SCHEMES = ("file:", "about:", "data:", "blob:")

# Belt and braces for the routing below: a request Chromium makes outside the page's routes
# (a prefetch, a DNS lookup) cannot resolve any host either.
NO_NETWORK_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND", "--no-first-run"]


def chromium_path() -> str | None:
    """The Chromium to run: `$SUMMARIZER_CHROMIUM`, else `chromium` or `chromium-browser` on
    PATH; None when there is none.
    """
    configured = os.environ.get("SUMMARIZER_CHROMIUM")
    if configured:
        return shutil.which(configured)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable() -> str | None:
    """Why no browser can be had here (the skip reason), or None when one can."""
    try:
        import playwright.sync_api  # noqa: F401 - only whether it imports
    except ImportError as e:
        return f"playwright is not installed ({e}); `make dev` installs it"
    configured = os.environ.get("SUMMARIZER_CHROMIUM")
    if configured and chromium_path() is None:
        return f"SUMMARIZER_CHROMIUM={configured} is not an executable"
    if chromium_path() is None:
        return (
            "no Chromium found (set SUMMARIZER_CHROMIUM, or `apt-get install chromium`, "
            "which .ci/run does)"
        )
    return None


@dataclass
class Opened:
    """A loaded page and what it did: requests blocked, console errors, uncaught errors."""

    page: Page
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """No request left the page, no console error, no uncaught exception."""
        assert self.blocked == [], f"requests that would have left the page: {self.blocked}"
        assert self.errors == [], f"console or page errors: {self.errors}"

    def screenshot(self, path: Path, *, full_page: bool = False) -> tuple[int, int]:
        """Save a PNG of the page at `path`; its (width, height) in pixels, read back from it."""
        self.page.screenshot(path=str(path), full_page=full_page)
        return png_size(path)

    def assert_fits(self, cells: str) -> None:
        """Nothing wider than the viewport (a wide table scrolls inside its wrapper), no word
        of the `cells` broken across lines, and the page stayed clean.
        """
        assert overflow_x(self.page) <= 1
        assert broken_words(self.page, cells) == []
        self.assert_clean()

    def assert_screenshot(self, path: Path) -> None:
        """A screenshot at `path` is exactly the viewport's size, and the page stayed clean."""
        size = self.page.viewport_size
        assert size is not None
        assert self.screenshot(path) == (size["width"], size["height"])
        self.assert_clean()


class Browser:
    """One launched Chromium; `open` gives each page a fresh context."""

    def __init__(self, playwright: Playwright, browser: PWBrowser) -> None:
        self._playwright = playwright
        self._browser = browser

    @contextlib.contextmanager
    def open(self, path: Path, viewport: dict[str, int]) -> Iterator[Opened]:
        """Load `path` (file://) at `viewport` (after its scripts ran) and yield it."""
        context = self._browser.new_context(viewport=viewport)
        page = context.new_page()
        opened = Opened(page)
        context.route("**/*", lambda route: _local_only(route, opened.blocked))
        context.on("request", lambda request: _record(request, opened.blocked))
        context.route_web_socket("**/*", lambda socket: _no_socket(socket, opened.blocked))
        page.on("console", lambda message: _console(message, opened.errors))
        page.on("pageerror", lambda error: _page_error(error, opened.errors))
        try:
            page.goto(path.resolve().as_uri(), wait_until="load")
            yield opened
        finally:
            context.close()

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()


def launch() -> Browser:
    """Start Chromium headless (call `unavailable()` first)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    assert executable is not None, unavailable()
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=NO_NETWORK_ARGS)
    except Exception:
        playwright.stop()
        raise
    return Browser(playwright, browser)


def _is_local(url: str) -> bool:
    return url.startswith(LOCAL_SCHEMES)


def _local_only(route: Route, blocked: list[str]) -> None:
    url = route.request.url
    if _is_local(url):
        route.continue_()
        return
    if url not in blocked:
        blocked.append(url)
    route.abort("blockedbyclient")


def _no_socket(socket: WebSocketRoute, blocked: list[str]) -> None:
    """A WebSocket is never connected to its server: recorded, then closed."""
    blocked.append(socket.url)
    socket.close(code=1008, reason="no network in tests")


def _record(request: Request, blocked: list[str]) -> None:
    if not _is_local(request.url) and request.url not in blocked:
        blocked.append(request.url)


def _console(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type == "error":
        errors.append(f"console: {message.text} ({message.location.get('url', '')})")


def _page_error(error: Error, errors: list[str]) -> None:
    errors.append(f"uncaught: {error.message}")


def png_size(path: Path) -> tuple[int, int]:
    """The (width, height) in a PNG file's IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


# --- DOM checks the page tests share --------------------------------------------------------

# Evaluated in the page: every highlighted span inside `root` (an element whose text is the
# article), one entry per `data-span` (a span overlapping another is cut into nested pieces).
_SPANS_JS = """(root) => {
  const text = document.querySelector(root);
  const spans = new Map();
  for (const mark of text.querySelectorAll("mark[data-span]")) {
    const k = mark.getAttribute("data-span");
    const before = document.createRange();
    before.setStart(text, 0);
    before.setEndBefore(mark);
    const box = mark.getBoundingClientRect();
    const piece = {
      start: before.toString().length,
      text: mark.textContent,
      background: getComputedStyle(mark).backgroundColor,
      visible: box.width > 0 && box.height > 0,
    };
    if (!spans.has(k)) {
      spans.set(k, {span: Number(k), item: mark.getAttribute("data-item"),
                    classes: Array.from(mark.classList), pieces: []});
    }
    spans.get(k).pieces.push(piece);
  }
  return Array.from(spans.values());
}"""


@dataclass(frozen=True)
class Span:
    """One highlighted span as the browser shows it, after the page's script ran."""

    item: str  # its `data-item`: the meeting, tension or diff row it is evidence of
    classes: list[str]
    start: int  # where its first piece begins in the text of the root element
    text: str  # its pieces' text, in document order
    backgrounds: list[str]  # each piece's computed background colour
    visible: bool  # every piece has a box

    @property
    def offsets(self) -> tuple[int, int]:
        return self.start, self.start + len(self.text)


def spans(page: Page, root: str) -> list[Span]:
    """Every highlighted span in the element `root` (a CSS selector), in `data-span` order."""
    found = sorted(page.evaluate(_SPANS_JS, root), key=lambda s: s["span"])
    return [
        Span(
            item=s["item"],
            classes=s["classes"],
            start=s["pieces"][0]["start"],
            text="".join(p["text"] for p in s["pieces"]),
            backgrounds=[p["background"] for p in s["pieces"]],
            visible=all(p["visible"] for p in s["pieces"]),
        )
        for s in found
    ]


def text_of(page: Page, selector: str) -> str:
    """The text content of the first element matching `selector`."""
    text: str = page.evaluate("(s) => document.querySelector(s).textContent", selector)
    return text


def active_items(page: Page, root: str) -> set[str]:
    """The `data-item` of every mark under `root` (a CSS selector) marked `is-active`."""
    found: list[str] = page.eval_on_selector_all(
        f"{root} mark[data-item].is-active", "(ms) => ms.map((m) => m.dataset.item)"
    )
    return set(found)


_BROKEN_JS = r"""(selector) => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/[^\s\-]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(word[0]);
      }
    }
  }
  return broken;
}"""


def broken_words(page: Page, selector: str) -> list[str]:
    """The words inside elements matching `selector` that are broken across lines (a break
    after a hyphen is a line break, not a broken word).
    """
    found: list[str] = page.evaluate(_BROKEN_JS, selector)
    return found


def is_transparent(css_colour: str) -> bool:
    """Whether a computed CSS colour paints nothing (`transparent` or zero alpha)."""
    colour = css_colour.replace(" ", "")
    return colour in ("transparent", "rgba(0,0,0,0)") or colour.endswith(",0)")


def overflow_x(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (<= 0 when nothing overflows)."""
    width: int = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    return width


def in_viewport(page: Page, selector: str) -> bool:
    """Whether the first element matching `selector` is on screen: wholly inside the viewport,
    or (taller than it) covering it from its top.
    """
    inside: bool = page.evaluate(
        """(selector) => {
          const box = document.querySelector(selector).getBoundingClientRect();
          const h = window.innerHeight, w = window.innerWidth;
          const across = box.left >= -1 && box.right <= w + 1;
          if (box.height > h) return across && box.top <= 1 && box.bottom >= h - 1;
          return across && box.top >= -1 && box.bottom <= h + 1;
        }""",
        selector,
    )
    return inside
