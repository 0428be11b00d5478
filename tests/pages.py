"""The pages the browser tests open and `make screenshots` shoots, each made by the CLI with no
model: the brief page of a bundled article, the daily page of the bundled day, the eval report
of a small gold suite.

Each builder writes its page under a given folder and returns it with what the page must show
(the Briefing, or the digest, or the cases), so a test can check the DOM against the data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builders import (
    EXAMPLES,
    GOLD_ARTICLE,
    ROOT,
    Gold,
    briefing,
    gold_briefing,
    invoke,
    meeting,
    openai_at,
    responder,
)
from click.testing import Result

from summarizer.evals.cases import GoldCase
from summarizer.inputs.loaders import load
from summarizer.schema import Briefing, Participant, Quote, When
from summarizer.testing.server import FakeOpenAIServer, Reply

# examples/articles/01: two meetings on one day and the dispute behind them; every quote is
# verbatim from the article (the whole strategy's answer, as the fake server gives it).
GENERALS = ROOT / "examples" / "articles" / "01-generals-thursday.txt"
GENERALS_DRAFT: dict[str, Any] = {
    "summary": (
        "The military chiefs of Hollmark and Kovalia will meet in Tarsis on Thursday; their "
        "foreign ministers meet the same day in Puerto Alba."
    ),
    "meetings": [
        {
            "participants": [
                {"name": "Ingrid Sandvik", "title": "General", "country": "Hollmark"},
                {"name": "Viktor Olshansky", "aliases": ["Olshanskiy"], "title": "General",
                 "country": "Kovalia"},
            ],
            "location": {"city": "Tarsis"},
            "when": {"text": "on Thursday"},
            "status": "scheduled",
            "agenda": ["air safety rules", "advance notice of military exercises"],
            "evidence": [
                "General Ingrid Sandvik, Hollmark's chief of defence, and General Viktor "
                "Olshansky, chief of the Kovalian General Staff, will discuss air safety rules",
            ],
        },
        {
            "participants": [
                {"name": "David Achterberg", "title": "Foreign Minister", "country": "Hollmark"},
                {"name": "Ruslan Dzhabarov", "title": "Foreign Minister", "country": "Kovalia"},
            ],
            "location": {"city": "Puerto Alba"},
            "when": {"text": "On the same day"},
            "status": "scheduled",
            "agenda": ["airspace violations"],
            "evidence": [
                "Hollmark's Foreign Minister David Achterberg is set to meet Kovalian Foreign "
                "Minister Ruslan Dzhabarov on the sidelines of a Group of 20 foreign ministers' "
                "meeting",
            ],
        },
    ],
    "tensions": [
        {
            "parties": ["Hollmark", "Kovalia"],
            "issue": "airspace incursions",
            "evidence": ["Hollmark has lodged three formal protests over the January incursions"],
        }
    ],
}  # fmt: skip


# --- building the pages ---------------------------------------------------------------------


def run_cli(tmp: Path, *args: object) -> Result:
    """`summarizer ARGS` in-process, in a thread of its own, with `cli_env(tmp)`.

    A started playwright marks an asyncio loop as running in the thread that started it (its
    sync API runs on a greenlet), so `asyncio.run` in `summarizer daily` would refuse to run
    there; a fresh thread has no loop.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(invoke, *args, env=cli_env(tmp)).result()


def cli_env(tmp: Path) -> dict[str, str | None]:
    """The environment of a page's CLI run: nothing of the shell's summarizer or OpenAI
    settings (keys, endpoints, models), a cache under `tmp`.
    """
    shell = {name: None for name in os.environ if name.startswith(("SUMMARIZER_", "OPENAI_"))}
    return {**shell, "SUMMARIZER_CACHE_DIR": str(tmp / "cache")}


def shown(path: Path) -> Path:
    """`path` as the CLI should be given it: relative to the checkout when run from there, so
    a page (and a screenshot of it) shows `examples/...`, not this machine's folders.
    """
    return path.relative_to(ROOT) if Path.cwd() == ROOT else path


@dataclass
class BriefPage:
    """`summarizer brief GENERALS --html` and what it must show."""

    path: Path
    text: str  # the article text the briefing's offsets are into
    briefing: Briefing


def brief_page(out: Path) -> BriefPage:
    """Brief `GENERALS` with the fake server answering `GENERALS_DRAFT`: the page, its data."""
    out.mkdir(parents=True, exist_ok=True)
    page = out / "brief.html"
    with _server(lambda _request: Reply(content=GENERALS_DRAFT)) as server:
        flags = [shown(GENERALS), *openai_at(server)]
        made = run_cli(out, "brief", *flags, "--html", page)
        assert made.exit_code == 0, made.output
        data = run_cli(out, "brief", *flags, "--json")  # the same, from the cache
        assert data.exit_code == 0, data.output
    assert len(server.requests) == 1, "the --json run should have come from the cache"
    return BriefPage(page, load(str(GENERALS)).text, Briefing.model_validate_json(data.stdout))


@dataclass
class DailyPage:
    """`summarizer daily examples/daily --html` and what it must show."""

    path: Path
    digest: dict[str, Any]  # DATE.digest.json: the merged meetings and tensions, the sources
    briefings: dict[int, Briefing]  # each source's briefing (from DATE.jsonl), by its number


DAY = "2025-03-14"


def daily_page(out: Path) -> DailyPage:
    """The bundled day (`examples/daily`, its feed too) with each article's grounded draft."""
    notes = out / "notes"
    with _server(responder) as server:
        sources = [shown(EXAMPLES), shown(EXAMPLES / "feed.xml")]
        args = ["daily", *sources, "--date", DAY, "--out", notes, "--html", *openai_at(server)]
        made = run_cli(out, *args)
    assert made.exit_code == 0, made.output
    digest = json.loads((notes / f"{DAY}.digest.json").read_text())
    lines = (notes / f"{DAY}.jsonl").read_text().splitlines()
    by_url = {b.source.url: b for b in map(Briefing.model_validate_json, lines)}
    briefings = {a["n"]: by_url[a["url"]] for a in digest["articles"]}
    return DailyPage(notes / f"{DAY}.html", digest, briefings)


@contextlib.contextmanager
def _server(script: Callable[[dict[str, Any]], Reply]) -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer()
    server.set_script(script)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class EvalPage:
    """`summarizer eval --out DIR`'s report.html and what it must show."""

    path: Path
    cases: dict[str, GoldCase]  # by id
    predictions: dict[str, Briefing]  # by case id


def _quote(text: str, words: str) -> Quote:
    start = text.index(words)
    return Quote(text=words, start=start, end=start + len(words))


def _predicted_standard(bonn_status: str = "scheduled") -> Briefing:
    """What a model said about `Gold.standard()`: the Baku meeting right, the Bonn meeting
    (`held` in the gold; `scheduled`, wrong, by default), the tension, each with its evidence
    at its offsets.
    """
    baku, sanctions = gold_briefing().meetings[0], gold_briefing().tensions[0]
    bonn = meeting(
        [Participant(name="Ana Duarte"), Participant(name="Ivan Petrov")],
        When(text="Friday", date=dt.date(2017, 2, 10), precision="day"),
        city="Bonn",
        status=bonn_status,
        evidence=[_quote(GOLD_ARTICLE, "Ana Duarte met Ivan Petrov in Bonn on Friday")],
    )
    baku = baku.model_copy(
        update={"evidence": [_quote(GOLD_ARTICLE, "Joseph Dunford will meet Valery Gerasimov")]}
    )
    sanctions = sanctions.model_copy(
        update={"evidence": [_quote(GOLD_ARTICLE, "at odds over Crimea sanctions")]}
    )
    return briefing([baku, bonn], [sanctions], published=dt.date(2017, 2, 15))


NO_MEETING = "Wheat prices rose in Chicago on Monday as traders weighed the weather in Kansas."


def eval_page(out: Path, bonn_status: str = "scheduled") -> EvalPage:
    """Score stored predictions of two gold cases (`Gold.standard()`, a story with no meeting)."""
    cases, preds, report = out / "cases", out / "preds", out / "report"
    standard, none = Gold.standard(), Gold.case("02-no-meeting", text=NO_MEETING)
    for data in (standard, none):
        Gold.write(cases, data)
    predictions = {
        "01-standard": _predicted_standard(bonn_status),
        "02-no-meeting": briefing(summary="-"),
    }
    preds.mkdir(parents=True)
    for case_id, predicted in predictions.items():
        (preds / f"{case_id}.json").write_text(predicted.model_dump_json())
    args = ["eval", "--cases", cases, "--predictions", preds, "--out", report]
    made = run_cli(out, *args)
    assert made.exit_code == 0, made.output
    parsed = {d["id"]: Gold.parse(d) for d in (standard, none)}
    return EvalPage(report / "report.html", parsed, predictions)


def compare_page(out: Path) -> Path:
    """`eval compare A B --html` of two runs of `eval_page`'s cases: A with the Bonn meeting's
    status wrong, B with it right (status.acc improves, nothing regresses).
    """
    a, b = eval_page(out / "a"), eval_page(out / "b", bonn_status="held")
    page = out / "compare.html"
    reports = [a.path.with_name("report.json"), b.path.with_name("report.json")]
    made = run_cli(out, "eval", "compare", *reports, "--html", page)
    assert made.exit_code == 0, made.output
    return page
