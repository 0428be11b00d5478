"""`summarizer.strategies.resolve`: the one place `auto` picks a strategy for a backend."""

from __future__ import annotations

from summarizer.backends.fake import FakeBackend
from summarizer.pipeline import prompts
from summarizer.strategies import resolve, resolved_name


def test_auto_strategy_is_staged_on_the_embedded_backend_and_whole_elsewhere() -> None:
    embedded = FakeBackend()
    embedded.name = "embedded"
    hosted = FakeBackend()
    hosted.name = "openai"
    assert resolved_name("auto", embedded) == "staged"
    assert resolved_name("auto", hosted) == "whole"
    assert resolved_name("whole", embedded) == "whole"
    assert resolve("auto", embedded).prompt.hash == prompts.load("staged").hash
    assert resolve("auto", hosted).prompt.hash == prompts.load("briefing").hash
