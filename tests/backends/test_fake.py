"""FakeBackend: scripted in-process answers, validated and re-asked like the real ones."""

from __future__ import annotations

import pytest
from builders import Pick

from summarizer.backends import get_backend
from summarizer.backends.fake import EMPTY_DRAFT, FakeBackend
from summarizer.errors import ConfigError, EndpointError, ModelError
from summarizer.schema import BriefingDraft
from summarizer.settings import Settings

ASK = [{"role": "user", "content": "Which city? Talks in Rome."}]
CONTEXT = {"article": "Talks in Rome."}


def test_invalid_reply_is_reasked_with_the_error_text() -> None:
    backend = FakeBackend([{"city": "Paris"}, {"city": "Rome"}])
    done = backend.generate(ASK, Pick, context=CONTEXT)
    assert (done.value.city, done.attempts) == ("Rome", 2)
    assert len(backend.calls) == 2
    assert backend.calls[1][:1] == ASK
    assert "'Paris' is not in the article" in backend.calls[1][-1]["content"]
    assert done.usage.total_tokens == done.usage.prompt_tokens + done.usage.completion_tokens > 0


def test_budget_exhausted_raises_model_error() -> None:
    backend = FakeBackend([{"city": "Paris"}], max_retries=1)
    with pytest.raises(ModelError) as caught:
        backend.generate(ASK, Pick, context=CONTEXT)
    assert caught.value.attempts == 2
    assert caught.value.last_completion == '{"city": "Paris"}'
    assert caught.value.validation_errors == ["city: Value error, 'Paris' is not in the article"]
    assert caught.value.usage["total_tokens"] > 0


def test_scripted_exceptions_and_models() -> None:
    backend = FakeBackend([EndpointError("down"), BriefingDraft(summary="Talks.")])
    with pytest.raises(EndpointError):
        backend.generate(ASK, BriefingDraft, context=CONTEXT)
    assert backend.generate(ASK, BriefingDraft, context=CONTEXT).value.summary == "Talks."


async def test_agenerate_matches_generate() -> None:
    done = await FakeBackend().agenerate(ASK, BriefingDraft, context=CONTEXT)
    assert done.value == BriefingDraft.model_validate(EMPTY_DRAFT)


def test_get_backend_picks_by_settings() -> None:
    fake = get_backend(Settings(backend="fake", max_retries=0))
    assert isinstance(fake, FakeBackend) and fake.max_retries == 0
    assert fake.fingerprint() == {"backend": "fake", "model": "fake", "mode": "fake"}
    local = Settings(backend="openai", base_url="http://127.0.0.1:9/v1", model="m")
    assert get_backend(local).fingerprint()["base_url"] == "127.0.0.1:9"
    with pytest.raises(ConfigError):
        get_backend(Settings.model_construct(backend="nope"))
