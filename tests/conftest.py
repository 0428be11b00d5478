"""The one conftest: per-test isolation (autouse) and the fixtures several test folders share.

Shared data and helpers that are not fixtures (paths, briefing and gold-case builders, the
`invoke` CLI helper) live in `tests/builders.py`; this file puts `tests/` on `sys.path` so every
test folder can `import builders`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import browser  # noqa: E402 - needs TESTS on sys.path first
from builders import Gold, responder  # noqa: E402

from summarizer.backends.weights import ensure_model  # noqa: E402
from summarizer.errors import ModelNotFoundError  # noqa: E402
from summarizer.settings import Settings  # noqa: E402
from summarizer.testing.server import FakeOpenAIServer  # noqa: E402

# What the developer's shell may set that would change what a test sees: a key or endpoint
# (tests must never reach a real one), and the backend or model to use.
ENDPOINT_VARS = (
    "OPENAI_API_KEY",
    "SUMMARIZER_API_KEY",
    "OPENAI_BASE_URL",
    "SUMMARIZER_BASE_URL",
    "SUMMARIZER_BACKEND",
    "SUMMARIZER_MODEL",
)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test: no key, endpoint, backend or model from the shell; short transport waits;
    a private briefing cache under the test's tmp_path.

    Tests that need a key or other settings set them on top (monkeypatch.setenv after this).
    The models folder is left alone: the slow tests use the really pulled weights, and the
    tests about the models folder set SUMMARIZER_MODELS_DIR themselves.
    """
    for name in ENDPOINT_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUMMARIZER_RETRY_MAX_WAIT", "0.05")
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def fake_server() -> Iterator[FakeOpenAIServer]:
    """A started `FakeOpenAIServer` (default reply: an empty briefing draft).

    Script it with `fake_server.set_script([...])`; inspect `fake_server.requests`.
    """
    server = FakeOpenAIServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_settings(fake_server: FakeOpenAIServer) -> Settings:
    """Settings for the openai backend at `fake_server`, with short, bounded retry waits."""
    return Settings(
        backend="openai",
        base_url=fake_server.base_url,
        model="fake",
        transport_retries=2,
        retry_max_wait=0.01,
        timeout=5.0,
    )


@pytest.fixture
def examples_server(fake_server: FakeOpenAIServer) -> FakeOpenAIServer:
    """`fake_server` answering each examples/daily article with its grounded draft."""
    fake_server.set_script(responder)
    return fake_server


@pytest.fixture
def gold() -> type[Gold]:
    """The gold-case builders."""
    return Gold


@pytest.fixture
def small_model() -> Path:
    """The pulled 0.5b embedded model's weights; skips the test when they are not on disk."""
    try:
        return ensure_model("0.5b")
    except ModelNotFoundError as e:
        pytest.skip(f"0.5b model not pulled ({e.one_line()}); `make test` pulls it first")


@pytest.fixture(scope="module")
def chromium() -> Iterator[browser.Browser]:
    """A headless Chromium (tests/browser.py) for one test module; skips where none can be had.

    Not one per session: while playwright runs, the main thread has an asyncio loop marked
    running, so a later module's `asyncio.run` (summarizer daily) or async test would fail.
    """
    reason = browser.unavailable()
    if reason:
        pytest.skip(reason)
    launched = browser.launch()
    yield launched
    launched.close()
