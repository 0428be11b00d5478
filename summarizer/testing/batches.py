"""The fake server's `/v1/files` and `/v1/batches`: just enough of the Batch API for tests.

A batch runs each line through the server's script when it finishes, which is at once or
after `polls` retrievals (`in_progress` until then), as its outcome says: `completed`;
`expired` (the first half answered, the rest in the error file as `batch_expired`); or
`failed` (no output, an `errors` list).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Literal

Body = dict[str, Any]
Answer = Callable[[Body], tuple[int, Body]]
BatchOutcome = Literal["completed", "expired", "failed"]


class Store:
    """Uploaded files and batches: just enough of `/v1/files` and `/v1/batches`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[str, tuple[Body, bytes]] = {}
        self.batches: dict[str, Body] = {}
        self._pending: dict[str, _Pending] = {}

    def upload(self, content_type: str, raw: bytes) -> Body:
        """Store the `file` part of a multipart upload; return the file object."""
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        form = BytesParser(policy=HTTP).parsebytes(head + raw)
        parts = {p.get_param("name", header="content-disposition"): p for p in form.iter_parts()}
        file, purpose = parts["file"], parts.get("purpose")
        label = _payload(purpose).decode() if purpose is not None else "batch"
        return self.add(file.get_filename() or "upload", label, _payload(file))

    def add(self, filename: str, purpose: str, data: bytes) -> Body:
        """Store bytes as a new file; return its file object."""
        with self._lock:
            file_id = f"file-{len(self._files) + 1}"
            info = {"id": file_id, "object": "file", "bytes": len(data), "created_at": _now()}
            info |= {"filename": filename, "purpose": purpose, "status": "processed"}
            self._files[file_id] = (info, data)
        return info

    def file_info(self, file_id: str) -> Body | None:
        """The file object, or None if unknown."""
        found = self._files.get(file_id)
        return found[0] if found else None

    def content(self, file_id: str) -> bytes | None:
        """The file's bytes, or None if unknown."""
        found = self._files.get(file_id)
        return found[1] if found else None

    def create_batch(self, body: Body, *, polls: int, outcome: BatchOutcome) -> Body | None:
        """A new batch over the input file's JSONL lines, `validating` until it finishes."""
        data = self.content(body.get("input_file_id", ""))
        if data is None:
            return None
        lines = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
        with self._lock:
            batch: Body = {"id": f"batch_{len(self.batches) + 1}", "object": "batch"}
            batch |= {k: body.get(k) for k in ("endpoint", "input_file_id", "completion_window")}
            batch |= {"status": "validating", "metadata": body.get("metadata")}
            batch |= {"created_at": _now(), "output_file_id": None, "error_file_id": None}
            batch["request_counts"] = {"total": len(lines), "completed": 0, "failed": 0}
            self.batches[batch["id"]] = batch
            self._pending[batch["id"]] = _Pending(lines, polls, outcome)
        return batch

    def retrieve_batch(self, batch_id: str, answer: Answer) -> Body | None:
        """The batch; a pending one counts down its polls, then finishes through `answer`."""
        with self._lock:
            pending = self._pending.get(batch_id)
            if pending is not None and pending.polls > 0:
                pending.polls -= 1
                self.batches[batch_id] |= {"status": "in_progress", "in_progress_at": _now()}
                pending = None
            elif pending is not None:
                del self._pending[batch_id]
        if pending is not None:
            self._finish(batch_id, pending, answer)
        return self.batches.get(batch_id)

    def cancel_batch(self, batch_id: str) -> Body | None:
        """Cancel a pending batch (a finished one is returned unchanged)."""
        with self._lock:
            if self._pending.pop(batch_id, None) is not None:
                self.batches[batch_id] |= {"status": "cancelled", "cancelled_at": _now()}
            return self.batches.get(batch_id)

    def _finish(self, batch_id: str, pending: _Pending, answer: Answer) -> None:
        if pending.outcome == "failed":
            error = {"code": "invalid_request", "message": "fake batch failure", "line": None}
            errors = {"object": "list", "data": [error | {"param": None}]}
            self.batches[batch_id] |= {"status": "failed", "failed_at": _now(), "errors": errors}
            return
        cut = len(pending.lines) // 2 if pending.outcome == "expired" else len(pending.lines)
        done, late = pending.lines[:cut], pending.lines[cut:]
        answers = [answer(line["body"]) for line in done]
        out = "".join(_batch_line(line, *reply) for line, reply in zip(done, answers, strict=True))
        output = self.add("batch_output.jsonl", "batch_output", out.encode())
        found: Body = {"status": pending.outcome, "output_file_id": output["id"]}
        if late:
            rows = "".join(_expired_line(line) for line in late).encode()
            found["error_file_id"] = self.add("batch_errors.jsonl", "batch_output", rows)["id"]
        ok = sum(status == 200 for status, _ in answers)
        counts = {"total": len(pending.lines), "completed": ok, "failed": len(pending.lines) - ok}
        stamp = "completed_at" if pending.outcome == "completed" else "expired_at"
        self.batches[batch_id] |= found | {"request_counts": counts, stamp: _now()}


@dataclass
class _Pending:
    """A batch not yet finished: its input lines, polls left, and how it will end."""

    lines: list[Body]
    polls: int
    outcome: BatchOutcome


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _batch_line(line: Body, status: int, body: Body) -> str:
    response = {"status_code": status, "request_id": f"req_{line['custom_id']}", "body": body}
    row = {"id": f"batch_req_{line['custom_id']}", "custom_id": line["custom_id"]}
    return json.dumps(row | {"response": response, "error": None}) + "\n"


def _expired_line(line: Body) -> str:
    error = {"code": "batch_expired", "message": "This request could not be executed in time."}
    row = {"id": f"batch_req_{line['custom_id']}", "custom_id": line["custom_id"]}
    return json.dumps(row | {"response": None, "error": error}) + "\n"


def _now() -> int:
    return int(time.time())
