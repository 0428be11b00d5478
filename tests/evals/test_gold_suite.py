"""The committed gold suite itself: tags that follow from the labels agree with them, real cases
credit their outlet and carry their record's text unchanged, and the suite has its stated size.
"""

from __future__ import annotations

import json

import pytest
from builders import ROOT

from summarizer.evals.cases import GoldCase, load_cases

CASES = load_cases(ROOT / "evals" / "cases")
REAL = [c for c in CASES if "real" in c.tags]
REALNEWS = ROOT.parent / "shared" / "realnews"
CREDITS = ("Voice of America (voanews.com): https://", "Wikinews (CC BY 2.5): https://")


def derived_tags(case: GoldCase) -> set[str]:
    """The tags a case's own labels imply."""
    meetings = case.expected.meetings
    found = {"negative"} if not meetings else set()
    found |= {"multi-meeting"} if len(meetings) >= 2 else set()
    found |= {"long"} if len(case.article.text) >= 5000 else set()
    return found | {m.status for m in meetings} & {"cancelled", "postponed", "proposed"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_tags_that_follow_from_the_labels_agree(case: GoldCase) -> None:
    implied = {"negative", "multi-meeting", "long", "cancelled", "postponed", "proposed"}
    assert set(case.tags) & implied == derived_tags(case)


def test_the_real_suite_has_its_stated_size() -> None:
    with_meetings = [c for c in REAL if c.expected.meetings]
    assert len(REAL) >= 70 and len(with_meetings) >= 50 and len(REAL) - len(with_meetings) >= 15
    assert sum("voa" in c.tags for c in REAL) >= 20
    assert sum("wikinews" in c.tags for c in REAL) >= 20


@pytest.mark.parametrize("case", REAL, ids=lambda c: c.id)
def test_real_cases_credit_their_outlet(case: GoldCase) -> None:
    assert case.source.startswith(CREDITS)
    assert ("voa" in case.tags) == case.source.startswith(CREDITS[0])


@pytest.mark.skipif(not REALNEWS.is_dir(), reason="../shared/realnews is not beside the checkout")
def test_real_cases_carry_their_records_text_unchanged() -> None:
    records = {}
    for name in ("voa_stories.jsonl", "wikinews.jsonl"):
        for line in (REALNEWS / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            records[record["url"]] = record
    for case in REAL:
        record = records[case.source.split(": ", 1)[1]]
        assert case.article.text == record["text"], case.id
        assert case.article.title == record["title"], case.id
        assert str(case.article.published) == str(record["published"])[:10], case.id
