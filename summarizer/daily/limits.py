"""The daily run's pacing: rate limits (requests and tokens per minute over a sliding window),
the concurrency slot each model call takes (`Gated`), the window of entries on their way to
the model (`Ahead`), the turns a long job on the event loop gives to the rest of the run, and
the message of the per-article deadline.
"""

from __future__ import annotations

import asyncio
import collections
import time
from typing import Any

from summarizer.backends.base import Backend, Completion, Message, T

COMPLETION_TOKENS = 600


class RateLimiter:
    """Requests- and tokens-per-`period` limits over a sliding window (asyncio)."""

    def __init__(self, rpm: int | None, tpm: int | None, *, period: float = 60.0) -> None:
        self.rpm, self.tpm, self.period = rpm, tpm, period
        self._window: collections.deque[list[float]] = collections.deque()
        self._lock = asyncio.Lock()

    async def acquire(self, tokens: int) -> list[float]:
        """Wait until one more request of `tokens` fits; return its slot for `settle`."""
        async with self._lock:
            while (wait := self._wait(tokens)) > 0:
                await asyncio.sleep(wait)
            slot = [time.monotonic(), float(tokens)]
            self._window.append(slot)
            return slot

    def settle(self, slot: list[float], tokens: int) -> None:
        """Replace the estimate with the tokens actually used."""
        slot[1] = float(tokens)

    def _wait(self, tokens: int) -> float:
        now = time.monotonic()
        while self._window and self._window[0][0] <= now - self.period:
            self._window.popleft()
        if not self._window:
            return 0.0
        full = self.rpm is not None and len(self._window) >= self.rpm
        if not full and self.tpm is not None:  # the window's tokens: summed only under a limit
            full = sum(slot[1] for slot in self._window) + tokens > self.tpm
        return self._window[0][0] + self.period - now if full else 0.0


SCHEMA_TOKENS = 650  # the tool schema of a request (bench_daily's prompt_tokens: 1296 - 648)


def call_tokens(messages: list[Message]) -> int:
    """A rough token count of one call: its messages (characters / 4), schema and answer."""
    return sum(len(m.get("content", "")) for m in messages) // 4 + SCHEMA_TOKENS + COMPLETION_TOKENS


class Gated:
    """A backend whose every model call first takes a slot of `slots` (the run's `concurrency`:
    model calls in flight at once) and then of the rate limiter, and holds the slot only for the
    call: an article's planning and finalizing run outside it, so the next call goes out as
    soon as an answer is in. Everything else is the inner backend's.
    """

    def __init__(self, inner: Backend, slots: asyncio.Semaphore, limiter: RateLimiter) -> None:
        self.inner, self.slots, self.limiter = inner, slots, limiter
        self.name, self.model, self.mode = inner.name, inner.model, inner.mode

    async def agenerate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        async with self.slots:
            slot = await self.limiter.acquire(call_tokens(messages))
            answer = await self.inner.agenerate(messages, response_model, context=context)
            self.limiter.settle(slot, answer.usage.total_tokens)
            return answer

    def generate(
        self, messages: list[Message], response_model: type[T], *, context: dict[str, Any]
    ) -> Completion[T]:
        return self.inner.generate(messages, response_model, context=context)

    def fingerprint(self) -> dict[str, Any]:
        return self.inner.fingerprint()

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:  # what else the strategies ask of a backend
        return getattr(self.inner, name)


class Turns:
    """`await turn()` between steps of a long job on the event loop: once `every` seconds
    have passed since the last turn, the loop runs whatever else is ready first.
    """

    def __init__(self, every: float = 0.001) -> None:
        self.every, self.since = every, time.perf_counter()

    async def __call__(self) -> None:
        if time.perf_counter() - self.since >= self.every:
            await asyncio.sleep(0)
            self.since = time.perf_counter()


class Ahead:
    """How many entries may be on their way to the model at once: loaded, looked up in the
    cache, their prompt built. Without a bound every entry of the day starts at once and the
    first model call waits until the event loop has loaded and looked up most of them (~300
    ms for 500 articles); with it the first `size` entries (asyncio wakes waiters in order)
    reach the model first and the others get ready while those calls are in flight.
    `leave(i)` is idempotent: entry `i` leaves when it reaches the model or is done.
    """

    def __init__(self, size: int) -> None:
        self._room = asyncio.Semaphore(size)
        self._in: set[int] = set()

    async def enter(self, i: int) -> None:
        await self._room.acquire()
        self._in.add(i)

    def leave(self, i: int) -> None:
        if i in self._in:
            self._in.discard(i)
            self._room.release()


def timed_out(seconds: float | None) -> str:
    """An article's error when its deadline (`DailyConfig.article_timeout`) passed."""
    return (
        f"timed out after {seconds:g} s (the per-article deadline; raise it with "
        "--article-timeout or SUMMARIZER_ARTICLE_TIMEOUT)"
    )
