"""A corrupt briefing cache (issue 13): moved aside with one warning line and rebuilt, whether
it is not SQLite at all or one page is damaged; `clear` deletes it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from builders import briefing

from summarizer.service.cache import Cache


def _filled(path: Path, n: int = 200) -> None:
    with Cache(path) as cache:
        for i in range(n):
            cache.put(f"k{i:03d}", briefing(summary=f"{i} " + "filler " * 400))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _corrupt_pages(path: Path, *pages: int) -> None:
    with path.open("r+b") as f:
        for page in pages:
            f.seek(page * 4096)
            f.write(os.urandom(4096))


def test_a_file_that_is_not_sqlite_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "briefings.sqlite3"
    path.write_text("not a database at all, " * 100)
    warnings: list[str] = []
    with Cache(path, warn=warnings.append) as cache:
        assert cache.get("k") is None
        cache.put("k", briefing())
        assert cache.get("k") == briefing()
    [aside] = tmp_path.glob("briefings.sqlite3.corrupt-*")
    assert aside.read_text().startswith("not a database at all")
    assert warnings == [
        f"the briefing cache {path} is corrupt (file is not a database); moved it to "
        f"{aside} and started an empty one — delete {aside.name} when you like"
    ]


def test_a_damaged_page_found_by_a_lookup_is_a_miss_and_rebuilds(tmp_path: Path) -> None:
    path = tmp_path / "briefings.sqlite3"
    _filled(path)
    _corrupt_pages(path, 3, 40, 90)
    warnings: list[str] = []
    with Cache(path, warn=warnings.append) as cache:
        found = [cache.get(f"k{i:03d}") for i in range(200)]
        cache.put("new", briefing())
        assert cache.get("new") == briefing()
        assert cache.stats().entries == 1
    assert len(warnings) == 1 and "database disk image is malformed" in warnings[0]
    assert len(list(tmp_path.glob("briefings.sqlite3.corrupt-*"))) == 1
    assert found.count(None) >= 1


def test_clear_deletes_a_corrupt_cache_and_its_moved_copies(tmp_path: Path) -> None:
    path = tmp_path / "briefings.sqlite3"
    (tmp_path / "briefings.sqlite3.corrupt-20250101T000000Z").write_text("old")
    path.write_text("garbage " * 100)
    warnings: list[str] = []
    with Cache(path, warn=warnings.append, on_corrupt="delete") as cache:
        assert cache.clear() == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefings.sqlite3"]
    assert warnings == [
        f"the briefing cache {path} is corrupt (file is not a database); deleted it"
    ]


def test_warnings_go_to_stderr_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "briefings.sqlite3"
    path.write_text("garbage " * 100)
    with Cache(path):
        pass
    err = capsys.readouterr().err
    assert err.startswith(f"warning: the briefing cache {path} is corrupt") and err.count("\n") == 1
