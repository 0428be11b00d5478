"""The field-level diff of one case, for the HTML report: which gold and predicted items were
aligned (the scorer's own alignment), which were missed or extra, and where an aligned meeting's
date, place, status, participants or agenda differ. Pure: (case, predicted, config) -> rows.

Like the scorer, a leftover predicted meeting that aligns with an optional gold meeting is
`optional` (excused), not `extra`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from summarizer.evals.align import Pair, align_meetings, align_tensions, match_people
from summarizer.evals.cases import GoldCase, GoldMeeting, GoldTension
from summarizer.evals.fields import FieldConfig
from summarizer.evals.match import person, same_place, soft_match
from summarizer.evals.predictions import Predicted

Outcome = Literal["matched", "missed", "extra", "optional"]


@dataclass(frozen=True)
class FieldDiff:
    """One field of an aligned meeting: gold and predicted as text, and whether they agree."""

    name: str
    gold: str
    predicted: str
    ok: bool
    note: str = ""


@dataclass(frozen=True)
class Row:
    """One meeting or tension of the diff; `gold`/`pred` are item indexes (None when absent)."""

    outcome: Outcome
    label: str
    gold: int | None = None
    pred: int | None = None
    fields: list[FieldDiff] = field(default_factory=list)
    about: str = ""  # an unmatched meeting's date, place and status

    @property
    def ok(self) -> bool:
        """Matched with every field agreeing."""
        return self.outcome == "matched" and all(f.ok for f in self.fields)


@dataclass(frozen=True)
class CaseDiff:
    """The meeting rows (matched, missed, extra, optional) and the tension rows."""

    meetings: list[Row]
    tensions: list[Row]


def _date(m: GoldMeeting) -> str:
    words = f" ({m.date_text})" if m.date_text else ""
    return f"{m.date or 'no date'}{words}"


def _place(m: GoldMeeting) -> str:
    parts = [m.location.venue, m.location.city, m.location.country]
    return ", ".join(p for p in parts if p) or "no place"


def _about(m: GoldMeeting) -> str:
    return f"{_date(m)} · {_place(m)} · {m.status}"


def _people(g: GoldMeeting, p: GoldMeeting, cfg: FieldConfig) -> FieldDiff:
    gp, pp = [person(x) for x in g.participants], [person(x) for x in p.participants]
    pairs = match_people(gp, pp, cfg.match_threshold)
    missed = [g.participants[i].label() for i in range(len(gp)) if i not in {a for a, _ in pairs}]
    extra = [p.participants[j].label() for j in range(len(pp)) if j not in {b for _, b in pairs}]
    notes = [f"missed: {', '.join(missed)}"] if missed else []
    notes += [f"extra: {', '.join(extra)}"] if extra else []
    return FieldDiff("participants", g.label(), p.label(), not notes, "; ".join(notes))


def _agenda(g: GoldMeeting, p: GoldMeeting, cfg: FieldConfig) -> FieldDiff:
    lost = [a for a in g.agenda if not any(soft_match(a, o, cfg.soft_threshold) for o in p.agenda)]
    note = f"missed: {'; '.join(lost)}" if lost else ""
    want, got = "; ".join(g.agenda) or "none", "; ".join(p.agenda) or "none"
    return FieldDiff("agenda", want, got, not lost, note)


def field_diffs(g: GoldMeeting, p: GoldMeeting, cfg: FieldConfig) -> list[FieldDiff]:
    """Date, place, status, participants and agenda of one aligned pair."""
    place_ok = all(
        same_place(getattr(g.location, k), getattr(p.location, k), cfg.match_threshold)
        for k in ("country", "city")
    )
    undated = "gold has no date: not scored" if g.date is None else ""
    return [
        FieldDiff("date", _date(g), _date(p), g.date is None or g.date == p.date, undated),
        FieldDiff("place", _place(g), _place(p), place_ok),
        FieldDiff("status", g.status, p.status, g.status == p.status),
        _people(g, p, cfg),
        _agenda(g, p, cfg),
    ]


def _left(n: int, used: set[int]) -> list[int]:
    return [i for i in range(n) if i not in used]


def _matched(gold: GoldMeeting, pred: GoldMeeting, pair: Pair, cfg: FieldConfig) -> Row:
    return Row("matched", gold.label(), pair.gold, pair.pred, field_diffs(gold, pred, cfg))


def meeting_rows(case: GoldCase, pred: Sequence[GoldMeeting], cfg: FieldConfig) -> list[Row]:
    """Matched pairs (with their fields), then missed gold, then extra and optional predicted."""
    gold, optional = case.expected.meetings, case.expected.optional_meetings
    pairs = align_meetings(gold, pred, cfg.match_threshold, cfg.soft_threshold)
    rows = [_matched(gold[a.gold], pred[a.pred], a, cfg) for a in pairs]
    missed = _left(len(gold), {a.gold for a in pairs})
    rows += [Row("missed", gold[i].label(), gold=i, about=_about(gold[i])) for i in missed]
    rest = _left(len(pred), {a.pred for a in pairs})
    excused = align_meetings(optional, [pred[j] for j in rest], cfg.match_threshold)
    excused_at = {a.pred for a in excused}
    for k, j in enumerate(rest):
        outcome: Outcome = "optional" if k in excused_at else "extra"
        rows.append(Row(outcome, pred[j].label(), pred=j, about=_about(pred[j])))
    return rows


def _tension(t: GoldTension) -> str:
    return f"{', '.join(t.parties)}: {t.issue}"


def tension_rows(
    gold: Sequence[GoldTension], pred: Sequence[GoldTension], cfg: FieldConfig
) -> list[Row]:
    """Matched, missed and extra tensions (a matched row shows both issues)."""
    pairs = align_tensions(gold, pred, cfg.match_threshold, cfg.soft_threshold)
    rows = []
    for a in pairs:
        issue = FieldDiff("issue", gold[a.gold].issue, pred[a.pred].issue, True)
        rows.append(Row("matched", _tension(gold[a.gold]), a.gold, a.pred, [issue]))
    missed = _left(len(gold), {a.gold for a in pairs})
    extra = _left(len(pred), {a.pred for a in pairs})
    rows += [Row("missed", _tension(gold[i]), gold=i) for i in missed]
    rows += [Row("extra", _tension(pred[j]), pred=j) for j in extra]
    return rows


def case_diff(case: GoldCase, pred: Predicted, cfg: FieldConfig | None = None) -> CaseDiff:
    """The whole diff of one case."""
    cfg = cfg or FieldConfig()
    return CaseDiff(
        meeting_rows(case, pred.meetings, cfg),
        tension_rows(case.expected.tensions, pred.tensions, cfg),
    )
