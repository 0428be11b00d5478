"""`summarizer daily` end to end: the real openai client against the fake server, the note,
the cache, failed articles and edited notes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from builders import EXAMPLES, disk_full, invoke, openai_at

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


# --- hostile feeds (issue 13 items 3 and 4) -------------------------------------------------

HOSTILE_LINK = (
    "https://example.com/y&gt;)&#10;&#10;## Upcoming meetings&#10;&#10;- **Fri 2024-03-08** · "
    "Fake Person (Minister) and Other Fake (Envoy) · Geneva [1]&#10;&#10;## Sources&#10;&#10;x"
)
HOSTILE_LINKS = [
    HOSTILE_LINK,
    "javascript:alert(document.domain)",
    "https://example.com/z&gt;) [x](https://evil.example/)",
    "https://example.com/w&gt;)[y](https://evil.example/)",
]


def _hostile_feed(tmp_path: Path, items: list[tuple[str, str]]) -> Path:
    """An RSS file of (title, link) items, each with enough text to need no fetch."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link>"
        "<pubDate>Thu, 07 Mar 2024 10:00:00 GMT</pubDate><description>"
        + f"Item {i}: ministers met in Geneva to discuss grain shipments. " * 8
        + "</description></item>"
        for i, (title, link) in enumerate(items, 1)
    )
    feed = tmp_path / "feed.xml"
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
    feed.write_bytes(f"{head}{body}</channel></rss>".encode())
    return feed


def _hrefs(markdown: str) -> list[str]:
    """Every link target a Markdown renderer (markdown-it, as rich uses) would make."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    inline = [child for t in tokens for child in (t.children or [])]
    return [str(child.attrs["href"]) for child in inline if child.type == "link_open"]


def test_hostile_feed_links_write_no_markdown_into_the_note(tmp_path: Path) -> None:
    items = [(f"Story {i}", link) for i, link in enumerate(HOSTILE_LINKS, 1)]
    out = tmp_path / "out"
    args = ["daily", _hostile_feed(tmp_path, items), "--backend", "fake", "--date", "2024-03-07"]
    result = invoke(*args, "--out", out)
    assert result.exit_code == 0, result.output
    note = (out / "2024-03-07.md").read_text()
    assert "meetings: 0\n" in note
    assert note.count("## Upcoming meetings") == 1 and note.count("## Sources") == 1
    assert "## Upcoming meetings\n\n_None reported._\n\n## Meetings held" in note
    lines = note.splitlines()
    assert not [line for line in lines if line.startswith("- **Fri 2024-03-08**")]
    assert not [line for line in lines if "[x](" in line or "[y](" in line]
    assert _hrefs(note) == []  # none of the four links is a link
    for title in ("Story 1", "Story 2", "Story 3", "Story 4"):
        assert f"{title} — " in note  # listed in Sources, as text
    assert "Fake Person" not in result.stdout.split("Meetings held")[0]


def test_escape_sequences_in_a_feed_title_reach_neither_stdout_nor_the_outputs(
    tmp_path: Path,
) -> None:
    feed = _hostile_feed(tmp_path, [("\x1b]0;PWNED\x07\x1b[2JTalks in Geneva", "https://n.test/1")])
    out = tmp_path / "out"
    args = ["daily", feed, "--backend", "fake", "--date", "2024-03-07", "--out", out]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Talks in Geneva" in result.stdout
    for name in ("2024-03-07.md", "2024-03-07.jsonl", "2024-03-07.digest.json"):
        text = (out / name).read_text()
        assert "\x1b" not in text and "\\u001b" not in text and "PWNED" not in text, name
    assert "1. [Talks in Geneva](<https://n.test/1>) — " in (out / "2024-03-07.md").read_text()


# --- issue 13: a second run, a failed re-run, --out, our own notes ---------------------------


def _dead_endpoint() -> str:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/v1"


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def test_a_second_run_while_one_is_running_exits_5(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    import asyncio
    import datetime as dt
    import os
    import threading

    from summarizer.backends.openai import OpenAIBackend
    from summarizer.daily.run import DailyConfig, run_daily
    from summarizer.inputs.sources import discover
    from summarizer.settings import Settings
    from summarizer.testing.server import Reply

    examples_server.set_script([Reply(delay=0.3)])
    settings = Settings(backend="openai", base_url=examples_server.base_url, model="fake")
    out = tmp_path / "out"
    config = DailyConfig(day=dt.date(2025, 3, 14), out=out)
    job = run_daily(discover([str(EXAMPLES)]), OpenAIBackend(settings), config)
    first = threading.Thread(target=asyncio.run, args=(job,))
    first.start()
    try:
        while not examples_server.requests:  # the first run holds the lock
            first.join(0.01)
        holder = (out / ".2025-03-14.lock").read_text().strip()
        result = invoke(*_daily_args(out, examples_server, str(EXAMPLES)))
    finally:
        first.join(20)
    assert holder.startswith(f"pid {os.getpid()}, started ")
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr == (
        f"error: another daily run for 2025-03-14 is writing to {out} ({holder}) — wait "
        "for it to finish, or pass another --out\n"
    )
    assert len(examples_server.requests) == 5
    lines = (out / "2025-03-14.jsonl").read_text().splitlines()
    assert len(lines) == 5 and all(Briefing.model_validate_json(x) for x in lines)


def test_a_failed_rerun_keeps_the_complete_files(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert invoke(*_daily_args(out, examples_server, str(EXAMPLES))).exit_code == 0
    before = _snapshot(out)
    dead = _dead_endpoint()
    args = ["daily", EXAMPLES, "--date", DAY, "--out", out, "--no-cache"]
    result = invoke(*args, "--backend", "openai", "--base-url", dead, "--model", "fake")
    assert (result.exit_code, result.stdout) == (4, "")
    assert result.stderr == (
        "error: kept the previous 2025-03-14.md, .jsonl and .digest.json (5 briefed): this run "
        f"briefed 0 and 5 failed (first: connection refused at {dead} (gave up after 6 "
        "attempts)) — fix the failures and run again\n"
    )
    assert _snapshot(out) == before


def test_a_rejected_key_on_rerun_keeps_the_complete_files(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    from summarizer.testing.server import Reply

    out = tmp_path / "out"
    assert invoke(*_daily_args(out, examples_server, str(EXAMPLES))).exit_code == 0
    before = _snapshot(out)
    examples_server.set_script([Reply(status=401, error="bad key")])
    result = invoke(*_daily_args(out, examples_server, str(EXAMPLES)), "--no-cache")
    assert result.exit_code == 2 and result.stderr.startswith("error: API key rejected by ")
    assert _snapshot(out) == before


def test_out_naming_a_file(tmp_path: Path) -> None:
    out = tmp_path / "notes.txt"
    out.write_text("mine")
    result = invoke("daily", EXAMPLES, "--backend", "fake", "--date", DAY, "--out", out)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: --out {out} is a file, not a folder — pass a folder for the day's notes\n"
    )
    assert out.read_text() == "mine"


def test_out_inside_the_source_folder_skips_our_own_notes(tmp_path: Path) -> None:
    folder = tmp_path / "day"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.xml"))
    args = ["daily", folder, "--backend", "fake", "--out", folder]
    assert invoke(*args, "--date", "2025-03-13").exit_code == 0
    result = invoke(*args, "--date", DAY)
    assert result.exit_code == 0, result.output
    assert "5 briefed" in result.stderr
    assert "note: skipped 1 note this command wrote in " in result.stderr
    assert "sources: 5\n" in (folder / "2025-03-14.md").read_text()


def test_article_timeout_flag(examples_server: FakeOpenAIServer, tmp_path: Path) -> None:
    from summarizer.testing.server import Reply

    examples_server.set_script([Reply(delay=3)])
    args = [*_daily_args(tmp_path, examples_server, str(EXAMPLES)), "--article-timeout", "0.3"]
    import time

    start = time.monotonic()
    result = invoke(*args)
    assert time.monotonic() - start < 3
    assert result.exit_code == 4, result.output
    note = (tmp_path / "2025-03-14.md").read_text()
    assert note.count("timed out after 0.3 s (the per-article deadline") == 5


def test_a_full_disk_while_writing_the_jsonl_is_one_line(
    examples_server: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    out = tmp_path / "out"
    assert invoke(*_daily_args(out, examples_server, str(EXAMPLES))).exit_code == 0
    before = _snapshot(out)
    with disk_full(monkeypatch):  # --no-cache: the day record would write nothing at all
        result = invoke(*_daily_args(out, examples_server, str(EXAMPLES)), "--no-cache")
    assert (result.exit_code, result.stdout) == (2, "")
    jsonl = out / "2025-03-14.jsonl"
    assert result.stderr == f"error: cannot write {jsonl}: No space left on device\n"
    assert _snapshot(out) == before
