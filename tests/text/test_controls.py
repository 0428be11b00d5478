"""`summarizer.text.controls`: no terminal control sequence survives in shown or stored text."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import briefing, meeting

from summarizer.schema import Participant, Tension, When
from summarizer.text.controls import clean_all, clean_controls

ESC = "\x1b]0;PWNED\x07\x1b[2J"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{ESC}Talks in Geneva", "Talks in Geneva"),  # OSC title + CSI clear screen
        ("\x1b[1;31mred\x1b[0m text", "red text"),  # SGR colours
        ("\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8, ST ends
        ("\x9b2Jc1 \x9d0;t\x9cok", "c1 ok"),  # the C1 forms of CSI, OSC and ST
        ("\x1bcreset \x1b(Bcharset", "reset charset"),  # two- and three-byte escapes
        ("a\x00b\x07c\x08d\x7fe\x85f", "abcdef"),  # NUL BEL BS DEL NEL
        ("\x1b]0;unterminated", "0;unterminated"),  # no terminator: only ESC ] goes
        ("one\r\ntwo\rthree\n\tfour", "one\ntwo\nthree\n\tfour"),  # newline and tab kept
        ("Erdoğan — “Genève” 東京", "Erdoğan — “Genève” 東京"),
    ],
)
def test_clean_controls(text: str, expected: str) -> None:
    assert clean_controls(text) == expected


def test_clean_all_reaches_every_string_of_a_model() -> None:
    people = [Participant(name=f"{ESC}Ana Duarte", aliases=[f"{ESC}Duarte"]),
              Participant(name="Ivan Petrov", country="Russia\x1b[2J")]  # fmt: skip
    held = meeting(people, When(text=f"{ESC}Friday", date=dt.date(2025, 3, 14)), city=f"{ESC}Bonn",
                   agenda=[f"{ESC}grain"])  # fmt: skip
    tension = Tension(parties=[f"{ESC}Russia"], issue=f"{ESC}sanctions")
    original = briefing([held], [tension], title=f"{ESC}Title", summary=f"{ESC}Sum", url="u\x07")
    cleaned = clean_all(original)
    assert "\x1b" not in cleaned.model_dump_json() and "\\u001b" not in cleaned.model_dump_json()
    assert cleaned.source.title == "Title" and cleaned.summary == "Sum"
    assert cleaned.meetings[0].participants[0].aliases == ["Duarte"]
    assert cleaned.meetings[0].participants[1].country == "Russia"
    assert cleaned.meetings[0].when.date == dt.date(2025, 3, 14)
    assert cleaned.meetings[0].location.city == "Bonn" and cleaned.tensions[0].issue == "sanctions"
    assert original.source.title == f"{ESC}Title"  # a copy: the input is left alone
    assert clean_all({"k\x1b[2J": (f"{ESC}a", 1, None)}) == {"k": ("a", 1, None)}
