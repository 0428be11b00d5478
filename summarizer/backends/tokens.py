"""Token counts by a real tokenizer: the Qwen2.5 one inside the embedded model's GGUF.

    with tokenizer() as t:
        t.count(text)                    # tokens of a string
        t.template(messages, tools)      # the chat prompt as the model's template renders it

`tokenizer()` loads the smallest embedded model already on disk (Qwen2.5-Coder 0.5B or 1.5B:
one vocabulary) into llama.cpp's server and asks its `/tokenize` and `/apply-template`
endpoints; it never downloads a model. Only when no model file exists does it count
`CHARS_PER_TOKEN` characters a token (`CharCount`, the same estimate `strategies.chunks` and
the fake server use), and its `name` says so, so a figure is never passed off as the other.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any, Protocol

from summarizer.backends.base import Message
from summarizer.backends.weights import MODELS
from summarizer.errors import ModelNotFoundError
from summarizer.settings import Settings

CHARS_PER_TOKEN = 4
LOAD_CTX = 512  # tokenizing needs no context; the smallest window keeps the load light


class Tokenizer(Protocol):
    """Counts tokens; `name` says whose tokenizer it is."""

    name: str

    def count(self, text: str) -> int:
        """Tokens of `text`, no special tokens added."""
        ...

    def template(self, messages: list[Message], tools: list[dict[str, Any]] | None) -> str:
        """The prompt the chat template makes of `messages` (and `tools`, if any)."""
        ...


class CharCount:
    """The fallback estimate: `CHARS_PER_TOKEN` characters a token, rounded up."""

    name = f"characters / {CHARS_PER_TOKEN}"

    def count(self, text: str) -> int:
        """`len(text) / CHARS_PER_TOKEN`, rounded up."""
        return -(-len(text) // CHARS_PER_TOKEN)

    def template(self, messages: list[Message], tools: list[dict[str, Any]] | None) -> str:
        """No template is known: the tools' JSON, then the message contents, one a line."""
        parts = [json.dumps(tools)] if tools else []
        return "\n".join(parts + [str(m.get("content", "")) for m in messages])


class LlamaTokenizer:
    """The tokenizer of a loaded embedded model, through llama.cpp's own endpoints."""

    def __init__(self, backend: Any) -> None:
        """`backend`: an `EmbeddedBackend` (its server starts on the first count)."""
        self._backend = backend
        self.name = f"{backend.model} (llama.cpp /tokenize)"

    def count(self, text: str) -> int:
        """Tokens of `text` as the model reads it (special-token text parsed as such)."""
        payload = {"content": text, "add_special": False, "parse_special": True}
        return len(self._backend.native("/tokenize", payload)["tokens"])

    def template(self, messages: list[Message], tools: list[dict[str, Any]] | None) -> str:
        """llama.cpp's `/apply-template`: the model's own chat template, tools included."""
        payload: dict[str, Any] = {"messages": messages} | ({"tools": tools} if tools else {})
        prompt: str = self._backend.native("/apply-template", payload)["prompt"]
        return prompt


def smallest_model() -> str | None:
    """The size of the smallest embedded model on disk, or None when there is none."""
    from summarizer.backends.weights import ensure_model

    for spec in sorted(MODELS.values(), key=lambda s: s.size_bytes):
        with contextlib.suppress(ModelNotFoundError):
            ensure_model(spec.size)
            return spec.size
    return None


@contextlib.contextmanager
def tokenizer(size: str | None = None, threads: int = 1) -> Iterator[Tokenizer]:
    """The embedded model `size`'s tokenizer (default: the smallest on disk), else `CharCount`
    when no model file exists. The model is unloaded on exit.
    """
    size = size or smallest_model()
    if size is None:
        yield CharCount()
        return
    from summarizer.backends.embedded import EmbeddedBackend

    settings = Settings(embedded_size=size, threads=threads, context_tokens=LOAD_CTX)
    backend = EmbeddedBackend(settings)
    try:
        yield LlamaTokenizer(backend)
    finally:
        backend.close()
