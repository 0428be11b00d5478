"""The transport retry loop around one HTTP call (ours, tenacity), and what a call cost.

HTTP 408/429/5xx, connection errors, timeouts and malformed response bodies are retried up
to `settings.transport_retries` times with jittered exponential backoff (a 429's Retry-After
is honoured), capped at `settings.retry_max_wait`; then `EndpointError`. Re-asks after an
invalid answer are instructor's, not these. `posting` sends a request already in the wire's
form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import openai
import tenacity
from openai.types.chat import ChatCompletion
from tenacity import RetryCallState

from summarizer.backends.openai_errors import ErrorMapper, cause, is_transient
from summarizer.errors import ModelError, RefusalError
from summarizer.schema import Usage
from summarizer.settings import Settings

if TYPE_CHECKING:
    from openai._types import RequestOptions

log = logging.getLogger("summarizer.backends.openai")


def answer_text(response: Any) -> str | None:
    """The raw answer of a chat completion: tool-call arguments, content or refusal."""
    message = response.choices[0].message if getattr(response, "choices", None) else None
    if message is None:
        return None
    if message.tool_calls:
        return str(message.tool_calls[0].function.arguments)
    text = message.content if message.content is not None else message.refusal
    return str(text) if text is not None else None


def posting(client: openai.OpenAI | openai.AsyncOpenAI) -> Callable[..., Any]:
    """`client.chat.completions.create` for arguments already in the wire's form (plain JSON
    values, as instructor makes them): the same request through the client's documented
    `post`, without the SDK's per-request walk of the body against its parameter types (~1 ms
    of CPU for a 6 kB tool schema), which leaves such a body as it is. The body's keys go in
    the SDK's order (`messages`, `model`, then by name), so the bytes sent are the same too.
    """

    def create(*, timeout: float, extra_body: dict[str, Any] | None = None, **body: Any) -> Any:
        options: RequestOptions = {"timeout": timeout, "security": {"bearer_auth": True}}
        if extra_body is not None:
            options["extra_json"] = extra_body
        head = {"messages": body.pop("messages"), "model": body.pop("model")}
        ordered = head | dict(sorted(body.items()))
        path = "/chat/completions"
        return client.post(path, body=ordered, cast_to=ChatCompletion, options=options)

    return create


class Tally:
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


class Transport:
    """Retries around one HTTP call; failures become our errors (`ErrorMapper`)."""

    def __init__(self, settings: Settings, errors: ErrorMapper) -> None:
        self.settings, self.errors = settings, errors

    def policy(self) -> dict[str, Any]:
        return {
            "stop": tenacity.stop_after_attempt(self.settings.transport_retries + 1),
            "wait": self.wait,
            "retry": tenacity.retry_if_exception(is_transient),
            "before_sleep": self.log_retry,
            "reraise": True,
        }

    def wait(self, state: RetryCallState) -> float:
        cap = self.settings.retry_max_wait
        hinted = retry_after(state.outcome.exception() if state.outcome else None)
        if hinted is not None:
            return min(hinted, cap)
        return float(tenacity.wait_random_exponential(multiplier=0.5, max=cap)(state))

    def log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "%s: %s; retry %d in %.2fs", self.errors.host, cause(exc), state.attempt_number, wait
        )

    def sync(self, create: Callable[..., Any], tally: Tally) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                for attempt in tenacity.Retrying(**self.policy()):
                    with attempt:
                        response = create(*args, **kwargs)
            except Exception as exc:
                raise self.errors.endpoint_error(exc) from self.errors.scrubbed(exc)
            return self.checked(response, tally)

        return call

    def asynchronous(self, create: Callable[..., Any], tally: Tally) -> Callable[..., Any]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            try:
                async for attempt in tenacity.AsyncRetrying(**self.policy()):
                    with attempt:
                        response = await create(*args, **kwargs)
            except Exception as exc:
                raise self.errors.endpoint_error(exc) from self.errors.scrubbed(exc)
            return self.checked(response, tally)

        return call

    def checked(self, response: Any, tally: Tally) -> Any:
        tally.record(response)
        choice = response.choices[0] if response.choices else None
        if choice is not None and (
            choice.finish_reason == "content_filter" or choice.message.refusal
        ):
            raise tally.fill(
                RefusalError(f"{self.errors.model} refused: {tally.last or 'content filter'}")
            )
        return response
