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
    """The `http_client` argument of `openai.AsyncOpenAI`: the SDK's default client on the
    shared TLS context (empty where there is none: the SDK makes its own). Its owner closes it
    (`AsyncOpenAI.close`).
    """
    context = tls_context()
    return {"http_client": openai.DefaultAsyncHttpxClient(verify=context)} if context else {}
