"""The `summarizer` command line: the root app mounts every command (one module each).

Commands print; everything they print is built elsewhere (render/, daily/, evals/).
"""

from __future__ import annotations

from typing import Annotated

import typer

from summarizer import __version__
from summarizer.cli import brief, cache, daily, evals, model, schema

app = typer.Typer(
    name="summarizer",
    help="Turn news articles into typed, grounded briefings: who meets whom, where, when, why.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("brief")(brief.brief)
app.command("daily")(daily.daily)
app.add_typer(evals.app, name="eval")
app.command("schema")(schema.schema)
app.add_typer(model.app, name="model")
app.add_typer(cache.app, name="cache")


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


def main() -> None:
    """Console-script entry point."""
    app()
