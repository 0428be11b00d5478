"""The API key never leaks: not in output, logs, --debug tracebacks, reports, recordings or errors.

Every command runs with a sentinel key against the fake server (successes and failures, some
of which echo the key back in the server's error message); then every byte written under the
test's folder and every captured stream and log record is searched for it.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
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

SENTINEL = "sk-SENTINEL-0123456789"
ECHO = f"Incorrect API key provided: {SENTINEL}"
QUOTE = "Foreign Minister Anna Berg met Tomás Ruiz in Madrid on Monday."
TEXT = f"Berg meets Ruiz\n\n{QUOTE}\n\nThe talks were useful, officials said.\n"
GOOD = {
    "summary": "Berg met Ruiz in Madrid.",
    "meetings": [
        {"participants": [{"name": "Anna Berg"}, {"name": "Tomás Ruiz"}], "evidence": [QUOTE]}
    ],
    "tensions": [],
}
UNGROUNDED = GOOD | {"meetings": [GOOD["meetings"][0] | {"evidence": ["Berg signed a treaty."]}]}
CASE = f"""id: 01-berg
source: "original"
article:
  title: "Berg meets Ruiz"
  published: "2025-03-14"
  text: "{QUOTE}"
expected:
  meetings: []
  tensions: []
"""
FAILURES = {
    "401 echoing the key": Reply(status=401, error=ECHO),
    "400 echoing the key": Reply(status=400, error=ECHO),
    "500 until give-up": Reply(status=500, error=ECHO),
    "ungrounded": Reply(content=UNGROUNDED),
    "refusal": Reply(refusal=True),
}


@pytest.fixture
def sentinel_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The sentinel as OPENAI_API_KEY, one quick transport retry, and tmp_path as the working
    folder (so anything written relative to it is searched too). Set on top of the conftest's
    isolation, which has already cleared every other key, endpoint and backend variable.
    """
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    monkeypatch.setenv("SUMMARIZER_RETRY_MAX_WAIT", "0.01")
    monkeypatch.setenv("SUMMARIZER_TRANSPORT_RETRIES", "1")
    monkeypatch.chdir(tmp_path)


pytestmark = pytest.mark.usefixtures("sentinel_key")


class Seen:
    """Everything the commands printed, plus what they wrote under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.texts: list[str] = []

    def add(self, result: Result) -> Result:
        self.texts += [result.stdout, result.stderr]
        return result

    def leaks(self, caplog: pytest.LogCaptureFixture) -> list[str]:
        found = [f"output #{i}" for i, t in enumerate(self.texts) if SENTINEL in t]
        found += ["log records"] if SENTINEL in caplog.text else []
        for path in self.root.rglob("*"):
            if path.is_file() and SENTINEL.encode() in path.read_bytes():
                found.append(str(path.relative_to(self.root)))
        return found


def _brief(article: Path, server: FakeOpenAIServer, *extra: str) -> list[str]:
    return ["brief", str(article), "--no-cache", *extra, *openai_at(server)]


def test_brief_never_shows_the_key(
    fake_server: FakeOpenAIServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    seen = Seen(tmp_path)
    for debug in ([], ["--debug"]):
        fake_server.set_script([GOOD])
        ok = seen.add(invoke(*_brief(article, fake_server, "--json", *debug)))
        assert ok.exit_code == 0, ok.output
        for name, reply in FAILURES.items():
            fake_server.set_script([reply])
            failed = seen.add(invoke(*_brief(article, fake_server, *debug)))
            assert failed.exit_code in (2, 3), name
            assert "Traceback" in failed.stderr if debug else "error: " in failed.stderr
    assert fake_server.requests[0] and len(fake_server.requests) > 10
    assert seen.leaks(caplog) == []


def test_brief_writes_nothing_but_its_cache(fake_server: FakeOpenAIServer, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    for script in ([GOOD], [Reply(status=500)]):
        fake_server.set_script(script)
        invoke(*_brief(article, fake_server, "--json"))
    assert sorted(tmp_path.rglob("*")) == before
    invoke("brief", article, "--json", *openai_at(fake_server))
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p not in before)
    assert written and all(p.is_relative_to(tmp_path / "cache") for p in written)


def test_eval_record_replay_and_daily_write_no_key(
    fake_server: FakeOpenAIServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cases, folder = tmp_path / "cases", tmp_path / "articles"
    cases.mkdir()
    (cases / "01-berg.yaml").write_text(CASE, encoding="utf-8")
    folder.mkdir()
    (folder / "01-good.txt").write_text(TEXT, encoding="utf-8")
    (folder / "02-bad.txt").write_text("FAIL\n\n" + TEXT, encoding="utf-8")
    fake_server.set_script(
        lambda body: Reply(status=500, error=ECHO) if "FAIL" in str(body) else Reply(content=GOOD)
    )
    seen = Seen(tmp_path)
    record = ["eval", "--cases", cases, "--record", tmp_path / "rec", "--debug"]
    recorded = seen.add(invoke(*record, "--out", tmp_path / "r1", *openai_at(fake_server)))
    assert recorded.exit_code == 0, recorded.output
    assert any((tmp_path / "rec").iterdir()) and (tmp_path / "r1" / "report.json").is_file()
    replay = ["eval", "--cases", cases, "--replay", tmp_path / "rec", "--out", tmp_path / "r2"]
    assert seen.add(invoke(*replay)).exit_code == 0
    daily = ["daily", str(folder), "--date", "2025-03-14", "--out", str(tmp_path / "notes"),
             "--debug", *openai_at(fake_server)]  # fmt: skip
    ran = seen.add(invoke(*daily))
    assert ran.exit_code == 4, ran.output  # the 500 article failed and is listed in the note
    assert "HTTP 500" in (tmp_path / "notes" / "2025-03-14.md").read_text()
    fake_server.set_script([Reply(status=401, error=ECHO)])  # a rejected key stops the run
    stopped = seen.add(invoke(*daily, "--no-cache", "--force"))
    assert stopped.exit_code == 2 and "API key rejected" in stopped.stderr
    assert seen.leaks(caplog) == []


@pytest.mark.parametrize("reply", list(FAILURES))
def test_errors_never_carry_the_key(reply: str, fake_server: FakeOpenAIServer) -> None:
    settings = Settings(backend="openai", base_url=fake_server.base_url, model="fake",
                        transport_retries=1, retry_max_wait=0.01)  # fmt: skip
    assert settings.api_key is not None and settings.api_key.get_secret_value() == SENTINEL
    backend = OpenAIBackend(settings)
    fake_server.set_script([FAILURES[reply]])
    with pytest.raises(SummarizerError) as caught:
        WholeStrategy().run(load_text(TEXT), backend)
    backend.close()
    error: Any = caught.value
    shown = [str(error), repr(error), error.one_line(), str(error.hint), repr(vars(error))]
    shown += [repr(settings), settings.model_dump_json(), repr(backend), str(backend.fingerprint())]
    assert not [s for s in shown if SENTINEL in s]


def test_debug_logging_in_a_real_process_never_shows_the_key(
    fake_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    """`--debug` configures logging for real only outside pytest's log capture: run a process."""
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    env = os.environ | {"OPENAI_API_KEY": SENTINEL}
    outputs = []
    for script in ([GOOD], [Reply(status=401, error=ECHO)], [Reply(status=500, error=ECHO)]):
        fake_server.set_script(script)
        args = _brief(article, fake_server, "--json", "--debug")
        done = subprocess.run(
            [sys.executable, "-c", "from summarizer.cli.app import main; main()", *args],
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )  # fmt: skip
        outputs.append(done.stdout + done.stderr)
    assert "DEBUG" in outputs[0]  # debug logging really was on
    assert "Traceback" in outputs[1] and "Traceback" in outputs[2]
    assert [i for i, text in enumerate(outputs) if SENTINEL in text] == []


# --- atomic output: reports and notes are written via a temp file and a rename -------------------


def _failing_replace(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make `os.replace` fail as a full disk would; return the targets it was asked for."""
    calls: list[str] = []

    def replace(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", replace)
    return calls


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


@pytest.mark.parametrize("module", ["summarizer.daily.outputs", "summarizer.evals.report"])
def test_atomic_write_leaves_the_old_file_and_no_temp_file(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from summarizer.errors import OutputError

    atomic_write = importlib.import_module(module).atomic_write
    target = tmp_path / "out" / "2025-03-14.md"
    atomic_write(target, "old note\n")
    calls = _failing_replace(monkeypatch)
    with pytest.raises(OutputError, match=f"cannot write {target}"):
        atomic_write(target, "new note, " * 10_000)
    assert calls == [str(target)]
    assert target.read_text() == "old note\n" and _leftovers(tmp_path) == []


def test_daily_with_a_failing_rename_keeps_the_old_note(
    fake_server: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_TRANSPORT_RETRIES", "5")  # a busy machine may drop one
    folder, out = tmp_path / "articles", tmp_path / "notes"
    folder.mkdir()
    (folder / "01.txt").write_text(TEXT, encoding="utf-8")
    fake_server.set_script([GOOD])
    args = ["daily", str(folder), "--date", "2025-03-14", "--out", str(out), "--no-cache",
            *openai_at(fake_server)]  # fmt: skip
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    before = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.endswith(".jsonl")}
    _failing_replace(monkeypatch)
    result = invoke(*args, "--force")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith(f"error: cannot write {out}/2025-03-14.")
    assert result.stderr.splitlines()[-1].endswith(": No space left on device")
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.endswith(".jsonl")}
    assert after == before and _leftovers(out) == []


def test_eval_with_a_failing_rename_writes_no_partial_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases, preds, out = tmp_path / "cases", tmp_path / "preds", tmp_path / "report"
    cases.mkdir()
    preds.mkdir()
    (cases / "01-berg.yaml").write_text(CASE, encoding="utf-8")
    (preds / "01-berg.json").write_text('{"meetings": [], "tensions": []}')
    _failing_replace(monkeypatch)
    result = invoke("eval", "--cases", cases, "--predictions", preds, "--out", out)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.startswith(f"error: cannot write {out}/report.json: ")
    assert result.stderr.count("\n") == 1
    assert list(out.iterdir()) == []


# --- credentials in --base-url: used for the connection, never shown or stored ------------------

URL_PASSWORD = "pw-URL-SENTINEL-4242"
URL_USER = "alice-USER-SENTINEL"


def _with_userinfo(server: FakeOpenAIServer) -> str:
    return server.base_url.replace("http://", f"http://{URL_USER}:{URL_PASSWORD}@")


def _url_flags(server: FakeOpenAIServer) -> list[str]:
    return ["--backend", "openai", "--base-url", _with_userinfo(server), "--model", "fake"]


def _url_leaks(root: Path, texts: list[str]) -> list[str]:
    """Where the URL's userinfo shows: captured texts by number, files under `root` by path."""
    found = [f"output #{i}" for i, t in enumerate(texts) if URL_PASSWORD in t or URL_USER in t]
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if URL_PASSWORD.encode() in data or URL_USER.encode() in data:
                found.append(str(path.relative_to(root)))
    return found


def test_base_url_userinfo_is_never_shown_or_stored(
    fake_server: FakeOpenAIServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "01-berg.yaml").write_text(CASE, encoding="utf-8")
    texts: list[str] = []
    exits = {200: 0, 500: 3, 404: 2, 401: 2, 400: 3}
    for status, code in exits.items():
        for debug in ([], ["--debug"]):
            fake_server.set_script([GOOD if status == 200 else Reply(status=status)])
            args = ["brief", article, "--no-cache", "--json", *debug]
            done = invoke(*args, *_url_flags(fake_server))
            texts += [done.stdout, done.stderr]
            assert done.exit_code == code, (status, done.output)
    fake_server.set_script([Reply(status=500)])
    failed = invoke("brief", article, "--no-cache", *_url_flags(fake_server))
    masked = fake_server.base_url.replace("http://", "http://***@")
    assert failed.stderr == f"error: HTTP 500 at {masked} (gave up after 2 attempts)\n"
    fake_server.set_script([GOOD])
    record = ["eval", "--cases", cases, "--record", tmp_path / "rec", "--out", tmp_path / "r1"]
    recorded = invoke(*record, *_url_flags(fake_server))
    assert recorded.exit_code == 0, recorded.output
    replay = ["eval", "--cases", cases, "--replay", tmp_path / "rec", "--out", tmp_path / "r2"]
    replayed = invoke(*replay)
    assert replayed.exit_code == 0, replayed.output
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "01-good.txt").write_text(TEXT, encoding="utf-8")
    (folder / "02-bad.txt").write_text("FAIL\n\n" + TEXT, encoding="utf-8")
    fake_server.set_script(
        lambda body: Reply(status=500) if "FAIL" in str(body) else Reply(content=GOOD)
    )
    daily = ["daily", folder, "--date", "2025-03-14", "--out", tmp_path / "notes", "--debug"]
    ran = invoke(*daily, *_url_flags(fake_server))
    assert ran.exit_code == 4, ran.output  # the 500 article failed and is listed in the note
    note = (tmp_path / "notes" / "2025-03-14.md").read_text()
    assert "HTTP 500 at http://" in note and "@127.0.0.1:" in note  # masked (and escaped)
    texts += [failed.stderr, recorded.output, replayed.output, ran.output, caplog.text]
    report = json.loads((tmp_path / "r1" / "report.json").read_text())
    assert report["fingerprint"]["base_url"] == fake_server.base_url.split("/")[2]
    assert _url_leaks(tmp_path, texts) == []


def test_base_url_credentials_are_sent_as_basic_auth(
    fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64

    import httpx2  # the http client openai 3 speaks through

    sent: list[str | None] = []
    real = httpx2.HTTPTransport.handle_request

    def spy(self: httpx2.HTTPTransport, request: httpx2.Request) -> httpx2.Response:
        sent.append(request.headers.get("authorization"))
        return real(self, request)

    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", spy)
    settings = Settings(backend="openai", base_url=_with_userinfo(fake_server), model="fake")
    backend = OpenAIBackend(settings)
    fake_server.set_script([GOOD])
    WholeStrategy().run(load_text(TEXT), backend)
    backend.close()
    token = base64.b64encode(f"{URL_USER}:{URL_PASSWORD}".encode()).decode()
    assert sent == [f"Basic {token}"]
    assert URL_PASSWORD not in repr(backend) + str(backend.fingerprint())


def test_debug_logging_in_a_real_process_never_shows_url_userinfo(
    fake_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    outputs = []
    for script in ([GOOD], [Reply(status=500)], [Reply(status=404, code="model_not_found")]):
        fake_server.set_script(script)
        args = ["brief", str(article), "--no-cache", "--json", "--debug", *_url_flags(fake_server)]
        done = subprocess.run(
            [sys.executable, "-c", "from summarizer.cli.app import main; main()", *args],
            capture_output=True, text=True, env=dict(os.environ), timeout=60, check=False,
        )  # fmt: skip
        outputs.append(done.stdout + done.stderr)
    assert "DEBUG" in outputs[0] and "Traceback" in outputs[1]
    assert _url_leaks(tmp_path, outputs) == []
