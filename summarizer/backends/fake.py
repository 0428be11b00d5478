"""An in-process scripted backend for tests: no HTTP, same contract as the real ones.

Like llm's mock model: give it the answers the model "would" give, in order. Each answer is
validated against the response model with the call's context; an invalid one is re-asked
(the error text is appended to the messages, as instructor does) with the next answer.

    backend = FakeBackend([{"summary": "wrong"}, {"summary": "right", "meetings": []}])
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from summarizer.backends.base import Completion, Message, T
from summarizer.errors import ModelError
from summarizer.schema import Usage

Scripted = dict[str, Any] | BaseModel | Exception
EMPTY_DRAFT: dict[str, Any] = {"summary": "No meetings reported.", "meetings": [], "tensions": []}


def reask_message(error: ValidationError) -> Message:
    """The user message that sends validation errors back to the model."""
    return {
        "role": "user",
        "content": f"Correct your JSON ONLY RESPONSE, based on the following errors:\n{error}",
    }


def _tokens(text: str) -> int:
    return len(text) // 4


class FakeBackend:
    """Scripted `Backend`: replies consumed in order (the last repeats), exceptions raised.

    `.calls` holds the messages of every attempt, re-ask messages included.
    """

    name = "fake"
    mode = "fake"

    def __init__(
        self, replies: list[Scripted] | None = None, *, model: str = "fake", max_retries: int = 2
    ) -> None:
        self.replies = list(replies) if replies else [dict(EMPTY_DRAFT)]
        self.model = model
        self.max_retries = max_retries
        self.calls: list[list[Message]] = []
        self._next = 0

    def __repr__(self) -> str:
        return f"FakeBackend(model={self.model!r}, replies={len(self.replies)})"

    def _take(self) -> Scripted:
        reply = self.replies[min(self._next, len(self.replies) - 1)]
        self._next += 1
        return reply

    def generate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Validate scripted replies in turn until one passes or the re-ask budget is spent."""
        sent, usage, last_error = list(messages), Usage(), None
        for attempt in range(1, self.max_retries + 2):
            self.calls.append(list(sent))
            reply = self._take()
            if isinstance(reply, Exception):
                raise reply
            data = reply.model_dump(mode="json") if isinstance(reply, BaseModel) else reply
            raw = json.dumps(data)
            prompt = _tokens("".join(m.get("content", "") for m in sent))
            usage += Usage(prompt_tokens=prompt, completion_tokens=_tokens(raw))
            usage.total_tokens = usage.prompt_tokens + usage.completion_tokens
            try:
                value = response_model.model_validate(data, context=context)
            except ValidationError as error:
                last_error = error
                sent += [{"role": "assistant", "content": raw}, reask_message(error)]
                continue
            return Completion(value, usage, attempt, raw=raw, model=self.model)
        raise self._give_up(last_error, sent, usage)

    def _give_up(
        self, error: ValidationError | None, sent: list[Message], usage: Usage
    ) -> ModelError:
        errors = (
            [f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in error.errors()]
            if error
            else []
        )
        return ModelError(
            f"no valid answer after {self.max_retries + 1} attempts",
            last_completion=sent[-2]["content"] if len(sent) >= 2 else None,
            validation_errors=errors,
            usage=usage.model_dump(),
            attempts=self.max_retries + 1,
        )

    async def agenerate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Same as `generate`."""
        return self.generate(messages, response_model, context=context)

    def fingerprint(self) -> dict[str, Any]:
        """Backend and model name."""
        return {"backend": self.name, "model": self.model, "mode": self.mode}

    def close(self) -> None:
        """Nothing to release."""

    async def aclose(self) -> None:
        """Nothing to release."""
