"""Pieces every command shares: the model flags (declared once, `model_flags`), settings from
them, and error-to-exit handling (`guarded`).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import sys
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.console import Console

from summarizer.errors import SummarizerError
from summarizer.settings import BackendName, ModeName, Settings, SizeName, StrategyName

err_console = Console(stderr=True, highlight=False)

BackendOpt = Annotated[
    BackendName | None,
    typer.Option("--backend", help="openai, embedded or fake; auto: openai if a key/URL is set."),
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Model name (or .gguf path).")]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint, e.g. vLLM/Ollama.")
]
ModeOpt = Annotated[ModeName | None, typer.Option("--mode", help="tools, json_schema or md_json.")]
RetriesOpt = Annotated[
    int | None, typer.Option("--max-retries", help="Re-asks after an invalid/ungrounded answer.")
]
SizeOpt = Annotated[
    SizeName | None, typer.Option("--size", help="Embedded model size: 1.5b or 0.5b.")
]
StrategyOpt = Annotated[
    StrategyName | None,
    typer.Option(
        "--strategy",
        help="whole (one prompt), staged (closed questions per candidate) or auto: "
        "staged on the embedded model, whole elsewhere.",
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")]


@dataclass(frozen=True)
class ModelFlags:
    """The seven flags of every command that calls a model, as the user gave them."""

    backend: str | None = None
    model: str | None = None
    base_url: str | None = None
    mode: str | None = None
    max_retries: int | None = None
    size: str | None = None
    strategy: str | None = None

    def settings(self, **defaults: Any) -> Settings:
        """Settings from the environment, overridden by `defaults` (e.g. a suite file's
        backend) where given, and by every flag the user gave.
        """
        given = {k: v for k, v in vars(self).items() if v is not None}
        chosen = {k: v for k, v in defaults.items() if v is not None} | given
        return make_settings(**chosen)


NO_FLAGS = ModelFlags()  # the default of a command's `flags` (filled in by `model_flags`)

_MODEL_FLAGS: dict[str, Any] = {
    "backend": BackendOpt,
    "model": ModelOpt,
    "base_url": BaseUrlOpt,
    "mode": ModeOpt,
    "max_retries": RetriesOpt,
    "size": SizeOpt,
    "strategy": StrategyOpt,
}

F = TypeVar("F", bound=Callable[..., Any])


def model_flags(command: F) -> F:
    """Give a Typer command the model flags; it receives them as `flags: ModelFlags`.

    The flags are appended to the command's signature (before a trailing `debug`), so every
    command that calls a model has exactly the same ones, with the same help.
    """
    signature = inspect.signature(command)
    own = [p for p in signature.parameters.values() if p.name != "flags"]
    debug = [p for p in own if p.name == "debug"]
    own = [p for p in own if p.name != "debug"]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=hint)
        for name, hint in _MODEL_FLAGS.items()
    ]
    hints = typing.get_type_hints(command, include_extras=True)

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        flags = ModelFlags(**{name: kwargs.pop(name, None) for name in _MODEL_FLAGS})
        return command(*args, flags=flags, **kwargs)

    params = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hints.get(p.name, p.annotation))
        for p in [*own, *added, *debug]
    ]
    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    hints.pop("flags", None)
    wrapper.__annotations__ = {**hints, **_MODEL_FLAGS}
    return cast(F, wrapper)


def make_settings(
    *,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
    max_retries: int | None = None,
    size: str | None = None,
    strategy: str | None = None,
    **extra: Any,
) -> Settings:
    """Settings from the environment, overridden by every flag the user actually gave."""
    given = {
        "backend": backend,
        "model": model,
        "base_url": base_url,
        "mode": mode,
        "max_retries": max_retries,
        "embedded_size": size,
        "strategy": strategy,
        **extra,
    }
    return Settings(**{k: v for k, v in given.items() if v is not None})


@contextlib.contextmanager
def guarded(debug: bool = False) -> Iterator[None]:
    """Turn package errors into one readable line and a non-zero exit (traceback with --debug)."""
    if debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    else:  # instructor logs every failed attempt at ERROR; the final error says it all
        logging.getLogger("instructor").setLevel(logging.CRITICAL)
    try:
        yield
    except SummarizerError as e:
        if debug:
            err_console.print_exception()
        err_console.print(f"error: {e.one_line()}", markup=False, soft_wrap=True)
        raise typer.Exit(e.exit_code) from e
    except KeyboardInterrupt as e:
        err_console.print("interrupted", markup=False)
        raise typer.Exit(130) from e
