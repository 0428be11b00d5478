"""Record and replay model answers, so an eval can run in CI with no network and no model.

`RecordingBackend(inner, dir)` passes calls through and stores each answer in
`dir/<case id>.json`; `ReplayBackend(dir)` answers from those files. A call's key is the model,
the prompt hash (system messages), the response schema's hash and the hash of all messages (so a
staged strategy's one-call-per-window is keyed per window). The runner says which case is
running with `case_scope`, a `ContextVar` that follows asyncio tasks. Replayed answers are
re-validated with the call's context, so grounding still runs. Nothing secret is stored: a
`Completion` holds no key, fingerprints exclude secrets, and any URL's `user:password@` in a
fingerprint or a recorded error is masked (`redact_urls`) when written and when read back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summarizer.atomic import atomic_write
from summarizer.backends.base import Backend, Completion, Message, T
from summarizer.errors import ConfigError, EndpointError, ModelError, RefusalError, TruncatedError
from summarizer.schema import Usage
from summarizer.text.urls import redact_urls

CURRENT_CASE: ContextVar[str | None] = ContextVar("summarizer_eval_case", default=None)
NO_CASE = "_no_case"
_UNSAFE = re.compile(r"[^\w.-]")
_MODEL_ERRORS: dict[str, type[ModelError]] = {
    cls.__name__: cls for cls in (ModelError, EndpointError, TruncatedError, RefusalError)
}


class ReplayMissError(ConfigError):
    """A replayed call has no recording: the prompt, schema, model or article changed."""


@contextlib.contextmanager
def case_scope(case_id: str) -> Iterator[None]:
    """Mark `case_id` as the case whose model calls follow (per asyncio task / thread)."""
    token = CURRENT_CASE.set(case_id)
    try:
        yield
    finally:
        CURRENT_CASE.reset(token)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def call_key(
    model: str, messages: list[Message], response_model: type[BaseModel]
) -> dict[str, str]:
    """The identity of one model call."""
    system = "\n".join(m.get("content", "") for m in messages if m.get("role") == "system")
    schema = json.dumps(response_model.model_json_schema(), sort_keys=True)
    return {
        "model": model,
        "prompt_hash": _digest(system),
        "schema_hash": _digest(schema),
        "messages_hash": _digest(json.dumps(messages, sort_keys=True)),
    }


def case_file(directory: Path, case_id: str) -> Path:
    """Where one case's calls are stored."""
    return directory / (_UNSAFE.sub("_", case_id) + ".json")


def _answer(completion: Completion[Any]) -> dict[str, Any]:
    value = completion.value.model_dump_json()
    return {
        "raw": completion.raw if completion.raw is not None else value,
        "value": value,
        "usage": completion.usage.model_dump(),
        "attempts": completion.attempts,
        "completion_model": completion.model,
    }


def redacted(value: Any) -> Any:
    """`value` (JSON-like) with the userinfo of every URL in its strings masked."""
    if isinstance(value, str):
        return redact_urls(value)
    if isinstance(value, dict):
        return {key: redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def _failure(error: ModelError) -> dict[str, Any]:
    """A model failure, recorded so that replay fails the same way (not with a miss)."""
    return {
        "error": {
            "type": type(error).__name__,
            "message": redact_urls(error.message),
            "hint": redacted(error.hint),
            "usage": error.usage,
            "attempts": error.attempts,
            "validation_errors": error.validation_errors,
        }
    }


def _raise_recorded(failure: dict[str, Any]) -> NoReturn:
    cls = _MODEL_ERRORS.get(str(failure.get("type")), ModelError)
    raise cls(
        str(failure.get("message", "model failed")),
        hint=failure.get("hint"),
        usage=dict(failure.get("usage") or {}),
        attempts=int(failure.get("attempts", 0)),
        validation_errors=list(failure.get("validation_errors") or []),
    )


class RecordingBackend:
    """Wraps a backend; stores every answer under the current case (see `case_scope`).

    With `reuse` (the recordings already made), a call recorded there is answered from it and
    kept as recorded; only the calls it lacks reach the inner backend: after a change that
    alters some calls, only those are re-made (`eval --record DIR --replay DIR`).
    """

    def __init__(
        self, inner: Backend, directory: str | Path, *, reuse: ReplayBackend | None = None
    ) -> None:
        self.inner = inner
        self.directory = Path(directory)
        self.name, self.model, self.mode = inner.name, inner.model, inner.mode
        self._reuse = reuse
        self._lock = threading.Lock()
        self._files: dict[str, dict[str, Any]] = {}

    def generate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Call the inner backend and record the answer (or the model's failure)."""
        reused = self._reused(messages, response_model, context)
        if reused is not None:
            return reused
        try:
            completion = self.inner.generate(messages, response_model, context=context)
        except ModelError as e:
            self._store(call_key(self.model, messages, response_model), _failure(e))
            raise
        self._store(call_key(self.model, messages, response_model), _answer(completion))
        return completion

    def _reused(
        self, messages: list[Message], response_model: type[T], context: dict[str, Any]
    ) -> Completion[T] | None:
        """The recorded answer from `reuse`, stored again as it was; None when it has none."""
        entry = self._reuse.recorded(messages, response_model) if self._reuse else None
        if entry is None or self._reuse is None:
            return None
        key, kept = call_key(self.model, messages, response_model), dict(entry)
        kept.pop("key", None)
        self._store(key, kept)
        return self._reuse.generate(messages, response_model, context=context)

    async def agenerate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Async variant of `generate`."""
        reused = self._reused(messages, response_model, context)
        if reused is not None:
            return reused
        try:
            completion = await self.inner.agenerate(messages, response_model, context=context)
        except ModelError as e:
            self._store(call_key(self.model, messages, response_model), _failure(e))
            raise
        self._store(call_key(self.model, messages, response_model), _answer(completion))
        return completion

    def _store(self, key: dict[str, str], entry: dict[str, Any]) -> None:
        entry = {"key": key, **entry}
        case_id = CURRENT_CASE.get() or NO_CASE
        with self._lock:
            data = self._files.setdefault(
                case_id, {"case": case_id, "fingerprint": redacted(self.fingerprint()), "calls": []}
            )
            data["calls"] = [c for c in data["calls"] if c["key"] != key] + [entry]
            self.directory.mkdir(parents=True, exist_ok=True)
            atomic_write(case_file(self.directory, case_id), json.dumps(data, indent=2) + "\n")

    def fingerprint(self) -> dict[str, Any]:
        """The inner backend's fingerprint."""
        return self.inner.fingerprint()

    def close(self) -> None:
        """Close the inner backend."""
        self.inner.close()


class _RecordedKey(BaseModel):
    model: str
    prompt_hash: str
    schema_hash: str
    messages_hash: str


class _RecordedCall(BaseModel):
    """One recorded call, as `_answer`/`_failure` write it (a tampered file fails here)."""

    model_config = ConfigDict(extra="allow")

    key: _RecordedKey
    raw: Any = None
    value: Any = None
    usage: dict[str, int] = Field(default_factory=dict)
    attempts: int = 1
    completion_model: str | None = None
    error: dict[str, Any] | None = None


class _Recording(BaseModel):
    model_config = ConfigDict(extra="allow")

    case: str
    fingerprint: dict[str, Any] | None = None
    calls: list[_RecordedCall] = Field(default_factory=list)


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


class ReplayBackend:
    """Answers from recordings; a call with no recording raises `ReplayMissError`."""

    def __init__(self, directory: str | Path, *, model: str | None = None) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise ConfigError(f"replay directory {self.directory} not found", hint="record first")
        self._calls: dict[str, list[dict[str, Any]]] = {}
        prints: list[dict[str, Any]] = []
        for path in sorted(self.directory.glob("*.json")):
            data = self._read(path)
            self._calls[str(data.get("case"))] = list(data.get("calls", []))
            prints.append(redacted(dict(data.get("fingerprint") or {})))
        models = {str(c["key"]["model"]) for calls in self._calls.values() for c in calls}
        self._pinned = model
        self.model = model or (models.pop() if len(models) == 1 else "replay")
        recorded = prints[0] if prints else {}
        self.name = str(recorded.get("backend", "replay"))
        self.mode = str(recorded.get("mode", "replay"))
        self._fingerprint = {**recorded, "model": self.model, "replayed_from": str(directory)}

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ConfigError(f"{path}: unreadable recording: {e}") from e
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: not a recording file", hint="re-record with --record")
        try:
            _Recording.model_validate(data)
        except ValidationError as e:
            problems = "; ".join(f"{_where(err['loc'])}: {err['msg']}" for err in e.errors())
            raise ConfigError(
                f"{path}: not a recording file: {problems}", hint="re-record with --record"
            ) from None
        return dict(data)

    def recorded(
        self, messages: list[Message], response_model: type[BaseModel]
    ) -> dict[str, Any] | None:
        """The recorded entry of this call in the current case, else None."""
        case_id = CURRENT_CASE.get() or NO_CASE
        key = call_key(self.model, messages, response_model)
        calls: list[dict[str, Any]] = self._calls.get(case_id, [])
        for entry in reversed(calls):
            recorded = entry["key"]
            if self._pinned is None:
                recorded = {**recorded, "model": self.model}
            if recorded == key:
                found: dict[str, Any] = entry
                return found
        return None

    def _find(self, messages: list[Message], response_model: type[BaseModel]) -> dict[str, Any]:
        found = self.recorded(messages, response_model)
        if found is not None:
            return found
        case_id = CURRENT_CASE.get() or NO_CASE
        key = call_key(self.model, messages, response_model)
        raise ReplayMissError(
            f"no recorded answer for case {case_id!r}, key {key} in {self.directory}",
            hint="re-record with --record",
        )

    def generate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """The recorded answer re-validated with `context`, or the recorded model failure."""
        entry = self._find(messages, response_model)
        if "error" in entry:
            _raise_recorded(entry["error"])
        value = _revalidate(entry, response_model, context)
        usage = Usage.model_validate(entry.get("usage", {}))
        model = entry.get("completion_model") or self.model
        return Completion(value, usage, int(entry.get("attempts", 1)), entry.get("raw"), model)

    async def agenerate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        """Same as `generate` (no I/O to wait for)."""
        return self.generate(messages, response_model, context=context)

    def fingerprint(self) -> dict[str, Any]:
        """The recorded backend's fingerprint, plus where the answers came from."""
        return dict(self._fingerprint)

    def close(self) -> None:
        """Nothing to release."""


def _revalidate(entry: dict[str, Any], response_model: type[T], context: dict[str, Any]) -> T:
    """Validate the raw answer (else the recorded value JSON); both failing is a ModelError."""
    candidates = [c for c in (entry.get("raw"), entry.get("value")) if isinstance(c, str)]
    errors: list[str] = []
    for text in dict.fromkeys(candidates):
        try:
            return response_model.model_validate_json(text, context=context)
        except ValidationError as e:
            errors += [str(err["msg"]) for err in e.errors()]
    raise ModelError("recorded answer no longer validates", validation_errors=errors)
