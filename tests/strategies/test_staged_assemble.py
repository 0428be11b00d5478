"""Stage 4 of the staged strategy (`assemble`): what the answers become, e.g. which words say
when. The corrections and merging it applies are tested with their modules:
tests/pipeline/test_corrections.py and tests/pipeline/test_finalize.py.
"""

from __future__ import annotations

from summarizer.strategies.staged.assemble import decide_when
from summarizer.strategies.staged.candidates import analyze


def test_when_prefers_the_candidates_own_sentence() -> None:
    [sentence] = analyze("Lipovac and Brekke met on December 30 in Ostvik, aides said last autumn.")
    assert decide_when("last autumn", sentence) == "last autumn"  # in the sentence: kept
    [other] = analyze("Lipovac and Brekke met on December 30 in Ostvik, the aides said.")
    assert decide_when("Friday", other) == "December 30"
    [bare] = analyze("Lipovac and Brekke met in Ostvik, the aides told reporters.")
    assert decide_when("Friday", bare) == "Friday"


def test_a_length_of_time_is_not_when() -> None:
    [sentence] = analyze("Lipovac and Brekke met for more than four hours on Monday in Ostvik.")
    assert decide_when("more than four hours", sentence) == "Monday"


def test_one_side_meeting_others_in_turn_is_a_meeting_each() -> None:
    from summarizer.pipeline.mentions import MeetingMention
    from summarizer.schema import Participant
    from summarizer.strategies.staged.assemble import one_by_one
    from summarizer.strategies.staged.spans import Hints, Span

    people = [Participant(name=n) for n in ("Ana Lipovac", "Johan Brekke", "Tomas Ruel")]
    mention = MeetingMention(people, "held", ["..."])
    hub = Hints(hub=Span("Lipovac", 0, 7, "PERSON"))
    pairs = [[p.name for p in m.participants] for m in one_by_one(mention, hub)]
    assert pairs == [["Ana Lipovac", "Johan Brekke"], ["Ana Lipovac", "Tomas Ruel"]]
    assert one_by_one(mention, Hints()) == [mention]
