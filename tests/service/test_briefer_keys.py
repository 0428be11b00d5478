"""What the cache key holds (issue 13, item 10): the strategy's identity (staged prompt,
pipeline version) and the backend's fingerprint; a `brief` hit is restamped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from summarizer.backends.fake import FakeBackend
from summarizer.pipeline.article import Article
from summarizer.service import Briefer
from summarizer.service.cache import Cache
from summarizer.strategies import base
from summarizer.strategies.staged import StagedStrategy

ARTICLE = Article(
    text="Anna Berg met Tomas Ruiz in Madrid on Monday.",
    title="Berg meets Ruiz",
    url="https://a.example/1",
    published=dt.date(2025, 3, 14),
    language="en",
)


def _staged_key() -> str:
    return Briefer(FakeBackend(), StagedStrategy()).key(ARTICLE)


def test_the_staged_prompt_is_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _staged_key()
    prompt = StagedStrategy().prompt
    changed = dataclasses.replace(prompt, system_source=prompt.system_source + "!")
    monkeypatch.setattr(StagedStrategy, "prompt", property(lambda self: changed))
    assert _staged_key() != before


def test_the_answer_code_is_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _staged_key()
    monkeypatch.setattr(base, "answer_code", lambda: "next")
    assert _staged_key() != before


def test_the_backend_fingerprint_is_part_of_the_key() -> None:
    keys = {Briefer.of(FakeBackend(model=m), "whole").key(ARTICLE) for m in ("a", "b")}
    assert len(keys) == 2


def test_a_brief_hit_is_restamped_with_the_articles_own_source(tmp_path: Path) -> None:
    other = dataclasses.replace(ARTICLE, title="Another title", url="https://b.example/2",
                                language="es")  # fmt: skip
    with Cache(tmp_path / "c.db") as cache:
        first = Briefer.of(FakeBackend(), "whole", cache=cache).brief(ARTICLE)
        hit = Briefer.of(FakeBackend(), "whole", cache=cache).brief(other)
        assert cache.stats().hits == 1
    assert (first.source.title, first.source.url) == ("Berg meets Ruiz", "https://a.example/1")
    assert (hit.source.title, hit.source.url, hit.source.language) == (
        "Another title",
        "https://b.example/2",
        "es",
    )
