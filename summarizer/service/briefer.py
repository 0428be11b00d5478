"""`Briefer`: a backend, a strategy and (optionally) the cache — how every caller gets a briefing.

The API, `brief`, `daily` and the eval all go through it, so a briefing is keyed the same way
everywhere (`key`: article text and date, the strategy's identity, the backend's fingerprint)
and a cache hit is restamped with the article's own title, url and language (the same text
may arrive from another source).

`abrief(..., share=True)` asks the model once for identical articles (same key) in one
Briefer's life (a daily run): one asks, the others wait for that answer, or take it once
given, restamped, as a cache hit. A failure is shared by those waiting (a later copy asks
again); if the one asking is cancelled (its deadline), a waiting one asks in its place.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable

from summarizer.backends.base import Backend
from summarizer.errors import ModelError
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing, Source
from summarizer.service.cache import Cache, cache_key
from summarizer.strategies import resolve
from summarizer.strategies.base import Strategy

Extract = Callable[[Article, Backend], Awaitable[Briefing]]


class _Abandoned(Exception):
    """The article asking for a shared answer was cancelled; a waiting one asks instead."""


class Briefer:
    """Briefings of articles by `strategy` on `backend`, answered from `cache` when it can."""

    def __init__(self, backend: Backend, strategy: Strategy, cache: Cache | None = None) -> None:
        self.backend, self.strategy, self.cache = backend, strategy, cache
        self.fingerprint = backend.fingerprint()
        self.identity = strategy.identity()  # once: it builds the response schemas (~7 ms)
        self._asking: dict[str, asyncio.Future[Briefing]] = {}
        self._answered: dict[str, Briefing] = {}

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
            strategy=self.identity,
            fingerprint=self.fingerprint,
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
        self, article: Article, extract: Extract | None = None, *, share: bool = False
    ) -> tuple[Briefing, bool]:
        """The briefing of `article` and whether it came without a model call (async): from
        the cache, or, with `share`, from an identical article asked about before (module doc).

        `extract` replaces the strategy's own call loop (the daily run's Batch API answers).
        """
        key = self.key(article)
        if self.cache is not None and (hit := await self.cache.aget(key)) is not None:
            return restamp(hit, article), True
        if share and (known := self._answered.get(key)) is not None:
            return restamp(known, article), True
        while share and (asking := self._asking.get(key)) is not None:
            try:
                return restamp(await asyncio.shield(asking), article), True
            except _Abandoned:
                continue
            except ModelError as e:  # the tokens were spent (and are counted) once
                raise _unspent(e) from e
        answer: asyncio.Future[Briefing] = asyncio.get_running_loop().create_future()
        if share:
            self._asking[key] = answer
        try:
            briefing = await (extract or self.strategy.arun)(article, self.backend)
            if self.cache is not None:
                await self.cache.aput(key, briefing)
        except BaseException as e:
            gone = isinstance(e, asyncio.CancelledError | KeyboardInterrupt | SystemExit)
            answer.set_exception(_Abandoned() if gone else e)
            answer.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        else:
            answer.set_result(briefing)
            if share:
                self._answered[key] = briefing
        finally:
            if self._asking.get(key) is answer:
                del self._asking[key]
        return briefing, False


def _unspent(error: ModelError) -> ModelError:
    """A copy of a shared call's failure without its usage."""
    twin = copy.copy(error)
    twin.usage = {}
    return twin


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
