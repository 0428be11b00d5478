"""Shared fixtures: a fake OpenAI-compatible server and settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from summarizer.settings import Settings
from summarizer.testing.server import FakeOpenAIServer


@pytest.fixture
def fake_server() -> Iterator[FakeOpenAIServer]:
    """A started `FakeOpenAIServer` (default reply: an empty briefing draft).

    Script it with `fake_server.set_script([...])`; inspect `fake_server.requests`.
    """
    server = FakeOpenAIServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_settings(fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for the openai backend at `fake_server`, with short, bounded retry waits."""
    for name in ("OPENAI_API_KEY", "SUMMARIZER_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return Settings(
        backend="openai",
        base_url=fake_server.base_url,
        model="fake",
        transport_retries=2,
        retry_max_wait=0.01,
        timeout=5.0,
    )
