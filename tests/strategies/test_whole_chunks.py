"""The whole strategy on long articles (`strategies.whole`, `strategies.chunks`): an article
longer than the context is asked about in overlapping chunks, each draft grounded against the
whole article, and the drafts merged; an article within it is the one request it always was.

The long read is the gold suite's longest case (36, a summit week, ~23,000 characters), its
chunks' answers scripted: each chunk "finds" the meetings and tensions whose sentence it holds.
"""

from __future__ import annotations

from typing import Any

import pytest
from builders import ROOT, article_of

from summarizer.backends.fake import FakeBackend
from summarizer.backends.openai import OpenAIBackend
from summarizer.backends.replay import ReplayBackend, case_scope
from summarizer.errors import ConfigError, ModelError
from summarizer.evals.cases import load_case, load_cases
from summarizer.evals.runner import article_of as case_article
from summarizer.pipeline import prompts
from summarizer.schema import Briefing
from summarizer.settings import Settings
from summarizer.strategies import resolve
from summarizer.strategies.chunks import CHARS_PER_TOKEN, estimate_tokens
from summarizer.strategies.whole import Context, WholeStrategy, budget, build_messages, context_of
from summarizer.testing import FakeOpenAIServer, Reply

LONG = case_article(load_case(ROOT / "evals/cases/36-long-read-valletta-summit-week.yaml"))
TEXT = LONG.text
PROMPT = prompts.load("briefing")
EMBEDDED = Context(window=8192, answer=1536)  # the embedded model's n_ctx and max_tokens

VORONIN = {"name": "Aleksandr Voronin", "country": "Kestria"}
BANARU = {"name": "Sergiu Banaru", "country": "Moldara"}
MOURAD = {"name": "Jean-Baptiste Mourad", "country": "Ostrenia"}
WILK = {"name": "Katarzyna Wilk-Orłowska", "organization": "European Commission"}
AZZOPARDI = {"name": "Roberta Azzopardi", "country": "Malta"}
ARANYI = {"name": "Viktor Aranyi", "country": "Kestria"}
SLIEMA = "when Voronin met Banaru at the Kestrian ambassador's residence in Sliema"
SUMMIT = "Mourad, Wilk-Orłowska, Voronin and Banaru were among the speakers in the first plenary"
CALL = "Late on Wednesday 13 July, Mourad spoke by phone with the Kestrian prime minister"
HOTEL = "On Thursday 14 July, at about ten in the evening, Voronin, Wilk-Orłowska and Mourad met"
INVITE = "Voronin said he had invited Wilk-Orłowska to visit Kestria's Dunavar gas field"
TIMELINE = "late-night phone call between Mourad and Aranyi"  # the timeline, near the end
FEES_1 = "Kestria called the move illegal under the agreement"
FEES_2 = "its transit fee dispute with Kestria remains unresolved"
METHANE = "says the rules are unworkable and discriminatory"


def sentence(words: str) -> str:
    """The article's whole sentence holding `words` (quotes are copied word for word)."""
    at = TEXT.index(words)
    start = max(TEXT.rfind(". ", 0, at) + 2, TEXT.rfind("\n", 0, at) + 1)
    end = TEXT.index("\n", at)
    stop = TEXT.find(". ", at, end)
    return TEXT[start : stop + 1 if stop != -1 else end]


def meeting(people: list[dict[str, Any]], words: str, when: str, status: str) -> dict[str, Any]:
    return {"participants": people, "when": {"text": when}, "status": status,
            "evidence": [sentence(words)]}  # fmt: skip


MEETINGS = {
    SLIEMA: meeting([VORONIN, BANARU], SLIEMA, "Monday evening", "held"),
    SUMMIT: meeting([AZZOPARDI, MOURAD, WILK, VORONIN, BANARU], SUMMIT, "Tuesday 12 July", "held"),
    CALL: meeting([MOURAD, ARANYI], CALL, "Wednesday 13 July", "held"),
    HOTEL: meeting([VORONIN, WILK, MOURAD], HOTEL, "Thursday 14 July", "held"),
    INVITE: meeting([VORONIN, WILK], INVITE, "in the autumn", "proposed"),
    TIMELINE: meeting([MOURAD, ARANYI], TIMELINE, "Wednesday 13 July", "held"),
}
TENSIONS = {
    FEES_1: {"parties": ["Kestria", "Moldara"], "issue": "transit fees",
             "evidence": [sentence(FEES_1)]},
    FEES_2: {"parties": ["Moldara", "Kestria"], "issue": "Transit fees",
             "evidence": [sentence(FEES_2)]},
    METHANE: {"parties": ["Kestria", "European Union"], "issue": "methane rules",
              "evidence": [sentence(METHANE)]},
}  # fmt: skip


def draft_for(chunk: str, only: tuple[str, ...] | None = None) -> dict[str, Any]:
    """What a model reading `chunk` answers: the meetings and tensions stated in it."""
    keys = [k for k in [*MEETINGS, *TENSIONS] if sentence(k) in chunk and (not only or k in only)]
    return {
        "summary": "A summit week in Valletta." if chunk.startswith("LONG READ") else "More.",
        "meetings": [MEETINGS[k] for k in keys if k in MEETINGS],
        "tensions": [TENSIONS[k] for k in keys if k in TENSIONS],
    }


def forced(chars: int, answer: int = 256) -> Context:
    """A context whose budget is at most `chars` characters of the long read a call."""
    probe = Context(10**6, 0)
    prompt_tokens = probe.window - budget(LONG, PROMPT, probe) // CHARS_PER_TOKEN
    return Context(chars // CHARS_PER_TOKEN + answer + prompt_tokens, answer)


SMALL = WholeStrategy(context=forced(len(TEXT) // 4))
SPANS = SMALL.spans(LONG) or []


def holding(words: str) -> list[int]:
    """The chunks (by index) whose text holds the sentence with `words`."""
    return [i for i, (a, b) in enumerate(SPANS) if sentence(words) in TEXT[a:b]]


def run_small(backend: FakeBackend | None = None) -> tuple[Briefing, FakeBackend]:
    backend = backend or FakeBackend([draft_for(TEXT[a:b]) for a, b in SPANS])
    return SMALL.run(LONG, backend), backend


def assert_grounded_in_the_whole_article(briefing: Briefing) -> None:
    quotes = [q for m in briefing.meetings for q in m.evidence]
    quotes += [q for t in briefing.tensions for q in t.evidence]
    assert quotes
    for q in quotes:
        assert q.start is not None and q.end is not None
        assert TEXT[q.start : q.end] == q.text


def with_person(briefing: Briefing, name: str) -> list[Any]:
    return [m for m in briefing.meetings if any(p.name == name for p in m.participants)]


# --- within the budget: the request it always was -------------------------------------------


def test_a_normal_size_article_is_one_call_with_the_messages_it_always_had() -> None:
    article = case_article(load_case(ROOT / "evals/cases/01-generals-thursday-sidelines.yaml"))
    for strategy in (WholeStrategy(), WholeStrategy(context=EMBEDDED)):
        plan = strategy.plan(article)
        assert len(plan.calls) == 1
        assert plan.calls[0].messages == build_messages(article, PROMPT)


def test_every_gold_case_fits_the_embedded_default_context_unchanged() -> None:
    """The long read too (~5,740 estimated tokens of 8192 - 1536 - the prompt's ~670): the
    whole strategy's figures on every case are unchanged by construction.
    """
    strategy = WholeStrategy(context=EMBEDDED)
    for case in load_cases(ROOT / "evals/cases"):
        article = case_article(case)
        assert strategy.spans(article) is None, case.id
        assert strategy.plan(article).calls[0].messages == build_messages(article, PROMPT)


def test_the_longest_recorded_whole_case_still_replays_from_its_recording() -> None:
    """The committed 1.5B recordings (keyed by the messages' hash) answer the strategy that
    `resolve` builds for them: the longest recorded article is one call, as recorded.
    """
    replay = ReplayBackend(ROOT / "evals/results/whole-1.5b/replays")
    case = load_case(ROOT / "evals/cases/real/voa-6184244-experts-u-s-shifts-focus-away.yaml")
    strategy = resolve("whole", replay)
    with case_scope(case.id):
        briefing = strategy.run(case_article(case), replay)
    assert briefing.provenance.strategy == "whole" and briefing.provenance.attempts == 1


# --- the context: the embedded model's n_ctx, or the configured limit ------------------------


def test_the_context_is_the_recorded_n_ctx_or_the_configured_limit(
    fake_settings: Settings,
) -> None:
    replay = ReplayBackend(ROOT / "evals/results/whole-1.5b/replays")
    assert context_of(replay) == EMBEDDED  # as recorded: a replay splits as the recording did
    assert context_of(OpenAIBackend(fake_settings)) is None  # unset: never split
    limited = fake_settings.model_copy(update={"context_tokens": 32000, "max_tokens": 1000})
    assert context_of(OpenAIBackend(limited)) == Context(32000, 1000)
    assert context_of(FakeBackend()) is None
    assert resolve("whole", replay).identity() != WholeStrategy().identity()


def test_a_context_too_small_for_the_prompt_and_answer_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="leaves .* for the article"):
        WholeStrategy(context=Context(window=1000, answer=600)).plan(LONG)


# --- the long read in chunks ------------------------------------------------------------------


def test_the_long_read_forced_to_small_chunks_is_one_call_per_chunk() -> None:
    assert len(SPANS) >= 4 and all(b - a <= len(TEXT) // 4 for a, b in SPANS)
    briefing, backend = run_small()
    assert [article_of({"messages": call}) for call in backend.calls] == [
        TEXT[a:b] for a, b in SPANS
    ]
    assert briefing.provenance.usage.prompt_tokens > estimate_tokens(TEXT)  # all calls summed
    assert briefing.summary == "A summit week in Valletta."  # the first chunk's
    assert_grounded_in_the_whole_article(briefing)


def test_a_meeting_in_the_overlap_returned_by_two_chunks_is_one_meeting() -> None:
    assert len(holding(SUMMIT)) == 2  # the paragraph two chunks share
    briefing, backend = run_small()
    replies = [r for r in backend.replies if isinstance(r, dict)]
    assert sum(MEETINGS[SUMMIT] in r["meetings"] for r in replies) == 2
    (summit,) = with_person(briefing, "Roberta Azzopardi")
    (quote,) = summit.evidence
    assert quote.start == TEXT.index(sentence(SUMMIT)) > SPANS[0][1]  # full-article offsets
    assert len(briefing.meetings) == 5  # Sliema, summit, phone call, hotel, invitation


def test_a_meeting_only_the_last_chunk_states_survives() -> None:
    assert holding(TIMELINE) == [len(SPANS) - 1]
    replies = [draft_for(TEXT[a:b], only=(TIMELINE,)) for a, b in SPANS]
    briefing, _ = run_small(FakeBackend(replies))
    (call,) = briefing.meetings
    assert {p.name for p in call.participants} == {"Jean-Baptiste Mourad", "Viktor Aranyi"}
    assert str(call.when.date) == "2022-07-13"
    assert call.evidence[0].start is not None and call.evidence[0].start >= SPANS[-2][1]
    assert_grounded_in_the_whole_article(briefing)


def test_the_same_meeting_from_distant_chunks_and_the_same_dispute_are_merged() -> None:
    briefing, _ = run_small()
    (call,) = with_person(briefing, "Viktor Aranyi")  # the narrative and the timeline
    assert [q.text for q in call.evidence] == [sentence(CALL), sentence(TIMELINE)]
    fees, methane = briefing.tensions
    assert set(fees.parties) == {"Kestria", "Moldara"}
    assert [q.text for q in fees.evidence] == [sentence(FEES_1), sentence(FEES_2)]
    assert methane.issue == "methane rules"


def test_a_failed_chunk_loses_only_what_no_other_chunk_read() -> None:
    first, second = holding(SUMMIT)
    replies: list[Any] = [draft_for(TEXT[a:b]) for a, b in SPANS]
    replies[first] = ModelError("no valid answer")
    briefing, _ = run_small(FakeBackend(replies, max_retries=0))
    assert second in holding(SUMMIT) and with_person(briefing, "Roberta Azzopardi")
    assert len(briefing.meetings) == 5  # none of them was in that chunk alone
    assert holding(FEES_1) == holding(METHANE) == [first]  # these were: lost
    (fees,) = briefing.tensions
    assert [q.text for q in fees.evidence] == [sentence(FEES_2)]


# --- an article four times the configured context, end to end --------------------------------


def test_an_article_four_times_the_configured_context_is_briefed_whole(
    fake_settings: Settings, fake_server: FakeOpenAIServer
) -> None:
    """Through the settings (`context_tokens`, `max_tokens`), the OpenAI client and its HTTP
    layer: the strategy `resolve` builds for the backend splits the article itself.
    """
    settings = fake_settings.model_copy(
        update={"context_tokens": estimate_tokens(TEXT) // 4, "max_tokens": 256}
    )
    assert estimate_tokens(TEXT) >= 4 * (settings.context_tokens or 0)
    fake_server.set_script(lambda request: Reply(content=draft_for(article_of(request))))
    backend = OpenAIBackend(settings)
    strategy = resolve("whole", backend)
    spans = strategy.spans(LONG) if isinstance(strategy, WholeStrategy) else None
    assert spans is not None and len(spans) >= 4
    briefing = strategy.run(LONG, backend)
    assert len(fake_server.chat_requests) == len(spans)
    assert len(briefing.meetings) == 5 and len(briefing.tensions) == 2
    assert len(with_person(briefing, "Roberta Azzopardi")) == 1
    assert_grounded_in_the_whole_article(briefing)


def test_no_part_of_the_long_read_is_cut() -> None:
    """Every character of the long read is in some chunk's request."""
    covered = {i for a, b in SPANS for i in range(a, b)}
    assert all(i in covered for i, c in enumerate(TEXT) if not c.isspace())
