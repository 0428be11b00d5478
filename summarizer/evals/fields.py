"""Field evaluators for one aligned (gold, predicted) meeting pair: location, date, status, agenda.

Each adds to named counts and appends a `~ field [meeting]: gold X, predicted Y` line per miss.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from summarizer.evals.cases import GoldMeeting
from summarizer.evals.match import DEFAULT_THRESHOLD, SOFT_THRESHOLD, same_place, soft_match


@dataclass(frozen=True)
class FieldConfig:
    """Thresholds (rapidfuzz 0-100) the scorer uses."""

    match_threshold: float = DEFAULT_THRESHOLD  # participants, places, tension parties
    soft_threshold: float = SOFT_THRESHOLD  # agenda items, tension issues


def _miss(misses: list[str], name: str, gold: GoldMeeting, want: object, got: object) -> None:
    misses.append(f"~ {name} [{gold.label()}]: gold {want}, predicted {got}")


def score_location(
    g: GoldMeeting, p: GoldMeeting, cfg: FieldConfig, c: Counter[str], misses: list[str]
) -> None:
    """Country and city: null == null is correct; otherwise a fuzzy, diacritic-free match."""
    for part in ("country", "city"):
        want, got = getattr(g.location, part), getattr(p.location, part)
        if same_place(want, got, cfg.match_threshold):
            c[f"location.{part}_ok"] += 1
        else:
            _miss(misses, part, g, want, got)


def score_date(g: GoldMeeting, p: GoldMeeting, c: Counter[str], misses: list[str]) -> None:
    """Exact and within one day, only when the gold date is set."""
    if g.date is None:
        return
    c["date.n"] += 1
    delta = abs((p.date - g.date).days) if p.date else None
    c["date.exact"] += int(delta == 0)
    c["date.within_1d"] += int(delta is not None and delta <= 1)
    if delta != 0:
        _miss(misses, "date", g, g.date, p.date)


def score_status(g: GoldMeeting, p: GoldMeeting, c: Counter[str], misses: list[str]) -> None:
    """Exact status label."""
    if g.status == p.status:
        c["status.ok"] += 1
    else:
        _miss(misses, "status", g, g.status, p.status)


def score_agenda(
    g: GoldMeeting, p: GoldMeeting, cfg: FieldConfig, c: Counter[str], misses: list[str]
) -> None:
    """Recall: each gold item soft-matching any predicted item is a hit."""
    for item in g.agenda:
        c["agenda.n"] += 1
        if any(soft_match(item, other, cfg.soft_threshold) for other in p.agenda):
            c["agenda.hit"] += 1
        else:
            _miss(misses, "agenda", g, repr(item), p.agenda)


def agreement(g: GoldMeeting, p: GoldMeeting, cfg: FieldConfig) -> float:
    """Share (0-1) of fields on which two meetings agree; breaks alignment ties."""
    agenda = [any(soft_match(i, o, cfg.soft_threshold) for o in p.agenda) for i in g.agenda]
    checks = [
        same_place(g.location.country, p.location.country, cfg.match_threshold),
        same_place(g.location.city, p.location.city, cfg.match_threshold),
        g.date == p.date,
        g.status == p.status,
        all(agenda),
    ]
    return sum(checks) / len(checks)


def score_fields(
    g: GoldMeeting, p: GoldMeeting, cfg: FieldConfig, c: Counter[str], misses: list[str]
) -> None:
    """Every field evaluator for one aligned pair."""
    c["aligned"] += 1
    score_location(g, p, cfg, c, misses)
    score_date(g, p, c, misses)
    score_status(g, p, c, misses)
    score_agenda(g, p, cfg, c, misses)
