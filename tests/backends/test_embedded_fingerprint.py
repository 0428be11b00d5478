"""The embedded backend's fingerprint keys on the model file's content (issue 13, item 10):
two GGUF files with the same name are two models; the hash is computed once per file version;
the pulled models use their pinned sha256. No model is loaded.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from summarizer.backends import embedded, weights
from summarizer.backends.embedded import EmbeddedBackend
from summarizer.backends.weights import MODELS, file_sha256
from summarizer.settings import Settings


def _gguf(folder: Path, content: bytes, name: str = "model.gguf") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def _fingerprint(path: Path) -> dict[str, object]:
    return EmbeddedBackend(Settings(backend="embedded", model=str(path))).fingerprint()


@pytest.fixture(autouse=True)
def _models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(tmp_path / "models"))
    weights._HASHES.clear()


def test_two_files_with_the_same_name_are_two_models(tmp_path: Path) -> None:
    small = _fingerprint(_gguf(tmp_path / "a", b"GGUF small model"))
    large = _fingerprint(_gguf(tmp_path / "b", b"GGUF large model"))
    assert small["sha256"] != large["sha256"]
    assert small["sha256"] == hashlib.sha256(b"GGUF small model").hexdigest()[:12]


def test_the_same_file_under_two_names_hashes_alike(tmp_path: Path) -> None:
    one = _fingerprint(_gguf(tmp_path, b"GGUF weights", "one.gguf"))
    two = _fingerprint(_gguf(tmp_path, b"GGUF weights", "two.gguf"))
    assert {k: v for k, v in one.items() if k != "model"} == {
        k: v for k, v in two.items() if k != "model"
    }


def test_the_hash_is_computed_once_per_file_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _gguf(tmp_path, b"GGUF v1")
    hashed: list[Path] = []
    real = weights._hash_file
    monkeypatch.setattr(weights, "_hash_file", lambda p: (hashed.append(p), real(p))[1])
    first = file_sha256(path)
    weights._HASHES.clear()  # a new process: the hash comes from the models folder's record
    assert file_sha256(path) == first and len(hashed) == 1
    path.write_bytes(b"GGUF version two")
    os.utime(path, ns=(1, 1))
    assert file_sha256(path) == hashlib.sha256(b"GGUF version two").hexdigest()
    assert len(hashed) == 2


def test_a_pulled_model_uses_its_pinned_sha256(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded, "ensure_model", lambda size: tmp_path / "m.gguf")
    monkeypatch.setattr(weights, "_hash_file", lambda p: pytest.fail("hashed a pinned model"))
    fp = EmbeddedBackend(Settings(embedded_size="0.5b")).fingerprint()
    assert fp["sha256"] == MODELS["0.5b"].sha256[:12]


def test_the_pulled_file_named_by_path_uses_its_pinned_sha256(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = MODELS["0.5b"]
    monkeypatch.setattr(weights, "_is_verified", lambda s, p: s is spec)
    monkeypatch.setattr(weights, "_hash_file", lambda p: pytest.fail("hashed a pinned model"))
    assert file_sha256(weights.model_path("0.5b")) == spec.sha256
