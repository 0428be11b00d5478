"""The embedded model reads a system prompt once per machine, not once per process.

Every call of a strategy opens on the same system prompt (the staged one is ~700 tokens:
~10 s of prefill on 2 cores), and llama.cpp keeps it in its KV cache within a process. A new
process (`summarizer brief` of one article) would read it again, so the KV state of the
prompt's opening (the system message, as the chat template renders it) is kept on disk with
llama.cpp's slot save/restore (~20 MB for the 1.5B) in `kv/` of the cache folder, named by a
hash of the model file's sha256, the context size, the llama.cpp build and that rendered
text, and restored into the slot before a process's first call with that system prompt.

It only saves time: the state restored is that of the same tokens the call would compute
(computed in a batch of their own, so up to floating-point differences between batch sizes;
the sample article's briefing was identical with and without it). Any failure (a file cut
short, another build's format, a full disk) removes the file and the call goes on without
it. A file is written under a temporary name and renamed, so a killed process leaves no half
file; the `KEEP` most recently used files are kept.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarizer.backends.base import Message

log = logging.getLogger(__name__)

KEEP = 4  # files kept, by last use: one per (model, system prompt) in recent use
SUFFIX = ".kv"
Post = Callable[[str, dict[str, Any]], dict[str, Any]]


class PrefixCache:
    """Restores (or computes and stores) the KV state of each system prompt, once a process.

    `post(path, payload)` posts to the llama.cpp server, whose `slot_save_path` is `folder`
    (with a trailing separator) and whose slots endpoints are on; `identity` names the model
    and build the states belong to.
    """

    def __init__(self, post: Post, folder: Path, identity: str) -> None:
        self._post, self.folder, self._identity = post, folder, identity
        self._done: set[str] = set()
        self._lock = threading.Lock()
        self.last: str | None = None  # "restored" or "stored": what the last prepare did

    def pending(self, messages: list[Message]) -> bool:
        """`prepare` has work to do for these messages (a system prompt not yet seen)."""
        text = _system(messages)
        return bool(text) and text not in self._done

    def prepare(self, messages: list[Message]) -> None:
        """Before a call: put its system prompt's KV state in the slot, once per prompt."""
        text = _system(messages)
        if not text or text in self._done:  # done: no wait on a prompt being stored
            return
        system: list[Message] = [{"role": "system", "content": text}]
        with self._lock:  # calls arriving meanwhile wait: the slot is being filled
            if text in self._done:
                return
            try:
                self.last = self._restore_or_store(system)
            except Exception as e:  # only time is at stake: never fail the call for it
                log.debug("system prompt KV cache not used: %s", e)
                self.last = None
            finally:
                self._done.add(text)

    def _restore_or_store(self, system: list[Message]) -> str:
        opening = self._opening(system)
        name = hashlib.sha256(f"{self._identity}\n{opening}".encode()).hexdigest()[:24] + SUFFIX
        path = self.folder / name
        if path.is_file():
            try:
                restored = self._post("/slots/0?action=restore", {"filename": name})
                if int(restored.get("n_restored", 0)) <= 0:
                    raise ValueError("nothing restored")
            except Exception:
                path.unlink(missing_ok=True)
                raise
            os.utime(path)
            return "restored"
        self._post("/completion", {"prompt": opening, "n_predict": 0, "cache_prompt": True})
        partial = f"{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            self._post("/slots/0?action=save", {"filename": partial})
            os.replace(self.folder / partial, path)
        finally:
            (self.folder / partial).unlink(missing_ok=True)
        self._prune()
        return "stored"

    def _opening(self, system: list[Message]) -> str:
        """The rendered prompt's text before the first user message: what two prompts with
        this system message and different user messages have in common.
        """
        a, b = (
            str(self._post("/apply-template", {"messages": [*system, user]})["prompt"])
            for user in ({"role": "user", "content": "a"}, {"role": "user", "content": "b"})
        )
        n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
        return a[:n]

    def _prune(self) -> None:
        files = sorted(self.folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
        for old in files[:-KEEP]:
            old.unlink(missing_ok=True)


def _system(messages: list[Message]) -> str:
    """The text of the system message the messages open on, else ""."""
    first = messages[0] if messages else {}
    return str(first.get("content") or "") if first.get("role") == "system" else ""
