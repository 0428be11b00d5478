"""`backends.prefix`: a system prompt's KV state kept on disk, restored in the next process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from summarizer.backends import prefix
from summarizer.backends.embedded import EmbeddedBackend
from summarizer.backends.prefix import PrefixCache
from summarizer.settings import Settings

SYSTEM = {"role": "system", "content": "You list who meets."}
MESSAGES = [SYSTEM, {"role": "user", "content": "Ana Reis met Odd Lunde on Monday."}]


class Server:
    """llama.cpp's endpoints as `PrefixCache` uses them: a template, a prefill, and slot
    save/restore into `folder` (a restore of an unreadable file fails, as llama.cpp's does).
    """

    def __init__(self, folder: Path) -> None:
        self.folder, self.posts = folder, []

    def __call__(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.posts.append(path)
        if path == "/apply-template":
            turns = [f"<{m['role']}>{m['content']}</{m['role']}>" for m in payload["messages"]]
            return {"prompt": "".join(turns) + "<assistant>"}
        if path == "/completion":
            return {"timings": {"prompt_n": len(payload["prompt"])}}
        file = self.folder / payload["filename"]
        if path.endswith("action=save"):
            file.write_bytes(b"state")
            return {"n_saved": 5}
        if file.read_bytes() != b"state":
            raise RuntimeError("failed to restore the slot")
        return {"n_restored": 5}


def test_the_first_process_stores_the_prompt_and_the_next_restores_it(tmp_path: Path) -> None:
    first = PrefixCache(Server(tmp_path), tmp_path, "model-a")
    first.prepare(MESSAGES)
    first.prepare(MESSAGES)  # once a process
    assert first.last == "stored"
    [stored] = tmp_path.glob("*.kv")
    assert not list(tmp_path.glob("*.tmp"))  # written under a temporary name, renamed
    server = Server(tmp_path)
    second = PrefixCache(server, tmp_path, "model-a")
    second.prepare(MESSAGES)
    assert second.last == "restored" and "/completion" not in server.posts
    other = PrefixCache(Server(tmp_path), tmp_path, "model-b")  # another model: its own file
    other.prepare(MESSAGES)
    assert other.last == "stored" and len(list(tmp_path.glob("*.kv"))) == 2
    assert stored.exists()


def test_an_unreadable_file_is_removed_and_the_call_goes_on(tmp_path: Path) -> None:
    PrefixCache(Server(tmp_path), tmp_path, "m").prepare(MESSAGES)
    [stored] = tmp_path.glob("*.kv")
    stored.write_bytes(b"cut sh")
    cache = PrefixCache(Server(tmp_path), tmp_path, "m")
    cache.prepare(MESSAGES)  # no exception: only time is at stake
    assert cache.last is None and not stored.exists()


def test_without_a_system_prompt_nothing_is_done(tmp_path: Path) -> None:
    server = Server(tmp_path)
    cache = PrefixCache(server, tmp_path, "m")
    user_only = MESSAGES[1:]
    assert not cache.pending(user_only)
    cache.prepare(user_only)
    assert server.posts == [] and cache.pending(MESSAGES)


def test_only_the_most_recently_used_files_are_kept(tmp_path: Path) -> None:
    for i in range(prefix.KEEP + 2):
        system = {"role": "system", "content": f"prompt {i}"}
        PrefixCache(Server(tmp_path), tmp_path, "m").prepare([system, MESSAGES[1]])
    assert len(list(tmp_path.glob("*.kv"))) == prefix.KEEP


class People(BaseModel):
    """Who meets whom."""

    participants: list[str]


@pytest.mark.slow
@pytest.mark.usefixtures("small_model")
def test_a_second_process_restores_the_system_prompt_and_answers_the_same() -> None:
    answers, states = [], []
    for _ in range(2):  # two backends, one after the other: two processes' servers
        backend = EmbeddedBackend(Settings(embedded_size="0.5b", max_tokens=64))
        try:
            answers.append(asyncio.run(backend.agenerate(MESSAGES, People, context={})).value)
            assert backend.prefix is not None
            states.append(backend.prefix.last)
        finally:
            backend.close()
    assert states == ["stored", "restored"]
    assert answers[0] == answers[1]
