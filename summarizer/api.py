"""The Python API: `summarize(text, published=...) -> Briefing` and its async twin."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
from collections.abc import Iterator

from summarizer.backends.base import Backend
from summarizer.inputs.loaders import load_text
from summarizer.pipeline.article import Article
from summarizer.schema import Briefing
from summarizer.service import Briefer
from summarizer.service.cache import open_cache
from summarizer.settings import Settings

_shared: dict[str, Backend] = {}


@contextlib.contextmanager
def open_backend(settings: Settings) -> Iterator[Backend]:
    """A backend for these settings, closed when the block ends."""
    from summarizer.backends import get_backend

    backend = get_backend(settings)
    try:
        yield backend
    finally:
        backend.close()


def _default_backend(settings: Settings | None) -> Backend:
    """One backend per distinct settings, kept for the process (the embedded model loads once)."""
    from summarizer.backends import get_backend

    settings = settings or Settings()
    key = settings.model_dump_json(exclude={"api_key"})
    if key not in _shared:
        _shared[key] = get_backend(settings)
    return _shared[key]


@atexit.register
def _close_shared() -> None:
    for backend in _shared.values():
        backend.close()
    _shared.clear()


def _article(
    text: str, published: dt.date | str | None, title: str | None, url: str | None
) -> Article:
    day = dt.date.fromisoformat(published) if isinstance(published, str) else published
    return load_text(text, title=title, published=day, url=url)


def summarize(
    text: str,
    *,
    published: dt.date | str | None = None,
    title: str | None = None,
    url: str | None = None,
    settings: Settings | None = None,
    backend: Backend | None = None,
    prompt: str = "briefing",
    strategy: str = "auto",
    cache: bool = True,
) -> Briefing:
    """Brief one article's text. Without `backend`, settings (or the environment) pick one.

    Like the CLI, answers come from the briefing cache when this exact extraction (text, date,
    strategy, backend settings) was done before; `cache=False` always calls the model.
    """
    engine = backend or _default_backend(settings)
    with _briefer(engine, strategy, prompt, cache) as briefer:
        return briefer.brief(_article(text, published, title, url))


async def asummarize(
    text: str,
    *,
    published: dt.date | str | None = None,
    title: str | None = None,
    url: str | None = None,
    settings: Settings | None = None,
    backend: Backend | None = None,
    prompt: str = "briefing",
    strategy: str = "auto",
    cache: bool = True,
) -> Briefing:
    """Async variant of `summarize`."""
    engine = backend or _default_backend(settings)
    with _briefer(engine, strategy, prompt, cache) as briefer:
        briefing, _ = await briefer.abrief(_article(text, published, title, url))
        return briefing


@contextlib.contextmanager
def _briefer(backend: Backend, strategy: str, prompt: str, cache: bool) -> Iterator[Briefer]:
    with open_cache(enabled=cache) as store:
        yield Briefer.of(backend, strategy, prompt=prompt, cache=store)
