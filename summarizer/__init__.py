"""summarizer: typed, grounded intelligence briefings from news articles.

from summarizer import summarize
briefing = summarize(text, published="2017-02-15")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from summarizer.api import asummarize, summarize
    from summarizer.schema import Briefing, Meeting, Participant, Tension

__all__ = [
    "Briefing",
    "Meeting",
    "Participant",
    "Tension",
    "__version__",
    "asummarize",
    "summarize",
]


def __getattr__(name: str) -> Any:
    """Import lazily so `import summarizer` (and the CLI's --help) stays fast."""
    if name in ("summarize", "asummarize"):
        from summarizer import api

        return getattr(api, name)
    if name in ("Briefing", "Meeting", "Participant", "Tension"):
        from summarizer import schema

        return getattr(schema, name)
    raise AttributeError(name)
