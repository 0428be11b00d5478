"""The daily job: brief every article of the day concurrently, merge, write the note.

Per article: load it (in a worker thread), look it up in the cache, else extract (each model
call waits for a concurrency slot and the rate limiter, `limits.Gated`), then persist at once
(cache + its line of the run's JSONL, fsynced once the entries before it are done: the lines
are in entry order; a cached article's line is fsynced with the next new one or at the end),
so a run killed mid-way redoes only unfinished articles (the cache has the others). One
article's failure is recorded and the run goes on: an error, or its deadline
(`article_timeout`, loading and briefing together) passing. A configuration error or an
output that cannot be written stops the run, and the previous files stay as they were.

One run per (folder, day) at a time (`outputs.DayFiles.locked`). Identical articles (same
text and date) in one run are asked about once: the others wait for that answer
(`Briefer.abrief`'s sharing; an engine of its own, `extract_fn`, dedupes itself).

The day's files are replaced only by a run at least as complete as what they hold: one with
no failed article, or one that briefed at least as many articles. Otherwise they stay, and
the report says so (`DailyReport.kept_previous`, `kept_line`).

With a cache, a day whose inputs and settings are unchanged since its last complete run is
answered from its record (`daily.record`): the recorded files are written back, byte for
byte, and nothing is loaded, briefed or merged. Otherwise, when only entries changed, those
the record holds take their briefing from its `DATE.jsonl` line (not loaded, unless a page
needs the text; no cache lookup), and the leading ones are merged (`day_merge.DayMerge`) and
their note lines rendered, in short slices on the event loop, while the entries new since
that record, started first, are asked about; the merge then goes on from there. The files
are those a run without the record writes, byte for byte (`DATE.jsonl` is in entry order).
In every run the garbage collector leaves the objects older than the run alone
(`daily.recorded.old_objects_frozen`). Extra files (`DailyConfig.pages`, e.g. an
HTML page) are rendered from the digest and results, written like the note, and recorded with it.

An article without a publication date is taken as published on the run's date.
Extraction goes through `service.Briefer` (cache keys, restamped hits) and one async function,
`Extract` (default: the strategy's own call loop); another engine plugs in by passing its own
(`summarizer.daily.batch` does, for `--batch`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import ValidationError

from summarizer.backends.base import Backend
from summarizer.backends.cost import DEFAULT_PRICES, PriceTable, cost_usd, price_for
from summarizer.daily import record
from summarizer.daily.day_merge import DayMerge
from summarizer.daily.limits import Ahead, Gated, Turns, timed_out
from summarizer.daily.limits import RateLimiter as RateLimiter  # re-exported
from summarizer.daily.note import (
    ArticleInfo,
    Digest,
    NoteLines,
    digest_json,
    note_lines,
    render_note,
)
from summarizer.daily.outputs import DayFiles, JsonlWriter
from summarizer.daily.outputs import without_own_outputs as without_own_outputs  # re-exported
from summarizer.daily.recorded import (
    day_inputs,
    from_record,
    old_objects_frozen,
    record_day,
    write_day,
)
from summarizer.daily.report import EXIT_FAILURES as EXIT_FAILURES  # re-exported
from summarizer.daily.report import EXIT_OK as EXIT_OK  # re-exported
from summarizer.daily.report import DailyReport as DailyReport  # re-exported
from summarizer.daily.report import article_info, build_digest, source_ref
from summarizer.errors import ConfigError, ModelError, OutputError, SummarizerError
from summarizer.inputs.sources import Entry
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing, Usage
from summarizer.service import Briefer
from summarizer.service.cache import Cache
from summarizer.settings import DEFAULT_ARTICLE_TIMEOUT

Extract = Callable[[Article, Backend], Awaitable[Briefing]]
FIRST_AHEAD = 0.05  # s: how long recorded entries wait for the new ones to reach the model
SENDING = 0.005  # s: and then for their requests to go out (~1.5 ms: the request's build)
AHEAD = 1  # entries on their way to the model at once, per concurrency slot (`limits.Ahead`)
Page = Callable[["Digest", list["ArticleResult"]], str]  # written like the note, and recorded


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
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT  # seconds per article; None: none
    prices: PriceTable = field(default_factory=lambda: dict(DEFAULT_PRICES))
    pages: dict[str, Page] = field(default_factory=dict)  # suffix -> an extra file (".html")

    def path(self, suffix: str) -> Path:
        """`DIR/YYYY-MM-DD{suffix}`."""
        return self.out / f"{self.day.isoformat()}{suffix}"


@dataclass
class ArticleResult:
    """What became of one entry; `usage`/`cost` are what this run spent on it, `line` its
    line of `DATE.jsonl`. One taken from the day record has no `article` unless the run
    renders pages (they show the text).
    """

    entry: Entry
    article: Article | None = None
    briefing: Briefing | None = None
    error: str | None = None
    cached: bool = False
    usage: Usage = field(default_factory=Usage)
    cost: float | None = 0.0
    line: str | None = None


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
        jsonl: Callable[[], JsonlWriter] | None = None,
    ) -> None:
        self.backend, self.config, self.cache = backend, config, cache
        self.briefer = Briefer.of(backend, config.strategy, prompt=config.prompt, cache=cache)
        self.extract = extract_fn or self.briefer.strategy.arun
        self._share = extract_fn is None  # another engine (the Batch API) dedupes by itself
        self.on_done = on_done or (lambda result: None)
        self.prompt_hash = self.briefer.strategy.prompt.hash
        self.strategy = self.briefer.strategy.name
        self.price = price_for(backend.model, config.prices, backend=backend.name)
        self._open_jsonl = jsonl or (lambda: JsonlWriter(config.path(".jsonl")))
        self.premerged = DayMerge()  # the entries done so far, up to the first one that is not
        self.note_lines = NoteLines()  # note lines rendered ahead (`note.note_lines`)
        self.infos: list[tuple[ArticleResult, ArticleInfo]] = []  # their note's source lines
        self._lines: asyncio.Task[None] | None = None  # rendering them ahead (`_lines_ahead`)

    async def run(
        self,
        entries: list[Entry],
        first: set[int] | None = None,
        recorded: dict[int, str] | None = None,
    ) -> list[ArticleResult]:
        """Brief every entry, writing each briefing's line once it and every entry before it
        completed (`_finished`); the entries numbered in `first` start first (new ones: their
        model calls overlap the cache reads).
        Those in `recorded` (index -> its line of the day record's JSONL) are taken from it
        meanwhile (`_from_record`).
        """
        slots = asyncio.Semaphore(max(1, self.config.concurrency))
        limiter = RateLimiter(self.config.rpm, self.config.tpm)
        self._gated = Gated(self.backend, slots, limiter)  # each call takes a slot
        self._ahead = Ahead(AHEAD * max(1, self.config.concurrency))
        self._done: dict[int, ArticleResult] = {}  # finished, its line not written yet
        self._written, self._writing = 0, asyncio.Lock()
        recorded = recorded or {}
        asked = [i for i in range(len(entries)) if i not in recorded]
        order = sorted(asked, key=lambda i: i not in (first or ()))
        self._first = {i for i in order if i in (first or ())}  # not yet at the model
        self._left = -1 if recorded else len(entries)  # unfinished; a record: `_from_record`
        self._asked_first = bool(self._first)
        self._off = asyncio.Event()  # ... none left
        if not self._first:
            self._off.set()
        try:
            with self._open_jsonl() as self._jsonl:
                async with asyncio.TaskGroup() as group:
                    tasks = {i: group.create_task(self._one(i, entries[i])) for i in order}
                    found = await self._from_record(entries, recorded) if recorded else {}
                    for i in sorted(recorded.keys() - found.keys()):  # ask after all
                        tasks[i] = group.create_task(self._one(i, entries[i]))
        except ExceptionGroup as eg:
            raise eg.exceptions[0] from eg
        finally:
            if self._lines is not None:  # what it did not render, `render_note` does
                self._lines.cancel()
        return [found[i] if i in found else tasks[i].result() for i in range(len(entries))]

    async def _from_record(
        self, entries: list[Entry], recorded: dict[int, str]
    ) -> dict[int, ArticleResult]:
        """The recorded entries' results (cached, as from the cache; a line that does not
        parse, or a text a page needs that does not load, is left to be asked about), merged
        as they finish (`_merge`), and their note lines. It starts `SENDING` after the entries
        in `first` are off to the model (or done), or after `FIRST_AHEAD` (their requests'
        build yields at each checkpoint of the HTTP stack: a slice at each delayed it ~12 ms),
        and runs on the event loop in slices of about a millisecond (`Turns`): their calls, on
        the way back, wait at most that long.
        """
        with contextlib.suppress(TimeoutError):  # the new entries reach the model first
            async with asyncio.timeout(FIRST_AHEAD):
                await self._off.wait()
        await asyncio.sleep(SENDING if self._asked_first else 0)
        texts = await asyncio.to_thread(self._texts, entries, recorded) if self.config.pages else {}
        found, turn = {}, Turns()
        for i, line in sorted(recorded.items()):
            await turn()
            try:
                briefing = Briefing.model_validate_json(line)
            except ValidationError:
                continue
            if not self.config.pages or i in texts:
                found[i] = ArticleResult(entries[i], texts.get(i), briefing, cached=True, line=line)
                await self._finished(i, found[i])
        await self._jsonl.aflush()  # on disk now, not after the new entries' calls
        await self._lines_ahead()
        return found

    async def _lines_ahead(self) -> None:
        """Render the note lines of the day merged so far (`note_lines`), in ~1 ms slices."""
        turn = Turns()
        for meeting in self.premerged.combining():
            await turn()
            note_lines([meeting], self.note_lines)
        for _, info in list(self.infos):
            await turn()
            note_lines([info], self.note_lines)

    def _texts(self, entries: list[Entry], recorded: dict[int, str]) -> dict[int, Article]:
        """The recorded entries' articles, for the pages (they show the text)."""
        texts = {}
        for i in recorded:
            with contextlib.suppress(Exception):  # then it is asked about, and reported
                texts[i] = self.dated(entries[i].load())
        return texts

    async def _one(self, i: int, entry: Entry) -> ArticleResult:
        result = ArticleResult(entry)
        await self._ahead.enter(i)
        deadline = asyncio.timeout(self.config.article_timeout)
        try:
            async with deadline:
                result.article = self.dated(await asyncio.to_thread(entry.load))
                briefing = await self._brief(result, result.article, i)
            result.line = briefing.model_dump_json()
        except (ConfigError, OutputError):
            raise
        except TimeoutError as e:
            if not deadline.expired():
                result.error = f"{type(e).__name__}: {e}"
            else:
                result.error = timed_out(self.config.article_timeout)
        except ModelError as e:
            result.error, result.usage = e.one_line(), _usage(e.usage)
            result.cost = cost_usd(result.usage, self.price)
        except SummarizerError as e:
            result.error = e.one_line()
        except Exception as e:  # one article never stops the run
            result.error = f"{type(e).__name__}: {e}"
        await self._finished(i, result)
        return result

    async def _finished(self, i: int, result: ArticleResult) -> None:
        """Entry `i` is done: write the lines of the finished entries up to the first one
        that is not, in entry order (a line waits for those before it), fsynced once if one
        is new (a line from the cache or the record is durable there), then tell `on_done`.
        """
        self._on_the_way(i)
        self._done[i] = result
        async with self._writing:
            new = False
            while (done := self._done.pop(self._written, None)) is not None:
                self._written += 1
                self._merge(done)
                if done.line is not None:
                    await self._jsonl.awrite(done.line, sync=False)
                    new = new or not done.cached
            if new:
                await self._jsonl.aflush()
        self._left -= 1  # the last calls are in flight: render the note's lines meanwhile
        if self._left == self.config.concurrency and self._lines is None:
            self._lines = asyncio.get_running_loop().create_task(self._lines_ahead())
        self.on_done(result)

    def _merge(self, result: ArticleResult) -> None:
        """Add the next briefed entry to `premerged`, numbered as `build_digest` will."""
        if (briefing := result.briefing) is not None:
            self.premerged.add(source_ref(n := len(self.infos) + 1, briefing), briefing)
            self.infos.append((result, article_info(n, result, briefing, self)))

    def _on_the_way(self, i: int) -> None:
        """Entry `i` reached the model or finished; `_off` once all of `first` did."""
        self._ahead.leave(i)
        self._first.discard(i)
        if not self._first:
            self._off.set()

    def dated(self, article: Article) -> Article:
        """The article, published on the run's day if it says no date."""
        return article if article.published else replace(article, published=self.config.day)

    async def _brief(self, result: ArticleResult, article: Article, i: int) -> Briefing:
        call = functools.partial(self._call, i)
        briefing, result.cached = await self.briefer.abrief(article, call, share=self._share)
        result.briefing = briefing
        if not result.cached:
            result.usage = briefing.provenance.usage
            result.cost = cost_usd(result.usage, self.price)
        return briefing

    async def _call(self, i: int, article: Article, backend: Backend) -> Briefing:
        self._on_the_way(i)
        return await self.extract(article, self._gated)


def _usage(found: dict[str, int]) -> Usage:
    names = ("prompt_tokens", "completion_tokens", "total_tokens")
    return Usage(**{k: int(found.get(k, 0)) for k in names})


async def _aclose(backend: Backend) -> None:
    if (aclose := getattr(backend, "aclose", None)) is not None:
        await aclose()


# --- after the run: digest, note, files (`daily.report`) --------------------------------------


async def run_daily(
    entries: list[Entry],
    backend: Backend,
    config: DailyConfig,
    *,
    cache: Cache | None = None,
    extract_fn: Extract | None = None,
    on_done: Callable[[ArticleResult], None] | None = None,
) -> DailyReport:
    """Brief, merge and write the day: `DATE.jsonl`, `DATE.digest.json`, `DATE.md` (see the
    module docstring for the lock and when the previous files are kept).
    """
    files = DayFiles(config.out, config.day)
    try:
        with files.locked(), old_objects_frozen():
            run = DailyRun(
                backend, config, cache=cache, extract_fn=extract_fn, on_done=on_done,
                jsonl=files.writer,
            )  # fmt: skip
            day = await day_inputs(entries, run) if cache is not None else None
            where = record.slot(config.out, config.day.isoformat())
            known = record.recorded(cache, where) if cache is not None and day else None
            if day and known and known.key == day.key:
                hit = from_record(known, files, force=config.force)
                if hit is not None:
                    return hit
            try:
                return await _run_day(run, files, entries, day, known, where)
            finally:
                files.discard()  # gone already once committed
    finally:
        await _aclose(backend)


async def _run_day(
    run: DailyRun,
    files: DayFiles,
    entries: list[Entry],
    day: record.DayInputs | None,
    known: record.DayRecord | None,
    where: str,
) -> DailyReport:
    """Brief, merge and write the day, under its lock (`run_daily`); the entries `known`, the
    day's last record, holds are taken from it. `day` (with a cache) has the entries to run.
    """
    first = record.fresh(day, known) if day is not None else None
    recorded = record.recorded_lines(day, known) if day is not None else None
    results = await run.run(day.entries if day else entries, first, recorded)
    digest = build_digest(results, run)
    shown = digest_json(digest, run.note_lines)
    note = render_note(digest, run.note_lines, shown)
    if digest.failed and len(digest.articles) < (previous := files.previous_briefed()):
        return DailyReport(digest, note, files.note, results, kept_previous=previous)
    outputs = {".digest.json": shown, ".md": note}
    outputs |= {s: page(digest, results) for s, page in run.config.pages.items()}
    paths = write_day(files, outputs, force=run.config.force)
    if run.cache is not None and day is not None and not digest.failed:
        record_day(run.cache, where, day, files, outputs)
    return DailyReport(digest, note, paths.pop(".md"), results, pages=paths)
