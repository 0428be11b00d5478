"""Test helpers shipped with the package: a fake OpenAI server and an in-process fake backend.

    from summarizer.testing import FakeOpenAIServer, Reply

    with FakeOpenAIServer([Reply(status=429, retry_after=0.1), {"summary": "..."}]) as server:
        settings = Settings(backend="openai", base_url=server.base_url, model="fake")

Imported lazily so `python -m summarizer.testing.server` runs without a double import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.backends.fake import FakeBackend
    from summarizer.testing.server import FakeOpenAIServer, Reply

__all__ = ["FakeBackend", "FakeOpenAIServer", "Reply"]

_HOMES = {
    "FakeBackend": "summarizer.backends.fake",
    "FakeOpenAIServer": "summarizer.testing.server",
    "Reply": "summarizer.testing.server",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
