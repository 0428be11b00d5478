"""Stage 4, in code: a window's answer -> the meeting mentions it confirms.

A window's answer confirms (or not) each candidate meeting and names its time words and places
from the options; the candidate's parties become participants, its sentence the evidence.
`pipeline.finalize` then corrects, merges and resolves the mentions, as for every strategy.
"""

from __future__ import annotations

from pydantic import BaseModel

from summarizer.pipeline import names
from summarizer.pipeline.article import Article
from summarizer.pipeline.mentions import MeetingMention
from summarizer.strategies.staged.questions import Options, replies
from summarizer.strategies.staged.spans import Sentence

SUMMARY_MIN_WORDS = 8


def found_meetings(answer: BaseModel, options: Options) -> list[MeetingMention]:
    """The meetings the model confirmed among the window's candidates."""
    out = []
    for candidate, reply in zip(options.candidates, replies(answer, options), strict=True):
        if reply is None or not reply.meeting:
            continue
        people = names.dedupe_participants([options.sides[label] for label in candidate.sides])
        if len(people) < 2:
            continue
        when = decide_when(reply.when, candidate.sentence)
        out.append(
            MeetingMention(
                participants=people,
                status=reply.status,
                evidence=[candidate.sentence.text],
                when_text=when,
                borrowed=when is not None and when not in _times(candidate.sentence),
                city=reply.city,
                country=reply.country,
                agenda=[a.strip() for a in reply.topics if a.strip()],
            )
        )
    return out


def _times(sentence: Sentence) -> list[str]:
    return [s.text for s in sentence.labelled("TIME")]


def decide_when(answered: str | None, sentence: Sentence) -> str | None:
    """The model's time words if the candidate's sentence holds them; else that sentence's
    first time words; else the model's (from a neighbouring sentence).
    """
    own = _times(sentence)
    if answered in own or not own:
        return answered
    return own[0]


def summary(sentences: list[Sentence], article: Article) -> str:
    """An extractive summary: the article's first sentence of reasonable length (the lede)."""
    for sentence in sentences:
        text = " ".join(sentence.text.split())
        if len(text.split()) >= SUMMARY_MIN_WORDS and text[-1:] in ".!?\"'”’":
            return text
    return article.title or (" ".join(sentences[0].text.split()) if sentences else "")
