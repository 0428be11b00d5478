"""The whole strategy (`summarizer.strategies.whole`): one draft of the whole article from a
(fake) model becomes a grounded, date-resolved Briefing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from summarizer.errors import ModelError
from summarizer.pipeline.article import Article
from summarizer.strategies.whole import WholeStrategy
from summarizer.testing import FakeBackend, FakeOpenAIServer, Reply

TEXT = (
    "BRASOV (Wire) - Gen. Marta Okonkwo, chief of the Nerevan general staff, will meet her "
    "Dravian counterpart Gen. Ilya Voronin on Friday in Brasov, her office said on Wednesday. "
    "The two will discuss the ceasefire line, the statement said.\n"
    "Okonkwo and Voronin last met in 2019. Relations between Nerevia and Dravia have been "
    "strained by a border shooting last month."
)
ARTICLE = Article(text=TEXT, title="Chiefs to meet", published=dt.date(2023, 3, 8))
EVIDENCE = (
    "Gen. Marta Okonkwo, chief of the Nerevan general staff, will meet her Dravian counterpart "
    "Gen. Ilya Voronin on Friday in Brasov, her office said on Wednesday."
)


def _draft(**meeting: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "participants": [
            {"name": "Okonkwo", "country": "Nerevia"},
            {"name": "Ilya Voronin", "country": "Russia"},
        ],
        "location": {"city": "Brasov", "country": "Romania", "venue": None},
        "when": {"text": "Friday", "time": None},
        "status": "scheduled",
        "agenda": ["ceasefire line", "Ceasefire line"],
        "evidence": [EVIDENCE],
    }
    base.update(meeting)
    tension = {
        "parties": ["Nerevia", "Dravia", "Atlantis"],
        "issue": "border shooting",
        "description": "Strained relations.",
        "evidence": ["Relations between Nerevia and Dravia have been strained."],
    }
    return {"summary": " Two generals meet. ", "meetings": [base], "tensions": [tension]}


def test_draft_becomes_grounded_briefing() -> None:
    briefing = WholeStrategy().run(ARTICLE, FakeBackend([_draft()]))
    (meeting,) = briefing.meetings
    okonkwo, voronin = meeting.participants
    assert okonkwo.name == "Marta Okonkwo" and "Okonkwo" in okonkwo.aliases
    assert okonkwo.country == "Nerevia"  # mentioned via the demonym "Nerevan"
    assert voronin.country is None  # "Russia" is not in the article: never invented
    assert meeting.location.city == "Brasov" and meeting.location.country is None
    assert (meeting.when.date, meeting.when.precision) == (dt.date(2023, 3, 10), "day")
    assert meeting.agenda == ["ceasefire line"]
    (quote,) = meeting.evidence
    assert TEXT[quote.start : quote.end] == quote.text == EVIDENCE
    (tension,) = briefing.tensions
    assert tension.parties == ["Nerevia", "Dravia"]
    assert briefing.summary == "Two generals meet."
    assert briefing.provenance.prompt_name.startswith("briefing-v")
    assert briefing.provenance.backend == "fake"


def test_ungrounded_name_is_reasked_then_accepted() -> None:
    bad = _draft(participants=[{"name": "Hilmut Kohl"}, {"name": "Ilya Voronin"}])
    backend = FakeBackend([bad, _draft()])
    briefing = WholeStrategy().run(ARTICLE, backend)
    assert len(backend.calls) == 2
    reask = backend.calls[1][-1]["content"]
    assert 'name "Hilmut Kohl" does not occur in the article' in reask
    assert briefing.provenance.attempts == 2


def test_gives_up_with_model_error_after_budget() -> None:
    bad = _draft(evidence=["The generals signed a peace treaty in Paris."])
    backend = FakeBackend([bad, bad, bad], max_retries=2)
    with pytest.raises(ModelError) as info:
        WholeStrategy().run(ARTICLE, backend)
    assert info.value.attempts == 3
    assert any("quote not found verbatim" in e for e in info.value.validation_errors)


def test_time_words_missing_from_article_are_dropped() -> None:
    briefing = WholeStrategy().run(ARTICLE, FakeBackend([_draft(when={"text": "next Tuesday"})]))
    assert briefing.meetings[0].when.text is None
    assert briefing.meetings[0].when.date is None


def test_meeting_of_one_person_with_himself_is_dropped() -> None:
    same = _draft(participants=[{"name": "Marta Okonkwo"}, {"name": "Okonkwo"}])
    assert WholeStrategy().run(ARTICLE, FakeBackend([same])).meetings == []


def test_repeated_meeting_is_reported_once() -> None:
    draft = _draft()
    draft["meetings"] = draft["meetings"] * 3
    assert len(WholeStrategy().run(ARTICLE, FakeBackend([draft])).meetings) == 1


def test_unknown_publication_date_never_guesses() -> None:
    undated = Article(text=TEXT)
    meeting = WholeStrategy().run(undated, FakeBackend([_draft()])).meetings[0]
    assert (meeting.when.text, meeting.when.date, meeting.when.precision) == (
        "Friday",
        None,
        "unknown",
    )


def test_reask_over_http_reaches_the_model(
    fake_settings: Any, fake_server: FakeOpenAIServer
) -> None:
    from summarizer.backends.openai import OpenAIBackend

    bad = _draft(evidence=["Okonkwo and Voronin signed a treaty."])
    fake_server.set_script([Reply(content=bad), Reply(content=_draft())])
    briefing = WholeStrategy().run(ARTICLE, OpenAIBackend(fake_settings))
    assert len(fake_server.requests) == 2
    assert "quote not found verbatim" in str(fake_server.requests[1]["messages"])
    assert briefing.meetings[0].evidence[0].text == EVIDENCE
    assert briefing.provenance.usage.total_tokens > 0


def test_evidence_of_another_meeting_is_replaced_by_a_sentence_naming_both_sides() -> None:
    other = (
        "Relations between Nerevia and Dravia have been strained by a border shooting last month."
    )
    briefing = WholeStrategy().run(ARTICLE, FakeBackend([_draft(evidence=[other])]))
    quotes = [q.text for q in briefing.meetings[0].evidence]
    assert quotes == [f"BRASOV (Wire) - {EVIDENCE}", "Okonkwo and Voronin last met in 2019."]
