"""Tables derived from installed data, kept on disk so a process reads them instead of
deriving them again.

The gazetteer's city index (`places._cities`: 34,006 GeoNames names folded, from a 16.7 MB
JSON file) takes ~0.4 s to derive and ~12 ms to read back. `cached` keeps such a table as
JSON in the user cache folder (`$SUMMARIZER_CACHE_DIR`, else platformdirs' folder for
`summarizer`: where the briefing cache is), under a name that is a digest of all it is
derived from: the data packages' versions and the source of the code that derives it. Any
change to either is another name, so a stale table is never read. The file is written
atomically (a temp file, then `os.replace`); a missing, unreadable or corrupt one is derived
anew and rewritten; where the folder cannot be written, the table is only not kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

import platformdirs

Table = dict[str, str]  # what is kept: strings only, so reading it back builds no containers
FOLDER = "derived"


def cache_root() -> Path:
    """The briefing cache's folder: `$SUMMARIZER_CACHE_DIR`, else platformdirs' one (the rule
    of `service.cache.cache_dir`, which this layer cannot import).
    """
    override = os.environ.get("SUMMARIZER_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("summarizer"))


def folder() -> Path:
    """Where derived tables are kept: `derived/` in the briefing cache's folder."""
    return cache_root() / FOLDER


def digest(packages: Iterable[str], modules: Iterable[str]) -> str:
    """A digest of what a table is derived from: each package's installed version and the
    source file of each module (by its import name).
    """
    h = hashlib.sha256()
    for name in packages:
        h.update(f"{name}=={metadata.version(name)}\n".encode())
    for name in modules:
        source = importlib.import_module(name).__file__
        assert source is not None, name
        h.update(Path(source).read_bytes())
    return h.hexdigest()[:32]


def cached(
    name: str,
    build: Callable[[], Table],
    *,
    packages: Iterable[str],
    modules: Iterable[str],
) -> Table:
    """The table `build` returns, read from `<folder>/<name>-<digest>.json` when that holds
    one, else built and written there.
    """
    path = folder() / f"{name}-{digest(packages, modules)}.json"
    table = _read(path)
    if table is None:
        table = build()
        _write(path, table)
    return table


def _read(path: Path) -> Table | None:
    """The table in `path`; None when there is none or it is not a table of strings."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return data if all(isinstance(v, str) for v in data.values()) else None  # keys are str


def _write(path: Path, table: Table) -> None:
    """Write `table` to `path` atomically; a folder that cannot be written is left alone."""
    text = json.dumps(table, ensure_ascii=False, separators=(",", ":"))
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
