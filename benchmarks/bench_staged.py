"""Time per article of the staged strategy on the embedded model, next to the hardware limit.
Not a test; run it alone (a second model process on the same cores halves both).

    .venv/bin/python benchmarks/bench_staged.py [--size 1.5b] [--cases 12]

One process, one model:
1. the machine's rates for this model, from llama.cpp's own timings: prefill tokens/s (a
   ~600-token prompt, prompt cache off) and generation tokens/s (128 tokens);
2. a warm-up article that is not timed (the fixed system prompt enters the KV cache once per
   process, as in any run over several articles; no timed article is in the cache);
3. every article of benchmarks/articles/ and `--cases` gold cases of `--from` (evals/cases),
   spread evenly over it: the wall time of
   `StagedStrategy.run` (spaCy analysis included) and its hardware limit, the time a model
   needs just to read the whole article and write the run's own output tokens:
   article tokens / prefill rate + output tokens / generation rate.

Prints a table and writes benchmarks/staged_results.json (median seconds per article, median
ratio time/limit, and the figures of the 600-word article in benchmarks/articles/).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from summarizer.backends.embedded import EmbeddedBackend  # noqa: E402
from summarizer.evals.cases import load_cases  # noqa: E402
from summarizer.pipeline.article import Article  # noqa: E402
from summarizer.settings import Settings  # noqa: E402
from summarizer.strategies.staged import StagedStrategy  # noqa: E402

STAGED = StagedStrategy()

RESULTS = HERE / "staged_results.json"
CALIBRATION = (HERE / "articles" / "600-words-river-commission.txt").read_text()
# Not one of the timed articles: a timed article must not find its own text in the KV cache.
WARM_UP = (
    "Port directors Ana Reis of Velmar and Odd Lunde of Skarn met in Velmar on Monday to "
    "discuss berth fees, the Velmar port authority said on Tuesday."
)


def rates(backend: EmbeddedBackend) -> tuple[float, float]:
    """(prefill, generation) tokens per second, best of three llama.cpp timings."""
    prefill, generation = [], []
    for _ in range(3):
        out = backend.native(
            "/completion",
            {"prompt": CALIBRATION, "n_predict": 128, "cache_prompt": False,
             "ignore_eos": True, "temperature": 0},
        )  # fmt: skip
        timings = out["timings"]
        prefill.append(timings["prompt_per_second"])
        generation.append(timings["predicted_per_second"])
    return max(prefill), max(generation)


def articles(cases: int, folder: str = "evals/cases") -> list[tuple[str, Article]]:
    """The bench articles, then `cases` gold cases of `folder`, spread evenly over it (so a
    sample of the real cases holds both outlets).
    """
    out = [
        (p.stem, Article(text=p.read_text(), origin=p.name))
        for p in sorted((HERE / "articles").glob("*.txt"))
    ]
    found = load_cases(HERE.parent / folder)
    gold = found[:: max(1, len(found) // cases)][:cases] if cases else []
    for case in gold:
        a = case.article
        out.append((case.id, Article(text=a.text, title=a.title, published=a.published)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="1.5b", choices=["1.5b", "0.5b"])
    parser.add_argument("--cases", type=int, default=12, help="gold cases to time")
    parser.add_argument("--from", dest="folder", default="evals/cases", help="cases folder")
    args = parser.parse_args()

    backend = EmbeddedBackend(Settings(embedded_size=args.size))
    prefill, generation = rates(backend)
    print(f"model {backend.model}: prefill {prefill:.1f} tok/s, generation {generation:.1f} tok/s")
    STAGED.run(Article(text=WARM_UP), backend)  # the system prompt enters the KV cache

    rows: list[dict[str, Any]] = []
    for name, article in articles(args.cases, args.folder):
        tokens = len(backend.native("/tokenize", {"content": article.text})["tokens"])
        start = time.perf_counter()
        briefing = STAGED.run(article, backend)
        seconds = time.perf_counter() - start
        output = briefing.provenance.usage.completion_tokens
        limit = tokens / prefill + output / generation
        rows.append(
            {
                "article": name,
                "words": len(article.text.split()),
                "article_tokens": tokens,
                "prompt_tokens": briefing.provenance.usage.prompt_tokens,
                "output_tokens": output,
                "calls": briefing.provenance.attempts,
                "meetings": len(briefing.meetings),
                "seconds": round(seconds, 2),
                "limit_s": round(limit, 2),
                "ratio": round(seconds / limit, 2),
            }
        )
        r = rows[-1]
        print(
            f"{name[:40]:40s} {r['words']:5d} w {tokens:5d} tok {r['calls']:2d} calls "
            f"{seconds:6.1f} s  limit {limit:6.1f} s  ratio {r['ratio']:.2f}"
        )
    backend.close()

    timed = [r for r in rows if r["calls"]]  # articles the model was asked about
    bench = next(r for r in rows if r["article"].startswith("600-words"))
    summary = {
        "command": f"python benchmarks/bench_staged.py --size {args.size} --cases {args.cases}"
        f" --from {args.folder}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "model": backend.model,
        "prefill_tok_s": round(prefill, 1),
        "generation_tok_s": round(generation, 1),
        "articles": len(rows),
        "articles_with_calls": len(timed),
        "median_seconds": round(statistics.median(r["seconds"] for r in timed), 2),
        "median_limit_s": round(statistics.median(r["limit_s"] for r in timed), 2),
        "median_ratio": round(statistics.median(r["ratio"] for r in timed), 2),
        "max_ratio": max(r["ratio"] for r in timed),
        "600_words": {k: bench[k] for k in ("words", "seconds", "limit_s", "ratio", "calls")},
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "rows"}, indent=2))


if __name__ == "__main__":
    main()
