"""Prompt tokens beyond the article in a real whole-strategy request, by a real tokenizer.

    .venv/bin/python benchmarks/bench_tokens.py [--size 0.5b] [--articles 5]

Builds the request `bench_daily.py` measures (default prompt, whole strategy, mode tools, its
synthetic articles) through the real openai backend (`openai_batch.request_body`: the body the
sync path sends) and counts, per article, minus the article's own tokens:

- `messages_only`: the messages' contents;
- `with_schema`: the contents and the tool definition (its JSON, as the Qwen template and the
  bench's characters / 4 both take it);
- `chat_template`: the whole prompt as the model's chat template renders it (llama.cpp's
  `/apply-template`: role markers and Qwen's tool preamble included);
- `static_prefix`: the tokens the rendered prompts of two different articles share at the
  start: what a provider's automatic prompt caching can reuse (system prompt and schema);
  `uncached` is `chat_template` less it: the per-article tokens beyond the article.

Each by the Qwen2.5 tokenizer of the embedded model (`backends.tokens`; characters / 4 only
when no model file exists, and the output says which), for the first article and as the median
over `--articles`, next to `bench_daily.prompt_overhead`'s characters / 4 (the first article:
the figure `results.json` reports). Prints a table and writes `benchmarks/tokens_results.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "tokens_results.json"
TARGET = 700
sys.path.insert(0, str(HERE))

from bench_daily import prompt_overhead, settings, write_articles  # noqa: E402


def request(path: Path) -> tuple[Any, dict[str, Any]]:
    """(article, the request body) of one article file, as the openai backend builds it."""
    from summarizer.backends.openai import OpenAIBackend
    from summarizer.backends.openai_batch import request_body
    from summarizer.inputs.sources import discover
    from summarizer.strategies.whole import WholeStrategy

    article = discover([str(path)])[0].load()
    [call] = WholeStrategy().plan(article).calls
    backend = OpenAIBackend(settings("http://127.0.0.1:1/v1"))
    return article, request_body(backend, call.messages, call.response_model)


def schema_part(body: dict[str, Any]) -> Any:
    """What the request carries of the response model: the tools, or the response format."""
    return body.get("tools") or body.get("response_format") or ""


def counted(tokenizer: Any, article: Any, body: dict[str, Any]) -> dict[str, int]:
    """The four figures of one request (see the module doc), in `tokenizer`'s tokens."""
    text = tokenizer.count(article.text)
    messages = sum(tokenizer.count(m["content"]) for m in body["messages"])
    schema = tokenizer.count(json.dumps(schema_part(body)))
    rendered = tokenizer.count(tokenizer.template(body["messages"], body.get("tools")))
    return {
        "messages_only": messages - text,
        "with_schema": messages + schema - text,
        "chat_template": rendered - text,
        "schema": schema,
        "article": text,
    }


def shared_prefix(tokenizer: Any, first: dict[str, Any], second: dict[str, Any]) -> int:
    """Tokens at the start of two articles' rendered prompts that are the same."""
    a, b = (tokenizer.template(x["messages"], x.get("tools")) for x in (first, second))
    n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return int(tokenizer.count(a[:n]))


def measure(size: str | None, n: int) -> dict[str, Any]:
    """Every figure over `n` synthetic articles, medians and the first article's."""
    from summarizer.backends.tokens import tokenizer

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        write_articles(folder, n)
        paths = sorted(folder.iterdir())
        requests = [request(p) for p in paths]
        chars = prompt_overhead(folder)  # bench_daily's own figure: first article, chars / 4
        with tokenizer(size, threads=os.cpu_count() or 1) as t:
            rows = [counted(t, article, body) for article, body in requests]
            prefix = shared_prefix(t, requests[0][1], requests[1][1]) if n > 1 else None
            name = t.name
    median = {k: int(statistics.median(r[k] for r in rows)) for k in rows[0]}
    if prefix is not None:
        median |= {"static_prefix": prefix, "uncached": median["chat_template"] - prefix}
    return {
        "tokenizer": name,
        "articles": n,
        "real": median,
        "real_first": rows[0],
        "chars_div_4": chars,
        "schema_characters": len(json.dumps(schema_part(requests[0][1]))),
        "target_with_schema": TARGET,
        "met": median["with_schema"] <= TARGET,
    }


ROWS = [  # (key, label, in the characters / 4 figure)
    ("messages_only", "messages only", True),
    ("with_schema", "messages + tool schema", True),
    ("chat_template", "chat template (Qwen, tools in)", False),
    ("schema", "tool schema alone", False),
    ("static_prefix", "static prefix (cacheable)", False),
    ("uncached", "beyond the article, uncached", False),
]


def table(result: dict[str, Any]) -> str:
    """The figures as a text table: median, first article, and characters / 4 (first)."""
    real, first, chars = result["real"], result["real_first"], result["chars_div_4"]
    lines = [f"{'tokens beyond the article':<32}{'median':>8}{'first':>8}{'chars/4':>10}"]
    for key, label, estimated in ROWS:
        if key in real:
            row = f"{label:<32}{real[key]:>8}{first.get(key, ''):>8}"
            lines.append(row + (f"{chars[key]:>10}" if estimated else ""))
    return "\n".join(lines)


def main() -> None:
    """Measure, print and write `tokens_results.json`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default=None, help="embedded model whose tokenizer counts")
    parser.add_argument("--articles", type=int, default=5, help="synthetic articles (median)")
    args = parser.parse_args()
    result = measure(args.size, args.articles)
    print(f"tokenizer: {result['tokenizer']}; median over {result['articles']} articles")
    print(table(result))
    verdict = "met" if result["met"] else "missed"
    print(f"target: messages + tool schema <= {TARGET}: {verdict}")
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
