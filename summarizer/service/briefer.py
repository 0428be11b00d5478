"""`Briefer`: a backend, a strategy and (optionally) the cache — how every caller gets a briefing.

The API, `brief`, `daily` and the eval all go through it, so a briefing is keyed the same way
everywhere (`key`: article text and date, the strategy's identity, the backend's fingerprint)
and a cache hit is restamped with the article's own title, url and language (the same text
may arrive from another source).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from summarizer.backends.base import Backend
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing, Source
from summarizer.service.cache import Cache, cache_key
from summarizer.strategies import resolve
from summarizer.strategies.base import Strategy

Extract = Callable[[Article, Backend], Awaitable[Briefing]]


class Briefer:
    """Briefings of articles by `strategy` on `backend`, answered from `cache` when it can."""

    def __init__(self, backend: Backend, strategy: Strategy, cache: Cache | None = None) -> None:
        self.backend, self.strategy, self.cache = backend, strategy, cache
        self._fingerprint = backend.fingerprint()

    @classmethod
    def of(
        cls,
        backend: Backend,
        strategy: str = "auto",
        *,
        prompt: str = "briefing",
        cache: Cache | None = None,
    ) -> Briefer:
        """A Briefer with the strategy `strategy` names (`auto` resolved for `backend`)."""
        return cls(backend, resolve(strategy, backend, prompt), cache)

    def key(self, article: Article) -> str:
        """The cache key of `article`'s briefing (see the module docstring)."""
        return cache_key(
            article.text,
            published=article.published,
            strategy=self.strategy.identity(),
            fingerprint=self._fingerprint,
        )

    def brief(self, article: Article) -> Briefing:
        """The briefing of `article` (blocking)."""
        key = self.key(article) if self.cache is not None else ""
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return restamp(hit, article)
        briefing = self.strategy.run(article, self.backend)
        if self.cache is not None:
            self.cache.put(key, briefing)
        return briefing

    async def abrief(
        self, article: Article, extract: Extract | None = None
    ) -> tuple[Briefing, bool]:
        """The briefing of `article` and whether it came from the cache (async).

        `extract` replaces the strategy's own call loop (the daily run's Batch API answers).
        """
        key = self.key(article) if self.cache is not None else ""
        if self.cache is not None and (hit := await self.cache.aget(key)) is not None:
            return restamp(hit, article), True
        briefing = await (extract or self.strategy.arun)(article, self.backend)
        if self.cache is not None:
            await self.cache.aput(key, briefing)
        return briefing, False


def restamp(briefing: Briefing, article: Article) -> Briefing:
    """A cached briefing with this article's title/url/date (same text may come from
    elsewhere); the language too, where the article has one.
    """
    source = Source(
        title=article.title,
        url=article.url,
        published=article.published,
        language=article.language or briefing.source.language,
    )
    return briefing.model_copy(update={"source": source})
