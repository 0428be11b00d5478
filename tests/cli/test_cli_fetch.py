"""`summarizer brief URL` against local servers: private addresses refused unless
`--allow-private`, redirects to link-local (cloud metadata) never followed, and one deadline
for the whole fetch, headers included. (The fetch itself: tests/inputs/test_fetch.py.)

Every socket a test opens is checked: only loopback addresses are really connected to.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from builders import invoke, serve_local
from click.testing import Result

from summarizer.inputs import loaders

TEXT = b"Berg meets Ruiz\n\nForeign Minister Anna Berg met Tomas Ruiz in Madrid on Monday.\n"
_REAL_CONNECT = socket.create_connection


class _Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path == "/article":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(TEXT)))
            self.end_headers()
            self.wfile.write(TEXT)
        elif self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/trickle-headers":  # one byte every 50 ms, for ~4 s
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Pad: " + b"p" * 40:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.05)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 (see `builders.serve_local`)."""
    with serve_local(_Site) as url:
        yield url


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every host a socket was opened to; any but a loopback address is refused."""
    seen: list[str] = []

    def guard(address: tuple[str, int], *args: Any, **kw: Any) -> socket.socket:
        seen.append(address[0])
        if address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise ConnectionRefusedError(f"the test refuses to connect to {address[0]}")
        return _REAL_CONNECT(address, *args, **kw)

    monkeypatch.setattr(socket, "create_connection", guard)
    return seen


def assert_error(result: Result, line: str) -> None:
    assert (result.exit_code, result.stderr, result.stdout) == (2, line + "\n", "")
    assert "Traceback" not in result.output


def test_loopback_is_refused_by_default(site: str, connects: list[str]) -> None:
    result = invoke("brief", f"{site}/article", "--json", "--backend", "fake")
    assert_error(
        result,
        f"error: refusing non-public address for {site}/article (127.0.0.1 is a loopback"
        " address) — pass --allow-private to fetch from private or local addresses",
    )
    assert connects == []


def test_allow_private_fetches_from_loopback(site: str, connects: list[str]) -> None:
    result = invoke("brief", f"{site}/article", "--json", "--allow-private", "--backend", "fake")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["source"]["url"] == f"{site}/article"
    assert connects == ["127.0.0.1"]


def test_redirect_to_cloud_metadata_is_refused_even_with_allow_private(
    site: str, connects: list[str]
) -> None:
    url = f"{site}/to-metadata"
    result = invoke("brief", url, "--json", "--allow-private", "--backend", "fake")
    assert_error(
        result,
        f"error: refusing non-public address for {url} (redirected to"
        " http://169.254.169.254/latest/meta-data/; 169.254.169.254 is a link-local address)"
        " — link-local, multicast and reserved addresses are never fetched",
    )
    assert connects == ["127.0.0.1"]  # never a socket to 169.254.169.254


def test_trickled_headers_end_at_the_deadline(
    site: str, connects: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(loaders.load.__kwdefaults__, "timeout", 0.5)  # the CLI's fetch timeout
    url = f"{site}/trickle-headers"
    start = time.monotonic()
    result = invoke("brief", url, "--json", "--allow-private", "--backend", "fake")
    assert time.monotonic() - start < 2.0
    assert_error(result, f"error: {url} timed out after 0.5 s — try again later")
