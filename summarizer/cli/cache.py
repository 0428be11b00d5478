"""`summarizer cache clear|stats`: the content-addressed briefing cache."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from summarizer.cli.options import DebugOpt, guarded

app = typer.Typer(help="Manage the briefing cache (re-runs of a day make no model calls).")


@app.command("clear")
def cache_clear(debug: DebugOpt = False) -> None:
    """Delete every cached briefing (a corrupt cache file, and copies of one, too)."""
    from summarizer.service.cache import Cache

    with guarded(debug), Cache(on_corrupt="delete") as store:
        removed = store.clear()
        typer.echo(f"removed {removed} cached briefings from {store.path}")


@app.command("stats")
def cache_stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Entries, size on disk, and hits/misses recorded since the last clear."""
    from summarizer.service.cache import Cache

    with guarded(debug), Cache() as store:
        s = store.stats()
    found = {"path": str(s.path), "entries": s.entries, "size_bytes": s.size_bytes}
    found |= {"hits": s.hits, "misses": s.misses}
    if as_json:
        typer.echo(json.dumps(found, indent=2))
        return
    for name, value in found.items():
        typer.echo(f"{name:<11} {value}")
