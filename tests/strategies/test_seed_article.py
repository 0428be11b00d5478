"""The user's own sample article (../shared/seed, outside this repository; its text is read
from there, never copied here) through the default: the staged strategy on the real embedded
1.5B model. Published 2017-02-15, it states exactly two meetings, both "Thursday".
"""

from __future__ import annotations

import datetime as dt

import pytest
from builders import ROOT

from summarizer.backends.embedded import EmbeddedBackend
from summarizer.backends.weights import ensure_model
from summarizer.errors import ModelNotFoundError
from summarizer.inputs.loaders import load
from summarizer.schema import Briefing
from summarizer.settings import Settings
from summarizer.strategies.staged import StagedStrategy
from summarizer.text.fold import fold

SEED = ROOT.parent / "shared" / "seed" / "sample-article.txt"
THURSDAY = dt.date(2017, 2, 16)


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    if not SEED.is_file():
        pytest.skip(f"the sample article is not beside this checkout ({SEED})")
    try:
        ensure_model("1.5b")
    except ModelNotFoundError as e:
        pytest.skip(f"1.5b model not pulled ({e.one_line()}); `summarizer model pull`")
    article = load(str(SEED), published=dt.date(2017, 2, 15))
    backend = EmbeddedBackend(Settings(embedded_size="1.5b"))
    try:
        return StagedStrategy().run(article, backend)
    finally:
        backend.close()


def _surnames(meeting: object) -> set[str]:
    return {fold(p.name).split()[-1] for p in meeting.participants if p.name}  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_sample_article_gives_exactly_its_two_meetings(briefing: Briefing) -> None:
    assert briefing.source.title == "Top US, Russian Military Generals To Meet Thursday"
    generals, ministers = sorted(briefing.meetings, key=lambda m: "dunford" not in _surnames(m))
    assert len(briefing.meetings) == 2
    assert _surnames(generals) == {"dunford", "gerasimov"}
    assert _surnames(ministers) == {"tillerson", "lavrov"}
    assert (generals.location.city, generals.location.country) == (None, "Azerbaijan")
    assert (ministers.location.city, ministers.location.country) == ("Bonn", "Germany")
    for meeting in briefing.meetings:
        assert (meeting.when.date, meeting.status) == (THURSDAY, "scheduled")


@pytest.mark.slow
def test_the_sample_article_states_a_us_russia_tension_and_quotes_verbatim(
    briefing: Briefing,
) -> None:
    text = load(str(SEED)).text  # offsets point into the article as loaded
    assert any({"United States", "Russia"} <= set(t.parties) for t in briefing.tensions)
    quotes = [q for m in briefing.meetings for q in m.evidence]
    quotes += [q for t in briefing.tensions for q in t.evidence]
    assert quotes and all(text[q.start : q.end] == q.text for q in quotes)
