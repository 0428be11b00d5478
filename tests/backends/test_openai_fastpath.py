"""The prepared first request and its validation (`backends/openai_request.py`), against the
fake server: each check compares the backend with instructor's own path over the same SDK,
`instructor.patch(create=...)` on every attempt, which is what the backend did before.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import instructor
import openai
import pytest
from builders import Pick
from instructor.v2.core import retry as instructor_retry

from summarizer.backends import openai_request
from summarizer.backends.openai import OpenAIBackend
from summarizer.backends.openai_request import MODES, REASKED, prepared, validation_context
from summarizer.errors import ModelError
from summarizer.pipeline.grounding import GroundedBriefingDraft
from summarizer.schema import BriefingDraft
from summarizer.settings import Settings
from summarizer.testing.server import FakeOpenAIServer, Reply

ARTICLE = "Foreign Minister Ann Lee met Foreign Minister Bo Chen in Rome on Thursday."
CONTEXT = {"article": ARTICLE}
MESSAGES = [
    {"role": "system", "content": "Extract the meetings."},
    {"role": "user", "content": f"<<<ARTICLE\n{ARTICLE}\nARTICLE>>>"},
]
MEETING = {
    "participants": [{"name": "Ann Lee"}, {"name": "Bo Chen"}],
    "location": {"city": "Rome"},
    "evidence": ["Foreign Minister Ann Lee met Foreign Minister Bo Chen in Rome"],
}
DRAFT = {"summary": "Ann Lee met Bo Chen.", "meetings": [MEETING], "tensions": []}
UNGROUNDED = DRAFT | {"meetings": [MEETING | {"evidence": ["They met in Paris on Friday."]}]}
MODE_NAMES = list(MODES)


@pytest.fixture
def make(fake_settings: Settings) -> Iterator[Any]:
    """Backends from `fake_settings` with overrides, closed afterwards."""
    made: list[OpenAIBackend] = []

    def build(**overrides: Any) -> OpenAIBackend:
        settings = Settings.model_validate(fake_settings.model_dump() | overrides)
        made.append(OpenAIBackend(settings, extra_body={"repeat_penalty": 1.0}))
        return made[-1]

    yield build
    for backend in made:
        backend.close()


@pytest.fixture
def patches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the backend's hand-overs to instructor (`instructor.patch` calls)."""
    calls: list[int] = []
    real = instructor.patch

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(instructor, "patch", counted)
    return calls


def instructor_path(
    backend: OpenAIBackend, model: type[Any], messages: list[dict[str, str]] = MESSAGES
) -> Any:
    """The answer through instructor alone, every attempt, as the backend once made it."""
    with openai.OpenAI(**backend.client_args()) as client:
        create = instructor.patch(create=client.chat.completions.create, mode=MODES[backend.mode])
        with validation_context(CONTEXT):
            return create(**backend.request_params(messages, model))


def wire(request: dict[str, Any]) -> str:
    """A request as sent: its JSON with the keys in their order."""
    return json.dumps(request)


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_first_request_is_instructors_byte_for_byte(
    mode: str, make: Any, fake_server: FakeOpenAIServer
) -> None:
    fake_server.set_script([DRAFT])
    backend = make(mode=mode)
    backend.generate(MESSAGES, GroundedBriefingDraft, context=CONTEXT)
    instructor_path(backend, GroundedBriefingDraft)
    ours, theirs = fake_server.requests
    assert wire(ours) == wire(theirs)
    assert ours["repeat_penalty"] == 1.0 and ours["model"] == "fake"


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_valid_answer_is_instructors_value_without_instructor(
    mode: str, make: Any, fake_server: FakeOpenAIServer, patches: list[int]
) -> None:
    fake_server.set_script([DRAFT])
    backend = make(mode=mode)
    done = backend.generate(MESSAGES, GroundedBriefingDraft, context=CONTEXT)
    assert patches == []  # validated here: instructor never ran
    expected = instructor_path(backend, GroundedBriefingDraft)
    assert type(done.value) is GroundedBriefingDraft
    assert done.value.model_dump() == expected.model_dump()
    assert (done.attempts, len(fake_server.requests)) == (1, 2)
    assert done.raw is not None and json.loads(done.raw.strip("`json\n")) == DRAFT


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_ungrounded_answer_is_reasked_by_instructor_as_before(
    mode: str, make: Any, fake_server: FakeOpenAIServer, patches: list[int]
) -> None:
    fake_server.set_script([UNGROUNDED, DRAFT])
    backend = make(mode=mode)
    done = backend.generate(MESSAGES, GroundedBriefingDraft, context=CONTEXT)
    assert patches == [1]
    assert (done.attempts, len(fake_server.requests)) == (2, 2)  # the first is not sent again
    fake_server.set_script([UNGROUNDED, DRAFT])
    expected = instructor_path(backend, GroundedBriefingDraft)
    ours, theirs = fake_server.requests[:2], fake_server.requests[2:]
    assert [wire(r) for r in ours] == [wire(r) for r in theirs]  # the same re-ask, too
    assert done.value.model_dump() == expected.model_dump()
    assert "They met in Paris on Friday." in json.dumps(ours[1]["messages"][-1])


def test_invalid_arguments_reask_carries_the_validation_error(
    make: Any, fake_server: FakeOpenAIServer, patches: list[int]
) -> None:
    fake_server.set_script([{"city": "Paris"}, {"city": "Rome"}])
    done = make().generate(MESSAGES, Pick, context=CONTEXT)
    assert (done.value.city, done.attempts, patches) == ("Rome", 2, [1])
    first, second = fake_server.requests
    assert second["messages"][: len(MESSAGES)] == first["messages"] == MESSAGES
    call, answer = second["messages"][len(MESSAGES) :]
    assert call["role"] == "assistant" and call["tool_calls"][0]["function"]["name"] == "Pick"
    assert answer["role"] == "tool" and answer["content"].startswith("Validation Error found:")
    assert "'Paris' is not in the article" in answer["content"]


def test_broken_json_is_reasked(make: Any, fake_server: FakeOpenAIServer) -> None:
    fake_server.set_script([Reply(content='{"city": "Ro'), {"city": "Rome"}])
    done = make().generate(MESSAGES, Pick, context=CONTEXT)
    assert (done.value.city, done.attempts, len(fake_server.requests)) == ("Rome", 2, 2)


def test_exhausted_reasks_keep_last_completion_and_usage(
    make: Any, fake_server: FakeOpenAIServer
) -> None:
    fake_server.set_script([{"city": "Paris"}, {"city": "Oslo"}])
    with pytest.raises(ModelError) as caught:
        make(max_retries=1).generate(MESSAGES, Pick, context=CONTEXT)
    assert caught.value.attempts == 2 == len(fake_server.requests)
    assert json.loads(caught.value.last_completion or "") == {"city": "Oslo"}
    assert any("'Oslo' is not in the article" in e for e in caught.value.validation_errors)
    assert caught.value.usage["prompt_tokens"] > 0


def test_reask_time_budget_counts_the_first_request(
    make: Any, fake_server: FakeOpenAIServer
) -> None:
    """instructor stops re-asking `timeout` seconds after its first request: here after the
    third answer (0.5 s each, timeout 1.2 s), though five re-asks are allowed.
    """
    fake_server.set_script([Reply(content={"city": "Paris"}, delay=0.5)])
    backend = make(timeout=1.2, max_retries=5)
    with pytest.raises(ModelError) as caught:
        backend.generate(MESSAGES, Pick, context=CONTEXT)
    ours = len(fake_server.requests)
    with pytest.raises(instructor.core.InstructorRetryException):
        instructor_path(backend, Pick)
    assert caught.value.attempts == ours == len(fake_server.requests) - ours == 3


async def test_agenerate_takes_the_same_paths(
    make: Any, fake_server: FakeOpenAIServer, patches: list[int]
) -> None:
    fake_server.set_script([{"city": "Rome"}, {"city": "Paris"}, {"city": "Rome"}])
    backend = make()
    assert (await backend.agenerate(MESSAGES, Pick, context=CONTEXT)).attempts == 1
    assert patches == []
    done = await backend.agenerate(MESSAGES, Pick, context=CONTEXT)
    assert (done.value.city, done.attempts, patches) == ("Rome", 2, [1])
    assert "'Paris' is not in the article" in json.dumps(fake_server.requests[2]["messages"])


def test_request_is_built_once_per_model_and_mode(
    make: Any, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    real = openai_request.handle_response_model

    def counted(model: Any, *, mode: Any, **kwargs: Any) -> Any:
        built.append(model.__name__)
        return real(model, mode=mode, **kwargs)

    monkeypatch.setattr(openai_request, "handle_response_model", counted)
    prepared.cache_clear()
    fake_server.set_script(lambda body: Reply(content={"city": "Rome"}))
    backend = make()
    for _ in range(3):
        backend.generate(MESSAGES, Pick, context=CONTEXT)
    assert built == ["Pick"]
    assert prepared(Pick, "tools") is prepared(Pick, "tools")
    assert prepared(Pick, "tools").extras is prepared(Pick, "tools").extras
    assert fake_server.requests[0]["tools"] == fake_server.requests[-1]["tools"]


def test_a_new_model_or_mode_builds_a_new_request() -> None:
    tools, schema = prepared(Pick, "tools"), prepared(Pick, "json_schema")
    other = prepared(BriefingDraft, "tools")
    assert len({id(tools), id(schema), id(other)}) == 3
    assert tools.extras is not None and schema.extras is not None
    assert set(tools.extras) == {"tools", "tool_choice"}
    assert set(schema.extras) == {"response_format"}
    assert tools.extras["tool_choice"]["function"]["name"] == "Pick"
    assert other.extras is not None
    assert other.extras["tool_choice"]["function"]["name"] == "BriefingDraft"
    md = prepared(Pick, "md_json")  # its messages carry the schema: built per call
    assert md.extras is None and "```json" in json.dumps(md.body(MESSAGES)["messages"])


def test_reasked_errors_are_instructors() -> None:
    assert set(REASKED) == set(instructor_retry._RETRYABLE_PARSE_ERRORS)


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_the_draft_is_sent_its_request_schema(
    mode: str, make: Any, fake_server: FakeOpenAIServer
) -> None:
    """Every mode sends `request_schema()` (terse), not the full `model_json_schema()`, with
    the caps of short strings only where the provider decodes under it; the answer is still
    validated, grounding included, by the model itself.
    """
    fake_server.set_script([UNGROUNDED, DRAFT])
    done = make(mode=mode).generate(MESSAGES, GroundedBriefingDraft, context=CONTEXT)
    assert done.attempts == 2  # the ungrounded first answer was re-asked, as before
    schema = GroundedBriefingDraft.request_schema(lengths=mode == "json_schema")
    sent = fake_server.requests[0]
    assert ('"maxLength": 120' in json.dumps(sent)) == (mode == "json_schema")  # names' caps
    if mode == "tools":
        function = sent["tools"][0]["function"]
        assert (function["name"], function["description"]) == (
            "BriefingDraft",
            schema["description"],
        )
        assert function["parameters"] == {
            k: v for k, v in schema.items() if k not in ("title", "description")
        }
    elif mode == "json_schema":
        assert sent["response_format"]["json_schema"]["schema"] == schema
    else:
        assert json.dumps(schema, indent=2) in sent["messages"][0]["content"]
    assert "Joseph Dunford" not in json.dumps(sent)  # the full schema's descriptions stay home


def test_a_model_without_a_request_schema_is_sent_its_own() -> None:
    extras = prepared(Pick, "json_schema").extras
    assert extras is not None
    assert extras["response_format"]["json_schema"]["schema"] == Pick.model_json_schema()
    full = openai_request.with_context(GroundedBriefingDraft).model_json_schema(mode="validation")
    assert full == GroundedBriefingDraft.model_json_schema()  # asked with arguments: the model's
