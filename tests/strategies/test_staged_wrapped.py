"""Hard-wrapped copies of the real gold stories (65 columns, 4-space paragraph indents, as
newswire and plain-text feeds carry them) give the staged strategy the same candidates and
the same questions as the stories as published, with offsets into the wrapped copy.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import ROOT, hard_wrap

from summarizer.evals.cases import GoldCase, load_cases
from summarizer.evals.runner import article_of
from summarizer.pipeline import prompts
from summarizer.strategies.staged import Questions, plan
from summarizer.strategies.staged.questions import build_messages

REAL = load_cases(ROOT / "evals" / "cases" / "real")
PROMPT = prompts.load("staged")


def _asked(questions: Questions) -> list[list[str]]:
    return [
        [m["content"] for m in build_messages(ask, questions.article, PROMPT)]
        for ask in questions.asks
    ]


@pytest.mark.parametrize("case", REAL, ids=[c.id for c in REAL])
def test_wrapped_copy_gets_the_same_candidates_and_questions(case: GoldCase) -> None:
    article = article_of(case)
    wrapped = replace(article, text=hard_wrap(article.text))
    assert wrapped.text != article.text
    as_published, as_wrapped = plan(article), plan(wrapped)
    assert _asked(as_wrapped) == _asked(as_published)
    starts = [c.sentence.text for a in as_wrapped.asks for c in a.options.candidates]
    assert starts == [c.sentence.text for a in as_published.asks for c in a.options.candidates]
    for ask in as_wrapped.asks:
        for candidate in ask.options.candidates:
            start, end = as_wrapped.view.original(candidate.sentence.start, candidate.sentence.end)
            assert " ".join(wrapped.text[start:end].split()) == candidate.sentence.text
