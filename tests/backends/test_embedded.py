"""The embedded backend: fast checks without weights, and one real run of the 0.5b model."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel

from summarizer.backends import embedded
from summarizer.backends.embedded import EmbeddedBackend, context_size
from summarizer.errors import ModelNotFoundError
from summarizer.settings import Settings

ARTICLE = (
    "Maria Lopez, Chile's foreign minister, met Kenji Tanaka of Japan in Geneva on Monday. "
    "The two discussed fishing rights in the South Pacific. "
    "Their talks lasted two hours, officials said."
)


class People(BaseModel):
    """Who meets whom."""

    participants: list[str]


def test_missing_model_hints_at_pull(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelNotFoundError) as info:
        EmbeddedBackend(Settings(embedded_size="0.5b"))
    assert info.value.hint == "run `summarizer model pull --size 0.5b`"


def test_missing_gguf_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="nope.gguf"):
        EmbeddedBackend(Settings(model=str(tmp_path / "nope.gguf")))


def test_fingerprint_without_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "ensure_model", lambda size: tmp_path / "m.gguf")
    backend = EmbeddedBackend(Settings(embedded_size="0.5b"))
    fp = backend.fingerprint()
    assert (fp["backend"], fp["size"], fp["sha256"]) == ("embedded", "0.5b", "1d9614638d18")
    assert backend.model == fp["model"] == "qwen2.5-coder-0.5b-instruct"
    assert backend.mode == "json_schema"
    assert backend._server is None
    backend.close()


def test_custom_gguf_path_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(tmp_path / "models"))  # the hash record
    weights = tmp_path / "my-model.gguf"
    weights.write_bytes(b"GGUF")
    backend = EmbeddedBackend(Settings(model=str(weights)))
    assert (backend.path, backend.model) == (weights, "my-model")
    assert backend.fingerprint()["sha256"] == "b83633aa7853"  # sha256 of b"GGUF", not the name


def test_context_size_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_CTX", raising=False)
    assert context_size() == 8192
    monkeypatch.setenv("SUMMARIZER_CTX", "4096")
    assert context_size() == 4096


@pytest.mark.slow
@pytest.mark.usefixtures("small_model")
def test_embedded_model_names_who_meets() -> None:
    backend = EmbeddedBackend(Settings(embedded_size="0.5b", max_tokens=256))
    messages = [
        {"role": "system", "content": "List the full names of the people who meet."},
        {"role": "user", "content": ARTICLE},
    ]
    try:
        answer = backend.generate(messages, People, context={})
        address = backend._server.listening_address
    finally:
        backend.close()
    joined = " ".join(answer.value.participants)
    assert "Maria Lopez" in joined and "Kenji Tanaka" in joined
    with pytest.raises(httpx.ConnectError):
        httpx.get(address + "/health", timeout=2)
