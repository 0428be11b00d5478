"""Pieces every command shares: the model flags, settings from them, and error-to-exit handling."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import Annotated, Any

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
