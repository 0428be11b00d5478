"""Benchmark `summarizer daily` against the fake OpenAI server (250 ms per call). Not a test.

    .venv/bin/python benchmarks/bench_daily.py [--n 500] [--naive 100] [--profile]
    .venv/bin/python benchmarks/bench_daily.py --profile-only --n 300   # (b) and its cProfile

One invocation, one process for (a)-(c); the fake server runs in a child process so its CPU
is not counted as ours, and each memory run is a child of its own:

(a) a naive sequential instructor loop, what a user would write, over the first `--naive`
    articles: `instructor.from_openai(OpenAI(...))`, `create(response_model=BriefingDraft)`;
(b) `daily.run_daily` with the real openai backend at concurrency 32, fresh temp cache;
(c) the same run again: answered from the day record (`daily.record`);
(c2) the same run into another folder: no record there, every briefing from the cache;
(c3) (c) with one new article added: a record miss, one model call, the rest cached;
(d) peak RSS of a daily run over 100 and over 2,000 articles (`resource.getrusage`).

Writes `benchmarks/results.json` and prints a table; see benchmarks/README.md for the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
DAY = dt.date(2025, 3, 14)
CONCURRENCY = 32
TARGETS = {  # name: (comparison, bound)
    "ideal_ratio": (">=", 0.90),
    "speedup_vs_naive": (">=", 10.0),
    "cache_speedup": (">=", 100.0),
    "warm_vs_cold": (">=", 100.0),
    "one_new_vs_cold": ("<=", 0.05),
    "overhead_ms_per_article": ("<=", 5.0),
    "rss_growth_mb": ("<", 50.0),
    "prompt_overhead_tokens": ("<=", 700.0),
}

FIRST = [
    "Anna",
    "Boris",
    "Chen",
    "Diego",
    "Emma",
    "Farid",
    "Giulia",
    "Hiroshi",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tariq",
]
LAST = [
    "Kowalski",
    "Varga",
    "Wei",
    "Ramirez",
    "Schultz",
    "Haddad",
    "Rossi",
    "Tanaka",
    "Silva",
    "Okafor",
    "Lindqvist",
    "Novak",
    "Dubois",
    "Moreau",
    "Petrov",
    "Sato",
    "Iyer",
    "Berg",
]
PLACES = [
    ("Geneva", "Swiss"),
    ("Vienna", "Austrian"),
    ("Nairobi", "Kenyan"),
    ("Lima", "Peruvian"),
    ("Hanoi", "Vietnamese"),
    ("Oslo", "Norwegian"),
    ("Accra", "Ghanaian"),
    ("Rome", "Italian"),
]
COUNTRIES = ["Sweden", "Chile", "Japan", "Kenya", "Brazil", "Poland", "Egypt", "Canada", "India"]
FILLER = [
    "Officials said the agenda had been agreed after weeks of preparation by both delegations.",
    "Trade between the two countries has grown steadily over the past decade, customs data show.",
    "Analysts expect the talks to focus on energy supplies, shipping routes and farm exports.",
    "The ministry declined to comment on reports that a joint statement was already drafted.",
    "Opposition lawmakers have criticised the government for moving too slowly on the file.",
    "A previous round of talks ended without agreement on the timetable for tariff cuts.",
    "Diplomats from several neighbouring states are expected to follow the meeting closely.",
    "Business groups welcomed the announcement and urged both sides to reach a quick deal.",
    "The central bank said last week that inflation remained above its target for the year.",
    "Local media reported that security around the venue would be tightened for the visit.",
]  # fmt: skip
MEETING = re.compile(
    r"(Foreign Minister (\w+ \w+) of (\w+) will meet Foreign Minister (\w+ \w+) of (\w+) "
    r"in (\w+) on Thursday to discuss (\w+ \w+)\.)"
)
ARTICLE = re.compile(r"<<<ARTICLE\n(.*)\nARTICLE>>>", re.DOTALL)


def article_text(i: int) -> str:
    """Synthetic news: a headline, filler paragraphs and one meeting sentence (~2,000 chars)."""
    rng = random.Random(i)
    a, b = (f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2))
    ca, cb = rng.sample(COUNTRIES, 2)
    city, adjective = rng.choice(PLACES)
    topic = rng.choice(["grain exports", "border security", "energy prices", "fishing rights"])
    meeting = (
        f"Foreign Minister {a} of {ca} will meet Foreign Minister {b} of {cb} in {city} on "
        f"Thursday to discuss {topic}."
    )
    paragraphs = [" ".join(rng.sample(FILLER, 3)) for _ in range(6)]
    paragraphs.insert(1, f"{meeting} The {adjective} hosts confirmed the date on Monday.")
    return f"{ca} and {cb} ministers to meet in {city} (report {i})\n\n" + "\n\n".join(paragraphs)


def responder(request: dict[str, Any]) -> Any:
    """The fake model: a grounded draft for the meeting sentence of the article it is sent."""
    from summarizer.testing.server import Reply

    user = request["messages"][1]["content"]
    found = MEETING.search(ARTICLE.search(user).group(1))  # type: ignore[union-attr]
    if found is None:
        return Reply(content={"summary": "No meeting.", "meetings": [], "tensions": []})
    sentence, a, ca, b, cb, city, topic = found.groups()
    meeting = {
        "participants": [{"name": a, "country": ca}, {"name": b, "country": cb}],
        "location": {"city": city},
        "when": {"text": "on Thursday"},
        "status": "scheduled",
        "agenda": [topic],
        "evidence": [sentence],
    }
    return Reply(content={"summary": f"{a} meets {b}.", "meetings": [meeting], "tensions": []})


def serve(latency: float) -> None:
    """Child process: serve the responder, print the base URL, stop when stdin closes."""
    from summarizer.testing.server import FakeOpenAIServer

    with FakeOpenAIServer(responder, latency=latency) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()


class Server:
    """The fake server in a child process."""

    def __init__(self, latency: float) -> None:
        command = [sys.executable, __file__, "--serve", "--latency", str(latency)]
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def write_articles(folder: Path, n: int) -> None:
    """`n` synthetic articles as .txt files (the zero-padded name keeps their order)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{i:05d}.txt").write_text(article_text(i), encoding="utf-8")


def settings(base_url: str) -> Any:
    """Settings for the openai backend at the fake server."""
    from summarizer.settings import Settings

    return Settings(backend="openai", base_url=base_url, model="fake", api_key=None)


def naive(base_url: str, folder: Path, n: int) -> float:
    """(a) What a user would write: a loop of instructor calls, one after the other."""
    import instructor
    from openai import OpenAI

    from summarizer.inputs.sources import discover
    from summarizer.pipeline import prompts
    from summarizer.schema import BriefingDraft
    from summarizer.strategies import whole as extract

    client = instructor.from_openai(OpenAI(base_url=base_url, api_key="not-needed"))
    template = prompts.load()
    entries = discover([str(folder)])[:n]
    start = time.perf_counter()
    for entry in entries:
        messages = extract.build_messages(entry.load(), template)
        client.chat.completions.create(
            model="fake", response_model=BriefingDraft, messages=messages
        )
    return time.perf_counter() - start


@contextlib.contextmanager
def phase_timer(phases: dict[str, float]) -> Iterator[None]:
    """Time `daily`'s steps after the model calls (merge, note) by wrapping them in place."""
    from summarizer.daily import run as daily

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[f"{name}_s"] = time.perf_counter() - start

        return wrapper

    saved = {name: getattr(daily, name) for name in ("build_digest", "render_note")}
    for name, fn in saved.items():
        setattr(daily, name, timed(name, fn))
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(daily, name, fn)


def daily_run(base_url: str, folder: Path, out: Path, cache_path: Path) -> dict[str, Any]:
    """(b)/(c) One `run_daily` at concurrency 32: wall and CPU seconds, phases, load average."""
    from summarizer.backends.openai import OpenAIBackend
    from summarizer.daily import record
    from summarizer.daily.run import DailyConfig, run_daily
    from summarizer.inputs.sources import discover
    from summarizer.pipeline import version
    from summarizer.service.cache import Cache

    record.code_stamp.cache_clear()  # hashed once a process: count it, as the CLI pays it
    version.answer_code.cache_clear()  # the same for the cache key's code hash
    entries = discover([str(folder)])
    config = DailyConfig(day=DAY, out=out, concurrency=CONCURRENCY, force=True)
    phases: dict[str, float] = {}
    with Cache(cache_path) as cache, phase_timer(phases):
        cpu, start = time.process_time(), time.perf_counter()
        job = run_daily(entries, OpenAIBackend(settings(base_url)), config, cache=cache)
        report = asyncio.run(job)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    if report.exit_code != 0 or len(report.digest.articles) != len(entries):
        raise SystemExit(f"daily run failed: {[f.error for f in report.digest.failed][:3]}")
    cached = sum(a.cached for a in report.digest.articles)
    timing = {"wall_s": wall, "cpu_s": cpu, "cached": cached, "from_record": report.from_record}
    return timing | phases | {"loadavg": list(os.getloadavg())}


def memory_child(base_url: str, n: int, merge: bool) -> None:
    """Child process: brief `n` articles, print peak RSS in MB.

    Without `merge`, the cross-article merge is replaced by an empty one: its memory is
    transient, bounded by the digest it returns.
    """
    if not merge:
        from summarizer.daily import run as daily

        daily.merge_meetings = daily.merge_tensions = lambda refs: []  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        write_articles(folder, n)
        daily_run(base_url, folder, Path(tmp) / "out", Path(tmp) / "cache.sqlite3")
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)


def peak_rss_mb(base_url: str, n: int, merge: bool) -> float:
    """(d) Peak RSS of a fresh process running daily over `n` articles."""
    command = [sys.executable, __file__, "--memory", str(n), "--base-url", base_url]
    command += ["--memory-merge"] if merge else []
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def prompt_overhead(folder: Path) -> dict[str, int]:
    """Prompt tokens beyond the article in a real request (whole strategy, mode tools).

    Tokens are estimated as the fake server does: characters / 4 (no tokenizer is
    installed). `with_schema` counts the tool definition too, as providers bill it.
    """
    from summarizer.backends.openai import OpenAIBackend
    from summarizer.backends.openai_batch import request_body
    from summarizer.inputs.sources import discover
    from summarizer.strategies.whole import WholeStrategy

    article = discover([str(folder)])[0].load()
    [call] = WholeStrategy().plan(article).calls
    body = request_body(
        OpenAIBackend(settings("http://127.0.0.1:1/v1")), call.messages, call.response_model
    )
    messages = sum(len(m["content"]) for m in body["messages"]) // 4
    schema = len(json.dumps(body.get("tools") or body.get("response_format") or "")) // 4
    text = len(article.text) // 4
    return {
        "messages_only": messages - text,
        "with_schema": messages + schema - text,
        "article": text,
    }


def profile(base_url: str, folder: Path, tmp: Path) -> str:
    """The top of a cProfile of run (b), by own time, and own time per package per article.

    The profiler's clock is the process CPU time, so waiting (the server's latency, other
    processes on the machine) is not counted: the figures are CPU, not wall, time.
    """
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    daily_run(base_url, folder, tmp / "profile-out", tmp / "profile-cache.sqlite3")
    profiler.disable()
    path = tmp / "profile.txt"
    with path.open("w") as f:
        stats = pstats.Stats(profiler, stream=f)
        stats.sort_stats("tottime").print_stats(25)
    n = len(list(folder.iterdir()))
    return path.read_text() + by_package(stats, n)


def package_of(filename: str) -> str:
    """Where a profiled function lives: a site-package, a `summarizer` subpackage, stdlib."""
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if "summarizer" in parts:
        rest = parts[parts.index("summarizer") + 1 :]
        return "summarizer." + rest[0].removesuffix(".py") if len(rest) > 1 else "summarizer"
    return "stdlib." + Path(filename).stem


def by_package(stats: pstats.Stats, n: int) -> str:
    """Own (tottime) CPU per article by package, largest first: which layer costs what.

    A builtin's time (`isinstance`, a regex search, a C validator) goes to its callers' packages.
    """
    totals: dict[str, float] = {}
    entries = stats.stats.items()  # type: ignore[attr-defined]
    for (filename, _, _), (_, _, tottime, _, callers) in entries:
        name = package_of(filename)
        if name == "builtins" and callers:
            for (caller, _, _), (_, _, own, _) in callers.items():
                totals[package_of(caller)] = totals.get(package_of(caller), 0.0) + own
        else:
            totals[name] = totals.get(name, 0.0) + tottime
    rows = sorted(totals.items(), key=lambda kv: -kv[1])[:20]
    lines = [f"own time per article by package (profiled, N={n}; builtins to their callers):"]
    lines += [f"  {name:<28}{seconds / n * 1000:>8.2f} ms" for name, seconds in rows]
    return "\n".join(lines) + "\n"


def calls_only(base_url: str, folder: Path) -> float:
    """CPU seconds of the articles' model calls alone: each article's whole-strategy request
    through `OpenAIBackend.agenerate` (grounding validation included), 32 at a time.
    """
    from summarizer.backends.openai import OpenAIBackend
    from summarizer.inputs.sources import discover
    from summarizer.strategies.whole import WholeStrategy

    strategy, backend = WholeStrategy(), OpenAIBackend(settings(base_url))
    articles = [entry.load() for entry in discover([str(folder)])]
    calls = [(strategy.plan(a).calls[0], {"article": a.text}) for a in articles]

    async def run() -> None:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(call: Any, context: dict[str, Any]) -> None:
            async with gate:
                await backend.agenerate(call.messages, call.response_model, context=context)

        await asyncio.gather(*(one(call, context) for call, context in calls))
        await backend.aclose()

    cpu = time.process_time()
    asyncio.run(run())
    return time.process_time() - cpu


def profile_only(args: argparse.Namespace) -> int:
    """Run (b) alone: CPU per article unprofiled, then again under cProfile (`--profile-only`);
    and the CPU of its model calls alone (`calls_only`).
    """
    with tempfile.TemporaryDirectory() as name, Server(args.latency) as server:
        tmp = Path(name)
        folder = tmp / "articles"
        write_articles(folder, args.n)
        cold = daily_run(server.base_url, folder, tmp / "out", tmp / "cache.sqlite3")
        calls = calls_only(server.base_url, folder)
        profiled = profile(server.base_url, folder, tmp)
    cpu = cold["cpu_s"] / args.n * 1000
    print(f"run (b), N={args.n}: {cpu:.2f} ms CPU per article, {cold['wall_s']:.2f} s wall")
    print(f"model calls alone: {calls / args.n * 1000:.2f} ms CPU per article")
    print(profiled)
    return 0


def figures(raw: dict[str, Any], n: int, naive_n: int, latency: float) -> dict[str, float]:
    """The headline figures from the raw timings."""
    cold, warm, rss = raw["daily_cold"], raw["daily_warm"], raw["rss_mb"]
    one_new = raw["daily_one_new"]
    low, high = sorted(int(k) for k in rss if k.isdigit())
    ideal = n * latency / CONCURRENCY
    return {
        "ideal_ratio": round(ideal / cold["wall_s"], 3),
        "speedup_vs_naive": round((raw["naive_wall_s"] / naive_n) / (cold["wall_s"] / n), 1),
        "cache_speedup": round(cold["wall_s"] / warm["wall_s"], 1),
        "warm_vs_cold": round(cold["wall_s"] / warm["wall_s"], 1),
        "one_new_vs_cold": round(one_new["wall_s"] / cold["wall_s"], 4),
        "overhead_ms_per_article": round(cold["cpu_s"] / n * 1000, 2),
        "rss_growth_mb": round(rss[str(high)] - rss[str(low)], 1),
        "prompt_overhead_tokens": raw["prompt_tokens"]["with_schema"],
    }


def verdicts(found: dict[str, float]) -> dict[str, bool]:
    """Each target met or not."""
    ops = {">=": float.__ge__, "<=": float.__le__, "<": float.__lt__}
    return {k: ops[op](float(found[k]), bound) for k, (op, bound) in TARGETS.items()}


def table(found: dict[str, float], met: dict[str, bool]) -> str:
    """A compact table of figures against targets."""
    rows = [f"{'figure':<26}{'value':>10}  target"]
    for name, (op, bound) in TARGETS.items():
        mark = "ok" if met[name] else "MISS"
        rows.append(f"{name:<26}{found[name]:>10g}  {op} {bound:g}  {mark}")
    return "\n".join(rows)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=500, help="articles for runs (b) and (c)")
    parser.add_argument("--naive", type=int, default=100, help="articles for the naive loop")
    parser.add_argument("--latency", type=float, default=0.25, help="seconds per model call")
    parser.add_argument(
        "--memory-n", type=int, nargs=2, default=[100, 2000], metavar=("LOW", "HIGH")
    )
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of (b)")
    parser.add_argument(
        "--profile-only", action="store_true", help="only (b): CPU per article and its cProfile"
    )
    parser.add_argument("--memory-merge", action="store_true", help="keep the merge in memory runs")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--memory", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, write the results, print the table."""
    args = parse_args(argv)
    if args.serve:
        serve(args.latency)
        return 0
    if args.memory:
        memory_child(args.base_url, args.memory, args.memory_merge)
        return 0
    if args.profile_only:
        return profile_only(args)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as name, Server(args.latency) as server:
        tmp = Path(name)
        folder = tmp / "articles"
        write_articles(folder, args.n)
        raw: dict[str, Any] = {"naive_wall_s": naive(server.base_url, folder, args.naive)}
        cache = tmp / "cache.sqlite3"
        raw["daily_cold"] = daily_run(server.base_url, folder, tmp / "out", cache)
        raw["daily_warm"] = daily_run(server.base_url, folder, tmp / "out", cache)
        raw["daily_warm_articles"] = daily_run(server.base_url, folder, tmp / "out2", cache)
        (folder / f"{args.n:05d}.txt").write_text(article_text(args.n), encoding="utf-8")
        raw["daily_one_new"] = daily_run(server.base_url, folder, tmp / "out", cache)
        low, high = args.memory_n
        rss = {str(n): peak_rss_mb(server.base_url, n, args.memory_merge) for n in (low, high)}
        raw["rss_mb"] = rss | {"merge_included": args.memory_merge}
        raw["prompt_tokens"] = prompt_overhead(folder)
        profiled = profile(server.base_url, folder, tmp) if args.profile else None
    found = figures(raw, args.n, args.naive, args.latency)
    met = verdicts(found)
    results = {
        **found,
        "targets": {k: f"{op} {bound:g}" for k, (op, bound) in TARGETS.items()},
        "met": met,
        "raw": raw,
        "params": {
            "n": args.n,
            "naive_n": args.naive,
            "latency_s": args.latency,
            "concurrency": CONCURRENCY,
            "memory_n": args.memory_n,
        },  # fmt: skip
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "loadavg_at_start": load,
        },  # fmt: skip
        "token_estimate": "characters / 4, as the fake server counts (no tokenizer installed)",
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(found, met))
    print(f"wrote {args.out}")
    if profiled:
        print(profiled)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
