"""Tests for summarizer.inputs.fetch against a local stdlib HTTP server (no internet)."""

from __future__ import annotations

import ipaddress
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import typing
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from builders import LocalServer, serve_local

from summarizer.errors import FetchError
from summarizer.inputs import fetch
from summarizer.inputs.fetch import FetchedPage, fetch_url, format_mb

PAGE = b"<!doctype html><html><head><title>Ministers meet</title></head><body><p>Hi</p></body>"


class _Handler(BaseHTTPRequestHandler):
    """Routes by path; see each branch. `hosts` collects each request's Host header."""

    hosts: typing.ClassVar[list[str]] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        _Handler.hosts.append(self.headers.get("Host", ""))
        route = {
            "/article": self._article,
            "/missing": lambda: self._status(404),
            "/loop": lambda: self._redirect("/loop"),
            "/redirect": lambda: self._redirect("/article"),
            "/to-loopback": lambda: self._redirect(f"http://127.0.0.1:{self._port()}/article"),
            "/to-ftp": lambda: self._redirect("ftp://example.org/file.txt"),
            "/to-metadata": lambda: self._redirect("http://169.254.169.254/latest/meta-data/"),
            "/to-nat64": lambda: self._redirect("http://[64:ff9b::a9fe:a9fe]/latest/meta-data/"),
            "/trickle-headers": self._trickle_headers,
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

    def _trickle_headers(self) -> None:  # a status line and headers, a byte at a time
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: " + b"p" * 60
        for byte in head:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.05)

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


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 (see `builders.serve_local`)."""
    with serve_local(_Handler) as url:
        yield url


PUBLIC = "93.184.216.34"  # stands for a public site; `net` sends it to the local server
_REAL_CONNECT = socket.create_connection


class Net:
    """A scripted DNS and a guard on `socket.create_connection`: `PUBLIC` is connected to the
    local test server, other loopback addresses as they are; any other address is refused
    (and recorded), so no test ever opens a socket to it.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.answers: dict[str, list[list[str]]] = {}  # host -> successive answers (last repeats)
        self.asked: list[str] = []
        self.connects: list[str] = []

    def resolve(self, host: str, port: int) -> list[fetch.IPAddress]:
        self.asked.append(host)
        queue = self.answers.get(host)
        if queue is None:
            raise socket.gaierror(f"{host}: not in the test's DNS")
        found = queue.pop(0) if len(queue) > 1 else queue[0]
        return [ipaddress.ip_address(a) for a in found]

    def create_connection(self, address: tuple[str, int], *args: Any, **kw: Any) -> socket.socket:
        host, port = address[0], address[1]
        self.connects.append(host)
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:  # a client that resolves the name again itself
            ip = self.resolve(host, port)[0]
        if str(ip) == PUBLIC:
            return _REAL_CONNECT(("127.0.0.1", self.port), *args, **kw)
        if ip.is_loopback:
            return _REAL_CONNECT((str(ip), port), *args, **kw)
        raise ConnectionRefusedError(f"the test refuses to connect to {ip}")


@pytest.fixture
def net(base_url: str, monkeypatch: pytest.MonkeyPatch) -> Net:
    """The scripted DNS (`fetch.resolve`) and connection guard, on the local server's port."""
    fake = Net(int(base_url.rsplit(":", 1)[1]))
    monkeypatch.setattr(fetch, "resolve", fake.resolve)
    monkeypatch.setattr(socket, "create_connection", fake.create_connection)
    return fake


def test_fetches_html_page(base_url: str) -> None:
    page = fetch_url(f"{base_url}/article", allow_private=True)
    assert page.body == PAGE
    assert page.content_type.startswith("text/html")
    assert page.charset == "utf-8"
    assert page.final_url == page.url == f"{base_url}/article"


def test_follows_a_redirect_and_records_final_url(base_url: str) -> None:
    page = fetch_url(f"{base_url}/redirect", allow_private=True)
    assert page.url == f"{base_url}/redirect"
    assert page.final_url == f"{base_url}/article"


def test_http_error_status_names_the_code(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"/missing returned HTTP 404"):
        fetch_url(f"{base_url}/missing", allow_private=True)


def test_redirect_loop_is_capped(base_url: str) -> None:
    with pytest.raises(FetchError, match="too many redirects"):
        fetch_url(f"{base_url}/loop", max_redirects=3, allow_private=True)


def test_slow_response_times_out(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"timed out after 0.2 s"):
        fetch_url(f"{base_url}/slow", timeout=0.2, allow_private=True)


def test_timeout_bounds_the_whole_fetch_not_each_read(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"timed out after 0.5 s"):
        fetch_url(f"{base_url}/trickle", timeout=0.5, allow_private=True)


def test_streamed_body_past_max_bytes_is_aborted(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"exceeds 0.1 MB"):
        fetch_url(f"{base_url}/big", max_bytes=100_000, allow_private=True)


def test_declared_length_past_max_bytes_is_refused(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"exceeds 5.0 MB"):
        fetch_url(f"{base_url}/big-declared", allow_private=True)


def test_private_address_refused_unless_allowed(base_url: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch_url(f"{base_url}/article")  # refused by default
    assert info.value.one_line() == (
        f"refusing non-public address for {base_url}/article (127.0.0.1 is a loopback address)"
        " — pass --allow-private to fetch from private or local addresses"
    )
    assert fetch_url(f"{base_url}/article", allow_private=True).body == PAGE


def test_every_redirect_hop_is_checked(base_url: str, net: Net) -> None:
    net.answers["localhost"] = [[PUBLIC]]
    with pytest.raises(FetchError) as info:
        fetch_url(f"http://localhost:{net.port}/to-loopback")
    assert info.value.message == (
        f"refusing non-public address for http://localhost:{net.port}/to-loopback (redirected to"
        f" http://127.0.0.1:{net.port}/article; 127.0.0.1 is a loopback address)"
    )
    assert net.connects == [PUBLIC]


@pytest.mark.parametrize("allow_private", [False, True])
@pytest.mark.parametrize(
    ("route", "ip"), [("/to-metadata", "169.254.169.254"), ("/to-nat64", "64:ff9b::a9fe:a9fe")]
)
def test_redirect_to_link_local_is_refused_before_connecting(
    route: str, ip: str, allow_private: bool, net: Net
) -> None:
    """Even with `allow_private`: link-local (cloud metadata) is never fetched."""
    net.answers["news.test"] = [[PUBLIC]]
    with pytest.raises(FetchError) as info:
        fetch_url(f"http://news.test:{net.port}{route}", allow_private=allow_private)
    target = f"http://{ip if '.' in ip else f'[{ip}]'}/latest/meta-data/"
    assert info.value.one_line() == (
        f"refusing non-public address for http://news.test:{net.port}{route} (redirected to"
        f" {target}; {ip} is a link-local address) — link-local, multicast and reserved"
        " addresses are never fetched"
    )
    assert net.connects == [PUBLIC]  # the first hop only: nothing was sent to the metadata address


def test_a_name_resolving_to_a_private_address_is_refused_unresolved_again(net: Net) -> None:
    net.answers["intranet.test"] = [["10.0.0.5"]]
    with pytest.raises(FetchError) as info:
        fetch_url("http://intranet.test/wiki")
    assert info.value.message == (
        "refusing non-public address for http://intranet.test/wiki"
        " (intranet.test is 10.0.0.5, a private address)"
    )
    assert net.connects == [] and net.asked == ["intranet.test"]


def test_the_checked_address_is_the_one_connected_to(net: Net) -> None:
    """DNS rebinding: the second answer (loopback) must not be used; one resolution per hop."""
    net.answers["news.test"] = [[PUBLIC], ["127.0.0.1"]]
    page = fetch_url(f"http://news.test:{net.port}/article")
    assert page.body == PAGE and page.final_url == f"http://news.test:{net.port}/article"
    assert net.asked == ["news.test"] and net.connects == [PUBLIC]
    assert _Handler.hosts[-1] == f"news.test:{net.port}"  # the Host header keeps the name


def test_trickled_status_line_and_headers_hit_the_deadline(base_url: str) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch_url(f"{base_url}/trickle-headers", timeout=0.5, allow_private=True)
    assert time.monotonic() - start < 1.5
    assert info.value.one_line() == (
        f"{base_url}/trickle-headers timed out after 0.5 s — try again later"
    )


def test_userinfo_of_a_fetched_url_is_never_shown(base_url: str) -> None:
    url = base_url.replace("http://", "http://reader:s3cret@")
    with pytest.raises(FetchError) as info:
        fetch_url(f"{url}/missing", allow_private=True)
    assert (
        info.value.message
        == f"{base_url.replace('http://', 'http://***@')}/missing returned HTTP 404"
    )
    page = fetch_url(f"{url}/redirect", allow_private=True)
    assert page.final_url == f"{base_url.replace('http://', 'http://***@')}/article"


@pytest.mark.parametrize("url", ["ftp://example.org/a.txt", "file:///etc/hosts", "example.org"])
def test_only_http_schemes(url: str) -> None:
    with pytest.raises(FetchError, match=r"only http\(s\) URLs are supported"):
        fetch_url(url)


def test_redirect_to_other_scheme_is_refused(base_url: str) -> None:
    with pytest.raises(FetchError, match=r"only http\(s\) URLs .*redirected to ftp://"):
        fetch_url(f"{base_url}/to-ftp", allow_private=True)


def test_unreachable_host_is_one_line_error() -> None:
    with pytest.raises(FetchError, match=r"cannot reach http://127\.0\.0\.1:1/"):
        fetch_url("http://127.0.0.1:1/", timeout=2, allow_private=True)


def test_charset_and_format_mb() -> None:
    page = FetchedPage("u", "u", 'text/plain; Charset="ISO-8859-1"', b"")
    assert page.charset == "ISO-8859-1"
    assert FetchedPage("u", "u", "text/html", b"").charset is None
    assert format_mb(5_000_000) == "5.0 MB"


@pytest.fixture
def tls_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for `news.test` (trusted
    through SSL_CERT_FILE); yields its port.
    """
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=news.test",
         "-addext", "subjectAltName=DNS:news.test"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = LocalServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join()


def test_https_to_the_pinned_address_still_verifies_the_name(tls_site: int, net: Net) -> None:
    """Connected by address, but TLS (SNI, certificate) and the Host header use the name."""
    net.port = tls_site
    net.answers |= {"news.test": [[PUBLIC]], "other.test": [[PUBLIC]]}
    page = fetch_url(f"https://news.test:{tls_site}/article")
    assert page.body == PAGE and net.connects == [PUBLIC]
    assert _Handler.hosts[-1] == f"news.test:{tls_site}"
    other = f"https://other.test:{tls_site}/article"
    with pytest.raises(FetchError, match=rf"^cannot reach {re.escape(other)}: .*CERTIFICATE"):
        fetch_url(other)  # the certificate is not for it


def test_a_name_that_does_not_resolve_is_one_line(net: Net) -> None:
    with pytest.raises(FetchError) as info:
        fetch_url("http://nowhere.test/a")
    assert info.value.one_line() == (
        "cannot reach http://nowhere.test/a: cannot resolve nowhere.test — check the address"
    )
    assert net.connects == []
