"""The whole strategy: one prompt with the whole article; the model fills a `BriefingDraft`.

An article longer than the backend's context (`context_of`: the embedded model's n_ctx, or the
configured `context_tokens`), less the prompt's fixed part and the answer's tokens, is asked
about in overlapping chunks of paragraphs (`chunks.split`), one call each. Every chunk's draft
is grounded against the whole article (quotes located in its text, offsets into it); the
meetings of all chunks go to `finalize`, whose merge makes a meeting read in two chunks one,
and tensions of the same dispute become one (`merge_tensions`). An article within the budget
is one call with the very messages it always had.

Grounding is enforced while validating (`pipeline.grounding.GroundedBriefingDraft`), so an
ungrounded answer is re-asked. Code then does what models get wrong: fullest name forms and
aliases, places only where the article's data names them (never from a line that addresses the
model, `injection.data_only`), time words only as written, evidence that names a side of its
meeting; `finalize` does the rest, as for every strategy.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Any

from summarizer.backends.base import Backend, Completion, Message
from summarizer.errors import ConfigError
from summarizer.pipeline import grounding, names, prompts
from summarizer.pipeline.article import Article
from summarizer.pipeline.finalize import unique_casefold, unique_folded
from summarizer.pipeline.injection import data_only
from summarizer.pipeline.mentions import Drafts, MeetingMention
from summarizer.schema import BriefingDraft, MeetingDraft, Participant, Quote, TensionDraft
from summarizer.strategies import chunks
from summarizer.strategies.base import Call, Plan, Strategy
from summarizer.text.fold import fold, name_in_article
from summarizer.text.normalize import find_quote
from summarizer.text.places import keep_mentioned
from summarizer.text.sentences import sentences

_DELIMITER = re.compile(r"<<<\s*ARTICLE|ARTICLE\s*>>>")
OVERLAP = 1  # paragraphs two consecutive chunks share
PER_MESSAGE = 8  # tokens of the chat template around each message (role markers)
MIN_CHUNK_TOKENS = 200  # a budget below this leaves no room for a paragraph
DEFAULT_ANSWER = 2048  # tokens kept for the answer when the backend does not say


@dataclass(frozen=True)
class Context:
    """A model's context window and the part of it kept for the answer, in tokens."""

    window: int
    answer: int


def context_of(backend: Backend) -> Context | None:
    """The backend's context: its fingerprint's `n_ctx` (the embedded model's, also in its
    recordings, so a replay splits as the recording did), else its settings' `context_tokens`;
    None (never split) when neither says. The answer keeps the backend's `max_tokens`.
    """
    fingerprint = backend.fingerprint()
    settings = getattr(backend, "settings", None)
    window: Any = fingerprint.get("n_ctx") or getattr(settings, "context_tokens", None)
    if not window:
        return None
    answer: Any = fingerprint.get("max_tokens") or getattr(settings, "max_tokens", None)
    return Context(int(window), int(answer or DEFAULT_ANSWER))


def build_messages(article: Article, prompt: prompts.Prompt) -> list[Message]:
    """Render the prompt; the article cannot close its own data block early."""
    published = article.published.isoformat() if article.published else None
    text = _DELIMITER.sub("[delimiter removed]", article.text)
    return prompt.render(text=text, title=article.title, published=published)


class WholeStrategy(Strategy):
    """One call per article with the `prompt` template (default `briefing`)."""

    name = "whole"

    def __init__(self, prompt: str = "briefing", context: Context | None = None) -> None:
        """`context`: where long articles are split (None: never, one call per article)."""
        self._prompt = prompts.load(prompt)
        self.context = context

    @property
    def prompt(self) -> prompts.Prompt:
        """The briefing prompt."""
        return self._prompt

    def schemas(self) -> list[dict[str, Any]]:
        """The draft's JSON schema as the model is sent it (`BriefingDraft.request_schema`)."""
        return [grounding.GroundedBriefingDraft.request_schema()]

    def identity(self) -> str:
        """The base identity, and the context where one is set (it decides the chunks)."""
        if self.context is None:
            return super().identity()
        parts = f"{super().identity()}:{self.context.window}:{self.context.answer}"
        return hashlib.sha256(parts.encode()).hexdigest()[:16]

    def plan(self, article: Article) -> Plan:
        """One call with the whole article, or one per chunk of a long one (`spans`)."""
        spans = self.spans(article)
        if spans is None:
            messages = build_messages(article, self._prompt)
            return Plan([Call(messages, grounding.GroundedBriefingDraft)])
        calls = [
            Call(
                build_messages(replace(article, text=article.text[a:b]), self._prompt),
                grounding.GroundedBriefingDraft,
            )
            for a, b in spans
        ]
        return Plan(calls, state=spans)

    def spans(self, article: Article) -> list[chunks.Span] | None:
        """The chunks of an article longer than the budget (`budget`); None when it fits."""
        if self.context is None:
            return None
        limit = budget(article, self._prompt, self.context)
        if len(article.text) <= limit:
            return None
        return chunks.split(article.text, limit, OVERLAP)

    def finish(self, article: Article, plan: Plan, results: list[Completion[Any] | None]) -> Drafts:
        """The drafts' meetings as mentions, their tensions and the first one's summary."""
        drafts: list[BriefingDraft] = [r.value for r in results if r is not None]
        if not drafts:  # if every call failed, the loop raised the first error
            return Drafts()
        found = [to_mention(d, article) for draft in drafts for d in draft.meetings]
        tensions = [t for draft in drafts for t in draft.tensions]
        return Drafts(
            meetings=[m for m in found if m is not None],
            tensions=tensions if len(plan.calls) == 1 else merge_tensions(tensions),
            summary=drafts[0].summary,
        )


def budget(article: Article, prompt: prompts.Prompt, context: Context) -> int:
    """Characters of article text one call may carry: the window less the answer and the
    prompt's fixed part (everything but the text; `chunks.estimate_tokens`).
    """
    fixed = build_messages(replace(article, text=""), prompt)
    prompt_tokens = sum(chunks.estimate_tokens(m["content"]) + PER_MESSAGE for m in fixed)
    tokens = context.window - context.answer - prompt_tokens
    if tokens < MIN_CHUNK_TOKENS and len(article.text) > tokens * chunks.CHARS_PER_TOKEN:
        raise ConfigError(
            f"a context of {context.window} tokens leaves {tokens} for the article after the "
            f"prompt ({prompt_tokens}) and the answer ({context.answer}); "
            f"{MIN_CHUNK_TOKENS} at least are needed",
            hint="raise SUMMARIZER_CONTEXT_TOKENS (or SUMMARIZER_CTX) or lower max_tokens",
        )
    return tokens * chunks.CHARS_PER_TOKEN


def merge_tensions(tensions: list[TensionDraft]) -> list[TensionDraft]:
    """One tension per dispute, first-seen order: the same parties (one set within the other,
    case-insensitive) and the same issue (folded, one within the other) or a shared evidence
    sentence; parties and evidence of the copies are kept.
    """
    merged: list[TensionDraft] = []
    for item in tensions:
        target = next((i for i, t in enumerate(merged) if same_tension(t, item)), None)
        if target is None:
            merged.append(item)
            continue
        old = merged[target]
        merged[target] = old.model_copy(
            update={
                "parties": unique_casefold([*old.parties, *item.parties]),
                "evidence": unique_folded([*old.evidence, *item.evidence]),
                "description": old.description or item.description,
            }
        )
    return merged


def same_tension(a: TensionDraft, b: TensionDraft) -> bool:
    """Tensions of one dispute (see `merge_tensions`)."""
    small, large = sorted(
        ({p.casefold() for p in a.parties}, {p.casefold() for p in b.parties}), key=len
    )
    if not small <= large:
        return False
    issue_a, issue_b = fold(a.issue), fold(b.issue)
    shared = {fold(q) for q in a.evidence} & {fold(q) for q in b.evidence}
    return issue_a in issue_b or issue_b in issue_a or bool(shared)


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
