"""`summarizer brief`: the rich view (or JSON / Markdown) of one or more articles, and with
`--html FILE` one self-contained HTML page of them (`summarizer.render.brief_page.briefing_page`).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from summarizer.cli.options import NO_FLAGS, DebugOpt, ModelFlags, err_console, guarded, model_flags
from summarizer.errors import SummarizerError, UserError
from summarizer.service.cache import open_cache

if TYPE_CHECKING:
    from summarizer.backends.base import Backend
    from summarizer.pipeline.article import Article
    from summarizer.schema import Briefing
    from summarizer.service.cache import Cache

PrivateOpt = Annotated[  # the same option, and words, as `daily --allow-private`
    bool, typer.Option("--allow-private", help="Allow fetching from private/local addresses.")
]
HtmlOpt = Annotated[
    str | None,
    typer.Option(
        "--html",
        metavar="FILE",
        help="Also write one self-contained HTML page (the article with every evidence span "
        "highlighted, its meetings and tensions, provenance) to FILE, or - to print it instead "
        "of the view. Several articles: one page, one section each. Written only if every "
        "article is briefed.",
    ),
]
PublishedOpt = Annotated[
    dt.datetime | None,
    typer.Option("--published", formats=["%Y-%m-%d"], help="Publication date YYYY-MM-DD."),
]


@model_flags
def brief(
    sources: Annotated[
        list[str], typer.Argument(help="Article file(s), http(s) URL, or - for stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Briefing as JSON.")] = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown.")] = False,
    html: HtmlOpt = None,
    published: PublishedOpt = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Always call the model.")] = False,
    allow_private: PrivateOpt = False,
    debug: DebugOpt = False,
    flags: ModelFlags = NO_FLAGS,
) -> None:
    """Brief one or more articles: a rich view in the terminal, or JSON / Markdown, and with
    --html an HTML page of them.
    """
    from summarizer.api import open_backend
    from summarizer.inputs import loaders as article_mod
    from summarizer.render import view

    day = published.date() if published else None
    with guarded(debug):
        if html == "-" and (as_json or as_markdown):
            raise UserError(
                "--html - prints the page on stdout, where --json/--markdown print too",
                hint="write the page to a file: --html FILE",
            )
        articles = [
            article_mod.load(s, published=day, stdin=sys.stdin.buffer, allow_private=allow_private)
            for s in sources
        ]
        settings = flags.settings()
        with open_backend(settings) as engine, open_cache(enabled=not no_cache) as store:
            if as_json or as_markdown or html:  # all or nothing: no half-written document
                results = [_brief_one(art, engine, settings.strategy, store) for art in articles]
                if html:
                    _write_html(html, list(zip(articles, results, strict=True)))
                if as_json or as_markdown:
                    render = view.to_markdown if as_markdown else _json
                    typer.echo("\n".join(render(r) for r in results))
                elif html != "-":
                    console = Console(highlight=False)
                    for result in results:
                        console.print(view.render_briefing(result))
                return
            console = Console(highlight=False)
            failed: SummarizerError | None = None
            for art in articles:
                try:
                    result = _brief_one(art, engine, settings.strategy, store)
                except SummarizerError as e:  # one bad article does not hide the others
                    if len(articles) == 1:
                        raise
                    failed = e
                    err_console.print(
                        f"error: {art.origin}: {e.one_line()}", markup=False, soft_wrap=True
                    )
                    continue
                console.print(view.render_briefing(result))
            if failed is not None:
                raise typer.Exit(failed.exit_code)


def _write_html(target: str, briefed: list[tuple[Article, Briefing]]) -> None:
    """The page of `briefed`: on stdout for `-`, else written atomically to `target` (a
    failure leaves no half-written file, and a file already there as it was).
    """
    from summarizer.atomic import atomic_write
    from summarizer.render.brief_page import briefing_page

    page = briefing_page(briefed)
    if target == "-":
        typer.echo(page, nl=False)
        return
    atomic_write(Path(target), page)
    err_console.print(f"wrote {target}", markup=False, soft_wrap=True)


def _json(briefing: Briefing) -> str:
    return briefing.model_dump_json(indent=2)


def _brief_one(art: Article, engine: Backend, strategy: str, store: Cache | None) -> Briefing:
    """One briefing, from the cache when this exact extraction was done before."""
    from summarizer.service import Briefer

    return Briefer.of(engine, strategy, cache=store).brief(art)
