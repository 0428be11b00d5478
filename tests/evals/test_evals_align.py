"""Alignment: a partial one-to-one matching that ignores the order of predictions."""

from __future__ import annotations

from typing import Any

from builders import Gold
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.evals.align import align_meetings, assign
from summarizer.evals.cases import GoldMeeting
from summarizer.evals.metrics import score_case
from summarizer.evals.predictions import Predicted

NAMES = [
    "Anna Kowalski",
    "Boris Yeltsov",
    "Chen Wei",
    "Diego Ramirez",
    "Emma Schultz",
    "Farid Haddad",
]

meetings = st.builds(
    lambda names, status, day: Gold.meeting(
        *(Gold.person(n) for n in names), status=status, date=f"2020-01-{day:02d}"
    ),
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True),
    st.sampled_from(["scheduled", "held", "unknown"]),
    st.integers(1, 3),
)
meeting_lists = st.lists(meetings, max_size=4)


def _models(data: list[dict[str, Any]]) -> list[GoldMeeting]:
    return [GoldMeeting.model_validate(m) for m in data]


def test_assign_maximizes_total_and_drops_zero_pairs() -> None:
    assert assign([[0.9, 0.8], [0.85, 0.0]]) == [(0, 1), (1, 0)]
    assert assign([[0.0, 0.0], [0.0, 0.5]]) == [(1, 1)]
    assert assign([[50.0, 90.0]], minimum=85) == [(0, 1)]
    assert assign([]) == []


def test_zero_overlap_is_not_aligned() -> None:
    a = _models([Gold.meeting(Gold.person("Anna Kowalski"), Gold.person("Chen Wei"))])
    b = _models([Gold.meeting(Gold.person("Diego Ramirez"), Gold.person("Farid Haddad"))])
    assert align_meetings(a, b) == []


@settings(max_examples=60, deadline=None)
@given(meeting_lists, meeting_lists)
def test_alignment_is_a_partial_matching(gold: list[Any], pred: list[Any]) -> None:
    pairs = align_meetings(_models(gold), _models(pred))
    assert len({p.gold for p in pairs}) == len(pairs)
    assert len({p.pred for p in pairs}) == len(pairs)
    assert len(pairs) <= min(len(gold), len(pred))
    assert all(p.matched > 0 for p in pairs)


@settings(max_examples=60, deadline=None)
@given(meeting_lists, meeting_lists, st.randoms(use_true_random=False))
def test_permuting_predictions_does_not_change_scores(
    gold: list[Any], pred: list[Any], rng: Any
) -> None:
    case = Gold.parse(Gold.case(meetings=gold))
    shuffled = list(pred)
    rng.shuffle(shuffled)
    a = score_case(case, Predicted(meetings=_models(pred)))
    b = score_case(case, Predicted(meetings=_models(shuffled)))
    assert a.metrics() == b.metrics()
    assert a.counts == b.counts


@settings(max_examples=60, deadline=None)
@given(meeting_lists)
def test_any_gold_against_itself_is_perfect(gold: list[Any]) -> None:
    case = Gold.parse(Gold.case(meetings=gold))
    metrics = score_case(case, Predicted(meetings=_models(gold))).metrics()
    assert all(v in (1.0, None) for k, v in metrics.items() if "false_positive" not in k)
