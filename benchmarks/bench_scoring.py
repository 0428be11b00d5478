"""Benchmark: score 1,000 synthetic (gold, predicted) cases; target under 2 seconds.

    .venv/bin/python benchmarks/bench_scoring.py [N]

Predictions are gold perturbed the way systems err: a dropped or extra meeting, a misspelled
or surname-only participant, a date off by a day, a wrong status, a missing city.
Building the cases is not timed; scoring every case and both averages is.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from summarizer.evals.cases import (
    Expected,
    GoldArticle,
    GoldCase,
    GoldLocation,
    GoldMeeting,
    GoldParticipant,
    GoldTension,
)
from summarizer.evals.metrics import macro, micro, score_case
from summarizer.evals.predictions import Predicted

FIRST = ["Anna", "Boris", "Chen", "Diego", "Emma", "Farid", "Giulia", "Hiroshi", "Ines", "Jonas"]
LAST = ["Kowalski", "Yeltsov", "Wei", "Ramirez", "Schultz", "Haddad", "Rossi", "Tanaka", "Silva"]
CITIES = [("Bonn", "Germany"), ("Baku", "Azerbaijan"), ("Lima", "Peru"), (None, "Japan")]
STATUSES = ["scheduled", "held", "proposed", "cancelled", "postponed", "unknown"]


def person(rng: random.Random) -> GoldParticipant:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return GoldParticipant(
        name=f"{first} {last}", aliases=[last], title=None, organization=None, country="Peru"
    )


def meeting(rng: random.Random) -> GoldMeeting:
    city, country = rng.choice(CITIES)
    return GoldMeeting(
        participants=[person(rng) for _ in range(rng.randint(2, 4))],
        location=GoldLocation(city=city, country=country, venue=None),
        date=dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 365)),
        date_text="Thursday",
        status=rng.choice(STATUSES),
        agenda=rng.sample(["trade", "security", "energy prices", "border dispute"], 2),
    )


def perturb(m: GoldMeeting, rng: random.Random) -> GoldMeeting:
    people = [
        p.model_copy(update={"name": p.aliases[0] if rng.random() < 0.3 else f"{p.name}e"})
        for p in m.participants
    ]
    date = m.date + dt.timedelta(days=rng.choice([0, 0, 1])) if m.date else None
    status = m.status if rng.random() < 0.8 else "unknown"
    return m.model_copy(update={"participants": people, "date": date, "status": status})


def synthetic(i: int, rng: random.Random) -> tuple[GoldCase, Predicted]:
    meetings = [meeting(rng) for _ in range(rng.choice([0, 1, 2, 3]))]
    tensions = [GoldTension(parties=["Peru", "Chile"], issue="fishing rights")]
    case = GoldCase(
        id=f"{i:04d}-synthetic",
        source="synthetic",
        article=GoldArticle(title=None, text="Synthetic article."),
        expected=Expected(meetings=meetings, tensions=tensions),
    )
    predicted = [perturb(m, rng) for m in meetings if rng.random() < 0.85]
    if rng.random() < 0.2:
        predicted.append(meeting(rng))
    rng.shuffle(predicted)
    return case, Predicted(meetings=predicted, tensions=tensions[: rng.randint(0, 1)])


def main(n: int = 1000) -> None:
    """Build `n` cases, then time scoring them."""
    rng = random.Random(7)
    pairs = [synthetic(i, rng) for i in range(n)]
    start = time.perf_counter()
    scores = [score_case(case, pred) for case, pred in pairs]
    totals = micro(scores)
    macro(scores)
    elapsed = time.perf_counter() - start
    f1 = totals["meetings.f1"] or 0.0
    print(f"scored {n} cases in {elapsed:.3f} s (target < 2 s); meetings.f1={f1:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
