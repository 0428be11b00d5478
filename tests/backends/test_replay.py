"""`summarizer.backends.replay`: record/replay round trip, several calls per case, loud misses,
re-validation, no secrets. (The eval runner's record-then-replay scores:
tests/evals/test_evals_runner.py.)
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr, ValidationInfo, field_validator

from summarizer.backends import get_backend
from summarizer.backends.fake import FakeBackend
from summarizer.backends.replay import RecordingBackend, ReplayBackend, ReplayMissError, case_scope
from summarizer.errors import ConfigError, ModelError
from summarizer.schema import BriefingDraft
from summarizer.settings import Settings


class Echo(BaseModel):
    """A response model whose validation needs the context (like grounding does)."""

    word: str

    @field_validator("word")
    @classmethod
    def _in_article(cls, value: str, info: ValidationInfo) -> str:
        if info.context is not None and value not in info.context["article"]:
            raise ValueError("not in the article")
        return value


def _msgs(text: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": "You extract."}, {"role": "user", "content": text}]


def _record(directory: Any) -> FakeBackend:
    inner = FakeBackend([{"word": "alpha"}, {"word": "beta"}], model="m1")
    recorder = RecordingBackend(inner, directory)
    with case_scope("01-case"):
        recorder.generate(_msgs("window one"), Echo, context={"article": "alpha beta"})
        recorder.generate(_msgs("window two"), Echo, context={"article": "alpha beta"})
    return inner


def test_round_trip_with_several_calls_per_case(tmp_path: Any) -> None:
    _record(tmp_path)
    stored = json.loads((tmp_path / "01-case.json").read_text())
    assert len(stored["calls"]) == 2
    assert stored["calls"][0]["key"]["model"] == "m1"
    replay = ReplayBackend(tmp_path)
    assert replay.model == "m1" and replay.name == "fake"
    with case_scope("01-case"):
        two = replay.generate(_msgs("window two"), Echo, context={"article": "alpha beta"})
        one = replay.generate(_msgs("window one"), Echo, context={"article": "alpha beta"})
    assert (one.value.word, two.value.word) == ("alpha", "beta")
    assert one.usage.total_tokens > 0 and one.attempts == 1


def test_missing_key_fails_loudly(tmp_path: Any) -> None:
    _record(tmp_path)
    replay = ReplayBackend(tmp_path)
    with case_scope("01-case"), pytest.raises(ReplayMissError) as info:
        replay.generate(_msgs("window three"), Echo, context={"article": "alpha"})
    assert isinstance(info.value, ConfigError)
    assert "'01-case'" in info.value.message and "messages_hash" in info.value.message
    assert "re-record with --record" in info.value.one_line()
    with case_scope("02-other"), pytest.raises(ReplayMissError, match="02-other"):
        replay.generate(_msgs("window one"), Echo, context={"article": "alpha"})
    with case_scope("01-case"), pytest.raises(ReplayMissError):
        ReplayBackend(tmp_path, model="m2").generate(
            _msgs("window one"), Echo, context={"article": "alpha"}
        )


def test_replay_revalidates_with_the_context(tmp_path: Any) -> None:
    _record(tmp_path)
    with case_scope("01-case"), pytest.raises(ModelError, match="no longer validates"):
        ReplayBackend(tmp_path).generate(_msgs("window one"), Echo, context={"article": "gamma"})


def test_replay_dir_must_exist(tmp_path: Any) -> None:
    with pytest.raises(ConfigError, match="not found"):
        ReplayBackend(tmp_path / "nope")


def test_concurrent_cases_record_to_their_own_files(tmp_path: Any) -> None:
    recorder = RecordingBackend(FakeBackend([{"word": "alpha"}]), tmp_path)

    async def one(case_id: str) -> None:
        with case_scope(case_id):
            await asyncio.sleep(0)
            await recorder.agenerate(_msgs(case_id), Echo, context={"article": "alpha"})

    async def both() -> None:
        await asyncio.gather(one("a"), one("b"))

    asyncio.run(both())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
    assert json.loads((tmp_path / "b.json").read_text())["case"] == "b"


def test_recordings_hold_no_api_key(tmp_path: Any, fake_settings: Settings) -> None:
    sentinel = "sk-SENTINEL-do-not-store-1234"
    settings = fake_settings.model_copy(update={"api_key": SecretStr(sentinel)})
    recorder = RecordingBackend(get_backend(settings), tmp_path)
    with case_scope("01-case"):
        recorder.generate(_msgs("Nothing happened."), BriefingDraft, context={"article": "x"})
    recorder.close()
    files = list(tmp_path.iterdir())
    assert files
    assert all(sentinel not in p.read_text() for p in files)


def test_model_failures_are_recorded_and_replayed(tmp_path: Any) -> None:
    recorder = RecordingBackend(FakeBackend([{"word": "zeta"}], max_retries=1), tmp_path)
    with case_scope("01-case"), pytest.raises(ModelError):
        recorder.generate(_msgs("w"), Echo, context={"article": "alpha"})
    with case_scope("01-case"), pytest.raises(ModelError) as info:
        ReplayBackend(tmp_path).generate(_msgs("w"), Echo, context={"article": "alpha"})
    assert not isinstance(info.value, ReplayMissError)
    assert info.value.attempts == 2
    assert info.value.usage["total_tokens"] > 0
    assert any("not in the article" in e for e in info.value.validation_errors)


class _UrlBackend(FakeBackend):
    """A backend whose fingerprint and failures carry a URL with credentials."""

    def fingerprint(self) -> dict[str, Any]:
        return super().fingerprint() | {"endpoint": "http://alice:s3cret@10.0.0.5/v1"}


def test_recordings_mask_url_userinfo_written_and_read(tmp_path: Any) -> None:
    recorder = RecordingBackend(_UrlBackend([{"word": "alpha"}]), tmp_path)
    with case_scope("01-case"):
        recorder.generate(_msgs("w"), Echo, context={"article": "alpha"})
    stored = (tmp_path / "01-case.json").read_text()
    assert "s3cret" not in stored and "alice" not in stored
    assert json.loads(stored)["fingerprint"]["endpoint"] == "http://***@10.0.0.5/v1"
    old = json.loads(stored)  # a recording made before the masking
    old["fingerprint"]["endpoint"] = "http://alice:s3cret@10.0.0.5/v1"
    (tmp_path / "01-case.json").write_text(json.dumps(old))
    assert ReplayBackend(tmp_path).fingerprint()["endpoint"] == "http://***@10.0.0.5/v1"


def test_recorded_failures_mask_url_userinfo(tmp_path: Any) -> None:
    class Failing(FakeBackend):
        def generate(self, *args: Any, **kwargs: Any) -> Any:
            raise ModelError("HTTP 500 at http://alice:s3cret@h/v1", hint="see http://a:b@h/")

    recorder = RecordingBackend(Failing([]), tmp_path)
    with case_scope("01-case"), pytest.raises(ModelError):
        recorder.generate(_msgs("w"), Echo, context={"article": "alpha"})
    error = json.loads((tmp_path / "01-case.json").read_text())["calls"][0]["error"]
    assert (error["message"], error["hint"]) == ("HTTP 500 at http://***@h/v1", "see http://***@h/")


def test_recording_with_reuse_calls_the_model_only_for_missing_calls(tmp_path: Any) -> None:
    _record(tmp_path / "old")
    inner = FakeBackend([{"word": "gamma"}], model="m1")  # one answer: a second call would fail
    refill = RecordingBackend(
        inner, tmp_path / "new", reuse=ReplayBackend(tmp_path / "old", model="m1")
    )
    context = {"article": "alpha beta gamma"}
    with case_scope("01-case"):
        kept = refill.generate(_msgs("window two"), Echo, context=context)
        made = asyncio.run(refill.agenerate(_msgs("window three"), Echo, context=context))
    assert (kept.value.word, made.value.word) == ("beta", "gamma")
    assert len(inner.calls) == 1  # the recorded call never reached the model
    old, new = (json.loads((tmp_path / d / "01-case.json").read_text()) for d in ("old", "new"))
    assert new["calls"][0] == old["calls"][1]  # stored exactly as it was recorded
    assert [c["value"] for c in new["calls"]] == [old["calls"][1]["value"], '{"word":"gamma"}']
