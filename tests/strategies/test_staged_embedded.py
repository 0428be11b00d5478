"""The staged strategy end to end with the real 0.5B embedded model (skipped if not pulled)."""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.backends.embedded import EmbeddedBackend
from summarizer.pipeline.article import Article
from summarizer.settings import Settings
from summarizer.strategies.staged import StagedStrategy
from summarizer.text.fold import name_in_article

TEXT = (
    "GENEVA (Wire) - Maria Lopez, Chile's foreign minister, met Kenji Tanaka of Japan in "
    "Geneva on Monday. The two discussed fishing rights in the South Pacific, officials said.\n\n"
    "Chile's economy grew 2 per cent last year, the central bank said in its annual report."
)


@pytest.mark.slow
@pytest.mark.usefixtures("small_model")
def test_staged_path_with_the_real_small_model() -> None:
    article = Article(text=TEXT, title="Chile and Japan", published=dt.date(2024, 5, 8))
    backend = EmbeddedBackend(Settings(embedded_size="0.5b"))
    try:
        briefing = StagedStrategy().run(article, backend)
    finally:
        backend.close()
    assert briefing.provenance.strategy == "staged"
    assert briefing.provenance.attempts >= 1  # one window, re-asks counted
    assert briefing.provenance.usage.completion_tokens > 0
    [meeting] = briefing.meetings
    names = sorted(p.name or "" for p in meeting.participants)
    assert names == ["Kenji Tanaka", "Maria Lopez"]
    assert all(name_in_article(n, TEXT) for n in names)
    assert (meeting.status, meeting.when.date) == ("held", dt.date(2024, 5, 6))
    assert meeting.evidence[0].text.startswith("GENEVA (Wire) - Maria Lopez")
