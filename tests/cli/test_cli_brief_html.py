"""`summarizer brief --html FILE` and `--html -`: one self-contained page through the CLI (the
real openai client against the fake server), its evidence at the loaded article's offsets,
written atomically, and hostile articles and answers shown as text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import invoke, openai_at
from htmldom import item_text, parse

from summarizer.inputs.loaders import load
from summarizer.render.html import page_js
from summarizer.schema import Briefing
from summarizer.testing import FakeOpenAIServer, Reply

TEXT = (
    "Foreign ministers Lena Varga of Hungary and Tomas Brandt of Austria will meet in Vienna "
    "on Friday to discuss gas transit, Varga's office said.\n\n"
    "Hungary and Austria have quarrelled over the pipeline's route for a year."
)
MEETING_QUOTE = (
    "Foreign ministers Lena Varga of Hungary and Tomas Brandt of Austria will meet in Vienna "
    "on Friday to discuss gas transit"
)
TENSION_QUOTE = "Hungary and Austria have quarrelled over the pipeline's route"
DRAFT: dict[str, Any] = {
    "summary": "Two ministers will meet.",
    "meetings": [
        {
            "participants": [{"name": "Lena Varga"}, {"name": "Tomas Brandt"}],
            "location": {"city": "Vienna", "country": "Austria", "venue": None},
            "when": {"text": "on Friday", "time": None},
            "status": "scheduled",
            "agenda": ["gas transit"],
            "evidence": [MEETING_QUOTE],
        }
    ],
    "tensions": [
        {"parties": ["Hungary", "Austria"], "issue": "pipeline route", "evidence": [TENSION_QUOTE]}
    ],
}


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(f"---\ntitle: Ministers to meet\npublished: 2024-05-08\n---\n{TEXT}\n")
    return path


def _brief(*args: object, server: FakeOpenAIServer) -> Any:
    return invoke("brief", *args, *openai_at(server))


def test_html_file_has_the_article_with_its_evidence_marked(
    article: Path, tmp_path: Path, fake_server: FakeOpenAIServer
) -> None:
    fake_server.set_script([Reply(content=DRAFT)])
    page = tmp_path / "out" / "brief.html"
    result = _brief(article, "--html", page, server=fake_server)
    assert result.exit_code == 0, result.output
    assert "Lena Varga" in result.stdout  # the usual view still goes to the terminal
    assert f"wrote {page}" in result.stderr
    doc = parse(page.read_text(encoding="utf-8"))
    loaded = load(str(article)).text  # the text the quotes' offsets refer to
    (body,) = doc.find_all("div", **{"class": "article-text"})
    assert body.text == loaded
    assert item_text(body, "m1") == MEETING_QUOTE and item_text(body, "t1") == TENSION_QUOTE
    assert doc.find_all("title")[0].text == "Ministers to meet"
    row = doc.find_all("tr", data_target="m1")[0]
    assert "“on Friday” → Fri 2024-05-10" in " ".join(row.text.split())
    footer = " ".join(doc.find_all("footer")[0].text.split())
    assert "Modelfake (openai, tools)" in footer and "Strategywhole" in footer

    # the offsets stored in the briefing are those of the marks, in the loaded text
    data = Briefing.model_validate_json(_brief(article, "--json", server=fake_server).stdout)
    quote = data.meetings[0].evidence[0]
    assert quote.start is not None and loaded[quote.start : quote.end] == MEETING_QUOTE


def test_html_to_stdout_is_the_page_alone(article: Path, fake_server: FakeOpenAIServer) -> None:
    fake_server.set_script([Reply(content=DRAFT)])
    result = _brief(article, "--html", "-", server=fake_server)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.endswith("</html>\n")
    doc = parse(result.stdout)
    assert item_text(doc, "m1") == MEETING_QUOTE
    assert result.stderr == ""


def test_html_with_json_writes_the_file_and_prints_json(
    article: Path, tmp_path: Path, fake_server: FakeOpenAIServer
) -> None:
    fake_server.set_script([Reply(content=DRAFT)])
    page = tmp_path / "b.html"
    result = _brief(article, "--json", "--html", page, server=fake_server)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"] == "Two ministers will meet."
    assert page.read_text().startswith("<!DOCTYPE html>")


def test_html_on_stdout_with_json_is_a_user_error(article: Path) -> None:
    result = invoke("brief", article, "--json", "--html", "-", "--backend", "fake")
    assert result.exit_code == 2
    assert "--html -" in result.stderr and "Traceback" not in result.output


def test_several_articles_are_one_page(
    article: Path, tmp_path: Path, fake_server: FakeOpenAIServer
) -> None:
    second = tmp_path / "b.txt"
    second.write_text(f"---\ntitle: Second copy\n---\n{TEXT}\n")
    fake_server.set_script([Reply(content=DRAFT), Reply(content=DRAFT)])
    page = tmp_path / "both.html"
    result = _brief(article, second, "--html", page, "--no-cache", server=fake_server)
    assert result.exit_code == 0, result.output
    doc = parse(page.read_text())
    sections = doc.find_all("section", data_scope=True)
    assert len(sections) == 2
    assert [item_text(s, "m1") for s in sections] == [MEETING_QUOTE, MEETING_QUOTE]
    assert "Second copy" in sections[1].text


def test_a_failed_article_writes_no_page_and_keeps_the_old_one(
    article: Path, tmp_path: Path, fake_server: FakeOpenAIServer
) -> None:
    page = tmp_path / "keep.html"
    page.write_text("old page")
    bad = {**DRAFT, "meetings": [{**DRAFT["meetings"][0], "evidence": ["They signed a treaty."]}]}
    fake_server.set_script([Reply(content=bad)])
    result = _brief(article, "--html", page, "--max-retries", "0", server=fake_server)
    assert result.exit_code == 3
    assert page.read_text() == "old page"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".keep.html")]


def test_unwritable_target_is_one_line_and_leaves_nothing(
    article: Path, tmp_path: Path, fake_server: FakeOpenAIServer
) -> None:
    fake_server.set_script([Reply(content=DRAFT)])
    folder = tmp_path / "a-folder.html"
    folder.mkdir()
    result = _brief(article, "--html", folder, server=fake_server)
    assert result.exit_code != 0
    assert result.stderr.startswith("error: cannot write") and "Traceback" not in result.output
    assert list(folder.iterdir()) == [] and not list(tmp_path.glob(".a-folder.html.*"))


SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE_TEXT = (
    f"Lena Varga met Tomas Brandt in Vienna {SCRIPT} on Friday.\n\n"
    f"Their aides wrote {IMG} in the minutes."
)
HOSTILE_DRAFT: dict[str, Any] = {
    "summary": f"{SCRIPT} {IMG}",
    "meetings": [
        {
            "participants": [
                {"name": "Lena Varga", "title": SCRIPT, "organization": IMG},
                {"name": "Tomas Brandt", "country": IMG},
            ],
            "location": {"city": "Vienna", "venue": IMG},
            "when": {"text": "on Friday"},
            "status": "held",
            "agenda": [SCRIPT, IMG],
            "evidence": [f"Lena Varga met Tomas Brandt in Vienna {SCRIPT} on Friday."],
        }
    ],
    "tensions": [
        {
            "parties": [SCRIPT, IMG],
            "issue": IMG,
            "description": SCRIPT,
            "evidence": [f"Their aides wrote {IMG} in the minutes."],
        }
    ],
}


def test_hostile_article_and_answer_render_as_text(
    tmp_path: Path, fake_server: FakeOpenAIServer
) -> None:
    path = tmp_path / "evil.txt"
    title = f"{SCRIPT}{IMG}"
    path.write_text(f"---\ntitle: '{title}'\nurl: javascript:alert(1)\n---\n{HOSTILE_TEXT}\n")
    fake_server.set_script([Reply(content=HOSTILE_DRAFT)])
    page = tmp_path / "evil.html"
    result = _brief(path, "--html", page, server=fake_server)
    assert result.exit_code == 0, result.output
    doc = parse(page.read_text())
    assert [s.text for s in doc.find_all("script")] == [str(page_js())]
    assert not [n for n in doc.iter() if any(a.startswith("on") for a in n.attrs)]
    assert not doc.find_all("img")
    assert all(
        (a.attrs.get("href") or "").startswith(("http://", "https://", "#"))
        for a in doc.find_all("a")
    )
    (body,) = doc.find_all("div", **{"class": "article-text"})
    assert SCRIPT in body.text and IMG in body.text
    assert SCRIPT in item_text(body, "m1") and IMG in item_text(body, "t1")
    assert doc.find_all("title")[0].text == title
