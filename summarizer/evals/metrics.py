"""Pure scoring: (gold case, predicted) -> per-case counts; counts -> micro and macro metrics.

Decisions (documented in README/GUIDELINES too):

- meetings: aligned pairs are TP, unaligned predicted meetings FP, unaligned gold meetings FN.
  Predicted meetings left over are aligned against `optional_meetings`; those that align are
  neither TP nor FP and are not scored further.
- participants: over aligned meetings, matched participants are TP, unmatched predicted ones FP,
  unmatched gold ones FN; every participant of an FP meeting is FP, of an FN meeting FN.
- location/status: accuracy over aligned meetings (null == null is correct).
- date.exact / date.within_1d: over aligned meetings whose gold date is set.
- agenda.recall: gold agenda items of aligned meetings that soft-match any predicted item.
- tensions: Hungarian on (shared party AND soft-matching issue).
- grounding.rate: evidence quotes found in the article by `pipeline.find_quote`.
- no_meeting.false_positive_rate: cases with no required gold meeting where any predicted
  meeting is left unaligned (optional ones excused).
- candidates.recall (staged runs only): gold meetings some asked passage names two sides of
  (`evals.candidates.reached`, a proxy for "its stating sentence reached the model").
- micro: counts summed over cases, then divided; macro: per-case values averaged over the cases
  where the value is defined. A metric with nothing to measure is `None`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from summarizer.evals.align import align_meetings, align_tensions
from summarizer.evals.cases import GoldCase, GoldMeeting
from summarizer.evals.fields import FieldConfig, score_fields
from summarizer.evals.predictions import Predicted
from summarizer.text.normalize import find_quote

Metrics = dict[str, float | None]
QuoteFinder = Callable[[str, str], object]

PRF_GROUPS = ("meetings", "participants", "tensions")
RATIOS: dict[str, tuple[str, str]] = {
    "location.country_acc": ("location.country_ok", "aligned"),
    "location.city_acc": ("location.city_ok", "aligned"),
    "date.exact": ("date.exact", "date.n"),
    "date.within_1d": ("date.within_1d", "date.n"),
    "status.acc": ("status.ok", "aligned"),
    "agenda.recall": ("agenda.hit", "agenda.n"),
    "schema_valid.rate": ("schema_valid", "cases"),
    "grounding.rate": ("quotes.grounded", "quotes.n"),
    "no_meeting.false_positive_rate": ("no_meeting.fp", "no_meeting.cases"),
    "candidates.recall": ("candidates.reached", "candidates.n"),
}
METRIC_NAMES: tuple[str, ...] = (
    *(f"{g}.{m}" for g in PRF_GROUPS[:2] for m in ("precision", "recall", "f1")),
    *list(RATIOS)[:6],
    *(f"tensions.{m}" for m in ("precision", "recall", "f1")),
    *list(RATIOS)[6:],
)
LOWER_IS_BETTER = frozenset({"no_meeting.false_positive_rate"})
ScoringConfig = FieldConfig


@dataclass
class CaseScore:
    """Counts for one case, plus human-readable misses (`-` gold only, `+` predicted only)."""

    case_id: str
    counts: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def metrics(self) -> Metrics:
        """This case's own metric values (None where undefined)."""
        return compute(self.counts)


def _div(num: float, den: float) -> float | None:
    return num / den if den else None


def compute(counts: Counter[str]) -> Metrics:
    """Metric values from (summed) counts."""
    out: Metrics = {}
    for group in PRF_GROUPS:
        tp, fp, fn = (counts[f"{group}.{k}"] for k in ("tp", "fp", "fn"))
        out[f"{group}.precision"] = _div(tp, tp + fp)
        out[f"{group}.recall"] = _div(tp, tp + fn)
        out[f"{group}.f1"] = _div(2 * tp, 2 * tp + fp + fn)
    for name, (num, den) in RATIOS.items():
        out[name] = _div(counts[num], counts[den])
    return {name: out[name] for name in METRIC_NAMES}


def micro(scores: Iterable[CaseScore]) -> Metrics:
    """Counts summed over cases, then divided."""
    total: Counter[str] = Counter()
    for score in scores:
        total.update(score.counts)
    return compute(total)


def macro(scores: Iterable[CaseScore]) -> Metrics:
    """Per-case values averaged over the cases where each is defined."""
    per_case = [s.metrics() for s in scores]
    out: Metrics = {}
    for name in METRIC_NAMES:
        values = [v for m in per_case if (v := m[name]) is not None]
        out[name] = sum(values) / len(values) if values else None
    return out


def _describe(m: GoldMeeting) -> str:
    return f"meeting [{m.label()}] {m.date or m.date_text or 'no date'}, {m.status}"


def _score_meetings(case: GoldCase, pred: Predicted, cfg: FieldConfig, out: CaseScore) -> None:
    gold, c = case.expected.meetings, out.counts
    pairs = align_meetings(gold, pred.meetings, cfg.match_threshold, cfg.soft_threshold)
    rest = [j for j in range(len(pred.meetings)) if j not in {p.pred for p in pairs}]
    extra = [pred.meetings[j] for j in rest]
    optional = align_meetings(case.expected.optional_meetings, extra, cfg.match_threshold)
    false_pos = [j for k, j in enumerate(rest) if k not in {p.pred for p in optional}]
    missed = [i for i in range(len(gold)) if i not in {p.gold for p in pairs}]
    c["meetings.tp"] += len(pairs)
    c["meetings.fp"] += len(false_pos)
    c["meetings.fn"] += len(missed)
    for pair in pairs:
        g, p = gold[pair.gold], pred.meetings[pair.pred]
        c["participants.tp"] += pair.matched
        c["participants.fp"] += len(p.participants) - pair.matched
        c["participants.fn"] += len(g.participants) - pair.matched
        score_fields(g, p, cfg, c, out.misses)
    for i in missed:
        c["participants.fn"] += len(gold[i].participants)
        out.misses.append(f"- {_describe(gold[i])}")
    for j in false_pos:
        c["participants.fp"] += len(pred.meetings[j].participants)
        out.misses.append(f"+ {_describe(pred.meetings[j])}")
    if not gold:
        c["no_meeting.cases"] += 1
        c["no_meeting.fp"] += int(bool(false_pos))


def _score_tensions(case: GoldCase, pred: Predicted, cfg: FieldConfig, out: CaseScore) -> None:
    gold = case.expected.tensions
    pairs = align_tensions(gold, pred.tensions, cfg.match_threshold, cfg.soft_threshold)
    out.counts["tensions.tp"] += len(pairs)
    for i in sorted(set(range(len(gold))) - {p.gold for p in pairs}):
        out.counts["tensions.fn"] += 1
        out.misses.append(f"- tension [{', '.join(gold[i].parties)}] {gold[i].issue}")
    for j in sorted(set(range(len(pred.tensions))) - {p.pred for p in pairs}):
        extra = pred.tensions[j]
        out.counts["tensions.fp"] += 1
        out.misses.append(f"+ tension [{', '.join(extra.parties)}] {extra.issue}")


def _score_quotes(text: str, quotes: list[str], find: QuoteFinder, out: CaseScore) -> None:
    grounded = [q for q in quotes if find(text, q) is not None]
    out.counts["quotes.n"] += len(quotes)
    out.counts["quotes.grounded"] += len(grounded)
    out.misses.extend(f"~ quote not in article: {q!r}" for q in quotes if q not in grounded)


def default_finder() -> QuoteFinder:
    """`pipeline.find_quote` (imported late: scoring never needs a model)."""
    return find_quote


def score_case(
    case: GoldCase,
    pred: Predicted,
    cfg: FieldConfig | None = None,
    find_quote: QuoteFinder | None = None,
    passages: list[str] | None = None,
) -> CaseScore:
    """Score one case; pure (no I/O). `passages`: what a staged run asked the model about."""
    cfg = cfg or FieldConfig()
    out = CaseScore(case.id)
    out.counts["cases"] = 1
    out.counts["schema_valid"] = int(pred.schema_valid)
    if pred.error:
        out.misses.append(f"! error: {pred.error}")
    _score_meetings(case, pred, cfg, out)
    _score_tensions(case, pred, cfg, out)
    if pred.quotes:
        _score_quotes(case.article.text, pred.quotes, find_quote or default_finder(), out)
    if passages is not None:
        _score_candidates(case, passages, out)
    return out


def _score_candidates(case: GoldCase, passages: list[str], out: CaseScore) -> None:
    from summarizer.evals.candidates import reached

    for meeting in case.expected.meetings:
        out.counts["candidates.n"] += 1
        hit = reached(meeting, passages)
        out.counts["candidates.reached"] += int(hit)
        if not hit:
            out.misses.append(f"? never asked about: meeting [{meeting.label()}]")
