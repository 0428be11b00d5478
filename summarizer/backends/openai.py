"""Any OpenAI-compatible endpoint, through instructor over the official `openai` client.

Two retry loops, kept apart:

* transport (ours, tenacity): HTTP 408/429/5xx, connection errors, timeouts and malformed
  response bodies are retried up to `settings.transport_retries` times with jittered
  exponential backoff (a 429's Retry-After is honoured), capped at `settings.retry_max_wait`;
  then `EndpointError`. The openai client's own retries are off (`max_retries=0`).
* re-ask (instructor): an answer that fails validation is sent back with the error text,
  `settings.max_retries` times, so `max_retries + 1` answers at most (instructor 1.17 stops
  after `max_retries + 1` attempts); then `ModelError`. Transport retries are not re-asks.

Validation context reaches pydantic validators as `info.context`. It is deliberately not
given to instructor's `context=`: instructor 1.17 would also render every message as a Jinja
template with it, mangling any article text holding `{{`, `{%` or indented lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import instructor
import openai
import tenacity
from pydantic import SecretStr, ValidationError
from tenacity import RetryCallState

from summarizer.backends.base import Completion, Message, T
from summarizer.errors import (
    ConfigError,
    EndpointError,
    MissingKeyError,
    ModelError,
    RefusalError,
    SummarizerError,
    TruncatedError,
)
from summarizer.schema import Usage
from summarizer.settings import Settings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # retries show with --debug; else the error says it all

DEFAULT_MODEL = "gpt-4o-mini"
OPENAI_URL = "https://api.openai.com/v1"
NO_KEY = "not-needed"
MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}
_CONTEXT: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "summarizer_validation_context", default=None
)


@functools.cache
def _with_context(model: type[T]) -> type[T]:
    """A same-named subclass whose JSON validation sees the current call's context.

    It is also instructor's `OpenAISchema`, as instructor would make it per request: given
    one, instructor uses it as is, so its tool schema is built once (instructor caches it
    per class) instead of a new class and a new schema (~10 ms) every request.
    """

    def validate_json(cls: type[T], /, data: Any, *, context: Any = None, **kw: Any) -> T:
        return model.model_validate_json(data, context=_CONTEXT.get(), **kw)

    namespace: dict[str, Any] = {"__doc__": model.__doc__, "__module__": model.__module__}
    namespace["__qualname__"] = model.__qualname__
    namespace["model_validate_json"] = classmethod(validate_json)
    return type(model.__name__, (model, instructor.OpenAISchema), namespace)


@contextlib.contextmanager
def _validation_context(context: dict[str, Any]) -> Iterator[None]:
    token = _CONTEXT.set(context)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def answer_text(response: Any) -> str | None:
    """The raw answer of a chat completion: tool-call arguments, content or refusal."""
    message = response.choices[0].message if getattr(response, "choices", None) else None
    if message is None:
        return None
    if message.tool_calls:
        return str(message.tool_calls[0].function.arguments)
    text = message.content if message.content is not None else message.refusal
    return str(text) if text is not None else None


@dataclass
class _Shared:
    """One event loop's async client and how many calls are using it."""

    client: openai.AsyncOpenAI
    users: int = 0


class _Tally:
    """What one `generate` call cost: answers received, usage summed, last raw answer."""

    def __init__(self) -> None:
        self.attempts = 0
        self.usage = Usage()
        self.last: str | None = None
        self.model = ""

    def record(self, response: Any) -> None:
        self.attempts += 1
        self.last = answer_text(response)
        self.model = str(getattr(response, "model", "") or "")
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage += Usage(
                prompt_tokens=usage.prompt_tokens or 0,
                completion_tokens=usage.completion_tokens or 0,
                total_tokens=usage.total_tokens or 0,
            )

    def fill(self, error: ModelError) -> ModelError:
        error.usage, error.attempts = self.usage.model_dump(), self.attempts
        error.last_completion = error.last_completion or self.last
        return error


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds a 429/503 asks us to wait: `retry-after-ms`, else `retry-after` seconds."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return max(0.0, float(headers[name]) * scale)
        except (KeyError, TypeError, ValueError):
            continue
    return None


def is_transient(exc: BaseException) -> bool:
    """Worth retrying at the transport level: 408/429/5xx, connection, timeout, bad body."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 429) or exc.status_code >= 500
    return isinstance(exc, openai.APIConnectionError | json.JSONDecodeError)


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
        self.base_url = settings.base_url or OPENAI_URL
        self.extra_body = dict(extra_body or {})
        self._key = self._resolve_key(settings.api_key, api_key_optional)
        self._lock = threading.Lock()
        self._client: openai.OpenAI | None = None
        self._async: dict[asyncio.AbstractEventLoop, _Shared] = {}

    def __repr__(self) -> str:
        return f"OpenAIBackend(name={self.name!r}, model={self.model!r}, base_url={self.host!r})"

    @property
    def host(self) -> str:
        """The endpoint's host:port, the only part of the URL that goes into fingerprints."""
        return urlsplit(self.base_url).netloc or self.base_url

    def _resolve_key(self, key: SecretStr | None, optional: bool) -> SecretStr:
        if key is not None and key.get_secret_value():
            return key
        if self.host == "api.openai.com" and not optional:
            raise MissingKeyError(
                f"no API key for {self.base_url}",
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
        s = self.settings
        params: dict[str, Any] = {"messages": messages, "model": self.model}
        params["response_model"] = _with_context(response_model)
        params |= {"temperature": s.temperature, "max_tokens": s.max_tokens, "timeout": s.timeout}
        params |= {"seed": s.seed} if s.seed is not None else {}
        params |= {"extra_body": self.extra_body} if self.extra_body else {}
        return params | {"max_retries": s.max_retries, "strict": False}

    # --- clients (lazy, shared, key only ever read here) -------------------------------

    def _sync_client(self) -> openai.OpenAI:
        with self._lock:
            if self._client is None:
                self._client = openai.OpenAI(**self.client_args())
            return self._client

    @contextlib.asynccontextmanager
    async def _async_client(self) -> AsyncIterator[openai.AsyncOpenAI]:
        """The running loop's shared client: made by its first call, closed as soon as no
        call of that loop uses it, so no connection outlives the loop that made it (each
        client costs ~20 ms of CPU for its SSL context; a daily run makes one).
        """
        loop = asyncio.get_running_loop()
        with self._lock:
            shared = self._async.get(loop)
            if shared is None:
                shared = self._async[loop] = _Shared(openai.AsyncOpenAI(**self.client_args()))
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
        """The openai client's arguments (the key among them: keep them out of logs)."""
        key = self._key.get_secret_value()
        timeout = self.settings.timeout
        return {"base_url": self.base_url, "api_key": key, "max_retries": 0, "timeout": timeout}

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
        tally = _Tally()
        create = self._transport(self._sync_client().chat.completions.create, tally)
        with _validation_context(context):
            try:
                value = self._patched(create)(**self.request_params(messages, response_model))
            except Exception as exc:
                error = self._failure(exc, tally)
                raise error from _chained(error, exc)
        return self._completion(value, tally)

    async def agenerate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Async `generate`, same retry policy, on the running loop's shared client."""
        tally = _Tally()
        params = self.request_params(messages, response_model)
        async with self._async_client() as client:
            create = self._atransport(client.chat.completions.create, tally)
            with _validation_context(context):
                try:
                    value = await self._patched(create)(**params)
                except Exception as exc:
                    error = self._failure(exc, tally)
                    raise error from _chained(error, exc)
        return self._completion(value, tally)

    def _patched(self, create: Callable[..., Any]) -> Callable[..., Any]:
        patched: Callable[..., Any] = instructor.patch(create=create, mode=MODES[self.mode])
        return patched

    def _completion(self, value: Any, tally: _Tally) -> Completion[Any]:
        for attr in ("_raw_response", "_total_usage"):  # instructor's extras on the instance
            value.__dict__.pop(attr, None)
        model = tally.model or self.model
        return Completion(value, tally.usage, tally.attempts, raw=tally.last, model=model)

    # --- transport: our retries around one HTTP call -----------------------------------

    def _policy(self) -> dict[str, Any]:
        return {
            "stop": tenacity.stop_after_attempt(self.settings.transport_retries + 1),
            "wait": self._wait,
            "retry": tenacity.retry_if_exception(is_transient),
            "before_sleep": self._log_retry,
            "reraise": True,
        }

    def _wait(self, state: RetryCallState) -> float:
        cap = self.settings.retry_max_wait
        hinted = retry_after(state.outcome.exception() if state.outcome else None)
        if hinted is not None:
            return min(hinted, cap)
        return float(tenacity.wait_random_exponential(multiplier=0.5, max=cap)(state))

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning("%s: %s; retry %d in %.2fs", self.host, _cause(exc), state.attempt_number, wait)

    def _transport(self, create: Callable[..., Any], tally: _Tally) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                for attempt in tenacity.Retrying(**self._policy()):
                    with attempt:
                        response = create(*args, **kwargs)
            except Exception as exc:
                raise self._endpoint_error(exc) from self._scrubbed(exc)
            return self._checked(response, tally)

        return call

    def _atransport(self, create: Callable[..., Any], tally: _Tally) -> Callable[..., Any]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            try:
                async for attempt in tenacity.AsyncRetrying(**self._policy()):
                    with attempt:
                        response = await create(*args, **kwargs)
            except Exception as exc:
                raise self._endpoint_error(exc) from self._scrubbed(exc)
            return self._checked(response, tally)

        return call

    def _checked(self, response: Any, tally: _Tally) -> Any:
        tally.record(response)
        choice = response.choices[0] if response.choices else None
        if choice is not None and (
            choice.finish_reason == "content_filter" or choice.message.refusal
        ):
            raise tally.fill(
                RefusalError(f"{self.model} refused: {tally.last or 'content filter'}")
            )
        return response

    # --- errors ---------------------------------------------------------------------------

    def _endpoint_error(self, exc: Exception) -> SummarizerError:
        """Our error for a failed HTTP call; never quotes the key or request headers."""
        if isinstance(exc, SummarizerError):
            return exc
        status = getattr(exc, "status_code", None)
        if status == 401:
            return MissingKeyError(
                f"API key rejected by {self.host} (HTTP 401)",
                hint="check OPENAI_API_KEY, or pass --base-url for a local server",
            )
        if status == 404:
            return ConfigError(
                f"model {self.model!r} not found at {self.base_url}",
                hint="check --model, and that --base-url ends in /v1",
            )
        if status is not None and not is_transient(exc):
            detail = self._detail(exc)
            return EndpointError(f"{self.host} rejected the request: {_cause(exc)}{detail}")
        tries = self.settings.transport_retries + 1
        return EndpointError(f"{_cause(exc, self.base_url)} (gave up after {tries} attempts)")

    def _scrubbed(self, exc: Exception) -> Exception:
        """`exc`, its chain's messages with the key masked: a server may echo the key back,
        and `--debug` prints the chain.
        """
        key = self._key.get_secret_value()
        for link in _chain(exc) if key != NO_KEY else []:
            link.args = tuple(a.replace(key, "***") if isinstance(a, str) else a for a in link.args)
            if isinstance(vars(link).get("message"), str):
                vars(link)["message"] = vars(link)["message"].replace(key, "***")
        return exc

    def _detail(self, exc: Exception) -> str:
        """The server's own error message, short, with the key masked should it echo it."""
        body = getattr(exc, "body", None)
        message = body.get("message") if isinstance(body, dict) else None
        if not message:
            return ""
        return ": " + str(message)[:200].replace(self._key.get_secret_value(), "***")

    def _failure(self, exc: Exception, tally: _Tally) -> SummarizerError:
        """Map whatever instructor raised to our hierarchy, with usage and attempts."""
        if isinstance(exc, instructor.core.InstructorRetryException):
            cause = exc.__cause__
            if isinstance(cause, SummarizerError):
                return tally.fill(cause) if isinstance(cause, ModelError) else cause
            errors = _errors(exc)
            first = f": {errors[0]}" if errors else ""
            message = f"no valid answer after {tally.attempts} attempts{first}"
            return tally.fill(ModelError(message, validation_errors=errors))
        if isinstance(exc, instructor.core.IncompleteOutputException):
            limit = self.settings.max_tokens
            hint = f"set SUMMARIZER_MAX_TOKENS higher (e.g. {2 * limit}) or shorten the article"
            return tally.fill(TruncatedError(f"answer cut off at max_tokens={limit}", hint=hint))
        if isinstance(exc, SummarizerError):
            return tally.fill(exc) if isinstance(exc, ModelError) else exc
        return tally.fill(ModelError(f"unexpected error from instructor: {exc!r}"))


def _chained(error: SummarizerError, exc: Exception) -> BaseException | None:
    """What `error` is raised from: `exc`, unless `error` already is `exc` or its cause.

    Then it keeps its own cause: `raise error from exc` would close a loop in the chain,
    and printing that (`--debug`, rich's traceback) never ends.
    """
    return error.__cause__ if error is exc or error is exc.__cause__ else exc


def _errors(exc: Any) -> list[str]:
    failed = getattr(exc, "failed_attempts", None) or []
    last = failed[-1].exception if failed else exc.__cause__
    if isinstance(last, ValidationError):
        return [f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in last.errors()]
    return [str(last)] if last is not None else []


def _cause(exc: BaseException | None, base_url: str = "") -> str:
    """Short cause of a transport failure: status code, refused, timed out, bad body."""
    where = f" at {base_url}" if base_url else ""
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}{where}"
    if isinstance(exc, openai.APITimeoutError):
        return f"timed out{where}"
    if isinstance(exc, openai.APIConnectionError):
        refused = any(isinstance(e, ConnectionRefusedError) for e in _chain(exc))
        return f"{'connection refused' if refused else 'connection failed'}{where}"
    if isinstance(exc, json.JSONDecodeError):
        return f"malformed JSON response{where}"
    return f"{type(exc).__name__}{where}"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen
