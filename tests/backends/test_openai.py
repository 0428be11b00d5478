"""OpenAIBackend against the fake server: the real openai + instructor client code runs."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openai
import pytest
from builders import Pick
from instructor.v2.providers.openai.schema import generate_openai_schema

from summarizer.backends.openai import OpenAIBackend, retry_after
from summarizer.errors import (
    ConfigError,
    EndpointError,
    MissingKeyError,
    ModelError,
    RefusalError,
    TruncatedError,
)
from summarizer.schema import BriefingDraft
from summarizer.settings import Settings
from summarizer.testing.server import FakeOpenAIServer, Reply, chat_completion

ARTICLE = "Foreign ministers met in Rome on Thursday to discuss {{ grain }} exports."
CONTEXT = {"article": ARTICLE}
MESSAGES = [{"role": "user", "content": f"Which city?\n\n{ARTICLE}"}]
DRAFT = {
    "summary": "Ministers met in Rome.",
    "meetings": [
        {
            "participants": [{"name": "Ann Lee"}, {"organization": "EU farm ministers"}],
            "location": {"city": "Rome"},
            "evidence": ["Foreign ministers met in Rome on Thursday"],
        }
    ],
    "tensions": [],
}


@pytest.fixture
def make(fake_settings: Settings) -> Iterator[Any]:
    """Build backends from `fake_settings` with overrides; close them afterwards."""
    made: list[OpenAIBackend] = []

    def build(**overrides: Any) -> OpenAIBackend:
        backend = OpenAIBackend(Settings.model_validate(fake_settings.model_dump() | overrides))
        made.append(backend)
        return backend

    yield build
    for backend in made:
        backend.close()


@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_each_mode_returns_the_typed_value(mode: str, make: Any, fake_server: Any) -> None:
    fake_server.set_script([DRAFT])
    done = make(mode=mode).generate(MESSAGES, BriefingDraft, context=CONTEXT)
    assert type(done.value) is BriefingDraft
    assert done.value == BriefingDraft.model_validate(DRAFT)
    assert (done.attempts, done.model) == (1, "fake")
    request = fake_server.requests[0]
    shape = {"tools": "tools", "json_schema": "response_format", "md_json": "messages"}[mode]
    assert "```json" in json.dumps(request[shape]) if mode == "md_json" else shape in request


def test_validator_sees_context_and_rejection_is_reasked(make: Any, fake_server: Any) -> None:
    fake_server.set_script([{"city": "Paris"}, {"city": "Rome"}])
    done = make().generate(MESSAGES, Pick, context=CONTEXT)
    assert done.value == Pick.model_validate({"city": "Rome"}, context=CONTEXT)
    assert done.attempts == 2
    assert len(fake_server.requests) == 2
    assert "'Paris' is not in the article" in json.dumps(fake_server.requests[1]["messages"])


def test_messages_reach_the_server_verbatim(make: Any, fake_server: Any) -> None:
    fake_server.set_script([{"city": "Rome"}])
    make().generate(MESSAGES, Pick, context=CONTEXT)
    assert fake_server.requests[0]["messages"][0]["content"] == MESSAGES[0]["content"]


def test_sampling_params_and_extra_body_are_sent(fake_settings: Settings, fake_server: Any) -> None:
    backend = OpenAIBackend(fake_settings, extra_body={"repeat_penalty": 1.1})
    backend.generate(MESSAGES, BriefingDraft, context=CONTEXT)
    backend.close()
    request = fake_server.requests[0]
    assert request["repeat_penalty"] == 1.1
    assert (request["temperature"], request["seed"], request["max_tokens"]) == (0.0, 0, 2048)


def test_429_waits_for_retry_after(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(status=429, retry_after=0.2), {"city": "Rome"}])
    start = time.monotonic()
    done = make(retry_max_wait=1.0).generate(MESSAGES, Pick, context=CONTEXT)
    assert time.monotonic() - start >= 0.2
    assert len(fake_server.requests) == 2
    assert done.attempts == 1  # transport retries are not re-asks


def test_retry_after_is_capped_by_retry_max_wait(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(status=429, retry_after=30), {"city": "Rome"}])
    start = time.monotonic()
    make(retry_max_wait=0.05).generate(MESSAGES, Pick, context=CONTEXT)
    assert time.monotonic() - start < 1.0


def test_retry_after_header_parsing() -> None:
    class Response:
        def __init__(self, headers: dict[str, str]) -> None:
            self.headers = headers

    class Failure(Exception):
        def __init__(self, headers: dict[str, str]) -> None:
            self.response = Response(headers)

    assert retry_after(Failure({"retry-after-ms": "250", "retry-after": "9"})) == 0.25
    assert retry_after(Failure({"retry-after": "2"})) == 2.0
    assert retry_after(Failure({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) is None
    assert retry_after(ValueError()) is None


def test_500_then_503_then_success(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(status=500), Reply(status=503), {"city": "Rome"}])
    done = make().generate(MESSAGES, Pick, context=CONTEXT)
    assert done.value.city == "Rome"
    assert len(fake_server.requests) == 3


def test_transport_budget_exhausted_raises_endpoint_error(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(status=503)])
    start = time.monotonic()
    with pytest.raises(EndpointError, match="HTTP 503") as caught:
        make(transport_retries=2).generate(MESSAGES, Pick, context=CONTEXT)
    assert time.monotonic() - start < 1.0
    assert len(fake_server.requests) == 3
    assert "gave up after 3 attempts" in str(caught.value)


def test_connection_refused_names_the_url(fake_settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    backend = OpenAIBackend(fake_settings.model_copy(update={"base_url": url}))
    with pytest.raises(EndpointError, match=f"connection refused at {url}"):
        backend.generate(MESSAGES, Pick, context=CONTEXT)
    backend.close()


def test_dropped_connection_is_retried(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(drop=True), {"city": "Rome"}])
    assert make().generate(MESSAGES, Pick, context=CONTEXT).value.city == "Rome"
    assert len(fake_server.requests) == 2


def test_read_timeout_is_retried(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(delay=0.5), {"city": "Rome"}])
    assert make(timeout=0.1).generate(MESSAGES, Pick, context=CONTEXT).value.city == "Rome"
    assert len(fake_server.requests) == 2


def test_malformed_body_is_a_transport_fault(make: Any, fake_server: Any) -> None:
    """A 200 whose body is not JSON is retried like a 5xx, then an EndpointError."""
    fake_server.set_script([Reply(malformed=True), {"city": "Rome"}])
    assert make().generate(MESSAGES, Pick, context=CONTEXT).value.city == "Rome"
    fake_server.set_script([Reply(malformed=True)])
    with pytest.raises(EndpointError, match="malformed JSON response"):
        make().generate(MESSAGES, Pick, context=CONTEXT)


def test_invalid_tool_arguments_are_reasked(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(content='{"city": "Ro'), {"city": "Rome"}])
    assert make().generate(MESSAGES, Pick, context=CONTEXT).attempts == 2


def test_reask_budget_exhausted_raises_model_error(make: Any, fake_server: Any) -> None:
    fake_server.set_script([{"city": "Paris"}])
    with pytest.raises(ModelError) as caught:
        make(max_retries=1).generate(MESSAGES, Pick, context=CONTEXT)
    error = caught.value
    assert type(error) is ModelError
    assert error.attempts == 2 == len(fake_server.requests)
    assert json.loads(error.last_completion) == {"city": "Paris"}
    assert any("'Paris' is not in the article" in e for e in error.validation_errors)
    assert error.usage["total_tokens"] == _served_tokens(fake_server, {"city": "Paris"}) > 0


def test_usage_is_summed_across_attempts(make: Any, fake_server: Any) -> None:
    fake_server.set_script([{"city": "Paris"}, {"city": "Rome"}])
    done = make().generate(MESSAGES, Pick, context=CONTEXT)
    first = chat_completion(fake_server.requests[0], Reply(content={"city": "Paris"}))
    second = chat_completion(fake_server.requests[1], Reply(content={"city": "Rome"}))
    prompts = first["usage"]["prompt_tokens"] + second["usage"]["prompt_tokens"]
    assert done.usage.prompt_tokens == prompts
    assert (
        done.usage.total_tokens == first["usage"]["total_tokens"] + second["usage"]["total_tokens"]
    )


def test_finish_reason_length_raises_truncated(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(content=DRAFT, finish_reason="length")])
    with pytest.raises(TruncatedError, match="max_tokens=2048") as caught:
        make().generate(MESSAGES, BriefingDraft, context=CONTEXT)
    assert caught.value.attempts == 1 and caught.value.usage["completion_tokens"] > 0
    assert caught.value.last_completion and len(fake_server.requests) == 1


@pytest.mark.parametrize("reply", [Reply(refusal=True), Reply(finish_reason="content_filter")])
def test_refusal_and_content_filter_raise_refusal(
    reply: Reply, make: Any, fake_server: Any
) -> None:
    fake_server.set_script([reply])
    with pytest.raises(RefusalError):
        make().generate(MESSAGES, Pick, context=CONTEXT)
    assert len(fake_server.requests) == 1


def test_unknown_model_is_a_config_error(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(status=404, code="model_not_found")])
    with pytest.raises(ConfigError, match=r"model 'fake' not found at http://127\.0\.0\.1"):
        make().generate(MESSAGES, Pick, context=CONTEXT)


def test_hosted_openai_without_key_is_missing_key() -> None:
    """No key and no endpoint in the environment: the conftest's isolation cleared them."""
    with pytest.raises(MissingKeyError) as caught:
        OpenAIBackend(Settings(backend="openai"))
    assert caught.value.hint == "set OPENAI_API_KEY or pass --base-url for a local server"
    assert OpenAIBackend(Settings(backend="openai"), api_key_optional=True).model == "gpt-4o-mini"


def test_sentinel_key_never_leaks(
    make: Any, fake_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    backend = make(api_key="sk-SENTINEL-123")
    seen: list[str] = [repr(backend), json.dumps(backend.fingerprint())]
    for reply in (Reply(status=401), Reply(status=500), Reply(content="nope")):
        fake_server.set_script([reply])
        with pytest.raises(Exception) as caught:
            backend.generate(MESSAGES, Pick, context=CONTEXT)
        error = caught.value
        seen += [str(error), repr(error), getattr(error, "one_line", str)()]
    assert isinstance(caught.value, ModelError)
    assert "retry" in caplog.text  # the failures were logged...
    assert "sk-SENTINEL-123" not in "\n".join(seen) + caplog.text  # ...without the key
    assert "SENTINEL" not in caplog.text


def test_401_is_key_rejected(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(status=401, error="Incorrect API key provided: sk-x")])
    with pytest.raises(MissingKeyError, match="API key rejected") as caught:
        make(api_key="sk-x").generate(MESSAGES, Pick, context=CONTEXT)
    assert "sk-x" not in str(caught.value)


def test_other_4xx_is_not_retried_and_quotes_the_server(make: Any, fake_server: Any) -> None:
    fake_server.set_script([Reply(status=400, error="response_format sk-x unsupported")])
    with pytest.raises(EndpointError, match="HTTP 400: response_format \\*\\*\\* unsupported"):
        make(api_key="sk-x").generate(MESSAGES, Pick, context=CONTEXT)
    assert len(fake_server.requests) == 1


def test_fingerprint_names_what_changes_output(make: Any) -> None:
    found = make(api_key="sk-SENTINEL-123", mode="md_json").fingerprint()
    assert found["backend"] == "openai" and found["mode"] == "md_json"
    assert found["base_url"].startswith("127.0.0.1:")
    assert {"model", "temperature", "seed", "max_tokens"} <= set(found)


def test_concurrent_calls_share_a_client_but_not_context(make: Any, fake_server: Any) -> None:
    fake_server.set_script(lambda body: Reply(content={"city": "Rome"}))
    backend = make()

    def ask(article: str) -> str:
        try:
            return backend.generate(MESSAGES, Pick, context={"article": article}).value.city
        except ModelError:
            return "rejected"

    with ThreadPoolExecutor(32) as pool:
        got = list(pool.map(ask, ["in Rome", "in Oslo"] * 16))
    assert got == ["Rome", "rejected"] * 16


async def test_agenerate_concurrently(make: Any, fake_server: Any) -> None:
    fake_server.set_script([{"city": "Rome"}])
    backend = make()
    done = await asyncio.gather(
        *(backend.agenerate(MESSAGES, Pick, context=CONTEXT) for _ in range(4))
    )
    assert [d.value.city for d in done] == ["Rome"] * 4


async def test_concurrent_agenerate_shares_one_client_closed_when_done(
    make: Any, fake_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_server.set_script(lambda body: Reply(content={"city": "Rome"}))
    made: list[openai.AsyncOpenAI] = []
    real = openai.AsyncOpenAI

    def counted(**kwargs: Any) -> openai.AsyncOpenAI:
        made.append(real(**kwargs))
        return made[-1]

    monkeypatch.setattr(openai, "AsyncOpenAI", counted)
    backend = make()
    done = await asyncio.gather(
        *(backend.agenerate(MESSAGES, Pick, context=CONTEXT) for _ in range(8))
    )
    assert [d.value.city for d in done] == ["Rome"] * 8
    assert len(made) == 1 and made[0].is_closed()
    await backend.agenerate(MESSAGES, Pick, context=CONTEXT)  # a later call: a new client
    assert len(made) == 2 and made[1].is_closed()


def test_tool_schema_is_built_once_per_response_model(make: Any, fake_server: Any) -> None:
    fake_server.set_script(lambda body: Reply(content={"city": "Rome"}))
    backend = make()
    backend.generate(MESSAGES, Pick, context=CONTEXT)
    built = generate_openai_schema.cache_info().misses
    for _ in range(3):
        backend.generate(MESSAGES, Pick, context=CONTEXT)
    assert generate_openai_schema.cache_info().misses == built
    assert fake_server.requests[0]["tools"] == fake_server.requests[-1]["tools"]


async def test_agenerate_retries_and_reasks(make: Any, fake_server: Any) -> None:
    fake_server.set_script(
        [Reply(status=429, retry_after=0.01), {"city": "Paris"}, {"city": "Rome"}]
    )
    backend = make()
    done = await backend.agenerate(MESSAGES, Pick, context=CONTEXT)
    assert (done.value.city, done.attempts, len(fake_server.requests)) == ("Rome", 2, 3)


def _served_tokens(server: FakeOpenAIServer, content: Any) -> int:
    replies = [chat_completion(r, Reply(content=content)) for r in server.requests]
    return sum(int(r["usage"]["total_tokens"]) for r in replies)


def test_base_url_userinfo_is_sent_as_basic_auth_and_never_shown(
    make: Any, fake_server: Any
) -> None:
    url = fake_server.base_url.replace("http://", "http://alice:s%40cret@")
    backend = make(base_url=url)
    port = fake_server.base_url.split(":")[2].split("/")[0]
    assert backend.host == f"127.0.0.1:{port}" and backend.fingerprint()["base_url"] == backend.host
    assert backend.base_url == fake_server.base_url and "cret" not in repr(backend)
    args = backend.client_args()
    assert args["base_url"] == fake_server.base_url
    assert args["default_headers"] == {"Authorization": "Basic YWxpY2U6c0BjcmV0"}  # alice:s@cret
    fake_server.set_script([Reply(status=404, code="model_not_found")])
    with pytest.raises(ConfigError) as caught:
        backend.generate(MESSAGES, Pick, context=CONTEXT)
    masked = fake_server.base_url.replace("http://", "http://***@")
    assert caught.value.one_line().startswith(f"model 'fake' not found at {masked} — ")
    assert "default_headers" not in make().client_args()


def test_no_key_error_masks_the_url_userinfo() -> None:
    with pytest.raises(MissingKeyError) as caught:
        OpenAIBackend(Settings(backend="openai", base_url="https://u:pw@api.openai.com/v1"))
    assert caught.value.message == "no API key for https://***@api.openai.com/v1"


def _raised(error: BaseException, *causes: BaseException) -> BaseException:
    """`error` raised from each of `causes` in turn (the innermost last)."""
    for outer, inner in zip((error, *causes), causes, strict=False):
        outer.__cause__ = inner
    return error


@pytest.mark.parametrize(
    ("root", "said"),
    [
        (ConnectionRefusedError(111, "Connection refused"), "connection refused"),
        (ConnectionResetError(104, "reset by peer"), "connection failed"),
        (TimeoutError(), "timed out"),
        (None, "timed out"),
    ],
)
def test_a_transport_error_is_named_by_its_innermost_cause(
    root: BaseException | None, said: str
) -> None:
    """The SDK's aiohttp transport raises a refused or dropped connection as a connect
    timeout; what the user reads follows the root cause, not the SDK's class.
    """
    from summarizer.backends.openai_errors import cause

    request = httpx2_request()
    wrapper = RuntimeError("transport error")  # stands for httpx's ConnectTimeout
    error = openai.APITimeoutError(request=request)
    chained = _raised(error, wrapper, root) if root is not None else error
    assert cause(chained, "http://x/v1") == f"{said} at http://x/v1"


def httpx2_request() -> Any:
    """A request object of the SDK's own HTTP library."""
    import importlib

    base = next(c for c in openai.DefaultAsyncHttpxClient.__mro__ if "openai" not in c.__module__)
    library = importlib.import_module(base.__module__.partition(".")[0])
    return library.Request("POST", "http://x/v1/chat/completions")
