"""`atomic_write`: the one way a whole file is written (reports, notes, recordings, state).

The text goes to a temp file in the same folder, is fsynced, then `os.replace`d over the
target: a reader never sees half a file, and a crash never leaves one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from summarizer.errors import OutputError


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` via a temp file, fsync and `os.replace`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
