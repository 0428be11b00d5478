"""Bad inputs end to end: `summarizer brief` (and `daily`, `eval`) through typer's CliRunner.

The corpus is `tests/bad_inputs/` (`builders.BAD_INPUTS`) and its `manifest.yaml`; inputs too
big or too dynamic to keep as files (5 MB texts, URLs, configuration) are generated here. Every
error is exactly one `error: ...` line on stderr, nothing on stdout, no traceback, and a
non-zero exit code.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import yaml
from builders import BAD_INPUTS, invoke, serve_local
from click.testing import Result

from summarizer.inputs import loaders as article
from summarizer.testing.server import FakeOpenAIServer, Reply

CORPUS = BAD_INPUTS
MANIFEST: list[dict[str, Any]] = yaml.safe_load((CORPUS / "manifest.yaml").read_text("utf-8"))
DAY = "2025-03-14"


def assert_error(result: Result, code: int, line: str) -> None:
    """Exactly `line` on stderr, nothing on stdout, exit `code`, no traceback anywhere."""
    assert (result.exit_code, result.stderr, result.stdout) == (code, line + "\n", "")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def _id(case: dict[str, Any]) -> str:
    return f"{case.get('command', 'brief')}:{case['file']}:{case['exit']}"


# --- the corpus ---------------------------------------------------------------------------------


def test_corpus_has_at_least_30_cases_with_generated_ones() -> None:
    generated = len(GENERATED) + len(URL_CASES) + 6  # + the config tests at the end
    assert len(MANIFEST) + generated >= 30
    assert all((CORPUS / c["file"]).exists() for c in MANIFEST)


@pytest.mark.parametrize("case", [c for c in MANIFEST if c["exit"] != 0], ids=_id)
def test_corpus_error(case: dict[str, Any], tmp_path: Path) -> None:
    path = CORPUS / case["file"]
    command = case.get("command", "brief")
    if command == "brief":
        result = invoke("brief", path, "--json", "--backend", "fake")
    elif command == "daily":
        result = invoke("daily", path, "--date", DAY, "--out", tmp_path, "--backend", "fake")
    else:
        (tmp_path / "preds").mkdir()
        args = ["--cases", path, "--predictions", tmp_path / "preds", "--out", tmp_path / "o"]
        result = invoke("eval", *args)
        assert not (tmp_path / "o").exists()
    if "stderr" in case:
        assert_error(result, case["exit"], case["stderr"].replace("{path}", str(path)))
    else:  # a run that completes with some articles failed: a summary line, the note written
        assert result.exit_code == case["exit"], result.output
        assert case["stderr_has"] in result.stderr and "Traceback" not in result.output
        assert (tmp_path / f"{DAY}.md").is_file()


@pytest.mark.parametrize("case", [c for c in MANIFEST if c["exit"] == 0], ids=_id)
def test_corpus_works(case: dict[str, Any], fake_server: FakeOpenAIServer) -> None:
    path = CORPUS / case["file"]
    if case.get("backend") == "fake":
        result = invoke("brief", path, "--json", "--backend", "fake")
    else:
        fake_server.set_script([case["reply"]])
        model = ["--backend", "openai", "--base-url", fake_server.base_url, "--model", "fake"]
        result = invoke("brief", path, "--json", *model)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    briefing = json.loads(result.stdout)
    expect = case["expect"]
    for key in ("title", "language"):
        if key in expect:
            assert briefing["source"][key] == expect[key]
    found = [[p["name"] for p in m["participants"]] for m in briefing["meetings"]]
    assert found == expect["participants"]
    for meeting in briefing["meetings"]:
        assert all(q["start"] is not None for q in meeting["evidence"])
    prompt = fake_server.requests[0]["messages"][-1]["content"] if fake_server.requests else ""
    assert all(text in prompt for text in expect.get("prompt_has", []))
    assert not any(text in prompt for text in expect.get("prompt_lacks", []))


# --- generated inputs ---------------------------------------------------------------------------


def _big(tmp_path: Path, name: str, size: int, head: bytes = b"") -> Path:
    path = tmp_path / name
    with path.open("wb") as f:
        f.write(head)
        for _ in range(size // 1_000_000):
            f.write(b"words " * 166_666 + b"word")
    return path


GENERATED: dict[str, tuple[Any, int, str]] = {
    "5 MB text": (
        lambda tmp: _big(tmp, "big.txt", 5_000_000),
        2,
        "error: {path} is 5.0 MB; the limit is 2.0 MB — split it into smaller files",
    ),
    "6 MB text": (  # past the HTML limit too: refused before reading, still with the text limit
        lambda tmp: _big(tmp, "bigger.txt", 6_000_000),
        2,
        "error: {path} is 6.0 MB; the limit is 2.0 MB — split it into smaller files",
    ),
    "3 MB text": (
        lambda tmp: _big(tmp, "three.txt", 3_000_000),
        2,
        "error: {path} is 3.0 MB; the limit is 2.0 MB — split it into smaller files",
    ),
    "6 MB html": (
        lambda tmp: _big(tmp, "big.html", 6_000_000, b"<html><body>"),
        2,
        "error: {path} is 6.0 MB; the limit is 5.0 MB — split it into smaller files",
    ),
    "directory": (
        lambda tmp: tmp,
        2,
        "error: {path} is a directory; pass a file, or use `summarizer daily {path}` for a folder",
    ),
    "missing file": (
        lambda tmp: tmp / "nope.txt",
        2,
        "error: file not found: {path} — check the path",
    ),
}


@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_error(name: str, tmp_path: Path) -> None:
    build, code, line = GENERATED[name]
    path = build(tmp_path)
    result = invoke("brief", path, "--json", "--backend", "fake")
    assert_error(result, code, line.replace("{path}", str(path)))


def test_empty_stdin() -> None:
    result = invoke("brief", "-", "--backend", "fake", input=b"")
    assert_error(result, 2, "error: stdin is empty — pass a file with the article's text")


def test_debug_shows_the_traceback_and_still_ends_with_the_line(tmp_path: Path) -> None:
    result = invoke("brief", tmp_path / "nope.txt", "--backend", "fake", "--debug")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("error: file not found: ")


def test_nothing_is_printed_when_any_input_is_bad(tmp_path: Path) -> None:
    """Every input is read before the first model call: no briefing, then an error."""
    good = CORPUS / "headline-only.txt"
    result = invoke("brief", good, CORPUS / "empty.txt", "--json", "--backend", "fake")
    assert_error(result, 2, f"error: {CORPUS / 'empty.txt'} is empty — pass a file with the "
                 "article's text")  # fmt: skip


# --- URLs, against a local server ---------------------------------------------------------------

HUGE = 50_000_000


class _Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sent: list[int] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Quiet."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path == "/missing":
            self._empty(404)
        elif self.path == "/busy":
            self._empty(503)
        elif self.path.startswith("/loop"):
            self._empty(302, {"Location": f"/loop{len(self.path)}"})
        elif self.path == "/to-file":
            self._empty(302, {"Location": "file:///etc/passwd"})
        elif self.path == "/slow":
            time.sleep(2)
            self._empty(200)
        elif self.path == "/huge-declared":
            self._empty(200, {"Content-Length": str(HUGE)}, length=False)
        elif self.path == "/huge":
            self._stream()

    def _empty(self, code: int, headers: dict[str, str] | None = None, length: bool = True) -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", "0")
        self.end_headers()

    def _stream(self) -> None:
        """50 MB in 64 KiB chunks, never held in memory; stops when the client hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk, sent = b"y" * 65_536, 0
        try:
            while sent < HUGE:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        finally:
            _Site.sent.append(sent)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 (see `builders.serve_local`)."""
    with serve_local(_Site) as url:
        yield url


URL_CASES: dict[str, str] = {
    "/missing": "error: {url} returned HTTP 404 — check the URL",
    "/busy": "error: {url} returned HTTP 503 — the server is busy or failing; try again later",
    "/loop": "error: too many redirects fetching {url} (more than 5) — open the URL in a browser "
    "and pass the final address",
    "/to-file": "error: only http(s) URLs are supported ({url} redirected to file:/etc/passwd) "
    "— pass a file path instead",
    "/slow": "error: {url} timed out after 0.5 s — try again later",
    "/huge": "error: response from {url} exceeds 5.0 MB — save the article as a file and pass "
    "the file instead",
    "/huge-declared": "error: response from {url} exceeds 5.0 MB — save the article as a file "
    "and pass the file instead",
}


@pytest.mark.parametrize("route", list(URL_CASES))
def test_url_error(route: str, site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(article.load.__kwdefaults__, "timeout", 0.5)  # the CLI's fetch timeout
    url = site + route
    start = time.monotonic()
    result = invoke("brief", url, "--json", "--allow-private", "--backend", "fake")
    assert time.monotonic() - start < 2.0
    assert_error(result, 2, URL_CASES[route].replace("{url}", url))


def test_50_mb_stream_is_cut_off_early(site: str) -> None:
    _Site.sent.clear()
    result = invoke("brief", f"{site}/huge", "--allow-private", "--backend", "fake")
    assert result.exit_code == 2
    deadline = time.monotonic() + 5
    while not _Site.sent and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _Site.sent and _Site.sent[0] < 20_000_000  # the client hung up long before 50 MB


def test_non_http_url_scheme() -> None:
    result = invoke("brief", "ftp://example.org/a.txt", "--backend", "fake")
    assert_error(result, 2, "error: only http(s) URLs are supported — pass a file path instead")


# --- configuration: key, model, endpoint, embedded weights ---------------------------------------

ARTICLE = CORPUS / "utf8-bom.txt"


def test_openai_without_key_or_base_url() -> None:
    result = invoke("brief", ARTICLE, "--backend", "openai")
    assert_error(
        result,
        2,
        "error: no API key for https://api.openai.com/v1 — set OPENAI_API_KEY or pass "
        "--base-url for a local server",
    )


def test_unknown_model(fake_server: FakeOpenAIServer) -> None:
    fake_server.set_script([Reply(status=404, code="model_not_found")])
    url = fake_server.base_url
    result = invoke("brief", ARTICLE, "--backend", "openai", "--base-url", url, "--model", "nope")
    assert_error(
        result, 2, f"error: model 'nope' not found at {url} — check --model, and that "
        "--base-url ends in /v1",
    )  # fmt: skip
    assert len(fake_server.requests) == 1


def test_endpoint_down_is_bounded_and_one_line() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    start = time.monotonic()
    result = invoke("brief", ARTICLE, "--backend", "openai", "--base-url", url)
    assert time.monotonic() - start < 5.0
    assert_error(result, 3, f"error: connection refused at {url} (gave up after 6 attempts)")


@pytest.mark.parametrize("backend", ["embedded", "auto"])
def test_embedded_without_weights(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(tmp_path))
    result = invoke("brief", ARTICLE, "--backend", backend)
    weights = tmp_path / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    assert_error(
        result,
        2,
        f"error: The embedded model qwen2.5-coder-1.5b-instruct-q4_k_m (1.5b) is not on disk "
        f"at {weights} — run `summarizer model pull --size 1.5b`",
    )


def test_model_failure_prints_no_partial_json(fake_server: FakeOpenAIServer) -> None:
    fake_server.set_script([Reply(status=500)])
    url = fake_server.base_url
    result = invoke("brief", ARTICLE, "--json", "--backend", "openai", "--base-url", url)
    assert_error(result, 3, f"error: HTTP 500 at {url} (gave up after 6 attempts)")


# --- issue 13: tracebacks and misleading lines ---------------------------------------------------


def test_one_byte_over_the_limit_shows_bytes(tmp_path: Path) -> None:
    path = tmp_path / "over.txt"
    path.write_bytes(b"w" * (article.MAX_BYTES + 1))
    result = invoke("brief", path, "--json", "--backend", "fake")
    assert_error(
        result,
        2,
        f"error: {path} is 2,000,001 bytes; the limit is 2,000,000 bytes — split it into smaller "
        "files",
    )


def test_a_device_is_refused_without_reading_it() -> None:
    start = time.monotonic()
    result = invoke("brief", "/dev/zero", "--json", "--backend", "fake")
    assert time.monotonic() - start < 2
    assert_error(
        result,
        2,
        "error: /dev/zero is not a regular file (a device, FIFO or socket) — pass a text file, "
        "or - to read standard input",
    )


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    start = time.monotonic()
    result = invoke("brief", fifo, "--json", "--backend", "fake")
    assert time.monotonic() - start < 2
    assert_error(
        result,
        2,
        f"error: {fifo} is not a regular file (a device, FIFO or socket) — pass a text file, or "
        "- to read standard input",
    )


def test_reads_are_capped_at_the_limit() -> None:
    """Whatever the size on disk said, no more than the limit (and one byte) is read."""
    import io

    stream = io.BytesIO(b"w" * 10_000)
    with pytest.raises(article.InputError) as info:
        article.read_capped(stream, "growing.txt", 100)
    assert info.value.one_line() == (
        "growing.txt is over the limit of 100 bytes — split it into smaller files"
    )
    assert stream.tell() == 101


CONFIG_CASES: dict[str, tuple[dict[str, str], list[str], str]] = {
    "SUMMARIZER_MAX_RETRIES=abc": (
        {"SUMMARIZER_MAX_RETRIES": "abc"},
        [],
        "error: SUMMARIZER_MAX_RETRIES / --max-retries: 'abc' is not a valid integer — fix the "
        "flag or the environment variable",
    ),
    "SUMMARIZER_BACKEND=bogus": (
        {"SUMMARIZER_BACKEND": "bogus"},
        [],
        "error: SUMMARIZER_BACKEND / --backend: 'bogus' is not one of 'auto', 'openai', "
        "'embedded' or 'fake' — fix the flag or the environment variable",
    ),
    "--max-retries -1": (
        {},
        ["--max-retries", "-1"],
        "error: SUMMARIZER_MAX_RETRIES / --max-retries: -1 is less than 0 — fix the flag or the "
        "environment variable",
    ),
    "SUMMARIZER_ARTICLE_TIMEOUT=0": (
        {"SUMMARIZER_ARTICLE_TIMEOUT": "0"},
        [],
        "error: SUMMARIZER_ARTICLE_TIMEOUT / --article-timeout: 0 is not greater than 0 — fix "
        "the flag or the environment variable",
    ),
}


@pytest.mark.parametrize("name", list(CONFIG_CASES))
def test_bad_setting_is_one_line(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env, flags, line = CONFIG_CASES[name]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = invoke("brief", ARTICLE, "--json", "--backend", "fake", *flags)
    if "--backend" in line:  # the flag would hide the environment variable
        result = invoke("brief", ARTICLE, "--json", *flags)
    assert_error(result, 2, line)


def test_a_tampered_replay_is_one_line(tmp_path: Path, gold: Any) -> None:
    cases, replays = tmp_path / "cases", tmp_path / "replays"
    gold.write(cases, gold.standard())
    replays.mkdir()
    recording = replays / "01-standard.json"
    recording.write_text(json.dumps({"case": "01-standard", "fingerprint": {}, "calls": "xyz"}))
    args = ["--cases", cases, "--replay", replays, "--out", tmp_path / "o"]
    result = invoke("eval", *args, "--backend", "fake")
    assert_error(
        result,
        2,
        f"error: {recording}: not a recording file: calls: Input should be a valid list — "
        "re-record with --record",
    )


def test_a_tampered_replay_entry_is_one_line(tmp_path: Path, gold: Any) -> None:
    cases, replays = tmp_path / "cases", tmp_path / "replays"
    gold.write(cases, gold.standard())
    replays.mkdir()
    recording = replays / "01-standard.json"
    calls = [{"key": {"model": "m"}, "usage": "lots", "attempts": "x"}]
    recording.write_text(json.dumps({"case": "01-standard", "calls": calls}))
    args = ["--cases", cases, "--replay", replays, "--out", tmp_path / "o"]
    result = invoke("eval", *args, "--backend", "fake")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: {recording}: not a recording file: calls[0].")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
