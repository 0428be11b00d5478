"""`summarizer daily` end to end: the real openai client against the fake server, the note,
the cache, failed articles and edited notes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from builders import EXAMPLES, invoke, openai_at

from summarizer.schema import Briefing
from summarizer.testing.server import FakeOpenAIServer

DAY = "2025-03-14"


def _daily_args(out: Path, server: FakeOpenAIServer, *sources: object) -> list[object]:
    return ["daily", *sources, "--date", DAY, "--out", out, *openai_at(server)]


def test_examples_note_merges_the_same_meeting_once(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = _daily_args(out, examples_server, str(EXAMPLES), str(EXAMPLES / "feed.xml"))
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    digest = json.loads((out / "2025-03-14.digest.json").read_text())
    geneva = [m for m in digest["meetings"] if m["location"]["city"] == "Geneva"]
    assert len(geneva) == 2  # the talks (4 reports) and the round a week later
    first, later = sorted(geneva, key=lambda m: m["when"]["date"])
    assert [s["n"] for s in first["sources"]] == [1, 2, 3, 6]
    assert first["conflicts"]["when"] == ["2025-03-17", "2025-03-18"]
    assert first["agenda"] == [  # "grain" folded into the longer wording
        "grain shipments through the Gulf of Guinea",
        "Sahel stabilisation mission",
        "maritime security",
        "port inspections",
    ]
    assert [p["name"] for p in first["participants"]] == ["Adaeze Okonkwo", "Henrik Lindqvist"]
    assert later["when"]["date"] == "2025-03-24" and [s["n"] for s in later["sources"]] == [4]
    assert len(digest["meetings"]) == 5
    arms = [t for t in digest["tensions"] if "arms" in t["issue"]]
    assert len(arms) == 1 and [s["n"] for s in arms[0]["sources"]] == [1, 2, 6]
    lines = (out / "2025-03-14.jsonl").read_text().splitlines()
    assert len(lines) == 8 and all(Briefing.model_validate_json(x) for x in lines)


def test_examples_note_sections_and_terminal_output(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke(*_daily_args(out, examples_server, str(EXAMPLES), str(EXAMPLES / "feed.xml")))
    note = (out / "2025-03-14.md").read_text()
    assert note.startswith("---\ndate: 2025-03-14\nsources: 8\n")
    upcoming = note.split("## Upcoming meetings")[1].split("## Meetings held")[0]
    assert upcoming.index("2025-03-17") < upcoming.index("2025-03-18") < upcoming.index("03-24")
    assert "[1] [2] [3] [6]" in upcoming and "sources disagree on when" in upcoming
    assert "Haruto Sato" in note.split("## Meetings held")[1].split("## Cancelled")[0]
    assert "Dragan Petrovic" in note.split("## Cancelled / postponed")[1].split("## Tensions")[0]
    assert "### Nigeria · Sweden" in note and "### Poland · Ukraine" in note
    assert "Upcoming meetings" in result.stdout and "date: 2025-03-14" not in result.stdout


def test_rerun_makes_zero_model_calls(examples_server: FakeOpenAIServer, tmp_path: Path) -> None:
    args = _daily_args(tmp_path / "out", examples_server, str(EXAMPLES))
    assert invoke(*args).exit_code == 0
    calls = len(examples_server.requests)
    assert calls == 5
    again = invoke(*args)
    assert again.exit_code == 0, again.output
    assert len(examples_server.requests) == calls
    assert "5 briefed (5 cached)" in again.stderr
    assert invoke(*args, "--no-cache").exit_code == 0
    assert len(examples_server.requests) == calls + 5


def test_failed_article_is_listed_and_exit_code_is_4(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.xml"))
    (folder / "06-empty.txt").write_text("   \n")
    result = invoke(*_daily_args(tmp_path / "out", examples_server, str(folder)))
    assert result.exit_code == 4, result.output
    note = (tmp_path / "out" / "2025-03-14.md").read_text()
    failed = note.split("## Failed articles")[1]
    assert "06-empty.txt" in failed and "is empty" in failed
    assert "sources: 5\nfailed: 1\n" in note


def test_no_sources_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = invoke("daily", str(tmp_path / "empty"), "--backend", "fake", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "no articles found" in result.stderr


def test_edited_note_is_kept_unless_force(tmp_path: Path) -> None:
    args = ["daily", str(EXAMPLES), "--backend", "fake", "--date", "2025-03-14", "--out",
            str(tmp_path)]  # fmt: skip
    assert invoke(*args).exit_code == 0
    note = tmp_path / "2025-03-14.md"
    note.write_text(note.read_text() + "\nMy own notes.\n")
    result = invoke(*args)
    assert "My own notes." in note.read_text()
    assert (tmp_path / "2025-03-14.new.md").exists() and "was edited by you" in result.stderr
    assert invoke(*args, "--force").exit_code == 0
    assert "My own notes." not in note.read_text()
