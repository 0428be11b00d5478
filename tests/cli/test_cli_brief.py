"""`summarizer brief`: exit codes, one-line errors, output formats, the cache."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import invoke

from summarizer.testing import FakeOpenAIServer, Reply

TEXT = (
    "Foreign ministers Lena Varga of Hungary and Tomas Brandt of Austria will meet in Vienna "
    "on Friday to discuss gas transit, Varga's office said."
)
DRAFT = {
    "summary": "Two ministers will meet.",
    "meetings": [
        {
            "participants": [{"name": "Lena Varga"}, {"name": "Tomas Brandt"}],
            "location": {"city": "Vienna", "country": "Austria", "venue": None},
            "when": {"text": "Friday", "time": None},
            "status": "scheduled",
            "agenda": ["gas transit"],
            "evidence": [TEXT],
        }
    ],
    "tensions": [],
}


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(f"---\ntitle: Ministers to meet\npublished: 2024-05-08\n---\n{TEXT}\n")
    return path


def _brief(*args: Any, server: FakeOpenAIServer) -> Any:
    return invoke("brief", *args, "--backend", "openai", "--base-url", server.base_url)


def test_json_output_is_a_grounded_briefing(article: Path, fake_server: FakeOpenAIServer) -> None:
    fake_server.set_script([Reply(content=DRAFT)])
    result = _brief(article, "--json", server=fake_server)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    meeting = data["meetings"][0]
    assert meeting["when"] == {
        "text": "Friday",
        "date": "2024-05-10",
        "precision": "day",
        "time": None,
    }
    assert data["source"]["title"] == "Ministers to meet"


def test_second_run_is_served_from_the_cache(article: Path, fake_server: FakeOpenAIServer) -> None:
    fake_server.set_script([Reply(content=DRAFT)])
    assert _brief(article, "--json", server=fake_server).exit_code == 0
    assert _brief(article, "--json", server=fake_server).exit_code == 0
    assert len(fake_server.requests) == 1
    assert _brief(article, "--json", "--no-cache", server=fake_server).exit_code == 0
    assert len(fake_server.requests) == 2


def test_rich_view_and_markdown(article: Path, fake_server: FakeOpenAIServer) -> None:
    fake_server.set_script([Reply(content=DRAFT)])
    view = _brief(article, server=fake_server)
    assert "Lena Varga" in view.stdout and "2024-05-10" in view.stdout
    markdown = _brief(article, "--markdown", server=fake_server)
    assert markdown.stdout.lstrip().startswith("#")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        (b"", "is empty"),
        (b"   \n\t ", "is empty"),
        (b"%PDF-1.7\n\x00\x01", "PDF"),
        (b"caf\xe9 \x01\x02 \xff text", "not valid UTF-8"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    result = invoke("brief", path, "--backend", "fake")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert "Traceback" not in result.output


def test_missing_key_for_hosted_endpoint(article: Path) -> None:
    result = invoke("brief", article, "--backend", "openai")
    assert result.exit_code == 2
    assert "OPENAI_API_KEY" in result.stderr


def test_model_that_never_grounds_exits_3(article: Path, fake_server: FakeOpenAIServer) -> None:
    bad = {**DRAFT, "meetings": [{**DRAFT["meetings"][0], "evidence": ["They signed a treaty."]}]}
    fake_server.set_script([Reply(content=bad)])
    result = _brief(article, "--max-retries", "1", server=fake_server)
    assert result.exit_code == 3
    assert "error:" in result.stderr and "quote not found" in result.stderr
    assert len(fake_server.requests) == 2


def test_one_failed_article_does_not_hide_the_others(
    article: Path, tmp_path: Path, fake_server: FakeOpenAIServer
) -> None:
    second = tmp_path / "b.txt"
    second.write_text(article.read_text())
    bad = {**DRAFT, "meetings": [{**DRAFT["meetings"][0], "evidence": ["They signed a treaty."]}]}
    fake_server.set_script([Reply(content=bad), Reply(content=DRAFT)])
    result = _brief(article, second, "--max-retries", "0", "--no-cache", server=fake_server)
    assert result.exit_code == 3
    assert "Lena Varga" in result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {article}:") and "quote not found" in line
