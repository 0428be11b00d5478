"""A day's files and its record: write the run's files, keep them as the day's record, answer
a day from its record, and keep the garbage collector off the objects older than such a run.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from summarizer.backends.cost import add_costs
from summarizer.daily import record
from summarizer.daily.note import Digest
from summarizer.daily.outputs import DayFiles, atomic_write, write_note
from summarizer.daily.report import DailyReport
from summarizer.inputs.sources import Entry
from summarizer.schema import Usage
from summarizer.service.cache import Cache

if TYPE_CHECKING:
    from summarizer.daily.run import DailyRun


@contextlib.contextmanager
def old_objects_frozen() -> Iterator[None]:
    """During a run the garbage collector leaves the objects that existed before it alone
    (`gc.freeze`): a run allocates enough (tasks, articles, briefings, their merge and note
    lines: some 50,000 objects from a day's record alone) to set off full passes over the
    process's heap (the gazetteer, the clients, the caller's own objects), each 40 ms on a
    cold day of 500 articles just before its first model calls, 160-280 ms on a day taken
    from its record: as much as the rest of that run. They go back at the end
    (`gc.unfreeze`), to be collected as before; the run's own garbage is collected as usual.
    Not when something else froze objects already (unfreezing would thaw those too).
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def day_inputs(entries: list[Entry], run: DailyRun) -> record.DayInputs | None:
    """The day's key: every entry, and every setting that changes the files (not the folder,
    concurrency, rate limits, --force or the deadline: a record is made only with no failure).
    """
    skip = {"out", "concurrency", "rpm", "tpm", "force", "article_timeout"}
    options = {
        f.name: getattr(run.config, f.name) for f in fields(run.config) if f.name not in skip
    } | {"pages": sorted(run.config.pages)}  # their code: in the code stamp
    settings = {"options": options, "strategy": run.briefer.identity,
                "backend": run.briefer.fingerprint}  # fmt: skip
    key_of = lambda article: run.briefer.key(run.dated(article))  # noqa: E731
    return await record.day_inputs(entries, key_of, settings, run.config.article_timeout)


def write_day(files: DayFiles, outputs: dict[str, str], *, force: bool) -> dict[str, Path]:
    """The run's JSONL, the digest, the pages, then the note; where each went."""
    files.commit_jsonl()
    atomic_write(files.digest, outputs[".digest.json"])
    pages = {s: t for s, t in outputs.items() if s not in (*record.DATA, record.NOTE)}
    day = files.day.isoformat()
    paths = {s: write_note(files.note.with_name(day + s), t, force=force) for s, t in pages.items()}
    return paths | {".md": write_note(files.note, outputs[".md"], force=force)}


def record_day(
    cache: Cache, where: str, day: record.DayInputs, files: DayFiles, outputs: dict[str, str]
) -> None:
    """Keep the files just written as the day's record (not when the JSONL cannot be read
    back as UTF-8: then the next run is simply not answered from a record).
    """
    try:
        jsonl = files.jsonl.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    record.store(cache, where, day, {".jsonl": jsonl} | outputs)


def from_record(known: record.DayRecord, files: DayFiles, *, force: bool) -> DailyReport | None:
    """Write the recorded files back and report the day as this run saw it (all cached)."""
    try:
        digest = Digest.model_validate_json(known.files[".digest.json"])
    except ValidationError:
        return None
    paths = record.write_back(known, files.note, force=force)
    articles = [a.model_copy(update={"cached": True}) for a in digest.articles]
    seen = {"articles": articles, "usage": Usage(), "cost_usd": add_costs([0.0] * len(articles))}
    note = known.files[record.NOTE]
    view = digest.model_copy(update=seen)
    return DailyReport(view, note, paths.pop(".md"), [], from_record=True, pages=paths)
