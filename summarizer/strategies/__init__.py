"""Extraction strategies (`whole`, `staged`) and `resolve`, the one place `auto` is decided."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summarizer.backends.base import Backend
    from summarizer.strategies.base import Strategy

__all__ = ["resolve", "resolved_name"]


def resolved_name(name: str, backend: Backend) -> str:
    """`auto` -> what the eval found best per backend (README, "Strategies"): `staged` for the
    small embedded models, `whole` for hosted and self-hosted OpenAI-compatible models.
    """
    if name != "auto":
        return name
    return "staged" if backend.name == "embedded" else "whole"


def resolve(name: str, backend: Backend, prompt: str = "briefing") -> Strategy:
    """The strategy `name` (`auto` resolved for `backend`); `prompt` is the whole strategy's,
    which splits articles longer than `backend`'s context (`whole.context_of`).
    """
    if resolved_name(name, backend) == "staged":
        from summarizer.strategies.staged import StagedStrategy

        return StagedStrategy()
    from summarizer.strategies.whole import WholeStrategy, context_of

    return WholeStrategy(prompt, context_of(backend))
