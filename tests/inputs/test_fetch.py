"""Tests for summarizer.inputs.fetch against a local stdlib HTTP server (no internet)."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from summarizer.errors import FetchError
from summarizer.inputs import fetch
from summarizer.inputs.fetch import FetchedPage, fetch_url, format_mb, is_public

PAGE = b"<!doctype html><html><head><title>Ministers meet</title></head><body><p>Hi</p></body>"


class _Handler(BaseHTTPRequestHandler):
    """Routes by path; see each branch."""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        route = {
            "/article": self._article,
            "/missing": lambda: self._status(404),
            "/loop": lambda: self._redirect("/loop"),
            "/redirect": lambda: self._redirect("/article"),
            "/to-loopback": lambda: self._redirect(f"http://127.0.0.1:{self._port()}/article"),
            "/to-ftp": lambda: self._redirect("ftp://example.org/file.txt"),
            "/slow": self._slow,
            "/trickle": self._trickle,
            "/big": self._big,
            "/big-declared": self._big_declared,
        }.get(self.path, lambda: self._status(404))
        route()

    def _port(self) -> int:
        assert isinstance(self.server, ThreadingHTTPServer)
        return self.server.server_port

    def _article(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def _status(self, code: int) -> None:
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _slow(self) -> None:
        time.sleep(1.0)
        self._article()

    def _trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        for _ in range(12):
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            time.sleep(0.1)

    def _big(self) -> None:  # no Content-Length: the client must count while streaming
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        for _ in range(30):
            self.wfile.write(b"y" * 10_000)

    def _big_declared(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "10000000")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (timeout, size limit) is expected here."""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 with a free port, in a background thread."""
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_fetches_html_page(base_url: str) -> None:
    page = fetch_url(f"{base_url}/article")
    assert page.body == PAGE
    assert page.content_type.startswith("text/html")
    assert page.charset == "utf-8"
    assert page.final_url == page.url == f"{base_url}/article"


def test_follows_a_redirect_and_records_final_url(base_url: str) -> None:
    page = fetch_url(f"{base_url}/redirect")
    assert page.url == f"{base_url}/redirect"
    assert page.final_url == f"{base_url}/article"


def test_http_error_status_names_the_code(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"/missing returned HTTP 404"):
        fetch_url(f"{base_url}/missing")


def test_redirect_loop_is_capped(base_url: str) -> None:
    with pytest.raises(FetchError, match="too many redirects"):
        fetch_url(f"{base_url}/loop", max_redirects=3)


def test_slow_response_times_out(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"timed out after 0.2 s"):
        fetch_url(f"{base_url}/slow", timeout=0.2)


def test_timeout_bounds_the_whole_fetch_not_each_read(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"timed out after 0.5 s"):
        fetch_url(f"{base_url}/trickle", timeout=0.5)


def test_streamed_body_past_max_bytes_is_aborted(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"exceeds 0.1 MB"):
        fetch_url(f"{base_url}/big", max_bytes=100_000)


def test_declared_length_past_max_bytes_is_refused(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"exceeds 5.0 MB"):
        fetch_url(f"{base_url}/big-declared")


def test_private_address_refused_unless_allowed(base_url: str) -> None:
    with pytest.raises(FetchError, match="refusing non-public address") as info:
        fetch_url(f"{base_url}/article", allow_private=False)
    assert "--allow-private" in info.value.one_line()


def test_every_redirect_hop_is_checked(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = fetch.resolve

    def fake(host: str, port: int) -> list[fetch.IPAddress]:
        public = [ipaddress.ip_address("93.184.216.34")]
        return public if host == "localhost" else real(host, port)

    monkeypatch.setattr(fetch, "resolve", fake)
    port = base_url.rsplit(":", 1)[1]
    with pytest.raises(FetchError, match=r"non-public address .*127\.0\.0\.1"):
        fetch_url(f"http://localhost:{port}/to-loopback", allow_private=False)


@pytest.mark.parametrize("url", ["ftp://example.org/a.txt", "file:///etc/hosts", "example.org"])
def test_only_http_schemes(url: str) -> None:
    with pytest.raises(FetchError, match=r"only http\(s\) URLs are supported"):
        fetch_url(url)


def test_redirect_to_other_scheme_is_refused(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"only http\(s\) URLs .*redirected to ftp://"):
        fetch_url(f"{base_url}/to-ftp")


def test_unreachable_host_is_one_line_error() -> None:
    with pytest.raises(FetchError, match=r"cannot reach http://127\.0\.0\.1:1/"):
        fetch_url("http://127.0.0.1:1/", timeout=2)


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("93.184.216.34", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
    ],
)
def test_is_public(ip: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(ip)) is public


def test_charset_and_format_mb() -> None:
    page = FetchedPage("u", "u", 'text/plain; Charset="ISO-8859-1"', b"")
    assert page.charset == "ISO-8859-1"
    assert FetchedPage("u", "u", "text/html", b"").charset is None
    assert format_mb(5_000_000) == "5.0 MB"
