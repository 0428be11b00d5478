"""`pipeline.version.answer_code`: a cached briefing's key follows the code that finalized it."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.pipeline import version


def test_the_answer_code_follows_the_files_that_finalize_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pipeline").mkdir()
    (tmp_path / "schema.py").write_text("S = 1\n")
    (tmp_path / "cli.py").write_text("C = 1\n")
    monkeypatch.setattr(version, "PACKAGE", tmp_path)
    stamps = []
    for path, text in [
        ("pipeline/finalize.py", "A = 1\n"),
        ("pipeline/finalize.py", "A = 2\n"),  # a correction changed: a new key
        ("cli.py", "C = 2\n"),  # the command line decides no answer: the same key
        ("schema.py", "S = 2\n"),
    ]:
        (tmp_path / path).write_text(text)
        version.answer_code.cache_clear()
        stamps.append(version.answer_code())
    version.answer_code.cache_clear()
    assert stamps[0] != stamps[1] and stamps[1] == stamps[2] and stamps[2] != stamps[3]


def test_the_answer_code_follows_the_libraries_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgraded parse model or gazetteer gives new keys too."""
    version.answer_code.cache_clear()
    before = version.answer_code()
    monkeypatch.setattr(version, "_installed", lambda name: f"{name}-9.9.dist-info")
    version.answer_code.cache_clear()
    after = version.answer_code()
    version.answer_code.cache_clear()
    assert before != after
    assert version._listing.__wrapped__("/nonexistent-folder") == ()
