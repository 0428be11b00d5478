"""The openai SDK's async HTTP clients on one TLS context a process.

Every HTTP client the SDK makes builds its TLS context, loading the CA bundle (~17-19 ms of
CPU, on the event loop, before the first request), and the backend makes an async client per
event loop: per `asyncio.run`, so per daily run in a process that runs several (a service,
the bench). The sync client is made once per backend and keeps the SDK's own.

The context is the same each time (it depends only on the environment's `SSL_CERT_FILE` /
`SSL_CERT_DIR` and the system's store, read once a process now), so it is made once, by the
SDK's own HTTP library (`create_ssl_context()`, public in httpx since 0.28 and in httpx2,
which openai 3 uses), and handed as `verify=` to `openai.DefaultAsyncHttpxClient` (the SDK's
documented way to pass HTTP options with its own defaults; each request's timeout and URL
are the SDK's, as before). An `ssl.SSLContext` is safe to share between clients and threads.
Where the library has no such function, each client makes its own, as before.

The async client's transport is aiohttp's (`openai.DefaultAioHttpClient`, the SDK's documented
client "for improved concurrency performance", installed by the `openai[aiohttp]` extra): at 32
requests in flight its pool costs ~0.9 ms less CPU per request than httpcore's, which walks
every pooled connection, probing idle sockets, on each request (`benchmarks/bench_daily.py
--profile-only --n 300`: 5.77 / 5.64 -> 4.88 / 4.73 ms CPU per article, alternating runs). The
SDK maps aiohttp's errors to httpx's, but every connection error (refused, dropped) to a
connect timeout, so `openai_errors.cause` names a failure by its innermost cause. Where the
extra is missing the SDK's httpx client is used.
"""

from __future__ import annotations

import functools
import importlib
import ssl
from typing import Any

import openai


@functools.cache
def tls_context() -> ssl.SSLContext | None:
    """The default TLS context of the SDK's HTTP library, made once a process (None: none)."""
    base = next(c for c in openai.DefaultAsyncHttpxClient.__mro__ if "openai" not in c.__module__)
    library = importlib.import_module(base.__module__.partition(".")[0])
    make = getattr(library, "create_ssl_context", None)
    context = make() if make is not None else None
    return context if isinstance(context, ssl.SSLContext) else None


def async_http_client() -> dict[str, Any]:
    """The `http_client` argument of `openai.AsyncOpenAI`: the SDK's aiohttp client (else its
    httpx one) on the shared TLS context (the default verification where there is none). Its
    owner closes it (`AsyncOpenAI.close`).
    """
    verify: ssl.SSLContext | bool = tls_context() or True
    try:
        return {"http_client": openai.DefaultAioHttpClient(verify=verify)}
    except RuntimeError:  # openai installed without its aiohttp extra
        return {"http_client": openai.DefaultAsyncHttpxClient(verify=verify)}
