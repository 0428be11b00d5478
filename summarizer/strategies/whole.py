"""The whole strategy: one prompt with the whole article; the model fills a `BriefingDraft`.

Grounding is enforced while validating (`pipeline.grounding.GroundedBriefingDraft`), so an
ungrounded answer is re-asked. Code then does what models get wrong: fullest name forms and
aliases, places only where the article's data names them (never from a line that addresses the
model, `injection.data_only`), time words only as written, evidence that names a side of its
meeting; `finalize` does the rest, as for every strategy.
"""

from __future__ import annotations

import re
from typing import Any

from summarizer.backends.base import Completion, Message
from summarizer.pipeline import grounding, names, prompts
from summarizer.pipeline.article import Article
from summarizer.pipeline.finalize import unique_casefold
from summarizer.pipeline.injection import data_only
from summarizer.pipeline.mentions import Drafts, MeetingMention
from summarizer.schema import MeetingDraft, Participant, Quote
from summarizer.strategies.base import Call, Plan, Strategy
from summarizer.text.fold import name_in_article
from summarizer.text.normalize import find_quote
from summarizer.text.places import keep_mentioned
from summarizer.text.sentences import sentences

_DELIMITER = re.compile(r"<<<\s*ARTICLE|ARTICLE\s*>>>")


def build_messages(article: Article, prompt: prompts.Prompt) -> list[Message]:
    """Render the prompt; the article cannot close its own data block early."""
    published = article.published.isoformat() if article.published else None
    text = _DELIMITER.sub("[delimiter removed]", article.text)
    return prompt.render(text=text, title=article.title, published=published)


class WholeStrategy(Strategy):
    """One call per article with the `prompt` template (default `briefing`)."""

    name = "whole"

    def __init__(self, prompt: str = "briefing") -> None:
        self._prompt = prompts.load(prompt)

    @property
    def prompt(self) -> prompts.Prompt:
        """The briefing prompt."""
        return self._prompt

    def schemas(self) -> list[dict[str, Any]]:
        """The draft's JSON schema."""
        return [grounding.GroundedBriefingDraft.model_json_schema()]

    def plan(self, article: Article) -> Plan:
        """One call: the whole article."""
        messages = build_messages(article, self._prompt)
        return Plan([Call(messages, grounding.GroundedBriefingDraft)])

    def finish(self, article: Article, plan: Plan, results: list[Completion[Any] | None]) -> Drafts:
        """The draft's meetings as mentions, its tensions and summary."""
        [completion] = results  # if the only call failed, the loop raised its error
        if completion is None:
            return Drafts()
        draft = completion.value
        found = [to_mention(d, article) for d in draft.meetings]
        return Drafts(
            meetings=[m for m in found if m is not None],
            tensions=list(draft.tensions),
            summary=draft.summary,
        )


def to_mention(draft: MeetingDraft, article: Article) -> MeetingMention | None:
    """A mention from a drafted meeting, or None when fewer than two distinct sides remain."""
    text, data = article.text, data_only(article.text)
    people = names.dedupe_participants(names.canonicalize(draft.participants, text))
    if len(people) < 2:
        return None
    when_text = (draft.when.text or "").strip() or None
    if when_text and find_quote(text, when_text) is None:
        when_text = None
    evidence = meeting_evidence(draft.evidence, people, text)
    return MeetingMention(
        participants=[_ground_country(p, data) for p in people],
        status=draft.status,
        evidence=[q.text for q in evidence],
        when_text=when_text,
        time=draft.when.time,
        city=keep_mentioned(draft.location.city, data),
        country=keep_mentioned(draft.location.country, data),
        venue=keep_mentioned(draft.location.venue, data),
        agenda=unique_casefold(draft.agenda),
        modality=draft.format.modality,
        context_event=draft.format.context_event,
    )


def _mentions(quote: str, person: Participant) -> bool:
    forms = [f for f in [person.name, *person.aliases] if f]
    forms += [f.split()[-1] for f in forms if len(f.split()) > 1]  # surname alone
    forms += [f for f in (person.title, person.organization) if f and not person.name]
    return any(name_in_article(f, quote) for f in forms)


def meeting_evidence(quotes: list[str], people: list[Participant], text: str) -> list[Quote]:
    """Located quotes that name one of the meeting's sides; else sentences naming two of them.

    A model sometimes attaches the sentence of another meeting in the same article;
    evidence that mentions none of the participants supports nothing and is replaced, never by
    a sentence of a line that addresses the model (those are blank in `data_only`).
    """
    located = [
        q for q in grounding.locate(quotes, text) if any(_mentions(q.text, p) for p in people)
    ]
    if located:
        return located
    data = data_only(text)
    both = [s for s in sentences(data) if sum(_mentions(s, p) for p in people) >= 2]
    return grounding.locate(both[:2], text)


def _ground_country(person: Participant, text: str) -> Participant:
    country = keep_mentioned(person.country, text)
    return person if country == person.country else person.model_copy(update={"country": country})
