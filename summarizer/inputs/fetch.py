"""Fetch one article URL: bounded in time, size and redirects; public addresses only unless allowed.

Every hop (the URL, then each redirect, `max_redirects` at most; followed here, not by httpx) is
checked before anything is sent to it: http(s) only, and every address its host resolves to
must be public (`is_public`: globally routable unicast, and no IPv6 form of a non-public IPv4
address: IPv4-mapped, NAT64, 6to4, ...). `allow_private=True` (`--allow-private`) also allows
loopback, private and shared addresses (`is_local`); link-local (cloud metadata at
169.254.169.254 among them), multicast, reserved and the rest are never fetched. Each new
connection resolves its host once, checks every address, and connects to exactly an address
that was checked (`_PinnedBackend`, under httpx's own transport; the Host header, TLS SNI and
the certificate check still use the name), so a DNS answer that changes between the check and
the connection (rebinding) cannot send the request elsewhere. No proxy is used: the address
checked must be the address connected to.

`timeout` is one deadline for the whole fetch: resolving, connecting, TLS, the status line and
headers, the body, every redirect. Each socket operation waits only for what is left of it, and
when it passes every open socket of the fetch is shut down, so a server that trickles bytes
(headers included) cannot stretch it. Error lines never show a URL's `user:password@`.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import httpcore
import httpx

from summarizer.errors import FetchError
from summarizer.inputs.addresses import IPAddress, describe, is_local, is_public
from summarizer.text.urls import redact_url

__all__ = ["FetchedPage", "IPAddress", "fetch_url", "format_mb", "is_local", "is_public", "resolve"]

USER_AGENT = "summarizer/0.1 (+https://pypi.org/project/summarizer/)"
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}
_SAVE_HINT = "save the article as a file and pass the file instead"
_CHECK = "check the address"
PRIVATE_HINT = "pass --allow-private to fetch from private or local addresses"
NEVER_HINT = "link-local, multicast and reserved addresses are never fetched"


@dataclass(frozen=True)
class FetchedPage:
    """A fetched response body; `final_url` is where the redirects ended (userinfo masked)."""

    url: str
    final_url: str
    content_type: str
    body: bytes

    @property
    def charset(self) -> str | None:
        """The `charset` parameter of the Content-Type header, if any."""
        for param in self.content_type.split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def format_mb(size: int) -> str:
    """Render a byte count as decimal megabytes, e.g. `5.0 MB`."""
    return f"{size / 1_000_000:.1f} MB"


def fetch_url(
    url: str,
    *,
    timeout: float = 20,
    max_bytes: int = 5_000_000,
    max_redirects: int = 5,
    allow_private: bool = False,
) -> FetchedPage:
    """GET `url` and return its body, or raise `FetchError` with one readable line."""
    current = _check_scheme(url, url)
    shown = redact_url(url)
    deadline = _Deadline(timeout)
    backend = _PinnedBackend(deadline, url, allow_private)
    watchdog = threading.Timer(timeout, deadline.expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        with _translate(shown, deadline), _client(backend, timeout) as client:
            for _ in range(max_redirects + 1):
                backend.target = current  # what a refusal names, should this hop connect
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        current = _next_hop(response, url)
                        continue
                    _check_status(response, shown)
                    body = _read_body(response, shown, max_bytes, deadline)
                    content_type = response.headers.get("content-type", "")
                    return FetchedPage(url, redact_url(str(response.url)), content_type, body)
    finally:
        watchdog.cancel()
    raise FetchError(
        f"too many redirects fetching {shown} (more than {max_redirects})",
        hint="open the URL in a browser and pass the final address",
    )


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


# --- one connection: resolve once, check, connect to what was checked -----------------


def _checked_addresses(
    host: str, port: int, target: str, original: str, allow_private: bool, deadline: _Deadline
) -> list[IPAddress]:
    """The addresses of `host`, resolved once, each allowed; else `FetchError` naming
    `original` (and `target`, the redirect that led there).
    """
    shown = redact_url(original)
    try:
        addresses = _resolve_within(host, port, deadline)
    except (OSError, UnicodeError) as e:
        raise FetchError(f"cannot reach {shown}: cannot resolve {host}", hint=_CHECK) from e
    if not addresses:
        raise FetchError(f"cannot reach {shown}: cannot resolve {host}", hint=_CHECK)
    for ip in addresses:
        if is_public(ip) or (allow_private and is_local(ip)):
            continue
        where = "" if target == original else f"redirected to {redact_url(target)}; "
        named = f"{ip} is" if host == str(ip) else f"{host} is {ip},"
        raise FetchError(
            f"refusing non-public address for {shown} ({where}{named} {describe(ip)})",
            hint=PRIVATE_HINT if is_local(ip) else NEVER_HINT,
        )
    return addresses


def _resolve_within(host: str, port: int, deadline: _Deadline) -> list[IPAddress]:
    """`resolve`, given only what is left of the deadline (the system resolver may hang)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    found: list[IPAddress] = []
    failed: list[BaseException] = []

    def work() -> None:
        try:
            found.extend(resolve(host, port))
        except BaseException as e:  # re-raised in the caller's thread
            failed.append(e)

    worker = threading.Thread(target=work, daemon=True, name="fetch-resolve")
    worker.start()
    worker.join(max(0.0, deadline.left()))
    if worker.is_alive():
        raise httpcore.ConnectTimeout(f"resolving {host} took too long")
    if failed:
        raise failed[0]
    return found


# --- the deadline and the pinned connection --------------------------------------------


class _Deadline:
    """One deadline for a fetch; `expire` shuts down every socket still open."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def left(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        return self.expired.is_set() or self.left() <= 0

    def cap(self, timeout: float | None, error: type[Exception]) -> float:
        """`timeout` shortened to what is left; `error` when nothing is."""
        left = self.left()
        if left <= 0 or self.expired.is_set():
            raise error(f"deadline of {self.seconds:g} s passed")
        return left if timeout is None else min(timeout, left)

    def watch(self, stream: httpcore.NetworkStream) -> None:
        sock = stream.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
        if self.expired.is_set():
            self.expire()

    def expire(self) -> None:
        self.expired.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation waits only for what is left of the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner, self._deadline = inner, deadline
        deadline.watch(inner)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.cap(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.cap(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = self._deadline.cap(timeout, httpcore.ConnectTimeout)
        tls = self._inner.start_tls(ssl_context, server_hostname, wait)
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Resolves each host once, checks every address, connects only to a checked one."""

    def __init__(self, deadline: _Deadline, original: str, allow_private: bool) -> None:
        self._deadline, self._original, self._allow_private = deadline, original, allow_private
        self._inner = httpcore.SyncBackend()
        self.target = original  # the URL of the hop being fetched

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        """`host` as httpcore names the origin: IDNA, IPv6 without brackets."""
        addresses = _checked_addresses(
            host, port, self.target, self._original, self._allow_private, self._deadline
        )
        failure: httpcore.ConnectError | None = None
        for ip in addresses:
            wait = self._deadline.cap(timeout, httpcore.ConnectTimeout)
            try:
                stream = self._inner.connect_tcp(
                    str(ip), port, wait, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as e:  # refused: try the next checked address
                failure = e
                continue
            return _DeadlineStream(stream, self._deadline)
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport over a connection pool that connects through `backend`."""

    def __init__(self, backend: _PinnedBackend) -> None:
        ssl_context = httpx.create_ssl_context()  # SSL_CERT_FILE / SSL_CERT_DIR still apply
        super().__init__(verify=ssl_context, trust_env=False)
        # httpx has no argument for the network backend: replace the pool it built (httpx
        # 0.27/0.28 keep it in `_pool`; tests/inputs/test_fetch.py fails loudly if that moves).
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend)


def _client(backend: _PinnedBackend, timeout: float) -> httpx.Client:
    transport = _PinnedTransport(backend)
    return httpx.Client(transport=transport, timeout=timeout, headers=_HEADERS, trust_env=False)


# --- responses ---------------------------------------------------------------------------


def _check_scheme(target: str, original: str) -> str:
    scheme = target.partition("://")[0].lower() if "://" in target else ""
    if scheme not in ("http", "https"):
        shown = f" ({redact_url(original)} redirected to {redact_url(target)})"
        where = "" if target == original else shown
        raise FetchError(f"only http(s) URLs are supported{where}", hint="pass a file path instead")
    return target


def _next_hop(response: httpx.Response, original: str) -> str:
    target = response.url.join(response.headers["location"])
    return _check_scheme(str(target), original)


def _check_status(response: httpx.Response, url: str) -> None:
    if response.is_success:
        return
    code = response.status_code
    if code in (401, 403, 451):
        hint = "the site refuses automated access; " + _SAVE_HINT
    elif code == 429 or code >= 500:
        hint = "the server is busy or failing; try again later"
    else:
        hint = "check the URL"
    raise FetchError(f"{url} returned HTTP {code}", hint=hint)


def _read_body(response: httpx.Response, url: str, max_bytes: int, deadline: _Deadline) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"response from {url} exceeds {format_mb(max_bytes)}", hint=_SAVE_HINT)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"response from {url} exceeds {format_mb(max_bytes)}", hint=_SAVE_HINT)
        if deadline.passed():
            raise httpx.ReadTimeout("deadline passed")
        chunks.append(chunk)
    if deadline.expired.is_set():  # the watchdog's shutdown reads as the end of the body
        raise httpx.ReadTimeout("deadline passed")
    return b"".join(chunks)


@contextmanager
def _translate(url: str, deadline: _Deadline) -> Iterator[None]:
    """Turn httpx's exceptions into `FetchError`s that name the (redacted) URL; any failure
    once the deadline has passed (a socket shut down under a read) is the timeout.
    """
    timed_out = FetchError(f"{url} timed out after {deadline.seconds:g} s", hint="try again later")
    try:
        yield
    except httpx.TimeoutException as e:
        raise timed_out from e
    except httpx.InvalidURL as e:
        raise FetchError(f"not a valid URL: {url} ({e})") from e
    except httpx.TransportError as e:
        if deadline.passed():
            raise timed_out from e
        reason = str(e) or type(e).__name__
        raise FetchError(f"cannot reach {url}: {reason}", hint=_CHECK) from e
