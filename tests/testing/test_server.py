"""The fake OpenAI server, exercised through the real openai client and raw httpx."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

import summarizer
from summarizer.testing import FakeBackend, FakeOpenAIServer, Reply
from summarizer.testing.server import DEFAULT_CONTENT

ASK = [{"role": "user", "content": "Which city hosts the talks? Rome."}]
TOOL = {"type": "function", "function": {"name": "Pick", "parameters": {"type": "object"}}}


@pytest.fixture
def client(fake_server: FakeOpenAIServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=fake_server.base_url, api_key="x", max_retries=0) as made:
        yield made


def test_answers_with_a_tool_call_named_as_requested(fake_server: Any, client: Any) -> None:
    fake_server.set_script([{"city": "Rome"}])
    done = client.chat.completions.create(model="m", messages=ASK, tools=[TOOL])
    call = done.choices[0].message.tool_calls[0]
    assert (call.type, call.function.name) == ("function", "Pick")
    assert json.loads(call.function.arguments) == {"city": "Rome"}


def test_answers_with_content_and_fences_for_md_json(fake_server: Any, client: Any) -> None:
    fake_server.set_script([{"city": "Rome"}])
    plain = client.chat.completions.create(model="m", messages=ASK)
    assert json.loads(plain.choices[0].message.content) == {"city": "Rome"}
    md = [*ASK, {"role": "user", "content": "Return it within a ```json codeblock"}]
    fenced = client.chat.completions.create(model="m", messages=md)
    assert fenced.choices[0].message.content == '```json\n{"city": "Rome"}\n```'


def test_usage_and_model_are_always_included(fake_server: Any, client: Any) -> None:
    done = client.chat.completions.create(model="my-model", messages=ASK)
    assert done.model == "my-model"
    assert done.usage.prompt_tokens == len(json.dumps(ASK[0]["content"])) // 4
    assert done.usage.completion_tokens == len(json.dumps(DEFAULT_CONTENT)) // 4
    assert done.usage.total_tokens == done.usage.prompt_tokens + done.usage.completion_tokens


def test_script_is_consumed_in_order_then_repeats_last(fake_server: Any, client: Any) -> None:
    fake_server.set_script([{"n": 1}, {"n": 2}])
    got = [client.chat.completions.create(model="m", messages=ASK) for _ in range(3)]
    assert [json.loads(d.choices[0].message.content)["n"] for d in got] == [1, 2, 2]
    assert len(fake_server.requests) == 3
    fake_server.reset()
    assert fake_server.requests == []
    again = client.chat.completions.create(model="m", messages=ASK)
    assert json.loads(again.choices[0].message.content) == {"n": 1}


def test_responder_answers_from_the_request(fake_server: Any, client: Any) -> None:
    fake_server.set_script(lambda body: Reply(content={"echo": body["model"]}))
    done = client.chat.completions.create(model="asked", messages=ASK)
    assert json.loads(done.choices[0].message.content) == {"echo": "asked"}


def test_faults(fake_server: Any) -> None:
    fake_server.set_script(
        [Reply(status=429, retry_after=1.5), Reply(status=503, error="busy"), Reply(malformed=True)]
    )
    url = f"{fake_server.base_url}/chat/completions"
    body = {"model": "m", "messages": ASK}
    limited = httpx.post(url, json=body)
    assert limited.status_code == 429
    assert (limited.headers["retry-after"], limited.headers["retry-after-ms"]) == ("1.5", "1500")
    busy = httpx.post(url, json=body)
    assert (busy.status_code, busy.json()["error"]["message"]) == (503, "busy")
    with pytest.raises(json.JSONDecodeError):
        httpx.post(url, json=body).json()
    fake_server.set_script([Reply(drop=True)])
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(url, json=body)


def test_truncation_refusal_and_content_filter(fake_server: Any, client: Any) -> None:
    fake_server.set_script(
        [
            Reply(content={"city": "Rome"}, finish_reason="length"),
            Reply(refusal="no"),
            Reply(finish_reason="content_filter"),
        ]
    )
    cut, refused, filtered = (
        client.chat.completions.create(model="m", messages=ASK).choices[0] for _ in range(3)
    )
    assert cut.finish_reason == "length" and cut.message.content == '{"city":'
    assert refused.message.refusal == "no" and refused.message.content is None
    assert filtered.finish_reason == "content_filter"


def test_delay_holds_the_answer(fake_server: Any) -> None:
    fake_server.set_script([Reply(delay=0.3)])
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{fake_server.base_url}/chat/completions", json={}, timeout=0.05)


def test_serves_32_concurrent_requests_with_latency() -> None:
    with FakeOpenAIServer(latency=0.2) as server:
        url = f"{server.base_url}/chat/completions"
        limits = httpx.Limits(max_connections=32)
        with httpx.Client(limits=limits) as http, ThreadPoolExecutor(32) as pool:
            start = time.monotonic()
            codes = list(pool.map(lambda _: http.post(url, json={}).status_code, range(32)))
        assert codes == [200] * 32
        assert time.monotonic() - start < 0.9
        assert len(server.requests) == 32


def test_lists_models(client: Any) -> None:
    assert [m.id for m in client.models.list()] == ["fake"]


def test_files_and_batches(fake_server: Any, client: Any) -> None:
    fake_server.set_script([{"city": "Rome"}, Reply(status=500)])
    lines = [
        {"custom_id": f"a{i}", "method": "POST", "url": "/v1/chat/completions", "body": body}
        for i, body in enumerate([{"model": "m", "messages": ASK}] * 2)
    ]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    uploaded = client.files.create(file=("in.jsonl", data), purpose="batch")
    assert client.files.content(uploaded.id).content == data
    batch = client.batches.create(
        input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    done = client.batches.retrieve(batch.id)
    assert done.status == "completed"
    assert (done.request_counts.completed, done.request_counts.failed) == (1, 1)
    rows = [json.loads(r) for r in client.files.content(done.output_file_id).text.splitlines()]
    assert [r["custom_id"] for r in rows] == ["a0", "a1"]
    assert [r["response"]["status_code"] for r in rows] == [200, 500]
    assert "Rome" in rows[0]["response"]["body"]["choices"][0]["message"]["content"]


def test_cli_prints_base_url_and_serves(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps([{"content": {"city": "Rome"}}]))
    root = str(Path(summarizer.__file__).parent.parent)
    env = os.environ | {"PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = [sys.executable, "-m", "summarizer.testing", "--port", "0"]
    with subprocess.Popen(
        [*command, "--script", str(script)], stdout=subprocess.PIPE, text=True, env=env
    ) as proc:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        answer = httpx.post(f"{base_url}/chat/completions", json={"messages": ASK}).json()
        proc.terminate()
    assert json.loads(answer["choices"][0]["message"]["content"]) == {"city": "Rome"}


def test_package_exports_the_helpers() -> None:
    assert FakeBackend.__name__ == "FakeBackend"
    with pytest.raises(AttributeError):
        _ = summarizer.testing.Missing  # type: ignore[attr-defined]
