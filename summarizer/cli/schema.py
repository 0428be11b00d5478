"""`summarizer schema`: the Briefing JSON Schema."""

from __future__ import annotations

import json

import typer


def schema() -> None:
    """Print the JSON Schema of a Briefing."""
    from summarizer.schema import Briefing

    typer.echo(json.dumps(Briefing.model_json_schema(), indent=2))
