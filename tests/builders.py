"""Shared test data and helpers (not fixtures; those are in conftest.py): paths, the one CLI
helper `invoke`, builders of briefings, meetings and gold cases, and the sample texts and model
answers that more than one test file uses.

`tests/conftest.py` puts this folder on `sys.path`: `from builders import ...` works in every
test folder.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import errno
import os
import re
import textwrap
import threading
from collections.abc import Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml
from click.testing import Result
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.evals.cases import GoldCase, parse_case
from summarizer.evals.predictions import GoldShapePrediction, Predicted
from summarizer.schema import (
    Briefing,
    Location,
    Meeting,
    Participant,
    Provenance,
    Quote,
    Source,
    Tension,
    When,
)
from summarizer.testing.server import FakeOpenAIServer, Reply

# --- paths ----------------------------------------------------------------------------------

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent  # the checkout: pyproject.toml, examples/, evals/
EXAMPLES = ROOT / "examples" / "daily"  # the bundled daily articles and feed
BAD_INPUTS = TESTS / "bad_inputs"  # the bad-input corpus and its manifest.yaml


# --- the command line -----------------------------------------------------------------------


def invoke(
    *args: object, input: str | bytes | None = None, env: Mapping[str, str] | None = None
) -> Result:
    """Run the root `summarizer` app in-process on `args` (each passed through `str`).

    `input` is stdin; stdout and stderr are kept apart (`result.stdout`, `result.stderr`).
    """
    return CliRunner().invoke(app, [str(a) for a in args], input=input, env=env)


def openai_at(server: FakeOpenAIServer) -> list[str]:
    """The flags that point a command at `server`: the openai backend, model `fake`."""
    return ["--backend", "openai", "--base-url", server.base_url, "--model", "fake"]


# --- briefings and meetings -----------------------------------------------------------------


def provenance(**fields: Any) -> Provenance:
    """A `Provenance` of a briefing made by the fake backend; `fields` override."""
    defaults: dict[str, Any] = {
        "prompt_name": "briefing-v1",
        "prompt_hash": "abc",
        "backend": "fake",
        "model": "fake",
        "mode": "fake",
        "created_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    }
    return Provenance(**(defaults | fields))


def briefing(
    meetings: Sequence[Meeting] = (),
    tensions: Sequence[Tension] = (),
    *,
    summary: str = "Two ministers meet.",
    title: str = "T",
    published: dt.date | None = dt.date(2025, 3, 14),
    **source: Any,
) -> Briefing:
    """A valid `Briefing` of `meetings` and `tensions`; `source` adds Source fields (url, ...)."""
    return Briefing(
        source=Source(title=title, published=published, **source),
        summary=summary,
        meetings=list(meetings),
        tensions=list(tensions),
        provenance=provenance(),
    )


def meeting(
    people: Sequence[Participant], when: When | None = None, city: str | None = None, **fields: Any
) -> Meeting:
    """A `Meeting` of `people`, `when` (default: not stated) in `city` (or at `location=`);
    `fields` set the rest.
    """
    fields.setdefault("location", Location(city=city))
    return Meeting(participants=list(people), when=when or When(), **fields)


# --- gold cases -----------------------------------------------------------------------------

GOLD_ARTICLE = (
    "BAKU, Feb 15 - General Joseph Dunford will meet Valery Gerasimov in Baku on Thursday, "
    "officials said. Separately, Ana Duarte met Ivan Petrov in Bonn on Friday. "
    "Russia and the United States remain at odds over Crimea sanctions."
)


class Gold:
    """Builders for gold-shape dicts; `standard()` is the two-meeting case tests perturb."""

    @staticmethod
    def person(
        name: str | None,
        aliases: list[str] | None = None,
        title: str | None = None,
        organization: str | None = None,
        country: str | None = None,
    ) -> dict[str, Any]:
        return {
            "name": name,
            "aliases": aliases or [],
            "title": title,
            "organization": organization,
            "country": country,
        }

    @staticmethod
    def meeting(*people: dict[str, Any], **fields: Any) -> dict[str, Any]:
        location = {"city": None, "country": None, "venue": None} | fields.pop("location", {})
        base = {"date": None, "date_text": None, "status": "scheduled", "agenda": []}
        return {"participants": list(people), "location": location, **base, **fields}

    @classmethod
    def standard(cls) -> dict[str, Any]:
        m1 = cls.meeting(
            cls.person("Joseph Dunford", ["Dunford"], "General", "US military", "United States"),
            cls.person("Valery Gerasimov", ["Gerasimov"], "Chief of Staff", None, "Russia"),
            location={"city": "Baku", "country": "Azerbaijan"},
            date="2017-02-16",
            date_text="Thursday",
            status="scheduled",
            agenda=["military relations", "communication channels"],
        )
        m2 = cls.meeting(
            cls.person("Ana Duarte", ["Duarte"], None, None, "Portugal"),
            cls.person("Ivan Petrov", ["Petrov"], None, None, "Russia"),
            location={"city": "Bonn", "country": "Germany"},
            date="2017-02-10",
            date_text="Friday",
            status="held",
            agenda=["Ukraine"],
        )
        return cls.case(
            meetings=[m1, m2],
            tensions=[{"parties": ["Russia", "United States"], "issue": "Crimea sanctions"}],
        )

    @staticmethod
    def case(
        case_id: str = "01-standard",
        meetings: list[dict[str, Any]] | None = None,
        tensions: list[dict[str, Any]] | None = None,
        optional: list[dict[str, Any]] | None = None,
        text: str = GOLD_ARTICLE,
    ) -> dict[str, Any]:
        return {
            "id": case_id,
            "source": "original",
            "article": {"title": "Generals to meet", "published": "2017-02-15", "text": text},
            "expected": {
                "meetings": meetings or [],
                "tensions": tensions or [],
                "optional_meetings": optional or [],
            },
            "notes": "test case",
        }

    @staticmethod
    def parse(data: dict[str, Any]) -> GoldCase:
        return parse_case(copy.deepcopy(data), "inline.yaml")

    @staticmethod
    def as_prediction(expected: dict[str, Any]) -> Predicted:
        shape = GoldShapePrediction.model_validate(
            {"meetings": expected["meetings"], "tensions": expected["tensions"]}
        )
        return Predicted(meetings=shape.meetings, tensions=shape.tensions)

    @staticmethod
    def write(directory: Path, data: dict[str, Any], name: str | None = None) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name or data['id']}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        return path


def gold_briefing() -> Briefing:
    """A valid Briefing of `GOLD_ARTICLE`: the first standard meeting and the tension."""
    dunford = Participant(name="Joseph Dunford", aliases=["Dunford"], country="United States")
    baku = meeting(
        [dunford, Participant(name="Valery Gerasimov", country="Russia")],
        When(text="Thursday", date=dt.date(2017, 2, 16), precision="day"),
        location=Location(city="Baku", country="Azerbaijan"),
        status="scheduled",
        agenda=["military relations"],
        evidence=[Quote(text="Joseph Dunford will meet Valery Gerasimov")],
    )
    sanctions = Tension(
        parties=["Russia", "United States"],
        issue="Crimea sanctions",
        evidence=[Quote(text="at odds over Crimea sanctions")],
    )
    return briefing([baku], [sanctions], summary="Generals meet.", published=dt.date(2017, 2, 15))


# --- sample texts shared by several test files ----------------------------------------------

# Grounding: text/test_normalize.py, text/test_fold.py, pipeline/test_grounding.py.
MARR_ARTICLE = (
    "ANKARA \u2014 President Recep Tayyip Erdo\u011fan met  Valdonian envoy Ines Marr "
    "on Thursday.\n"
    "\u201cWe agreed  to keep talking,\u201d Marr said \u2013 adding that the\n"
    "border dispute remained open. Farm ministers of the EU will meet in Libya next week.\n"
)

# The staged strategy: strategies/test_staged.py and pipeline/test_finalize.py.
STRAW_TEXT = (
    "Jack Straw, the British foreign secretary, met Sergei Ivanov in Moscow on Monday. "
    "The talks covered Iraq, an aide said.\n\n"
    "Bread prices in the capital rose sharply last year, according to shop owners. "
    "Grain exports fell too, the statistics office said in its monthly report.\n\n"
    "Mr Straw and Ivanov will meet again in London next month, the Foreign Office said."
)

# Stage 3 questions and the places they ask about: strategies/test_staged_questions.py and
# text/test_places.py.
STRAW_VISIT = (
    "Jack Straw, the British foreign secretary, arrived in Moscow on Sunday. "
    "Mr Straw met Sergei Ivanov, the Russian defence minister, on Monday in Moscow. "
    "The talks covered Iraq, an aide said.\n\n"
    "Inflation in Russia rose again in May, the statistics office said. "
    "Bread prices in the capital rose sharply last year, according to shop owners. "
    "Separately, the Velorian interior minister will meet his Castamiri counterpart next week."
)


# --- the examples/daily articles: a grounded model answer for each ---------------------------
# daily/test_run.py, cli/test_cli_daily.py and cli/test_cli_cache.py (via the `examples_server`
# fixture).

OKONKWO = {"name": "Adaeze Okonkwo", "title": "Foreign Minister", "country": "Nigeria"}
LINDQVIST = {"name": "Henrik Lindqvist", "title": "Foreign Minister", "country": "Sweden"}
ARMS = "arms export licences"


def _draft_meeting(people: list[dict[str, Any]], city: str, when: str, status: str, quote: str,
                   agenda: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    return {"participants": people, "location": {"city": city}, "when": {"text": when},
            "status": status, "agenda": agenda or [], "evidence": [quote]}  # fmt: skip


def _draft_tension(parties: list[str], issue: str, quote: str) -> dict[str, Any]:
    return {"parties": parties, "issue": issue, "evidence": [quote]}


# Keyed by a phrase only that article contains; every quote is verbatim from it.
DRAFTS: dict[str, dict[str, Any]] = {
    "Palais des Nations": {"summary": "Nigeria and Sweden will hold talks in Geneva.", "meetings": [
        _draft_meeting([OKONKWO, LINDQVIST], "Geneva", "on Monday", "scheduled",
                 "Nigerian Foreign Minister Adaeze Okonkwo will meet Swedish Foreign Minister "
                 "Henrik Lindqvist in Geneva on Monday",
                 ["grain shipments through the Gulf of Guinea", "Sahel stabilisation mission"])],
        "tensions": [_draft_tension(["Nigeria", "Sweden"], f"Swedish {ARMS}",
                              "Nigeria and Sweden remain at odds over Swedish arms export "
                              "licences")]},
    "the real test is trust": {"summary": "An analysis of the Geneva talks.", "meetings": [
        _draft_meeting([{"name": "Adaeze Okonkwo", "country": "Nigeria"},
                  {"name": "Henrik Lindquist", "country": "Sweden"}], "Geneva", "on Tuesday",
                 "scheduled", "When Adaeze Okonkwo sits down with Henrik Lindquist in Geneva on "
                 "Tuesday, grain will top the agenda", ["grain", "maritime security"])],
        "tensions": [_draft_tension(["Sweden", "Nigeria"], f"suspension of {ARMS}",
                              "The dispute over Sweden's suspension of arms export licences to "
                              "Nigeria still hangs over the relationship.")]},
    "Chilean President": {"summary": "World news in brief.", "meetings": [
        _draft_meeting([{"title": "foreign minister", "country": "Sweden"},
                  {"name": "Adaeze Okonkwo", "country": "Nigeria"}], "Geneva", "on Monday",
                 "scheduled", "Sweden's foreign minister will hold talks with Nigeria's Adaeze "
                 "Okonkwo in Geneva on Monday", ["port inspections"])]},
    "second round of talks": {"summary": "A second round is planned.", "meetings": [
        _draft_meeting([OKONKWO, LINDQVIST], "Geneva", "on March 24", "scheduled",
                 "Adaeze Okonkwo and Henrik Lindqvist have agreed to a second round of talks in "
                 "Geneva on March 24", [ARMS])]},
    "EU farm ministers will meet": {"summary": "EU ministers meet Melnyk.", "meetings": [
        _draft_meeting([{"organization": "EU", "title": "farm ministers"},
                  {"name": "Taras Melnyk", "title": "Agriculture Minister", "country": "Ukraine"}],
                 "Brussels", "on Tuesday", "scheduled",
                 "EU farm ministers will meet Ukrainian Agriculture Minister Taras Melnyk in "
                 "Brussels on Tuesday", ["quotas for Ukrainian grain imports"])],
        "tensions": [_draft_tension(["Poland", "Ukraine"], "grain imports",
                              "Poland and Ukraine have clashed for months over grain imports")]},
    "their ministries said": {"summary": "The two ministers will meet.", "meetings": [
        _draft_meeting([OKONKWO, LINDQVIST], "Geneva", "on Monday", "scheduled",
                 "Nigeria's Foreign Minister Adaeze Okonkwo and Sweden's Foreign Minister Henrik "
                 "Lindqvist will meet in Geneva on Monday", ["port inspections"])],
        "tensions": [_draft_tension(["Sweden", "Nigeria"], ARMS,
                              "Relations have been strained by Sweden's suspension of arms "
                              "export licences to Nigeria in January")]},
    "Haruto Sato": {"summary": "Japan and India leaders met.", "meetings": [
        _draft_meeting([{"name": "Haruto Sato", "title": "Prime Minister", "country": "Japan"},
                  {"name": "Meera Iyer", "title": "Prime Minister", "country": "India"}],
                 "Tokyo", "on Wednesday", "held", "Japanese Prime Minister Haruto Sato met Indian "
                 "Prime Minister Meera Iyer in Tokyo on Wednesday")]},
    "Dragan Petrovic": {"summary": "Vienna talks were cancelled.", "meetings": [
        _draft_meeting([{"name": "Dragan Petrovic", "country": "Serbia"},
                  {"name": "Arben Krasniqi", "country": "Kosovo"}], "Vienna", "for Saturday",
                 "cancelled", "Talks between Serbian President Dragan Petrovic and Kosovo Prime "
                 "Minister Arben Krasniqi planned for Saturday in Vienna have been cancelled")]},
}  # fmt: skip


def article_of(request: dict[str, Any]) -> str:
    """The article text inside the rendered user prompt."""
    user = request["messages"][-1]["content"]
    found = re.search(r"<<<ARTICLE\n(.*)\nARTICLE>>>", user, re.DOTALL)
    assert found, user
    return found.group(1)


def responder(request: dict[str, Any]) -> Reply:
    """A grounded draft for whichever example article the request carries."""
    text = article_of(request)
    key = next((k for k in DRAFTS if k in text), None)
    return Reply(content=DRAFTS[key] if key else {"summary": "Nothing.", "meetings": []})


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (timeout, size limit, refused redirect) is expected."""


@contextlib.contextmanager
def serve_local(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 with a free port, in a background thread: its URL."""
    server = LocalServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Pick(BaseModel):
    """A city named in the article: a response model whose validator reads the context."""

    model_config = ConfigDict(extra="forbid")

    city: str

    @field_validator("city")
    @classmethod
    def _in_article(cls, value: str, info: ValidationInfo) -> str:
        if value not in (info.context or {}).get("article", ""):
            raise ValueError(f"{value!r} is not in the article")
        return value


@contextlib.contextmanager
def disk_full(monkeypatch: Any, suffix: str = ".jsonl.partial") -> Iterator[None]:
    """Inside the block, every write the daily outputs make to a file whose name ends with
    `suffix` fails with ENOSPC (a full disk); other writes go through.
    """
    from summarizer.daily import outputs

    real = os.write

    def full(fd: int, data: Any) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(suffix):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(outputs.os, "write", full)
    try:
        yield
    finally:
        monkeypatch.setattr(outputs.os, "write", real)


def hard_wrap(text: str, width: int = 65, indent: str = "    ") -> str:
    """`text` as newswire and plain-text feeds carry it: each line of `text` a paragraph,
    wrapped at `width` columns at spaces, its first line indented.
    """
    paragraphs = [line for line in text.split("\n") if line.strip()]
    lines = (
        textwrap.fill(p, width, initial_indent=indent, break_on_hyphens=False) for p in paragraphs
    )
    return "\n".join(lines) + "\n"
