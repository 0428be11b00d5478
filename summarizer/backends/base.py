"""The one protocol the core talks to. Provider details live only in `summarizer.backends`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from summarizer.schema import Usage

T = TypeVar("T", bound=BaseModel)

Message = dict[str, str]


@dataclass
class Completion(Generic[T]):
    """A validated answer plus what it cost: usage summed over attempts, attempt count."""

    value: T
    usage: Usage = field(default_factory=Usage)
    attempts: int = 1
    raw: str | None = None
    model: str = ""


class Backend(Protocol):
    """Anything that turns chat messages into a validated `response_model` instance.

    `context` is passed to pydantic validation (e.g. `{"article": text}` for grounding);
    a validation failure is re-asked with the error text, up to the backend's budget, then
    `summarizer.errors.ModelError` is raised carrying the last completion and usage.
    """

    name: str
    model: str
    mode: str

    def generate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Return a validated answer or raise a `SummarizerError`."""
        ...

    async def agenerate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Async variant of `generate`."""
        ...

    def fingerprint(self) -> dict[str, Any]:
        """What changes the output (backend, model, mode, sampling params); no secrets."""
        ...

    def close(self) -> None:
        """Release clients, servers, loaded weights."""
        ...
