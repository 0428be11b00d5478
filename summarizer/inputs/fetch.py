"""Fetch one article URL: bounded in time, size and redirects, optionally public hosts only.

Redirects are followed by hand so every hop is checked (scheme, and with
`allow_private=False` the resolved address). `timeout` bounds the whole fetch, redirects
and body included, not only each socket operation.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from summarizer.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = "summarizer/0.1 (+https://pypi.org/project/summarizer/)"
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}
_SAVE_HINT = "save the article as a file and pass the file instead"


@dataclass(frozen=True)
class FetchedPage:
    """A fetched response body; `final_url` is where the redirects ended."""

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
    allow_private: bool = True,
) -> FetchedPage:
    """GET `url` and return its body, or raise `FetchError` with one readable line."""
    current = _check_scheme(url, url)
    deadline = time.monotonic() + timeout
    with _translate(url, timeout), httpx.Client(timeout=timeout, headers=_HEADERS) as client:
        for _ in range(max_redirects + 1):
            if not allow_private:
                _refuse_private(current, url)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise httpx.TimeoutException("deadline passed")
            with client.stream("GET", current, timeout=remaining) as response:
                if response.is_redirect:
                    current = _next_hop(response, url)
                    continue
                _check_status(response, url)
                body = _read_body(response, url, max_bytes, deadline, timeout)
                content_type = response.headers.get("content-type", "")
                return FetchedPage(url, str(response.url), content_type, body)
    raise FetchError(
        f"too many redirects fetching {url} (more than {max_redirects})",
        hint="open the URL in a browser and pass the final address",
    )


def is_public(ip: IPAddress) -> bool:
    """True for a globally routable unicast address (not loopback/private/link-local/...)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def _check_scheme(target: str, original: str) -> str:
    scheme = target.partition("://")[0].lower() if "://" in target else ""
    if scheme not in ("http", "https"):
        where = "" if target == original else f" ({original} redirected to {target})"
        raise FetchError(f"only http(s) URLs are supported{where}", hint="pass a file path instead")
    return target


def _next_hop(response: httpx.Response, original: str) -> str:
    target = response.url.join(response.headers["location"])
    return _check_scheme(str(target), original)


def _refuse_private(target: str, original: str) -> None:
    parsed = httpx.URL(target)
    try:
        addresses = resolve(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
    except OSError as e:
        raise FetchError(f"cannot reach {original}: cannot resolve {parsed.host}") from e
    for ip in addresses:
        if not is_public(ip):
            raise FetchError(
                f"refusing non-public address for {original} ({parsed.host} is {ip})",
                hint="pass --allow-private",
            )


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


def _read_body(
    response: httpx.Response, url: str, max_bytes: int, deadline: float, timeout: float
) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"response from {url} exceeds {format_mb(max_bytes)}", hint=_SAVE_HINT)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"response from {url} exceeds {format_mb(max_bytes)}", hint=_SAVE_HINT)
        if time.monotonic() > deadline:
            raise FetchError(f"{url} timed out after {timeout:g} s", hint="try again later")
        chunks.append(chunk)
    return b"".join(chunks)


@contextmanager
def _translate(url: str, timeout: float) -> Iterator[None]:
    """Turn httpx's exceptions into `FetchError`s that name the URL."""
    try:
        yield
    except httpx.TimeoutException as e:
        raise FetchError(f"{url} timed out after {timeout:g} s", hint="try again later") from e
    except httpx.InvalidURL as e:
        raise FetchError(f"not a valid URL: {url} ({e})") from e
    except httpx.TransportError as e:
        reason = str(e) or type(e).__name__
        raise FetchError(f"cannot reach {url}: {reason}", hint="check the address") from e
