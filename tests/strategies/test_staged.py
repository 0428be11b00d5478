"""The staged strategy end to end through a scripted backend: plan, ask, assemble."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from builders import STRAW_TEXT as TEXT

from summarizer.backends.fake import FakeBackend
from summarizer.errors import ModelError
from summarizer.pipeline.article import Article
from summarizer.strategies.staged import StagedStrategy, plan, questions

summarize_staged = StagedStrategy().run
asummarize_staged = StagedStrategy().arun
ARTICLE = Article(text=TEXT, title="Straw in Moscow", published=dt.date(2003, 2, 5))


def _answer(*meetings: dict[str, Any], article: Article | None = None, ask: int = 0) -> Any:
    """The reply to call `ask` of `article`'s plan (default ARTICLE): one dict per candidate,
    in order; `{}` means "not a meeting".
    """
    base = {"meeting": True, "when": None, "status": "unknown", "city": None, "country": None,
            "topics": []}  # fmt: skip
    candidates = plan(article or ARTICLE).asks[ask].options.candidates
    return {
        f"c{n}": {"sides": questions.sides_label(c.sides)} | (base | m if m else {"meeting": False})
        for n, (c, m) in enumerate(zip(candidates, meetings, strict=True), 1)
    }


def test_summarize_staged_builds_a_grounded_briefing() -> None:
    [ask] = plan(ARTICLE).asks  # two windows, one call
    assert len(ask.windows) == 2
    backend = FakeBackend(
        [
            _answer(
                {"when": "Monday", "status": "held", "city": "Moscow", "topics": ["Iraq"]},
                {"when": "next month", "status": "scheduled", "city": "London"},
            ),
        ]
    )  # no sentence says what a dispute is made of: no tension question
    briefing = summarize_staged(ARTICLE, backend)
    held, scheduled = briefing.meetings
    assert [p.name for p in held.participants] == ["Jack Straw", "Sergei Ivanov"]
    assert "Straw" in held.participants[0].aliases
    assert (held.when.date, held.status, held.location.city) == (
        dt.date(2003, 2, 3),
        "held",
        "Moscow",
    )
    assert held.evidence[0].text == TEXT[: TEXT.index("Monday.") + 7]
    assert held.evidence[0].start == 0
    assert (scheduled.when.date, scheduled.when.precision) == (dt.date(2003, 3, 1), "month")
    assert scheduled.format.scope == "bilateral"
    assert briefing.summary.startswith("Jack Straw, the British foreign secretary, met")
    provenance = briefing.provenance
    assert (provenance.strategy, provenance.attempts, provenance.prompt_name) == (
        "staged",
        1,
        "staged-v2",
    )
    assert provenance.usage.prompt_tokens == sum(
        len("".join(m["content"] for m in call)) // 4 for call in backend.calls
    )


def test_an_article_without_meetings_never_calls_the_model() -> None:
    text = "Inflation rose to 9 per cent in June, the statistics office said on Friday."
    backend = FakeBackend()
    briefing = summarize_staged(Article(text=text), backend)
    assert (briefing.meetings, backend.calls) == ([], [])
    assert briefing.provenance.attempts == 0


def test_a_failed_call_is_skipped_but_all_failing_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(questions, "BATCH_CANDIDATES", 1)  # one call per window
    ok = _answer({"status": "held"}, ask=1)
    backend = FakeBackend([ModelError("bad", attempts=3), ok])
    briefing = summarize_staged(ARTICLE, backend)
    assert len(briefing.meetings) == 1
    assert briefing.provenance.attempts == 4  # the failed call's attempts are counted too
    with pytest.raises(ModelError):
        summarize_staged(ARTICLE, FakeBackend([ModelError("bad", attempts=3)]))


def test_a_candidate_the_model_rejects_is_no_meeting() -> None:
    article = Article(
        text="Jack Straw praised Sergei Ivanov during a visit to the capital on Monday, "
        "an aide said.",
        published=dt.date(2003, 2, 5),
    )
    backend = FakeBackend([_answer({}, article=article)])  # no countries: no tension call
    briefing = summarize_staged(article, backend)
    assert briefing.meetings == []
    assert briefing.provenance.attempts == 1


def test_a_plainly_stated_meeting_the_model_rejects_is_kept_by_code() -> None:
    backend = FakeBackend([_answer({}, {})])
    briefing = summarize_staged(ARTICLE, backend)
    [met, again] = briefing.meetings  # "X met Y in Moscow on Monday", "will meet again"
    assert (met.status, met.when.date, met.location.city) == ("held", dt.date(2003, 2, 3), "Moscow")
    assert (again.status, again.location.city) == ("scheduled", "London")
    assert met.agenda == [] and again.agenda == []


async def test_async_path_matches_the_blocking_one() -> None:
    reply = _answer({"status": "held"}, {"status": "scheduled", "when": "next month"})
    blocking = summarize_staged(ARTICLE, FakeBackend([reply]))
    concurrent = await asummarize_staged(ARTICLE, FakeBackend([reply]))
    assert concurrent.meetings == blocking.meetings


def test_a_trigger_sentence_shared_by_two_windows_is_asked_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("summarizer.strategies.staged.windows.MAX_SENTENCES", 3)
    pairs = [("Anna Kowal", "Boris Lind"), ("Chen Wei", "Diego Ramos"),
             ("Emma Stolz", "Farid Haddad"), ("Greta Holm", "Hugo Marin")]  # fmt: skip
    text = " ".join(f"{a} met {b} in Tarsk on Monday to talk about fish quotas." for a, b in pairs)
    steps = plan(Article(text=text))
    sentences = [c.sentence.start for ask in steps.asks for c in ask.options.candidates]
    assert len(sentences) == len(set(sentences)) == 4


def test_the_tension_answer_becomes_the_briefings_grounded_tensions() -> None:
    text = TEXT + "\n\nBritain accused Russia of blocking the arms inspections, an aide said."
    article = Article(text=text, title="Straw in Moscow", published=dt.date(2003, 2, 5))
    tension = plan(article).tensions
    assert tension is not None and tension.sides[-1] == ("United Kingdom", "Russia")
    first = tension.sentences[-1].text
    issue = "blocking the arms inspections"
    reply = {f"t{n}": {"sides": " and ".join(o), "dispute": False}
             for n, o in enumerate(tension.sides, 1)}  # fmt: skip
    reply[f"t{len(tension.sides)}"] = {
        "sides": "United Kingdom and Russia", "dispute": True, "issue": issue
    }  # fmt: skip
    briefing = summarize_staged(article, FakeBackend([_answer({}, {}, article=article), reply]))
    [found] = briefing.tensions
    assert (found.parties, found.issue) == (["United Kingdom", "Russia"], issue)
    assert found.evidence[0].text == first and text[found.evidence[0].start :].startswith(first)
