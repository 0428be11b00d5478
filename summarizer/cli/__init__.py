"""The `summarizer` command line: `app` mounts every command; `main` is the console script."""

from __future__ import annotations

from summarizer.cli.app import app, main

__all__ = ["app", "main"]
