"""Run the fake OpenAI server from a shell, e.g. to point the CLI or a demo at it.

    python -m summarizer.testing --port 0 --script script.json --latency 0.25

`script.json` is a JSON list of `Reply` objects, e.g. `[{"status": 429, "retry_after": 1},
{"content": {"summary": "...", "meetings": [], "tensions": []}}]`. Prints the base URL,
then serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from summarizer.testing.server import FakeOpenAIServer, Reply


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m summarizer.testing",
        description="Serve scripted OpenAI-compatible answers for tests and demos.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--script", type=Path, help="JSON list of Reply objects")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    return parser.parse_args(argv)


def load_script(path: Path | None) -> list[Reply]:
    """The replies in a script file (none: the default empty briefing draft)."""
    if path is None:
        return []
    try:
        return TypeAdapter(list[Reply]).validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        raise SystemExit(f"bad script {path}: {exc}") from exc


def main(argv: list[str] | None = None) -> int:
    """Start the server, print its base URL, serve until interrupted."""
    args = parse_args(argv)
    server = FakeOpenAIServer(
        load_script(args.script), latency=args.latency, host=args.host, port=args.port
    )
    print(server.start(), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
