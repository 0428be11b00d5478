"""`summarizer.text.fold`: names are found in the article up to case and diacritics, as whole
words.
"""

from __future__ import annotations

import pytest
from builders import MARR_ARTICLE as ARTICLE

from summarizer.text.fold import name_in_article


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("Recep Tayyip Erdogan", True),
        ("ERDOĞAN", True),
        ("Erdogan", True),
        ("Ines Marr", True),
        ("Li", False),  # not inside "Libya"
        ("Libya", True),
        ("Ines  Marr", True),
        ("Ines Mar", False),
        ("", False),
    ],
)
def test_name_in_article(name: str, found: bool) -> None:
    assert name_in_article(name, ARTICLE) is found
