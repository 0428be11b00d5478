"""Alignment: which predicted item answers which gold item (Hungarian assignment).

Participants inside two meetings are paired one-to-one by `match.participant_score` (pairs under
the threshold are not matched). Meetings are paired by the F1 of their matched participants,
`2 * matched / (len(gold) + len(pred))`; a pair with no participant in common is never aligned.
Ties (the same people meeting twice) are broken by how many fields agree (date, status, place,
agenda), weighted so little that it never outweighs participant overlap.
Tensions are paired by issue similarity among pairs that share a party.

Predicted items are put in a canonical order (by content) before assignment, so the order in
which a system lists its meetings never changes which ones are aligned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from pydantic import BaseModel
from scipy.optimize import linear_sum_assignment

from summarizer.evals.cases import GoldMeeting, GoldTension
from summarizer.evals.fields import FieldConfig, agreement
from summarizer.evals.match import (
    DEFAULT_THRESHOLD,
    SOFT_THRESHOLD,
    Person,
    participant_score,
    parties_overlap,
    person,
    soft_score,
)

M = TypeVar("M", bound=BaseModel)
TIE_BREAK = 1e-6


@dataclass(frozen=True)
class Pair:
    """Gold item `gold` aligned to predicted item `pred`; `matched` participants in common."""

    gold: int
    pred: int
    matched: int = 0


def assign(scores: Sequence[Sequence[float]], minimum: float = 0.0) -> list[tuple[int, int]]:
    """Maximum-total one-to-one assignment over `scores[gold][pred]`.

    Pairs scoring 0 or below `minimum` are excluded before assigning, never returned.
    Returns (gold, pred) index pairs sorted by gold index.
    """
    if not scores or not scores[0]:
        return []
    matrix = np.asarray(scores, dtype=float)
    matrix[matrix < minimum] = 0.0
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if matrix[r, c] > 0]


def canonical_order(items: Sequence[M]) -> list[int]:
    """Indexes of `items` sorted by content, so input order cannot sway tie-breaking."""
    keys = [item.model_dump_json() for item in items]
    return sorted(range(len(items)), key=keys.__getitem__)


def _ordered(
    n_gold: int, pred: Sequence[M], score: Callable[[int, int], float]
) -> list[tuple[int, int]]:
    """Assign over `score(gold_index, pred_index)` with predictions in canonical order."""
    order = canonical_order(pred)
    matrix = [[score(i, j) for j in order] for i in range(n_gold)]
    return [(i, order[k]) for i, k in assign(matrix)]


def match_people(
    gold: Sequence[Person], pred: Sequence[Person], threshold: float = DEFAULT_THRESHOLD
) -> list[tuple[int, int]]:
    """One-to-one participant matches scoring at least `threshold`."""
    matrix = [[participant_score(g, p, threshold) for p in pred] for g in gold]
    return assign(matrix, minimum=threshold)


def align_meetings(
    gold: Sequence[GoldMeeting],
    pred: Sequence[GoldMeeting],
    threshold: float = DEFAULT_THRESHOLD,
    soft: float = SOFT_THRESHOLD,
) -> list[Pair]:
    """Align meetings by participant-set F1; unaligned ones are FN (gold) or FP (predicted)."""
    cfg = FieldConfig(threshold, soft)
    gold_people = [[person(p) for p in m.participants] for m in gold]
    pred_people = [[person(p) for p in m.participants] for m in pred]
    matched: dict[tuple[int, int], int] = {}

    def score(i: int, j: int) -> float:
        found = len(match_people(gold_people[i], pred_people[j], threshold))
        matched[i, j] = found
        if not found:
            return 0.0
        f1 = 2 * found / (len(gold_people[i]) + len(pred_people[j]))
        return f1 + TIE_BREAK * agreement(gold[i], pred[j], cfg)

    return [Pair(i, j, matched[i, j]) for i, j in _ordered(len(gold), pred, score)]


def tension_score(
    gold: GoldTension,
    pred: GoldTension,
    threshold: float = DEFAULT_THRESHOLD,
    soft: float = SOFT_THRESHOLD,
) -> float:
    """Issue similarity when the parties overlap and the issues soft-match, else 0."""
    if not parties_overlap(gold.parties, pred.parties, threshold):
        return 0.0
    score = soft_score(gold.issue, pred.issue)
    return score if score >= soft else 0.0


def align_tensions(
    gold: Sequence[GoldTension],
    pred: Sequence[GoldTension],
    threshold: float = DEFAULT_THRESHOLD,
    soft: float = SOFT_THRESHOLD,
) -> list[Pair]:
    """Align tensions (shared party and soft-matching issue); Hungarian on issue similarity."""

    def score(i: int, j: int) -> float:
        return tension_score(gold[i], pred[j], threshold, soft)

    return [Pair(i, j) for i, j in _ordered(len(gold), pred, score)]
