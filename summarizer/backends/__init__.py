"""Backends turn chat messages into validated models; the core sees only `Backend`.

Provider details live here and nowhere else. `get_backend` picks one from `Settings`.
"""

from __future__ import annotations

from summarizer.backends.base import Backend, Completion, Message
from summarizer.errors import ConfigError
from summarizer.settings import Settings

__all__ = ["Backend", "Completion", "Message", "get_backend"]


def get_backend(settings: Settings) -> Backend:
    """The backend `settings` ask for (`auto` resolved); raise `ConfigError` if unknown."""
    name = settings.resolved_backend()
    if name == "openai":
        from summarizer.backends.openai import OpenAIBackend

        return OpenAIBackend(settings)
    if name == "fake":
        from summarizer.backends.fake import FakeBackend

        return FakeBackend(model=settings.model or "fake", max_retries=settings.max_retries)
    if name == "embedded":
        from summarizer.backends.embedded import EmbeddedBackend

        backend: Backend = EmbeddedBackend(settings)
        return backend
    raise ConfigError(f"unknown backend {name!r}", hint="use openai, embedded or fake")
