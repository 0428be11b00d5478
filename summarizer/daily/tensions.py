"""Cross-article merge of tensions: the same dispute reported by several articles appears once.

Two tensions are the same when their parties match as sets (each party of one matches a party
of the other, fuzzy: token_set_ratio >= 85) and their issues are similar (rapidfuzz
token_set_ratio >= 70). Merging unions the parties (fuzzy), keeps the first non-empty
description, keeps every quote with its source, and cites all sources. Like the meetings' merge
(`daily.merge`, whose sources, cited quotes and fuzzy likeness this shares), it is a fold over
the articles in source order (a report joins the first tension it matches), so `add_tensions`
takes them one at a time (`daily.day_merge.DayMerge` does). Everything here is pure.
"""

from __future__ import annotations

from pydantic import Field

from summarizer.daily.merge import PARTY_RATIO, CitedQuote, SourceRef, cite, refs, similar
from summarizer.schema import Briefing, Strict, Tension

ISSUE_RATIO = 70


class MergedTension(Strict):
    """One tension of the day, from one or more articles (Tension's fields, plus sources)."""

    parties: list[str]
    issue: str
    description: str = ""
    evidence: list[CitedQuote] = Field(default_factory=list)
    sources: list[SourceRef]


def merge_tensions(items: list[tuple[SourceRef, Briefing]]) -> list[MergedTension]:
    """Merge tensions with matching parties and a similar issue, first-seen order."""
    merged: list[MergedTension] = []
    for ref, briefing in items:
        add_tensions(merged, ref, briefing)
    return merged


def add_tensions(merged: list[MergedTension], ref: SourceRef, briefing: Briefing) -> None:
    """Fold one more briefing's tensions into `merged` (in place), after those before it."""
    for tension in briefing.tensions:
        k = next((k for k, m in enumerate(merged) if same_tension(m, tension)), None)
        if k is None:
            merged.append(_new_tension(tension, ref))
        else:
            merged[k] = _add_tension(merged[k], tension, ref)


def same_tension(a: MergedTension | Tension, b: Tension) -> bool:
    """Parties match as sets (one covers the other, fuzzy) and the issues are similar."""
    cover_ab = all(any(similar(x, y, PARTY_RATIO) for y in b.parties) for x in a.parties)
    cover_ba = all(any(similar(y, x, PARTY_RATIO) for x in a.parties) for y in b.parties)
    return (cover_ab or cover_ba) and similar(a.issue, b.issue, ISSUE_RATIO)


def _new_tension(t: Tension, ref: SourceRef) -> MergedTension:
    return MergedTension(
        parties=list(t.parties),
        issue=t.issue,
        description=t.description,
        evidence=[cite(q, ref.n) for q in t.evidence],
        sources=[ref],
    )


def _add_tension(m: MergedTension, t: Tension, ref: SourceRef) -> MergedTension:
    parties = list(m.parties)
    for party in t.parties:
        if not any(similar(party, p, PARTY_RATIO) for p in parties):
            parties.append(party)
    return m.model_copy(
        update={
            "parties": parties,
            "description": m.description or t.description,
            "evidence": m.evidence + [cite(q, ref.n) for q in t.evidence],
            "sources": refs([*m.sources, ref]),
        }
    )
