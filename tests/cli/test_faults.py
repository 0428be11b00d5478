"""Endpoint faults end to end: `summarizer brief --backend openai` against the fake server.

tests/backends/test_openai.py checks the backend's retry loops one fault at a time; here each
fault goes through the whole CLI: the request count (transport retries vs. re-asks), a bounded
wall time, the exit code and the exact one-line error. Then `daily` with a different fault per
article: each faulty article is reported and the others complete.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from builders import invoke, openai_at
from click.testing import Result

from summarizer.backends.openai import OpenAIBackend
from summarizer.errors import SummarizerError
from summarizer.inputs.loaders import load_text
from summarizer.settings import Settings
from summarizer.strategies.whole import WholeStrategy
from summarizer.testing.server import FakeOpenAIServer, Reply

ARTICLE_TEXT = (
    "Berg and Ruiz meet in Madrid\n\n"
    "Foreign Minister Anna Berg met her Spanish counterpart Tomás Ruiz in Madrid on Monday to "
    "discuss fishing quotas.\n\nThe two ministers described the talks as useful.\n"
)
EVIDENCE = (
    "Foreign Minister Anna Berg met her Spanish counterpart Tomás Ruiz in Madrid on Monday to "
    "discuss fishing quotas."
)
GOOD = {
    "summary": "Anna Berg met Tomás Ruiz in Madrid.",
    "meetings": [
        {"participants": [{"name": "Anna Berg"}, {"name": "Tomás Ruiz"}], "evidence": [EVIDENCE]}
    ],
    "tensions": [],
}
UNGROUNDED = {
    "summary": "Berg met Ruiz.",
    "meetings": [
        {
            "participants": [{"name": "Anna Berg"}, {"name": "Tomás Ruiz"}],
            "evidence": ["Berg and Ruiz agreed a new quota deal in Madrid."],
        }
    ],
    "tensions": [],
}
TRANSPORT_TRIES = 6  # Settings.transport_retries (5) + 1
ANSWERS = 3  # Settings.max_retries (2) + 1
# The conftest's isolation sets SUMMARIZER_RETRY_MAX_WAIT=0.05: the wall-time bounds below rely
# on it.


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE_TEXT, encoding="utf-8")
    return path


def brief(server: FakeOpenAIServer, path: Path, *extra: str) -> tuple[Result, float]:
    """`summarizer brief PATH --json --no-cache` at `server`, and how long it took."""
    start = time.monotonic()
    result = invoke("brief", path, "--json", "--no-cache", *openai_at(server), *extra)
    return result, time.monotonic() - start


def assert_one_line(result: Result, code: int, pattern: str) -> None:
    """Exit `code`, nothing on stdout, stderr one line matching `pattern`, no traceback."""
    assert result.exit_code == code, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert re.fullmatch(pattern, result.stderr.rstrip("\n")), result.stderr


# fault name -> (script, exit code, error line pattern ({url} = base URL), requests, seconds)
FAULTS: dict[str, tuple[list[Any], int, str, int, float]] = {
    "429 without Retry-After": (
        [Reply(status=429)], 3, "error: HTTP 429 at {url} \\(gave up after 6 attempts\\)",
        TRANSPORT_TRIES, 3.0,
    ),
    "500": ([Reply(status=500)], 3, "error: HTTP 500 at {url} \\(gave up after 6 attempts\\)",
            TRANSPORT_TRIES, 3.0),
    "503": ([Reply(status=503)], 3, "error: HTTP 503 at {url} \\(gave up after 6 attempts\\)",
            TRANSPORT_TRIES, 3.0),
    "connection reset": (
        [Reply(drop=True)], 3, "error: connection failed at {url} \\(gave up after 6 attempts\\)",
        TRANSPORT_TRIES, 3.0,
    ),
    "malformed JSON body": (
        [Reply(malformed=True)], 3,
        "error: malformed JSON response at {url} \\(gave up after 6 attempts\\)",
        TRANSPORT_TRIES, 3.0,
    ),
    "invalid tool arguments": (
        [Reply(content='{"summary": "Berg met Ruiz", "meetings": [{"partic')], 3,
        "error: no valid answer after 3 attempts: .*", ANSWERS, 3.0,
    ),
    "finish_reason=length": (
        [Reply(content=GOOD, finish_reason="length")], 3,
        "error: answer cut off at max_tokens=2048 — set SUMMARIZER_MAX_TOKENS higher "
        "\\(e\\.g\\. 4096\\) or shorten the article", 1, 3.0,
    ),
    "content filter": (
        [Reply(finish_reason="content_filter")], 3, "error: fake refused: content filter", 1, 3.0,
    ),
    "refusal": (
        [Reply(refusal="I can't help with that.")], 3,
        "error: fake refused: I can't help with that\\.", 1, 3.0,
    ),
    "ungrounded quotes every time": (
        [UNGROUNDED], 3,
        'error: no valid answer after 3 attempts: <root>: Value error, meetings\\[0\\]\\.evidence'
        '\\[0\\]: quote not found verbatim in the article: "Berg and Ruiz agreed a new quota '
        'deal in Madrid\\." — copy a whole sentence exactly, word for word\\. The closest '
        'sentence in the article is: ".*"',
        ANSWERS, 3.0,
    ),
    "401": (
        [Reply(status=401)], 2,
        "error: API key rejected by 127\\.0\\.0\\.1:\\d+ \\(HTTP 401\\) — check OPENAI_API_KEY, "
        "or pass --base-url for a local server", 1, 3.0,
    ),
    "400": (
        [Reply(status=400, error="response_format is not supported")], 3,
        "error: 127\\.0\\.0\\.1:\\d+ rejected the request: HTTP 400: response_format is not "
        "supported", 1, 3.0,
    ),
}  # fmt: skip


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_gives_one_typed_line(
    fault: str, fake_server: FakeOpenAIServer, article: Path
) -> None:
    script, code, pattern, requests, bound = FAULTS[fault]
    fake_server.set_script(script)
    result, elapsed = brief(fake_server, article)
    assert_one_line(result, code, pattern.replace("{url}", re.escape(fake_server.base_url)))
    assert len(fake_server.requests) == requests
    assert elapsed < bound


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_error_chain_has_no_loop(fault: str, fake_server: FakeOpenAIServer) -> None:
    """A loop in __cause__/__context__ made `--debug` (rich's traceback printer) hang forever."""
    settings = Settings(backend="openai", base_url=fake_server.base_url, model="fake",
                        transport_retries=1, retry_max_wait=0.01)  # fmt: skip
    fake_server.set_script(FAULTS[fault][0])
    backend = OpenAIBackend(settings)
    with pytest.raises(SummarizerError) as caught:
        WholeStrategy().run(load_text(ARTICLE_TEXT), backend)
    backend.close()
    seen: list[BaseException] = []
    link: BaseException | None = caught.value
    while link is not None:  # the chain as traceback printers walk it
        assert all(link is not s for s in seen), f"loop at {type(link).__name__}"
        seen.append(link)
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_with_debug_prints_a_traceback_then_the_line(
    fault: str, fake_server: FakeOpenAIServer, article: Path
) -> None:
    script, code, pattern, _, _ = FAULTS[fault]
    fake_server.set_script(script)
    result, elapsed = brief(fake_server, article, "--debug")
    assert result.exit_code == code and elapsed < 10
    assert "Traceback" in result.stderr and result.stdout == ""
    last = result.stderr.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(pattern.replace("{url}", re.escape(fake_server.base_url)), last)


@pytest.mark.parametrize("fault", ["429 without Retry-After", "500", "connection reset"])
def test_transient_fault_then_success(
    fault: str, fake_server: FakeOpenAIServer, article: Path
) -> None:
    fake_server.set_script([*FAULTS[fault][0], *FAULTS[fault][0], GOOD])
    result, _ = brief(fake_server, article)
    assert result.exit_code == 0, result.output
    briefing = json.loads(result.stdout)
    assert len(fake_server.requests) == 3
    assert briefing["provenance"]["attempts"] == 1  # transport retries are not re-asks


def test_429_retry_after_is_honoured(
    fake_server: FakeOpenAIServer, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_RETRY_MAX_WAIT", "2")
    fake_server.set_script([Reply(status=429, retry_after=0.4), GOOD])
    result, elapsed = brief(fake_server, article)
    assert result.exit_code == 0, result.output
    assert 0.4 <= elapsed < 2.0 and len(fake_server.requests) == 2


def test_read_timeout_is_retried_then_reported_in_bounded_time(
    fake_server: FakeOpenAIServer, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_TIMEOUT", "0.2")
    monkeypatch.setenv("SUMMARIZER_TRANSPORT_RETRIES", "2")
    fake_server.set_script([Reply(delay=1.0)])
    result, elapsed = brief(fake_server, article)
    url = re.escape(fake_server.base_url)
    assert_one_line(result, 3, f"error: timed out at {url} \\(gave up after 3 attempts\\)")
    assert len(fake_server.requests) == 3
    assert elapsed < 3 * 0.2 + 1.5


@pytest.mark.parametrize("retries", [0, 1, 4])
def test_ungrounded_answer_is_asked_exactly_max_retries_plus_one_times(
    retries: int, fake_server: FakeOpenAIServer, article: Path
) -> None:
    fake_server.set_script([UNGROUNDED])
    result, _ = brief(fake_server, article, "--max-retries", str(retries))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"error: no valid answer after {retries + 1} attempts: ")
    assert len(fake_server.requests) == retries + 1
    if retries:  # the re-ask tells the model what was wrong
        assert "quote not found verbatim" in json.dumps(fake_server.requests[1]["messages"])


def test_ungrounded_then_grounded_answer_succeeds(
    fake_server: FakeOpenAIServer, article: Path
) -> None:
    fake_server.set_script([UNGROUNDED, GOOD])
    result, _ = brief(fake_server, article)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["provenance"]["attempts"] == 2


def test_truncation_hint_names_a_setting_that_works(
    fake_server: FakeOpenAIServer, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_MAX_TOKENS", "300")
    fake_server.set_script([Reply(content=GOOD, finish_reason="length")])
    result, _ = brief(fake_server, article)
    assert result.exit_code == 3
    assert "max_tokens=300" in result.stderr and "(e.g. 600)" in result.stderr
    assert fake_server.requests[0]["max_tokens"] == 300


# --- daily: one fault per article, the rest complete --------------------------------------------

DAILY_FAULTS: dict[str, Reply] = {
    "FAULT-500": Reply(status=500),
    "FAULT-DROP": Reply(drop=True),
    "FAULT-LENGTH": Reply(content=GOOD, finish_reason="length"),
    "FAULT-FILTER": Reply(finish_reason="content_filter"),
    "FAULT-UNGROUNDED": Reply(content=UNGROUNDED),
}


def _daily_responder(request: dict[str, Any]) -> Reply:
    prompt = json.dumps(request["messages"])
    for marker, reply in DAILY_FAULTS.items():
        if marker in prompt:
            return reply
    return Reply(content=GOOD)


def test_daily_reports_each_faulty_article_and_completes_the_rest(
    fake_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for n, marker in enumerate(["GOOD-1", *DAILY_FAULTS, "GOOD-2"], 1):
        (folder / f"{n:02d}-{marker.lower()}.txt").write_text(f"{marker}\n\n{ARTICLE_TEXT}")
    (folder / "08-image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    fake_server.set_script(_daily_responder)
    args = ["daily", folder, "--date", "2025-03-14", "--out", out, "--no-cache"]
    start = time.monotonic()
    result = invoke(*args, *openai_at(fake_server))
    assert time.monotonic() - start < 10
    assert result.exit_code == 4, result.output
    assert "Traceback" not in result.output
    digest = json.loads((out / "2025-03-14.digest.json").read_text())
    assert len(digest["articles"]) == 2
    failed = {Path(f["origin"]).name: f["error"] for f in digest["failed"]}
    assert set(failed) == {p.name for p in folder.iterdir()} - {
        "01-good-1.txt", "07-good-2.txt"
    }  # fmt: skip
    assert "HTTP 500" in failed["02-fault-500.txt"]
    assert "connection failed" in failed["03-fault-drop.txt"]
    assert "max_tokens=2048" in failed["04-fault-length.txt"]
    assert "refused" in failed["05-fault-filter.txt"]
    assert "no valid answer after 3 attempts" in failed["06-fault-ungrounded.txt"]
    assert "looks like a PNG image" in failed["08-image.txt"]
    lines = (out / "2025-03-14.jsonl").read_text().splitlines()
    assert len(lines) == 2
    assert "6 failed" in result.stderr
