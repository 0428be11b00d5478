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
