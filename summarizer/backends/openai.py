"""Any OpenAI-compatible endpoint, through instructor over the official `openai` client.

Two retry loops, kept apart:

* transport (ours, tenacity): HTTP 408/429/5xx, connection errors, timeouts and malformed
  response bodies are retried up to `settings.transport_retries` times with jittered
  exponential backoff (a 429's Retry-After is honoured), capped at `settings.retry_max_wait`;
  then `EndpointError`. The openai client's own retries are off (`max_retries=0`).
* re-ask (instructor): an answer that fails validation is sent back with the error text,
  `settings.max_retries` times, so `max_retries + 1` answers at most (instructor 1.17 stops
  after `max_retries + 1` attempts, or once `settings.timeout` seconds have passed since the
  first request); then `ModelError`. Transport retries are not re-asks.

The first request of a call is the one instructor would send, prepared once per response model
and mode (`openai_request.prepared`) and posted as it is (`transport.posting`), and its answer
is validated as instructor's parser would; only an answer that fails goes to instructor, which
re-asks from it (`first_then`) through the SDK's `create`, as before. So a valid answer costs
no instructor preparation and no SDK walk of the body (~5 ms of CPU per call together); nor
does a run whose answers are all valid touch `client.chat`, whose first use imports the SDK's
resource modules (~0.3 s of CPU a process).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import instructor
import openai
import tenacity
from pydantic import SecretStr

from summarizer.backends.base import Completion, Message, T
from summarizer.backends.openai_errors import NO_KEY, ErrorMapper, chained, is_transient
from summarizer.backends.openai_request import (
    MODES,
    REASKED,
    afirst_then,
    first_then,
    prepared,
    validation_context,
    with_context,
)
from summarizer.backends.tls import async_http_client
from summarizer.backends.transport import Tally, Transport, answer_text, posting, retry_after
from summarizer.errors import MissingKeyError
from summarizer.settings import Settings
from summarizer.text.urls import redact_url, split_userinfo

__all__ = [
    "MODES",
    "NO_KEY",
    "OpenAIBackend",
    "answer_text",
    "is_transient",
    "retry_after",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # retries show with --debug; else the error says it all

DEFAULT_MODEL = "gpt-4o-mini"
OPENAI_URL = "https://api.openai.com/v1"


def _basic_auth(userinfo: str | None) -> str | None:
    """The Basic Authorization header of a URL's `user:password`, as httpx builds it."""
    if not userinfo:
        return None
    user, _, password = userinfo.partition(":")
    pair = f"{unquote(user)}:{unquote(password)}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


@dataclass
class _Shared:
    """One event loop's async client and how many calls are using it."""

    client: openai.AsyncOpenAI
    users: int = 0


class OpenAIBackend:
    """The `Backend` for OpenAI and any server speaking its chat-completions API."""

    def __init__(
        self,
        settings: Settings,
        *,
        name: str = "openai",
        extra_body: dict[str, Any] | None = None,
        api_key_optional: bool = False,
    ) -> None:
        self.settings = settings
        self.name = name
        self.model = settings.model or DEFAULT_MODEL
        self.mode: str = settings.mode or "tools"
        given = settings.base_url or OPENAI_URL
        # `base_url` never holds credentials (it is shown, logged, fingerprinted); a
        # `user:password@` in the given URL is sent as Basic auth, as httpx would send it.
        self.base_url, userinfo = split_userinfo(given)
        self.shown_url = redact_url(given)  # what messages show: `http://***@host/v1`
        self._basic_auth = _basic_auth(userinfo)
        self.extra_body = dict(extra_body or {})
        self._key = self._resolve_key(settings.api_key, api_key_optional)
        self._errors = ErrorMapper(self.host, self.shown_url, self.model, self._key, settings)
        self._transport = Transport(settings, self._errors)
        self._lock = threading.Lock()
        self._client: openai.OpenAI | None = None
        self._async: dict[asyncio.AbstractEventLoop, _Shared] = {}

    def __repr__(self) -> str:
        return f"OpenAIBackend(name={self.name!r}, model={self.model!r}, base_url={self.host!r})"

    @property
    def host(self) -> str:
        """The endpoint's host:port (never its userinfo), the only part of the URL that goes
        into fingerprints.
        """
        return urlsplit(self.base_url).netloc.rpartition("@")[2] or redact_url(self.base_url)

    def _resolve_key(self, key: SecretStr | None, optional: bool) -> SecretStr:
        if key is not None and key.get_secret_value():
            return key
        if self.host == "api.openai.com" and not optional:
            raise MissingKeyError(
                f"no API key for {self.shown_url}",
                hint="set OPENAI_API_KEY or pass --base-url for a local server",
            )
        return SecretStr(NO_KEY)

    def fingerprint(self) -> dict[str, Any]:
        """Everything that changes the output; never the key."""
        s = self.settings
        found: dict[str, Any] = {"backend": self.name, "model": self.model, "mode": self.mode}
        found |= {"base_url": self.host, "temperature": s.temperature, "seed": s.seed}
        found["max_tokens"] = s.max_tokens
        return found | ({"extra_body": self.extra_body} if self.extra_body else {})

    def request_params(self, messages: list[Message], response_model: type[T]) -> dict[str, Any]:
        """The keyword arguments of instructor's `create` for one request (batch.py builds
        its request bodies from them, so a batch line is what the direct call sends).
        """
        params: dict[str, Any] = {"messages": messages, **self._call_params}
        params["response_model"] = with_context(response_model, self.mode)
        return params | {"max_retries": self.settings.max_retries, "strict": False}

    @functools.cached_property
    def _call_params(self) -> dict[str, Any]:
        """What every request sends besides its messages and schema (and the client timeout)."""
        s = self.settings
        params: dict[str, Any] = {"model": self.model, "temperature": s.temperature}
        params |= {"max_tokens": s.max_tokens, "timeout": s.timeout}
        params |= {"seed": s.seed} if s.seed is not None else {}
        return params | ({"extra_body": self.extra_body} if self.extra_body else {})

    def _reask_params(
        self, messages: list[Message], response_model: type[T], since: float, *, sync: bool
    ) -> dict[str, Any]:
        """`request_params` for instructor taking over after the first answer: its re-ask
        loop, stopping where instructor's own would (attempts, or `timeout` seconds since
        the first request, not since the hand-over).
        """
        s = self.settings
        spent = time.monotonic() - since

        def stop(state: tenacity.RetryCallState) -> bool:
            elapsed = spent + (state.seconds_since_start or 0.0)
            return state.attempt_number >= s.max_retries + 1 or elapsed >= s.timeout

        loop = tenacity.Retrying if sync else tenacity.AsyncRetrying
        policy = loop(stop=stop, retry=tenacity.retry_if_exception_type(REASKED), reraise=True)
        return self.request_params(messages, response_model) | {"max_retries": policy}

    # --- clients (lazy, shared, key only ever read here) -------------------------------

    def _sync_client(self) -> openai.OpenAI:
        with self._lock:
            if self._client is None:
                self._client = openai.OpenAI(**self.client_args())
            return self._client

    @contextlib.asynccontextmanager
    async def _async_client(self) -> AsyncIterator[openai.AsyncOpenAI]:
        """The running loop's shared client: made by its first call, closed as soon as no
        call of that loop uses it, so no connection outlives the loop that made it (a daily run
        makes one; its TLS context is made once a process, `tls.async_http_client`).
        """
        loop = asyncio.get_running_loop()
        with self._lock:
            shared = self._async.get(loop)
            if shared is None:
                client = openai.AsyncOpenAI(**self.client_args(), **async_http_client())
                shared = self._async[loop] = _Shared(client)
            shared.users += 1
        try:
            yield shared.client
        finally:
            with self._lock:
                shared.users -= 1
                idle = shared.users == 0 and self._async.get(loop) is shared
                if idle:
                    del self._async[loop]
            if idle:  # shielded: a task cancelled while closing must not leave sockets open
                await asyncio.shield(shared.client.close())

    def client_args(self) -> dict[str, Any]:
        """The openai client's arguments (the key among them: keep them out of logs).

        The base URL goes without its userinfo, which rides in the Authorization header
        instead: httpx would print the URL with it in its logs and exception messages.
        """
        key = self._key.get_secret_value()
        timeout = self.settings.timeout
        args: dict[str, Any] = {"base_url": self.base_url, "api_key": key, "max_retries": 0}
        args["timeout"] = timeout
        if self._basic_auth is not None:
            args["default_headers"] = {"Authorization": self._basic_auth}
        return args

    def close(self) -> None:
        """Close the shared sync client (an async client closes when its calls are done)."""
        client, self._client = self._client, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """`close`, and close this loop's async client should one be left (a call cut off)."""
        self.close()
        with self._lock:
            shared = self._async.pop(asyncio.get_running_loop(), None)
        if shared is not None:
            await shared.client.close()

    # --- generate -----------------------------------------------------------------------

    def generate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """One validated answer, re-asked on validation errors, transport faults retried."""
        tally = Tally()
        request = prepared(response_model, self.mode)
        client = self._sync_client()
        send = self._transport.sync(posting(client), tally)
        with validation_context(context):
            try:
                since = time.monotonic()
                first = send(**request.body(messages), **self._call_params)
                value = request.read(first, asynchronous=False)
                if value is None:  # `client.chat` imports the SDK's resources: only here
                    create = self._transport.sync(client.chat.completions.create, tally)
                    params = self._reask_params(messages, response_model, since, sync=True)
                    value = self._patched(first_then(first, create))(**params)
            except Exception as exc:
                error = self._errors.failure(exc, tally)
                raise error from chained(error, exc)
        return self._completion(value, tally)

    async def agenerate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Async `generate`, same retry policy, on the running loop's shared client."""
        tally = Tally()
        request = prepared(response_model, self.mode)
        async with self._async_client() as client:
            send = self._transport.asynchronous(posting(client), tally)
            with validation_context(context):
                try:
                    since = time.monotonic()
                    first = await send(**request.body(messages), **self._call_params)
                    value = request.read(first, asynchronous=True)
                    if value is None:  # `client.chat` imports the SDK's resources (~0.3 s)
                        chat = client.chat.completions.create
                        create = self._transport.asynchronous(chat, tally)
                        params = self._reask_params(messages, response_model, since, sync=False)
                        value = await self._patched(afirst_then(first, create))(**params)
                except Exception as exc:
                    error = self._errors.failure(exc, tally)
                    raise error from chained(error, exc)
        return self._completion(value, tally)

    def _patched(self, create: Callable[..., Any]) -> Callable[..., Any]:
        patched: Callable[..., Any] = instructor.patch(create=create, mode=MODES[self.mode])
        return patched

    def _completion(self, value: Any, tally: Tally) -> Completion[Any]:
        for attr in ("_raw_response", "_total_usage"):  # instructor's extras on the instance
            value.__dict__.pop(attr, None)
        model = tally.model or self.model
        return Completion(value, tally.usage, tally.attempts, raw=tally.last, model=model)
