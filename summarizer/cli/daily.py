"""`summarizer daily`: the morning job; it prints, the work is in `summarizer.daily`."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from summarizer.cli.options import NO_FLAGS, DebugOpt, ModelFlags, err_console, guarded, model_flags
from summarizer.service.cache import open_cache

if TYPE_CHECKING:
    from summarizer.daily.note import Digest
    from summarizer.daily.run import ArticleResult, DailyReport

DateOpt = Annotated[
    dt.datetime | None,
    typer.Option("--date", formats=["%Y-%m-%d"], help="The day to brief, YYYY-MM-DD (today)."),
]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder for DATE.md, .jsonl, .digest.json.")]
ConcurrencyOpt = Annotated[
    int, typer.Option("--concurrency", min=1, help="Model calls in flight at once.")
]
RpmOpt = Annotated[int | None, typer.Option("--rpm", min=1, help="Max requests per minute.")]
TpmOpt = Annotated[int | None, typer.Option("--tpm", min=1, help="Max tokens per minute.")]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor write the briefing cache.")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite a note you have edited.")]
PrivateOpt = Annotated[
    bool, typer.Option("--allow-private", help="Allow fetching from private/local addresses.")
]
BatchOpt = Annotated[
    bool,
    typer.Option(
        "--batch",
        help="Send uncached articles through the OpenAI Batch API (cheaper, up to 24h); "
        "answers that fail validation are re-asked directly.",
    ),
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--article-timeout",
        help="Seconds one article may take, loading and briefing (SUMMARIZER_ARTICLE_TIMEOUT, "
        "600); past it, that article fails and the run goes on.",
    ),
]
HtmlOpt = Annotated[
    bool,
    typer.Option(
        "--html",
        help="Also write OUT/DATE.html: one self-contained page with a timeline of the day's "
        "meetings, the meetings and tensions with their sources, and each article with its "
        "evidence highlighted (an edited page is kept like the note: DATE.new.html).",
    ),
]
PricesOpt = Annotated[
    Path | None, typer.Option("--price-table", help="YAML/JSON: model: {input: $, output: $}.")
]


@model_flags
def daily(
    sources: Annotated[
        list[str], typer.Argument(help="Folders, feed files/URLs, or files listing URLs.")
    ],
    date: DateOpt = None,
    out: OutOpt = Path("briefings"),
    concurrency: ConcurrencyOpt = 8,
    rpm: RpmOpt = None,
    tpm: TpmOpt = None,
    no_cache: NoCacheOpt = False,
    force: ForceOpt = False,
    allow_private: PrivateOpt = False,
    price_table: PricesOpt = None,
    batch: BatchOpt = False,
    article_timeout: TimeoutOpt = None,
    html: HtmlOpt = False,
    debug: DebugOpt = False,
    flags: ModelFlags = NO_FLAGS,
) -> None:
    """Brief a day's articles into one note: OUT/DATE.md, OUT/DATE.jsonl, OUT/DATE.digest.json
    (and with --html the page OUT/DATE.html).

    Exit codes: 0 all briefed; 4 done, but some articles failed (see the note), or the run
    briefed fewer than the day's files already hold and kept them; 2 user error; 5 another
    run for the same day and OUT is in progress.
    """
    from summarizer.api import open_backend
    from summarizer.backends import cost
    from summarizer.daily.run import DailyConfig, run_daily, without_own_outputs
    from summarizer.inputs import sources as sources_mod

    with guarded(debug):
        settings = flags.settings(article_timeout=article_timeout)
        config = DailyConfig(
            day=date.date() if date else dt.date.today(),
            out=out,
            concurrency=concurrency,
            rpm=rpm,
            tpm=tpm,
            force=force,
            strategy=settings.strategy,
            prices=cost.load_price_table(price_table),
            article_timeout=settings.article_timeout,
            pages={".html": html_page} if html else {},
        )
        found = sources_mod.discover(sources, sources_mod.Options(allow_private=allow_private))
        entries, skipped = without_own_outputs(found, out)
        if skipped:
            say_skipped(skipped, out, len(entries))
        with (
            open_backend(settings) as engine,
            open_cache(enabled=not no_cache) as store,
            progress_bar(len(entries)) as on_done,
        ):
            if batch:
                from summarizer.daily.batch import run_daily_batch

                say = partial(err_console.print, markup=False, soft_wrap=True)
                job = run_daily_batch(
                    entries, engine, config, cache=store, on_done=on_done, report=say
                )
            else:
                job = run_daily(entries, engine, config, cache=store, on_done=on_done)
            report = asyncio.run(job)
        show(report, Console(highlight=False), report.pages.get(".html"))
    raise typer.Exit(report.exit_code)


def article_texts(digest: Digest, results: list[ArticleResult]) -> dict[int, str]:
    """Source number -> the text of that article, as it was briefed (its quotes' offsets
    refer to it). The digest numbers the briefed results in order; a number whose origin
    does not match its result is left out (the page then shows that source's quotes).
    """
    done = [r for r in results if r.briefing is not None]
    return {
        info.n: r.article.text
        for info, r in zip(digest.articles, done, strict=False)
        if r.article is not None and info.origin == r.entry.origin
    }


def html_page(digest: Digest, results: list[ArticleResult]) -> str:
    """DATE.html (`--html`): the day's page with each source's evidence marked in its text.

    The run writes it beside the note, by the note's rules (atomic; an edited page is kept
    and this one goes to DATE.new.html unless --force; nothing when the day's files are kept).
    """
    from summarizer.daily.note import render_html

    return render_html(digest, article_texts(digest, results))


@contextlib.contextmanager
def progress_bar(total: int) -> Iterator[Callable[[ArticleResult], None]]:
    """A stderr progress bar with ETA, tokens and cost so far; yields the per-article hook."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from summarizer.backends.cost import add_costs, format_cost

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[tokens]:,} tokens · {task.fields[cost]}"),
    )
    costs: list[float | None] = []
    quiet = not err_console.is_terminal  # no bar (and no stray blank line) in logs and pipes
    with Progress(*columns, console=err_console, transient=True, disable=quiet) as progress:
        task = progress.add_task("briefing", total=total, tokens=0, cost="$0.0000")

        def on_done(result: ArticleResult) -> None:
            costs.append(result.cost)
            tokens = progress.tasks[task].fields["tokens"] + result.usage.total_tokens
            spent = format_cost(add_costs(costs))
            progress.update(task, advance=1, tokens=tokens, cost=spent)

        yield on_done


def say_skipped(skipped: int, out: Path, left: int) -> None:
    """One line about our own notes found among the sources; none left is a user error."""
    from summarizer.errors import UserError

    notes = "note" if skipped == 1 else "notes"
    if not left:
        raise UserError(
            f"no articles found: the sources hold only the {notes} this command wrote in {out}",
            hint="pass the folder of articles, and another --out",
        )
    err_console.print(
        f"note: skipped {skipped} {notes} this command wrote in {out} (--out is a source folder)",
        markup=False,
        soft_wrap=True,
    )


def show(report: DailyReport, console: Console, page: Path | None = None) -> None:
    """The note on stdout (rich Markdown); a summary and warnings on stderr (and where the
    HTML `page` went). When the day's files were kept (the run briefed fewer), only that one
    line, on stderr.
    """
    from rich.markdown import Markdown

    from summarizer.backends.cost import format_cost
    from summarizer.daily.note import note_body

    if report.kept_previous is not None:
        err_console.print(f"error: {report.kept_line()}", markup=False, soft_wrap=True)
        return
    console.print(Markdown(note_body(report.note)))
    d = report.digest
    cached = sum(a.cached for a in d.articles)
    err_console.print(
        f"{len(d.articles)} briefed ({cached} cached), {len(d.failed)} failed · "
        f"{d.usage.total_tokens:,} tokens · {format_cost(d.cost_usd)} · wrote {report.note_path}",
        markup=False,
        soft_wrap=True,
    )
    if report.kept_edited_note:
        err_console.print(
            f"note: {report.note_path.with_name(d.date.isoformat() + '.md')} was edited by you; "
            f"kept it and wrote {report.note_path.name} (use --force to overwrite)",
            markup=False,
            soft_wrap=True,
        )
    if page is not None:
        say = f"wrote {page}"
        if page.name.endswith(".new.html"):
            edited = page.with_name(d.date.isoformat() + ".html")
            say = f"note: {edited} was edited by you; kept it and wrote {page.name}"
        err_console.print(say, markup=False, soft_wrap=True)
    if d.cost_note:
        err_console.print(f"note: {d.cost_note}", markup=False, soft_wrap=True)
