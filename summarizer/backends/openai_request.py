"""One response model's request in one mode, built once and reused, and how its answer is read.

instructor prepares every request anew: it walks the response model for async validators
(six times per request), prepares the model, builds the request's keyword arguments and copies
them for its retry loop, ~4 ms of CPU per call for a draft-sized model. For one (response
model, mode) all but the messages is the same each time, so `prepared` asks instructor's own
request handler once (`handle_response_model`, over its documented mode registry) and keeps
what the handler adds to the request: the tool definition and `tool_choice` (`tools`), or the
`response_format` (`json_schema`). `md_json` writes the schema into the messages themselves, so
its handler runs per call.

`Prepared.read` parses an answer with the same registry handler's parser: the same text (tool
arguments, content, or the ```json block) validated by `model_validate_json(text,
strict=False)` with the call's validation context. It returns None for anything instructor
would re-ask or raise on (invalid or ungrounded, cut off, no tool call): the backend then hands
that answer to instructor (`first_then`), which parses it again, re-asks from it and raises
exactly as if it had received the answer itself.

A response model with a `request_schema()` classmethod (`schema.BriefingDraft`) is sent that
schema, a shorter form of its own with the same constraints (the caps of short strings only
where the provider decodes under it: `DECODED`), in every mode: `with_context` makes it the request
class's `model_json_schema()`, which instructor reads. Validation, and the
replay key (`replay.call_key`, the response model's own `model_json_schema()`), are the model's.

Validation context reaches pydantic validators as `info.context` through `validation_context`.
It is deliberately not given to instructor's `context=`: instructor 1.17 would also render every
message as a Jinja template with it, mangling any article text holding `{{`, `{%` or indented
lines.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import instructor
from instructor.core import AsyncValidationError, ResponseParsingError
from instructor.processing.response import handle_response_model
from instructor.v2.core.registry import mode_registry
from pydantic import BaseModel, ValidationError

from summarizer.backends.base import Message, T

MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}
REASKED: tuple[type[Exception], ...] = (
    ValidationError,
    json.JSONDecodeError,
    AsyncValidationError,
    ResponseParsingError,
)
"""The parse errors instructor 1.17 re-asks on; any other error ends its loop."""

_PROBE: list[Message] = [{"role": "user", "content": "probe"}]
_CONTEXT: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "summarizer_validation_context", default=None
)


DECODED = frozenset({"json_schema"})
"""The modes whose schema the provider decodes under (llama.cpp's grammar, structured
outputs): the only ones sent the caps of a request schema's short strings (names, titles;
`BriefingDraft.request_schema`)."""


@functools.cache
def with_context(model: type[T], mode: str = "json_schema") -> type[T]:
    """A same-named subclass whose JSON validation sees the current call's context.

    It is also instructor's `OpenAISchema`, as instructor would make it per request: given
    one, instructor uses it as is, so its tool schema is built once (instructor caches it
    per class) instead of a new class and a new schema (~10 ms) every request. Its
    `model_json_schema()` is the model's `request_schema()` where it has one, with the caps of
    short strings in the `DECODED` modes only: one class per (model, mode).
    """

    def validate_json(cls: type[T], /, data: Any, *, context: Any = None, **kw: Any) -> T:
        return model.model_validate_json(data, context=_CONTEXT.get(), **kw)

    namespace: dict[str, Any] = {"__doc__": model.__doc__, "__module__": model.__module__}
    namespace["__qualname__"] = model.__qualname__
    namespace["model_validate_json"] = classmethod(validate_json)
    request_schema = getattr(model, "request_schema", None)
    if callable(request_schema):

        def schema(cls: type[T], /, *args: Any, **kw: Any) -> dict[str, Any]:
            """What instructor asks for (no arguments): the model's request schema."""
            found: dict[str, Any] = (
                model.model_json_schema(*args, **kw)
                if args or kw
                else request_schema(lengths=mode in DECODED)
            )
            return found

        namespace["model_json_schema"] = classmethod(schema)
    return type(model.__name__, (model, instructor.OpenAISchema), namespace)


@contextlib.contextmanager
def validation_context(context: dict[str, Any]) -> Iterator[None]:
    """Make `context` the validation context of this call (thread and task local)."""
    token = _CONTEXT.set(context)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


@dataclass(frozen=True)
class Prepared:
    """What instructor would prepare for every request of one response model in one mode."""

    mode: str
    request_model: type[BaseModel]  # what instructor is given (`with_context`)
    parse_model: type[BaseModel]  # what instructor's parser validates with
    extras: Mapping[str, Any] | None  # the request's constant part; None: built per call
    handlers: Any  # instructor's registry handlers for the mode

    def body(self, messages: list[Message]) -> dict[str, Any]:
        """The request's messages and schema part, as instructor's handler makes them."""
        if self.extras is None:
            _, body = handle_response_model(
                self.request_model, mode=MODES[self.mode], messages=messages
            )
            return dict(body)
        return {"messages": _converted(self.handlers, messages), **self.extras}

    def read(self, response: Any, *, asynchronous: bool) -> Any | None:
        """The validated answer of `response`, or None where instructor must take over.

        Any failure is instructor's to handle (re-ask, or raise its own error), so none is
        raised here: instructor meets it again when it parses the same response.
        """
        try:
            return self.handlers.response_parser(
                response=response,
                response_model=self.parse_model,
                validation_context=None,
                strict=False,
                stream=False,
                is_async=asynchronous,
            )
        except Exception:
            return None


@functools.lru_cache(maxsize=256)  # bounded: the staged strategy makes a model per call
def prepared(model: type[BaseModel], mode: str) -> Prepared:
    """The prepared request for `model` in `mode`, built on first use."""
    request_model = with_context(model, mode)
    parse_model, body = handle_response_model(
        request_model, mode=MODES[mode], messages=list(_PROBE)
    )
    handlers = mode_registry.get_handlers(instructor.Provider.OPENAI, MODES[mode])
    extras: Mapping[str, Any] | None = None
    if body.get("messages") == _converted(handlers, list(_PROBE)):  # messages left as they are
        extras = MappingProxyType({k: v for k, v in body.items() if k != "messages"})
    return Prepared(mode, request_model, parse_model or request_model, extras, handlers)


def _converted(handlers: Any, messages: list[Message]) -> Any:
    """The messages as instructor's converter for the mode passes them on: as they are when
    each has a role and a non-empty string content and nothing else (it would copy them).
    """
    convert = handlers.message_converter
    if convert is None or all(_plain(m) for m in messages):
        return messages
    return convert(messages, autodetect_images=False)


def _plain(message: Message) -> bool:
    content = message.get("content")
    return message.keys() == {"role", "content"} and isinstance(content, str) and content != ""


def first_then(first: Any, create: Callable[..., Any]) -> Callable[..., Any]:
    """`create`, except that its first call returns `first`, an answer already received
    (and counted): instructor re-asks from it without sending the request again.
    """
    pending = [first]

    def call(*args: Any, **kwargs: Any) -> Any:
        return pending.pop() if pending else create(*args, **kwargs)

    return call


def afirst_then(first: Any, create: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """`first_then` for an async `create`."""
    pending = [first]

    async def call(*args: Any, **kwargs: Any) -> Any:
        return pending.pop() if pending else await create(*args, **kwargs)

    return call
