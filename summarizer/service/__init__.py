"""The service layer: `Briefer` (backend + strategy + cache) and the briefing cache."""

from __future__ import annotations

from summarizer.service.briefer import Briefer, restamp

__all__ = ["Briefer", "restamp"]
