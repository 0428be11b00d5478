"""Stage 4 of the staged strategy (merge, coreference, status, evidence) and the whole path
through a scripted backend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from summarizer.backends.fake import FakeBackend
from summarizer.errors import ModelError
from summarizer.pipeline import prompts
from summarizer.pipeline.article import Article
from summarizer.pipeline.corrections import decide_status, located, modality, status_cue
from summarizer.pipeline.finalize import merge, same_day, to_meeting
from summarizer.pipeline.mentions import MeetingMention as Found
from summarizer.schema import Participant
from summarizer.strategies import resolve, resolved_name
from summarizer.strategies.staged import StagedStrategy, plan, questions
from summarizer.strategies.staged.assemble import decide_when
from summarizer.strategies.staged.candidates import analyze

summarize_staged = StagedStrategy().run
asummarize_staged = StagedStrategy().arun

TEXT = (
    "Jack Straw, the British foreign secretary, met Sergei Ivanov in Moscow on Monday. "
    "The talks covered Iraq, an aide said.\n\n"
    "Bread prices in the capital rose sharply last year, according to shop owners. "
    "Grain exports fell too, the statistics office said in its monthly report.\n\n"
    "Mr Straw and Ivanov will meet again in London next month, the Foreign Office said."
)
ARTICLE = Article(text=TEXT, title="Straw in Moscow", published=dt.date(2003, 2, 5))
STRAW, IVANOV = Participant(name="Jack Straw"), Participant(name="Sergei Ivanov")


def _found(people: list[Participant], **kw: Any) -> Found:
    return Found(participants=people, **({"status": "held", "evidence": []} | kw))


def _answer(*meetings: dict[str, Any], article: Article | None = None, ask: int = 0) -> Any:
    """The reply to call `ask` of `article`'s plan (default ARTICLE): one dict per candidate,
    in order; `{}` means "not a meeting".
    """
    base = {"meeting": True, "when": None, "status": "unknown", "city": None, "country": None,
            "topics": []}  # fmt: skip
    candidates = plan(article or ARTICLE).asks[ask].options.candidates
    return {
        f"c{n}": {"sides": questions.sides_label(c)} | (base | m if m else {"meeting": False})
        for n, (c, m) in enumerate(zip(candidates, meetings, strict=True), 1)
    }


def test_same_sides_in_two_windows_is_one_meeting() -> None:
    a = _found([STRAW, IVANOV], when_text="Monday", date=dt.date(2003, 2, 3), agenda=["Iraq"])
    b = _found([Participant(name="Straw"), IVANOV], city="Moscow", agenda=["Iraq", "oil"])
    [one] = merge([a, b])
    assert [p.name for p in one.participants] == ["Jack Straw", "Sergei Ivanov"]
    assert (one.when_text, one.city, one.agenda) == ("Monday", "Moscow", ["Iraq", "oil"])


def test_same_sides_on_different_days_or_statuses_stay_apart() -> None:
    a = _found([STRAW, IVANOV], date=dt.date(2003, 2, 3))
    b = _found([STRAW, IVANOV], date=dt.date(2003, 3, 1))
    c = _found([STRAW, IVANOV], status="scheduled")
    assert len(merge([a, b, c])) == 3


def test_surname_and_honorific_corefer_with_the_full_name() -> None:
    other = _found([Participant(name="Mr Straw"), Participant(title="defence minister")])
    assert len(merge([_found([STRAW, Participant(title="defence minister")]), other])) == 1


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Greece has cancelled a meeting between the two ministers.", "cancelled"),
        ("The talks were postponed until Monday.", "postponed"),
        ("Khanna wrote to both sides proposing that they meet next week.", "proposed"),
        ("The two will meet in Oslo next month.", "scheduled"),
        ("Ferrer met Dahl this morning.", "held"),
        ("Ferrer, who met Dahl on Monday, will meet him again.", None),
    ],
)
def test_status_cue(sentence: str, status: str | None) -> None:
    assert status_cue(sentence) == status


def test_status_from_date_when_words_are_silent() -> None:
    published = dt.date(2023, 3, 8)  # a Wednesday
    assert decide_status("scheduled", "Pryce and Vik talks, Tuesday", "Tuesday", published) == (
        "held"
    )
    assert decide_status("unknown", "Talks between them", None, published) == "unknown"


def test_when_prefers_the_candidates_own_sentence() -> None:
    [sentence] = analyze("Lipovac and Brekke met on December 30 in Ostvik, aides said last autumn.")
    assert decide_when("last autumn", sentence) == "last autumn"  # in the sentence: kept
    [other] = analyze("Lipovac and Brekke met on December 30 in Ostvik, the aides said.")
    assert decide_when("Friday", other) == "December 30"
    [bare] = analyze("Lipovac and Brekke met in Ostvik, the aides told reporters.")
    assert decide_when("Friday", bare) == "Friday"


def test_modality_from_evidence_words() -> None:
    assert modality("They spoke by video link.") == "video"
    assert modality("She phoned him on Sunday.") == "call"
    assert modality("They met in Oslo.") == "in_person"
    assert modality("") == "unknown"


def test_summarize_staged_builds_a_grounded_briefing() -> None:
    [ask] = plan(ARTICLE).asks  # two windows, one call
    assert len(ask.windows) == 2
    backend = FakeBackend(
        [
            _answer(
                {"when": "Monday", "status": "held", "city": "Moscow", "topics": ["Iraq"]},
                {"when": "next month", "status": "scheduled", "city": "London"},
            )
        ]
    )
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
        "staged-v1",
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
    backend = FakeBackend([_answer({}, {})])
    briefing = summarize_staged(ARTICLE, backend)
    assert briefing.meetings == []
    assert briefing.provenance.attempts == 1


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


@pytest.mark.parametrize(
    ("place", "sentence", "kept"),
    [
        ("Tarsis", "The chiefs of Hollmark and Kovalia will hold talks on Thursday in neutral "
         "Tarsis.", True),
        ("Hollmark", "The chiefs of Hollmark and Kovalia will hold talks on Thursday in neutral "
         "Tarsis.", False),
        ("Dorn", "He will meet his counterpart in the Velorian border city of Dorn.", True),
        ("Ravel", "She will hold talks in the Sandoran capital, Ravel, with Emeka.", True),
        ("Kampala", "Kiprotich will travel to Kampala on Tuesday to meet Akello.", True),
    ],
)  # fmt: skip
def test_a_city_is_kept_only_where_the_sentence_puts_the_meeting(
    place: str, sentence: str, kept: bool
) -> None:
    assert located(place, sentence) is kept


def test_the_same_day_takes_the_date_of_the_meeting_before() -> None:
    first = _found([STRAW, IVANOV], when_text="Thursday", date=dt.date(2022, 3, 10))
    second = _found([Participant(name="Ana Lipovac"), Participant(name="Johan Brekke")],
                    when_text="The same day")  # fmt: skip
    same_day([first, second])
    assert second.date == dt.date(2022, 3, 10)
    meeting = to_meeting(second, ARTICLE)
    assert (meeting.when.date, meeting.when.precision) == (dt.date(2022, 3, 10), "day")


def test_a_date_read_from_a_neighbouring_sentence_does_not_split_a_meeting() -> None:
    own = _found([STRAW, IVANOV], when_text="Monday", date=dt.date(2003, 2, 3))
    follow_up = _found(  # "The two discussed Iraq." with "last year" from the next sentence
        [STRAW, IVANOV], when_text="last year", date=dt.date(2002, 1, 1), borrowed=True
    )
    [merged] = merge([own, follow_up])
    assert (merged.when_text, merged.date) == ("Monday", dt.date(2003, 2, 3))
