"""A fake OpenAI-compatible HTTP server, scripted reply by reply, for tests and demos.

The real `openai` client (and instructor over it) talks to it over HTTP, so the whole client
path runs. Each request consumes the next `Reply` of the script (the last one repeats), or
asks a `responder` callable. A `Reply` is an answer or a fault: HTTP status, dropped socket,
malformed body, truncation, refusal, delay. Also: `/v1/models`, and a minimal `/v1/files` and
`/v1/batches` (`testing.batches`; `POST /v1/batches/ID/cancel` cancels a pending batch).

From a shell: `python -m summarizer.testing --port 0 --script script.json` (see `__main__`).
"""

from __future__ import annotations

import functools
import json
import sys
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from summarizer.testing.batches import BatchOutcome, Body, Store

DEFAULT_CONTENT: Body = {"summary": "No meetings reported.", "meetings": [], "tensions": []}


class Reply(BaseModel):
    """One scripted answer (`content`) or fault of the fake server."""

    model_config = ConfigDict(extra="forbid")

    content: dict[str, Any] | list[Any] | str | None = Field(
        None, description="The model's answer: JSON (dumped) or a raw string sent as-is."
    )
    status: int = Field(200, description="HTTP status; non-200 sends an OpenAI error body.")
    error: str | None = Field(None, description="Error message for a non-200 status.")
    code: str | None = Field(None, description="Error code, e.g. 'model_not_found'.")
    retry_after: float | None = Field(None, description="Seconds, sent as Retry-After(-ms).")
    drop: bool = Field(False, description="Close the socket without any response.")
    malformed: bool = Field(False, description="Answer 200 with a body that is not JSON.")
    finish_reason: Literal["stop", "length", "content_filter", "tool_calls"] = "stop"
    refusal: bool | str = Field(False, description="Refuse (message.refusal) instead.")
    delay: float = Field(0.0, description="Extra seconds to wait before answering.")
    headers: dict[str, str] = Field(default_factory=dict)


Responder = Callable[[Body], Reply]
Script = Sequence[Reply | Any] | Responder


def as_reply(step: Any) -> Reply:
    """A `Reply` as is; anything else is the content of a successful answer."""
    return step if isinstance(step, Reply) else Reply(content=step)


def reply_text(reply: Reply) -> str:
    """The answer as the model would write it; truncated for finish_reason=length."""
    content = reply.content if reply.content is not None else DEFAULT_CONTENT
    text = content if isinstance(content, str) else json.dumps(content)
    return text[: max(1, len(text) // 2)] if reply.finish_reason == "length" else text


def _tool_name(request: Body) -> str | None:
    choice = request.get("tool_choice")
    if isinstance(choice, dict):
        return str(choice.get("function", {}).get("name"))
    tools = request.get("tools") or []
    return str(tools[0]["function"]["name"]) if tools else None


def _prompt_text(request: Body) -> str:
    return "".join(json.dumps(m.get("content")) for m in request.get("messages", []))


def _message(request: Body, reply: Reply, text: str) -> Body:
    message: Body = {"role": "assistant", "content": None, "refusal": None}
    tool = _tool_name(request)
    if reply.refusal:
        message["refusal"] = reply.refusal if isinstance(reply.refusal, str) else "I can't."
    elif reply.finish_reason == "content_filter":
        pass
    elif tool is not None:
        function = {"name": tool, "arguments": text}
        message["tool_calls"] = [{"id": "call_0", "type": "function", "function": function}]
    elif "```json" in _prompt_text(request):
        message["content"] = f"```json\n{text}\n```"
    else:
        message["content"] = text
    return message


def chat_completion(request: Body, reply: Reply, number: int = 0) -> Body:
    """The `chat.completion` body answering `request` with `reply`, usage included."""
    text = reply_text(reply)
    message = _message(request, reply, text)
    prompt, completion = len(_prompt_text(request)) // 4, len(text) // 4
    usage = {"prompt_tokens": prompt, "completion_tokens": completion}
    usage["total_tokens"] = prompt + completion
    choice = {"index": 0, "message": message, "finish_reason": reply.finish_reason}
    return {
        "id": f"chatcmpl-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model") or "fake",
        "choices": [choice | {"logprobs": None}],
        "usage": usage,
    }


def error_body(reply: Reply) -> Body:
    """OpenAI's error envelope for a non-200 reply."""
    message = reply.error or f"fake server error {reply.status}"
    return {"error": {"message": message, "type": "fake_error", "code": reply.code}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK wait
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        """Stay quiet: tests assert on logs."""

    def do_GET(self) -> None:
        fake = self.server.fake
        path = self.path.removeprefix("/v1")
        if path == "/models":
            data = [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in fake.models
            ]
            self.send_json(200, {"object": "list", "data": data})
        elif path.startswith("/files/") and path.endswith("/content"):
            self.send_file(fake.store.content(path.split("/")[2]))
        elif path.startswith("/files/"):
            self.send_found(fake.store.file_info(path.split("/")[2]))
        elif path.startswith("/batches/"):
            self.send_found(fake.store.retrieve_batch(path.split("/")[2], fake.answer))
        else:
            self.send_json(404, {"error": {"message": f"no route {self.path}", "code": None}})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path, fake = self.path.removeprefix("/v1"), self.server.fake
        if path == "/chat/completions":
            self.chat(json.loads(raw))
        elif path == "/files":
            self.send_json(200, fake.store.upload(self.headers["Content-Type"], raw))
        elif path == "/batches":
            batch = fake.store.create_batch(json.loads(raw), **fake.batch_options())
            self.send_found(batch and fake.store.retrieve_batch(batch["id"], fake.answer))
        elif path.startswith("/batches/") and path.endswith("/cancel"):
            self.send_found(fake.store.cancel_batch(path.split("/")[2]))
        else:
            self.send_json(404, {"error": {"message": f"no route {self.path}", "code": None}})

    def chat(self, request: Body) -> None:
        fake = self.server.fake
        reply, number = fake.take(request)
        time.sleep(fake.latency + reply.delay)
        if reply.drop:
            self.close_connection = True
        elif reply.malformed:
            self.send_bytes(200, b'{"id": "chatcmpl-broken", "choices": [', "application/json")
        elif reply.status != 200:
            self.send_json(reply.status, error_body(reply), _retry_headers(reply))
        else:
            self.send_json(200, chat_completion(request, reply, number), reply.headers)

    def send_found(self, body: Body | None) -> None:
        if body is None:
            self.send_json(404, {"error": {"message": "not found", "code": "not_found"}})
        else:
            self.send_json(200, body)

    def send_file(self, data: bytes | None) -> None:
        if data is None:
            self.send_found(None)
        else:
            self.send_bytes(200, data, "application/octet-stream")

    def send_json(self, status: int, body: Body, headers: dict[str, str] | None = None) -> None:
        self.send_bytes(status, json.dumps(body).encode(), "application/json", headers)

    def send_bytes(
        self, status: int, data: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": ctype, **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _retry_headers(reply: Reply) -> dict[str, str]:
    if reply.retry_after is None:
        return reply.headers
    after = {"retry-after-ms": str(int(reply.retry_after * 1000))}
    return after | {"retry-after": f"{reply.retry_after:g}"} | reply.headers


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], fake: FakeOpenAIServer) -> None:
        super().__init__(address, _Handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts, stopped tests) are expected: stay quiet on those."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class FakeOpenAIServer:
    """Serve scripted OpenAI answers at `http://127.0.0.1:PORT/v1` from a background thread.

    `script` is a list of steps, each a `Reply` (or any other value: the content of a
    successful answer), consumed in order with the last one repeating; or a responder
    `(request_body) -> Reply`. `latency` seconds are added to every chat request (not to
    batch lines). A batch finishes after `batch_polls` retrievals, as `batch_outcome` says.
    """

    def __init__(
        self,
        script: Script | None = None,
        *,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        models: Sequence[str] = ("fake",),
        batch_polls: int = 0,
        batch_outcome: BatchOutcome = "completed",
    ) -> None:
        if batch_outcome not in get_args(BatchOutcome):
            raise ValueError(f"unknown batch_outcome {batch_outcome!r}")
        self.latency = latency
        self.batch_polls, self.batch_outcome = batch_polls, batch_outcome
        self.models = list(models)
        self.store = Store()
        self._address = (host, port)
        self._lock = threading.Lock()
        self._requests: list[Body] = []
        self._via: list[str] = []
        self._script: Script = []
        self.set_script(script or [])
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def set_script(self, script: Script) -> None:
        """Replace the script and start again from its first step."""
        with self._lock:
            self._script = script if callable(script) else [as_reply(s) for s in script]
            self._step = 0

    def batch_options(self) -> dict[str, Any]:
        """How a batch created now will run: `polls` and `outcome`."""
        return {"polls": self.batch_polls, "outcome": self.batch_outcome}

    def take(self, request: Body, via: str = "chat") -> tuple[Reply, int]:
        """Record `request` (arrived `via` chat or batch) and return its reply and number."""
        with self._lock:
            self._requests.append(request)
            self._via.append(via)
            number = len(self._requests)
            if callable(self._script):
                return as_reply(self._script(request)), number
            steps = self._script or [Reply()]
            reply = steps[min(self._step, len(steps) - 1)]
            self._step += 1
            return reply, number

    def answer(self, request: Body) -> tuple[int, Body]:
        """Status and body for one request, with no waiting or socket faults (batch lines)."""
        reply, number = self.take(request, via="batch")
        if reply.drop or reply.malformed:
            return 500, error_body(reply.model_copy(update={"status": 500}))
        if reply.status != 200:
            return reply.status, error_body(reply)
        return 200, chat_completion(request, reply, number)

    @property
    def requests(self) -> list[Body]:
        """JSON bodies received so far (chat requests and batch lines), oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[Body]:
        """Only the requests sent to `/v1/chat/completions` (not batch lines)."""
        with self._lock:
            return [r for r, via in zip(self._requests, self._via, strict=True) if via == "chat"]

    @property
    def batch_requests(self) -> list[Body]:
        """Only the request bodies of batch lines that ran."""
        with self._lock:
            return [r for r, via in zip(self._requests, self._via, strict=True) if via == "batch"]

    def reset(self) -> None:
        """Forget received requests and restart the script."""
        with self._lock:
            self._requests.clear()
            self._via.clear()
            self._step = 0

    @property
    def base_url(self) -> str:
        """`http://HOST:PORT/v1`; only valid once started."""
        if self._httpd is None:
            raise RuntimeError("FakeOpenAIServer is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> str:
        """Start serving in a daemon thread; return the base URL."""
        self._httpd = _HTTPServer(self._address, self)
        serve = functools.partial(self._httpd.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, daemon=True, name="fake-openai")
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving and close the socket (in-flight slow replies are abandoned)."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd, self._thread = None, None

    def __enter__(self) -> FakeOpenAIServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
