"""The version of the code that turns a model's answers into a briefing, read from its source.

A cached briefing is the model's answers as this code finalized them, so its cache key holds
`answer_code()`: a hash of the files of `ANSWER_CODE` (the pipeline, the strategies, the text
tools and the schema). Any change to them — a correction, a new rule, a fix — gives new keys,
and the next run briefs again instead of serving what older code made (a version number bumped
by hand was forgotten more than once). Prompts are hashed apart (`Prompt.hash`).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # summarizer/
ANSWER_CODE = ("pipeline", "strategies", "text", "schema.py")


def package_files(folder: str, under: str = "") -> list[tuple[str, str]]:
    """(path relative to `folder`, path) of each regular file under `folder`, by the first:
    every file but the byte-compiled ones (`os.scandir`, whose entries know their type, and
    string paths: `Path.rglob`, `is_file` and sorting `Path`s took 2 of 3.2 ms).
    """
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = under + entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    found += package_files(entry.path, name + os.sep)
            elif entry.is_file() and not entry.name.endswith(".pyc"):
                found.append((name, entry.path))
    return sorted(found)


def files_hash(files: list[tuple[str, str]], digest: hashlib._Hash | None = None) -> str:
    """The hash of (name, content) of each of `files`, added to `digest` where one is given."""
    digest = digest or hashlib.sha256()
    for name, path in files:
        with open(path, "rb") as f:
            digest.update(f"\n{name}\n".encode() + hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def answer_code() -> str:
    """A hash of the `ANSWER_CODE` files (once a process)."""
    files: list[tuple[str, str]] = []
    for part in ANSWER_CODE:
        path = PACKAGE / part
        if path.is_dir():
            files += package_files(str(path), part + os.sep)
        elif path.is_file():
            files.append((part, str(path)))
    return files_hash(files)[:16]
