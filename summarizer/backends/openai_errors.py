"""How a failed OpenAI-compatible call becomes our error: one line, never the key.

`endpoint_error` maps an HTTP failure (401 -> missing key, 404 -> bad model or URL, other
4xx -> rejected, transient -> gave up after N attempts); `failure` maps what instructor raised
(no valid answer after N attempts, cut off at max_tokens) with usage and attempts;
`scrubbed` masks the key in an exception chain a server may have echoed it into, and the
userinfo of any URL in it. Every line names the endpoint by `host` and `redact_url(base_url)`:
a `user:password@` in `--base-url` never reaches a message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import instructor
import openai
from pydantic import SecretStr, ValidationError

from summarizer.errors import (
    ConfigError,
    EndpointError,
    MissingKeyError,
    ModelError,
    SummarizerError,
    TruncatedError,
)
from summarizer.settings import Settings
from summarizer.text.urls import redact_url, redact_urls

if TYPE_CHECKING:
    from summarizer.backends.transport import Tally

NO_KEY = "not-needed"


def is_transient(exc: BaseException) -> bool:
    """Worth retrying at the transport level: 408/429/5xx, connection, timeout, bad body."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 429) or exc.status_code >= 500
    return isinstance(exc, openai.APIConnectionError | json.JSONDecodeError)


@dataclass(frozen=True)
class ErrorMapper:
    """One backend's error mapping: where it talks to, with which key and settings.

    `host` is host:port only; `base_url` is shown only through `redact_url`.
    """

    host: str
    base_url: str
    model: str
    key: SecretStr
    settings: Settings

    @property
    def shown_url(self) -> str:
        """The base URL as messages show it: any `user:password@` masked."""
        return redact_url(self.base_url)

    def endpoint_error(self, exc: Exception) -> SummarizerError:
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
                f"model {self.model!r} not found at {self.shown_url}",
                hint="check --model, and that --base-url ends in /v1",
            )
        if status is not None and not is_transient(exc):
            detail = self.detail(exc)
            return EndpointError(f"{self.host} rejected the request: {cause(exc)}{detail}")
        tries = self.settings.transport_retries + 1
        return EndpointError(f"{cause(exc, self.shown_url)} (gave up after {tries} attempts)")

    def scrubbed(self, exc: Exception) -> Exception:
        """`exc`, its chain's messages with the key and any URL userinfo masked: a server may
        echo the key back, and `--debug` prints the chain.
        """
        key = self.key.get_secret_value()

        def mask(text: str) -> str:
            return redact_urls(text.replace(key, "***") if key != NO_KEY else text)

        for link in chain(exc):
            link.args = tuple(mask(a) if isinstance(a, str) else a for a in link.args)
            if isinstance(vars(link).get("message"), str):
                vars(link)["message"] = mask(vars(link)["message"])
        return exc

    def detail(self, exc: Exception) -> str:
        """The server's own error message, short, with the key masked should it echo it."""
        body = getattr(exc, "body", None)
        message = body.get("message") if isinstance(body, dict) else None
        if not message:
            return ""
        return ": " + redact_urls(str(message)[:200].replace(self.key.get_secret_value(), "***"))

    def failure(self, exc: Exception, tally: Tally) -> SummarizerError:
        """Map whatever instructor raised to our hierarchy, with usage and attempts."""
        if isinstance(exc, instructor.core.InstructorRetryException):
            cause = exc.__cause__
            if isinstance(cause, SummarizerError):
                return tally.fill(cause) if isinstance(cause, ModelError) else cause
            errors = validation_errors(exc)
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


def chained(error: SummarizerError, exc: Exception) -> BaseException | None:
    """What `error` is raised from: `exc`, unless `error` already is `exc` or its cause.

    Then it keeps its own cause: `raise error from exc` would close a loop in the chain,
    and printing that (`--debug`, rich's traceback) never ends.
    """
    return error.__cause__ if error is exc or error is exc.__cause__ else exc


def validation_errors(exc: Any) -> list[str]:
    failed = getattr(exc, "failed_attempts", None) or []
    last = failed[-1].exception if failed else exc.__cause__
    if isinstance(last, ValidationError):
        return [f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in last.errors()]
    return [str(last)] if last is not None else []


def cause(exc: BaseException | None, base_url: str = "") -> str:
    """Short cause of a transport failure: status code, refused, timed out, bad body."""
    where = f" at {base_url}" if base_url else ""
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}{where}"
    if isinstance(exc, openai.APIConnectionError):
        # The innermost cause decides: the SDK's aiohttp transport raises every connection
        # error (refused, dropped) as a connect timeout (its error map takes aiohttp's base
        # connection error first), so a timeout is one whose root is a timeout.
        causes = chain(exc)
        if any(isinstance(e, ConnectionRefusedError) for e in causes):
            return f"connection refused{where}"
        root = causes[-1]
        if isinstance(exc, openai.APITimeoutError) and (
            isinstance(root, TimeoutError) or len(causes) == 1
        ):
            return f"timed out{where}"
        return f"connection failed{where}"
    if isinstance(exc, json.JSONDecodeError):
        return f"malformed JSON response{where}"
    return f"{type(exc).__name__}{where}"


def chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen
