"""The embedded backend: a local GGUF model served in-process by llama.cpp (xllamacpp).

The server starts lazily on the first call and listens on loopback only, behind a random
per-process API key. Requests go through `OpenAIBackend` with `json_schema` mode, so
llama.cpp constrains decoding to the response model's JSON schema. A system prompt's KV
state is kept on disk and restored in the next process (`backends.prefix`).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from summarizer.backends.base import Completion, Message, T
from summarizer.backends.prefix import PrefixCache
from summarizer.backends.weights import MODELS, ensure_model, file_sha256
from summarizer.errors import ModelNotFoundError
from summarizer.settings import Settings
from summarizer.text.derived import cache_root

if TYPE_CHECKING:
    from summarizer.backends.openai import OpenAIBackend

DEFAULT_CTX = 8192
MIN_TIMEOUT = 600.0  # CPU decoding of a long article can take minutes
MAX_TOKENS = 1536  # a full draft of a long article fits; a looping model stops here
# llama.cpp sampling extras. The repeat penalty is off on purpose: it discourages copying
# article sentences verbatim (evidence, names like "U.S."), and the schema's maxItems
# already bound runaway lists. cache_prompt reuses the KV cache on re-asks.
EXTRA_BODY: dict[str, Any] = {"cache_prompt": True, "repeat_penalty": 1.0}


def context_size() -> int:
    """Context window in tokens: $SUMMARIZER_CTX, else 8192 (`Settings.context_tokens` wins)."""
    return int(os.environ.get("SUMMARIZER_CTX") or DEFAULT_CTX)


class EmbeddedBackend:
    """Runs the embedded model on this machine; no network, no API key."""

    name = "embedded"
    mode = "json_schema"

    def __init__(self, settings: Settings) -> None:
        """Resolve the weights now (so a missing model fails early); load them on first use."""
        self.settings = settings
        self.size = settings.embedded_size
        self.path, self.model, self.sha256 = self._resolve()
        self.n_ctx = settings.context_tokens or context_size()
        self._key = secrets.token_urlsafe(16)
        self._server: Any = None
        self._delegate: OpenAIBackend | None = None
        self._lock = threading.Lock()
        self.prefix: PrefixCache | None = None  # set when the server starts

    def _resolve(self) -> tuple[Path, str, str]:
        """(weights path, display name, sha256) from `settings.model` if a .gguf, else the size."""
        custom = self.settings.model
        if custom and custom.endswith(".gguf"):
            path = Path(custom).expanduser()
            if not path.is_file():
                raise ModelNotFoundError(
                    f"Model file {path} does not exist", hint="check --model or SUMMARIZER_MODEL"
                )
            try:
                return path, path.stem, file_sha256(path)
            except OSError as e:
                raise ModelNotFoundError(
                    f"cannot read model file {path}: {e.strerror or e}",
                    hint="check --model or SUMMARIZER_MODEL",
                ) from e
        spec = MODELS[self.size]
        return ensure_model(self.size), spec.display_name, spec.sha256

    def _start_server(self) -> str:
        """Load the weights and start llama.cpp's HTTP server; return its address."""
        import xllamacpp

        threads = self.settings.threads or os.cpu_count() or 4
        p = xllamacpp.CommonParams()
        p.model.path = str(self.path)
        p.model_alias = {self.model}
        p.api_keys = [self._key]
        p.n_ctx, p.n_parallel, p.warmup, p.verbosity = self.n_ctx, 1, False, -1
        p.cpuparams.n_threads = threads
        p.cpuparams_batch.n_threads = threads
        p.ui = False
        kv = cache_root() / "kv"
        try:
            kv.mkdir(parents=True, exist_ok=True)
            p.slot_save_path, p.endpoint_slots = str(kv) + os.sep, True  # `backends.prefix`
            identity = f"{self.sha256}:{self.n_ctx}:{getattr(xllamacpp, '__version__', '')}"
            self.prefix = PrefixCache(self.native, kv, identity)
        except OSError:  # no writable cache folder: every process reads the prompt itself
            self.prefix = None
        try:
            self._server = xllamacpp.Server(p)
        except Exception as e:  # the binding raises bare RuntimeError/ValueError
            raise ModelNotFoundError(
                f"llama.cpp could not load {self.path}: {e}", hint=f"re-pull: {self._hint()}"
            ) from e
        return str(self._server.listening_address)

    def _hint(self) -> str:
        return f"summarizer model pull --size {self.size} --force"

    def _client(self) -> OpenAIBackend:
        """The OpenAI-compatible client bound to the local server, started once."""
        with self._lock:
            if self._delegate is None:
                from summarizer.backends.openai import OpenAIBackend

                address = self._start_server()
                local = self.settings.model_copy(
                    update={
                        "base_url": address + "/v1",
                        "api_key": SecretStr(self._key),
                        "model": self.model,
                        "mode": self.mode,
                        "timeout": max(self.settings.timeout, MIN_TIMEOUT),
                        "max_tokens": min(self.settings.max_tokens, MAX_TOKENS),
                        # the server is in this process: a retry would repeat the same work
                        "transport_retries": 0,
                    }
                )
                self._delegate = OpenAIBackend(
                    local, name=self.name, extra_body=dict(EXTRA_BODY), api_key_optional=True
                )
            return self._delegate

    def native(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST to one of llama.cpp's own endpoints (`/tokenize`, `/completion`), for
        benchmarks and diagnostics: token counts and llama.cpp's timings.
        """
        import httpx

        self._client()
        address = str(self._server.listening_address)
        headers = {"Authorization": f"Bearer {self._key}"}
        timeout = max(self.settings.timeout, MIN_TIMEOUT)
        response = httpx.post(address + path, json=payload, headers=headers, timeout=timeout)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def generate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Validated answer from the local model (loads it on the first call)."""
        client = self._client()
        if self.prefix is not None:
            self.prefix.prepare(messages)
        return client.generate(messages, response_model, context=context)

    async def agenerate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Async variant; the one-off model load runs in a worker thread."""
        client = await asyncio.to_thread(self._client)
        if self.prefix is not None and self.prefix.pending(messages):
            await asyncio.to_thread(self.prefix.prepare, messages)
        return await client.agenerate(messages, response_model, context=context)

    def fingerprint(self) -> dict[str, Any]:
        """What changes the output: the model file's content (its sha256; the pulled models'
        is pinned) and sampling; never the per-process key. Two custom files of one name
        are two models.
        """
        s = self.settings
        custom = self.settings.model is not None and self.settings.model.endswith(".gguf")
        return {
            "backend": self.name,
            "model": self.model,
            "size": None if custom else self.size,
            "file": None if custom else self.path.name,
            "sha256": self.sha256[:12],
            "mode": self.mode,
            "n_ctx": self.n_ctx,
            "temperature": s.temperature,
            "seed": s.seed,
            "max_tokens": min(s.max_tokens, MAX_TOKENS),
            "sampling": dict(EXTRA_BODY),
        }

    async def aclose(self) -> None:
        """Close both clients, then stop the server."""
        if self._delegate is not None:
            await self._delegate.aclose()
        self.close()

    def close(self) -> None:
        """Close the client and stop the server (xllamacpp stops it when the object goes)."""
        with self._lock:
            if self._delegate is not None:
                self._delegate.close()
                self._delegate = None
            self._server = None
