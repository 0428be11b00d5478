"""Candidate recall: how many gold meetings the staged strategy asked the model about at all.

A gold meeting whose stating sentence never reaches the model is lost for good, whatever the
model does. Gold cases do not mark the stating sentence, so a meeting counts as *reached* when
some asked passage — a candidate sentence with the sentence before and after it, as the model
sees it — names enough of its sides: two of them (one for a meeting listing a single side
the article names), each by its name, an alias or surname, or (for a side named only by title)
its title or organization. It is a proxy, stated as such in reports; it is pure: (gold meeting,
passages) -> bool.
"""

from __future__ import annotations

from summarizer.evals.cases import GoldMeeting, GoldParticipant
from summarizer.pipeline.article import Article
from summarizer.pipeline.names import called
from summarizer.text.fold import name_in_article


def forms(p: GoldParticipant) -> list[str]:
    """The words that name a side in an article: names, aliases, surnames; else its roles."""
    return called(p.name, *p.aliases) or [r for r in (p.title, p.organization) if r]


def reached(meeting: GoldMeeting, passages: list[str]) -> bool:
    """Some passage names two of the meeting's sides (or its only nameable one)."""
    sides = [f for f in (forms(p) for p in meeting.participants) if f]
    needed = min(2, len(sides))
    return needed > 0 and any(
        sum(any(name_in_article(f, text) for f in side) for side in sides) >= needed
        for text in passages
    )


def staged_passages(article: Article) -> list[str]:
    """Each staged candidate's sentence with its neighbours, as the model is asked about it."""
    from summarizer.strategies.staged import plan

    questions = plan(article)
    text, out = questions.article.text, []
    for ask in questions.asks:
        starts = {c.sentence.start for c in ask.options.candidates}
        for window in ask.windows:
            sentences = window.sentences
            for i, sentence in enumerate(sentences):
                if sentence.start in starts:
                    first, last = (
                        sentences[max(0, i - 1)],
                        sentences[min(len(sentences) - 1, i + 1)],
                    )
                    out.append(text[first.start : last.end])
    return out
