import asyncio
import os
from pathlib import Path

import pytest

from summarizer.daily.outputs import JsonlWriter, atomic_write, sidecar, user_edited, write_note
from summarizer.errors import OutputError


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.json"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["a.json"]


def test_atomic_write_failure_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        atomic_write(blocker / "child.md", "text")


def test_note_we_wrote_is_overwritten(tmp_path: Path) -> None:
    note = tmp_path / "2025-03-14.md"
    assert write_note(note, "first\n") == note
    assert sidecar(note).name == ".2025-03-14.md.sha256"
    assert not user_edited(note)
    assert write_note(note, "second\n") == note
    assert note.read_text() == "second\n"


def test_edited_note_is_kept_and_new_one_written_beside(tmp_path: Path) -> None:
    note = tmp_path / "2025-03-14.md"
    write_note(note, "ours\n")
    note.write_text("ours\nplus my thoughts\n")
    assert user_edited(note)
    written = write_note(note, "fresh\n")
    assert written == tmp_path / "2025-03-14.new.md"
    assert note.read_text() == "ours\nplus my thoughts\n" and written.read_text() == "fresh\n"


def test_force_overwrites_an_edited_note(tmp_path: Path) -> None:
    note = tmp_path / "2025-03-14.md"
    write_note(note, "ours\n")
    note.write_text("edited\n")
    assert write_note(note, "fresh\n", force=True) == note
    assert note.read_text() == "fresh\n" and not user_edited(note)


def test_a_note_without_sidecar_counts_as_the_users(tmp_path: Path) -> None:
    note = tmp_path / "2025-03-14.md"
    note.write_text("my own file\n")
    assert write_note(note, "generated\n").name == "2025-03-14.new.md"
    assert note.read_text() == "my own file\n"


def test_jsonl_appends_lines_durably(tmp_path: Path) -> None:
    path = tmp_path / "day.jsonl"
    with JsonlWriter(path) as out:
        out.write('{"a": 1}')
        assert path.read_text() == '{"a": 1}\n'  # visible before close
        asyncio.run(out.awrite('{"b": 2}'))
    with JsonlWriter(path, truncate=False) as out:
        out.write('{"c": 3}')
    assert path.read_text().splitlines() == ['{"a": 1}', '{"b": 2}', '{"c": 3}']
    with JsonlWriter(path):
        pass
    assert path.read_text() == ""


def test_jsonl_lines_durable_elsewhere_are_fsynced_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, synced = tmp_path / "day.jsonl", []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    with JsonlWriter(path) as out:
        for n in range(3):
            asyncio.run(out.awrite(f'{{"cached": {n}}}', sync=False))
        assert (path.read_text(), synced) == ("", [])
        out.write('{"new": 1}')  # a new line is fsynced at once, with the queued ones
        assert path.read_text().count("\n") == 4 and len(synced) == 1
        out.write('{"cached": 3}', sync=False)
    assert path.read_text().splitlines()[-1] == '{"cached": 3}' and len(synced) == 2
