"""The CI gate: tolerance below baseline, suite thresholds, lower-is-better rates."""

from __future__ import annotations

from summarizer.evals.gate import Regression, check

BASE = {"meetings.f1": 0.80, "date.exact": 0.50, "no_meeting.false_positive_rate": 0.10}


def test_within_tolerance_passes() -> None:
    now = {"meetings.f1": 0.785, "date.exact": 0.60, "no_meeting.false_positive_rate": 0.11}
    assert check(now, BASE) == []


def test_drop_beyond_tolerance_regresses() -> None:
    now = {"meetings.f1": 0.77, "date.exact": 0.50, "no_meeting.false_positive_rate": 0.10}
    assert check(now, BASE) == [Regression("meetings.f1", 0.77, baseline=0.80, tolerance=0.02)]
    assert check(now, BASE)[0].describe() == (
        "meetings.f1: baseline 0.8000, now 0.7700, tolerance 0.0200"
    )


def test_per_metric_tolerance() -> None:
    now = {"meetings.f1": 0.77, "date.exact": 0.50, "no_meeting.false_positive_rate": 0.1}
    assert check(now, BASE, tolerance=lambda m: 0.05) == []


def test_false_positive_rate_rising_regresses() -> None:
    now = {"meetings.f1": 0.80, "date.exact": 0.50, "no_meeting.false_positive_rate": 0.2}
    [reg] = check(now, BASE)
    assert reg.metric == "no_meeting.false_positive_rate"


def test_thresholds() -> None:
    now = {"meetings.f1": 0.55, "no_meeting.false_positive_rate": 0.3}
    found = check(now, None, {"meetings.f1": 0.6, "no_meeting.false_positive_rate": 0.2})
    assert [r.metric for r in found] == ["meetings.f1", "no_meeting.false_positive_rate"]
    assert found[0].describe() == "meetings.f1: now 0.5500, threshold 0.6000"


def test_metric_lost_since_baseline_regresses() -> None:
    [reg] = check({"meetings.f1": 0.8, "no_meeting.false_positive_rate": 0.1}, BASE)
    assert reg.metric == "date.exact" and reg.now is None
