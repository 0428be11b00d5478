"""The daily job: brief every article of the day concurrently, merge, write the note.

Per article: load it (in a worker thread), look it up in the cache, else wait for a
concurrency slot and the rate limiter, extract, then persist at once (cache + a line of
`DIR/DATE.jsonl`, fsynced; a cached article's line is fsynced once, at the end), so a run
killed mid-way redoes only unfinished articles. One article's failure is recorded and the
run goes on; a configuration error stops it.

An article without a publication date is taken as published on the run's date.
Extraction goes through `service.Briefer` (cache keys, restamped hits) and one async function,
`Extract` (default: the strategy's own call loop); another engine plugs in by passing its own
(`summarizer.daily.batch` does, for `--batch`).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from summarizer.backends.base import Backend
from summarizer.backends.cost import DEFAULT_PRICES, PriceTable, add_costs, cost_usd, price_for
from summarizer.daily.merge import SourceRef, merge_meetings, merge_tensions
from summarizer.daily.note import ArticleInfo, Digest, FailedArticle, digest_json, render_note
from summarizer.daily.outputs import JsonlWriter, atomic_write, write_note
from summarizer.errors import ConfigError, ModelError, SummarizerError
from summarizer.inputs.sources import Entry
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing, Usage
from summarizer.service import Briefer
from summarizer.service.cache import Cache

Extract = Callable[[Article, Backend], Awaitable[Briefing]]
PROMPT_TOKENS = 900  # system prompt + schema, beyond the article (for rate-limit estimates)
COMPLETION_TOKENS = 600


@dataclass(frozen=True)
class DailyConfig:
    """Knobs of one daily run."""

    day: dt.date
    out: Path
    concurrency: int = 8
    rpm: int | None = None
    tpm: int | None = None
    force: bool = False
    strategy: str = "whole"
    prompt: str = "briefing"
    prices: PriceTable = field(default_factory=lambda: dict(DEFAULT_PRICES))

    def path(self, suffix: str) -> Path:
        """`DIR/YYYY-MM-DD{suffix}`."""
        return self.out / f"{self.day.isoformat()}{suffix}"


@dataclass
class ArticleResult:
    """What became of one entry; `usage`/`cost` are what this run spent on it."""

    entry: Entry
    article: Article | None = None
    briefing: Briefing | None = None
    error: str | None = None
    cached: bool = False
    usage: Usage = field(default_factory=Usage)
    cost: float | None = 0.0


class RateLimiter:
    """Requests- and tokens-per-`period` limits over a sliding window (asyncio)."""

    def __init__(self, rpm: int | None, tpm: int | None, *, period: float = 60.0) -> None:
        self.rpm, self.tpm, self.period = rpm, tpm, period
        self._window: collections.deque[list[float]] = collections.deque()
        self._lock = asyncio.Lock()

    async def acquire(self, tokens: int) -> list[float]:
        """Wait until one more request of `tokens` fits; return its slot for `settle`."""
        async with self._lock:
            while (wait := self._wait(tokens)) > 0:
                await asyncio.sleep(wait)
            slot = [time.monotonic(), float(tokens)]
            self._window.append(slot)
            return slot

    def settle(self, slot: list[float], tokens: int) -> None:
        """Replace the estimate with the tokens actually used."""
        slot[1] = float(tokens)

    def _wait(self, tokens: int) -> float:
        now = time.monotonic()
        while self._window and self._window[0][0] <= now - self.period:
            self._window.popleft()
        if not self._window:
            return 0.0
        full = self.rpm is not None and len(self._window) >= self.rpm
        used = sum(slot[1] for slot in self._window)
        full = full or (self.tpm is not None and used + tokens > self.tpm)
        return self._window[0][0] + self.period - now if full else 0.0


def estimate_tokens(article: Article) -> int:
    """A rough token count of one request, for the token-per-minute limit."""
    return len(article.text) // 4 + PROMPT_TOKENS + COMPLETION_TOKENS


class DailyRun:
    """One day's run over `entries`; `run()` returns each entry's result in entry order."""

    def __init__(
        self,
        backend: Backend,
        config: DailyConfig,
        *,
        cache: Cache | None = None,
        extract_fn: Extract | None = None,
        on_done: Callable[[ArticleResult], None] | None = None,
    ) -> None:
        self.backend, self.config, self.cache = backend, config, cache
        self.briefer = Briefer.of(backend, config.strategy, prompt=config.prompt, cache=cache)
        self.extract = extract_fn or self.briefer.strategy.arun
        self.on_done = on_done or (lambda result: None)
        self.prompt_hash = self.briefer.strategy.prompt.hash
        self.strategy = self.briefer.strategy.name
        self.price = price_for(backend.model, config.prices, backend=backend.name)

    async def run(self, entries: list[Entry]) -> list[ArticleResult]:
        """Brief every entry; close the backend's async client at the end."""
        self._slots = asyncio.Semaphore(max(1, self.config.concurrency))
        self._limiter = RateLimiter(self.config.rpm, self.config.tpm)
        try:
            with JsonlWriter(self.config.path(".jsonl")) as self._jsonl:
                async with asyncio.TaskGroup() as group:
                    tasks = [group.create_task(self._one(e)) for e in entries]
        except ExceptionGroup as eg:
            raise eg.exceptions[0] from eg
        finally:
            await _aclose(self.backend)
        return [t.result() for t in tasks]

    async def _one(self, entry: Entry) -> ArticleResult:
        result = ArticleResult(entry)
        try:
            result.article = self._dated(await asyncio.to_thread(entry.load))
            await self._brief(result, result.article)
        except ConfigError:
            raise
        except ModelError as e:
            result.error, result.usage = e.one_line(), _usage(e.usage)
            result.cost = cost_usd(result.usage, self.price)
        except SummarizerError as e:
            result.error = e.one_line()
        except Exception as e:  # one article never stops the run
            result.error = f"{type(e).__name__}: {e}"
        self.on_done(result)
        return result

    def _dated(self, article: Article) -> Article:
        return article if article.published else replace(article, published=self.config.day)

    async def _brief(self, result: ArticleResult, article: Article) -> None:
        result.briefing, result.cached = await self.briefer.abrief(article, self._call)
        if not result.cached:
            result.usage = result.briefing.provenance.usage
            result.cost = cost_usd(result.usage, self.price)
        line = result.briefing.model_dump_json()
        await self._jsonl.awrite(line, sync=not result.cached)  # a hit is durable in the cache

    async def _call(self, article: Article, backend: Backend) -> Briefing:
        async with self._slots:
            slot = await self._limiter.acquire(estimate_tokens(article))
            briefing = await self.extract(article, self.backend)
            self._limiter.settle(slot, briefing.provenance.usage.total_tokens)
            return briefing


def _usage(found: dict[str, int]) -> Usage:
    names = ("prompt_tokens", "completion_tokens", "total_tokens")
    return Usage(**{k: int(found.get(k, 0)) for k in names})


async def _aclose(backend: Backend) -> None:
    aclose = getattr(backend, "aclose", None)
    if aclose is not None:
        await aclose()


# --- after the run: digest, note, files ------------------------------------------------------

EXIT_OK = 0
EXIT_FAILURES = 4  # the run completed, but some articles failed (listed in the note)


@dataclass(frozen=True, repr=False)
class DailyReport:
    """What a run produced and where it was written."""

    digest: Digest
    note: str
    note_path: Path
    results: list[ArticleResult]

    def __repr__(self) -> str:
        # Short: `asyncio.run` reprs the result it returns (twice, restoring the SIGINT
        # handler); the full one, every article and briefing, took ~0.2 s at 500 articles.
        done = len(self.digest.articles)
        return f"DailyReport({self.note_path}, {done} briefed, {len(self.digest.failed)} failed)"

    @property
    def kept_edited_note(self) -> bool:
        """True when the user's edited note was kept and ours went to `.new.md`."""
        return self.note_path.name.endswith(".new.md")

    @property
    def exit_code(self) -> int:
        """0 when every article was briefed, 4 when some failed."""
        return EXIT_FAILURES if self.digest.failed else EXIT_OK


async def run_daily(
    entries: list[Entry],
    backend: Backend,
    config: DailyConfig,
    *,
    cache: Cache | None = None,
    extract_fn: Extract | None = None,
    on_done: Callable[[ArticleResult], None] | None = None,
) -> DailyReport:
    """Brief, merge and write the day: `DATE.jsonl`, `DATE.digest.json`, `DATE.md`."""
    run = DailyRun(backend, config, cache=cache, extract_fn=extract_fn, on_done=on_done)
    results = await run.run(entries)
    digest = build_digest(results, run)
    note = render_note(digest)
    atomic_write(config.path(".digest.json"), digest_json(digest))
    path = write_note(config.path(".md"), note, force=config.force)
    return DailyReport(digest, note, path, results)


def build_digest(results: list[ArticleResult], run: DailyRun) -> Digest:
    """Number the briefed articles, merge their meetings and tensions, total the cost."""
    done = [(r, r.briefing) for r in results if r.briefing is not None]
    refs = [
        (SourceRef(n=n, title=b.source.title, url=b.source.url), b)
        for n, (_, b) in enumerate(done, 1)
    ]
    articles = [_info(ref.n, r, b, run) for (ref, b), (r, _) in zip(refs, done, strict=True)]
    failed = [_failure(r) for r in results if r.briefing is None]
    cost = add_costs([r.cost for r in results])
    model = run.backend.model
    return Digest(
        date=run.config.day,
        model=model,
        prompt_hash=run.prompt_hash,
        strategy=run.strategy,
        meetings=merge_meetings(refs),
        tensions=merge_tensions(refs),
        articles=articles,
        failed=failed,
        usage=sum((r.usage for r in results), Usage()),
        cost_usd=cost,
        cost_note=None if run.price else f"no price known for model {model!r}; see --price-table",
    )


def _info(n: int, r: ArticleResult, b: Briefing, run: DailyRun) -> ArticleInfo:
    usage = b.provenance.usage
    return ArticleInfo(
        n=n,
        title=b.source.title,
        url=b.source.url,
        published=b.source.published,
        origin=r.entry.origin,
        cached=r.cached,
        usage=usage,
        cost_usd=cost_usd(usage, run.price),
    )


def _failure(r: ArticleResult) -> FailedArticle:
    title = r.article.title if r.article else r.entry.title
    url = r.article.url if r.article else r.entry.url
    return FailedArticle(origin=r.entry.origin, title=title, url=url, error=r.error or "failed")
