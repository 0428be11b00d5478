"""The pipeline's core: Article -> prompt -> backend -> grounded draft -> Briefing.

The model fills a `BriefingDraft` (words copied from the article); grounding is enforced
while validating (so failures are re-asked). Code then does what small models get wrong:
fullest name forms and aliases, dates resolved against the publication date, quote offsets.
"""

from __future__ import annotations

import datetime as dt
import re

from summarizer.backends.base import Backend, Completion
from summarizer.pipeline import dates, grounding, names, prompts
from summarizer.pipeline.article import Article
from summarizer.schema import (
    Briefing,
    Location,
    Meeting,
    MeetingDraft,
    Participant,
    Provenance,
    Quote,
    Source,
    Status,
    Tension,
    TensionDraft,
    When,
    WhenDraft,
)
from summarizer.text.fold import name_in_article
from summarizer.text.normalize import find_quote
from summarizer.text.places import keep_mentioned, mentioned
from summarizer.text.sentences import sentences

_DELIMITER = re.compile(r"<<<\s*ARTICLE|ARTICLE\s*>>>")


def build_messages(article: Article, prompt: prompts.Prompt) -> list[dict[str, str]]:
    """Render the prompt; the article cannot close its own data block early."""
    published = article.published.isoformat() if article.published else None
    text = _DELIMITER.sub("[delimiter removed]", article.text)
    return prompt.render(text=text, title=article.title, published=published)


def source_of(article: Article) -> Source:
    """The briefing's `source` block: the article's metadata."""
    return Source(
        title=article.title, url=article.url, published=article.published, language=article.language
    )


def resolve_strategy(strategy: str, backend: Backend) -> str:
    """`auto` picks per backend what the eval found best (README, "Strategies"): `staged` for
    the small embedded models, `whole` for hosted and self-hosted OpenAI-compatible models.
    """
    if strategy != "auto":
        return strategy
    return "staged" if backend.name == "embedded" else "whole"


def strategy_prompt(strategy: str, backend: Backend, prompt: str = "briefing") -> prompts.Prompt:
    """The prompt an extraction with `strategy` on `backend` uses (cache keys, provenance,
    eval reports): the staged prompt when the strategy resolves to `staged`, else `prompt`.
    """
    staged = resolve_strategy(strategy, backend) == "staged"
    return prompts.load("staged" if staged else prompt)


def summarize_article(
    article: Article, backend: Backend, *, prompt: str = "briefing", strategy: str = "auto"
) -> Briefing:
    """Extract a grounded briefing from one article (blocking)."""
    if resolve_strategy(strategy, backend) == "staged":
        from summarizer.strategies.staged import summarize_staged

        return summarize_staged(article, backend)
    template = prompts.load(prompt)
    completion = backend.generate(
        build_messages(article, template),
        grounding.GroundedBriefingDraft,
        context={"article": article.text},
    )
    return assemble(article, completion, template, backend, "whole")


async def asummarize_article(
    article: Article, backend: Backend, *, prompt: str = "briefing", strategy: str = "auto"
) -> Briefing:
    """Extract a grounded briefing from one article (async)."""
    if resolve_strategy(strategy, backend) == "staged":
        from summarizer.strategies.staged import asummarize_staged

        return await asummarize_staged(article, backend)
    template = prompts.load(prompt)
    completion = await backend.agenerate(
        build_messages(article, template),
        grounding.GroundedBriefingDraft,
        context={"article": article.text},
    )
    return assemble(article, completion, template, backend, "whole")


def assemble(
    article: Article,
    completion: Completion[grounding.GroundedBriefingDraft],
    prompt: prompts.Prompt,
    backend: Backend,
    strategy: str = "whole",
) -> Briefing:
    """Turn a validated draft into the final Briefing (names, dates, offsets, provenance)."""
    draft = completion.value
    meetings = [m for m in (to_meeting(d, article) for d in draft.meetings) if m is not None]
    return Briefing(
        source=source_of(article),
        summary=draft.summary.strip(),
        meetings=dedupe_meetings(meetings),
        tensions=[t for t in (to_tension(d, article) for d in draft.tensions) if t is not None],
        provenance=Provenance(
            prompt_name=prompt.name,
            prompt_hash=prompt.hash,
            backend=backend.name,
            model=completion.model or backend.model,
            mode=backend.mode,
            strategy=strategy,
            attempts=completion.attempts,
            usage=completion.usage,
            created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        ),
    )


def to_meeting(draft: MeetingDraft, article: Article) -> Meeting | None:
    """A Meeting from its draft, or None when fewer than two distinct sides remain."""
    people = names.dedupe_participants(names.canonicalize(draft.participants, article.text))
    if len(people) < 2:
        return None
    return Meeting(
        participants=[_ground_country(p, article.text) for p in people],
        location=ground_location(draft.location, article.text),
        when=resolve_when(draft.when, draft.status, article),
        status=draft.status,
        format=draft.format,
        agenda=_unique(draft.agenda),
        evidence=meeting_evidence(draft.evidence, people, article.text),
    )


def _mentions(quote: str, person: Participant) -> bool:
    forms = [f for f in [person.name, *person.aliases] if f]
    forms += [f.split()[-1] for f in forms if len(f.split()) > 1]  # surname alone
    forms += [f for f in (person.title, person.organization) if f and not person.name]
    return any(name_in_article(f, quote) for f in forms)


def meeting_evidence(quotes: list[str], people: list[Participant], text: str) -> list[Quote]:
    """Located quotes that name one of the meeting's sides; else sentences naming two of them.

    A small model sometimes attaches the sentence of another meeting in the same article;
    evidence that mentions none of the participants supports nothing and is replaced.
    """
    located = [
        q for q in grounding.locate(quotes, text) if any(_mentions(q.text, p) for p in people)
    ]
    if located:
        return located
    both = [s for s in sentences(text) if sum(_mentions(s, p) for p in people) >= 2]
    return grounding.locate(both[:2], text)


def resolve_when(when: WhenDraft, status: Status, article: Article) -> When:
    """Keep the time words only if the article contains them, then resolve them in code."""
    text = (when.text or "").strip() or None
    if text and find_quote(article.text, text) is None:
        text = None
    resolved = dates.resolve(text, article.published, tense=dates.tense_for(status))
    return When(text=text, date=resolved.date, precision=resolved.precision, time=when.time)


def ground_location(location: Location, text: str) -> Location:
    """Keep only the parts of a location that the article mentions (never an invented place)."""
    return Location(
        venue=keep_mentioned(location.venue, text),
        city=keep_mentioned(location.city, text),
        country=keep_mentioned(location.country, text),
    )


def _ground_country(person: Participant, text: str) -> Participant:
    country = keep_mentioned(person.country, text)
    return person if country == person.country else person.model_copy(update={"country": country})


def to_tension(draft: TensionDraft, article: Article) -> Tension | None:
    """A Tension with located evidence and only parties the article mentions; else None."""
    parties = [p for p in _unique(draft.parties) if mentioned(p, article.text)]
    if not parties:
        return None
    return Tension(
        parties=parties,
        issue=draft.issue.strip(),
        description=draft.description.strip(),
        evidence=grounding.locate(draft.evidence, article.text),
    )


def dedupe_meetings(meetings: list[Meeting]) -> list[Meeting]:
    """Drop a meeting that repeats an earlier one (same sides, same date or no date)."""
    kept: list[Meeting] = []
    for meeting in meetings:
        if not any(_same_meeting(meeting, k) for k in kept):
            kept.append(meeting)
    return kept


def _same_meeting(a: Meeting, b: Meeting) -> bool:
    if a.when.date and b.when.date and a.when.date != b.when.date:
        return False
    return all(any(names.same_person(p, q) for q in b.participants) for p in a.participants)


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in (i.strip() for i in items):
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out
