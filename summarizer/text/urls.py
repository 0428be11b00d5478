"""URL userinfo (`user:password@`): split off for use, masked wherever a URL is shown or stored.

`http://user:secret@host/v1` carries a credential in its authority; anything printed, logged,
recorded or written into a report goes through `redact_url` (one URL) or `redact_urls` (a
text that may hold several) and shows `http://***@host/v1`. `split_userinfo` gives the URL
without it and the userinfo itself, for the one place that sends it (as Basic auth).
"""

from __future__ import annotations

import re

MASK = "***"

# scheme://userinfo@ ; the userinfo runs to the last "@" before the path, query or fragment
# (a password may hold a raw "@"), and cannot hold whitespace.
_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#\s]*)@")


def redact_url(url: str) -> str:
    """`url` with its userinfo, if any, replaced by `***`: `http://***@host/v1`."""
    match = _USERINFO.match(url)
    if match is None:
        return url
    return match["head"] + MASK + "@" + url[match.end() :]


def redact_urls(text: str) -> str:
    """`text` with the userinfo of every `scheme://user:pass@...` in it masked."""
    return _USERINFO.sub(lambda m: m["head"] + MASK + "@", text)


def split_userinfo(url: str) -> tuple[str, str | None]:
    """`(url without userinfo, the userinfo as written)`; `(url, None)` when it has none."""
    match = _USERINFO.match(url)
    if match is None:
        return url, None
    return match["head"] + url[match.end() :], match["userinfo"]
