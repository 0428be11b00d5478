"""The daily run's pacing: rate limits (requests and tokens per minute over a sliding window)
and the turns a long job on the event loop gives to the rest of the run.
"""

from __future__ import annotations

import asyncio
import collections
import time

from summarizer.pipeline.article import Article

PROMPT_TOKENS = 900  # system prompt + schema, beyond the article (for rate-limit estimates)
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


def estimate_tokens(article: Article) -> int:
    """A rough token count of one request, for the token-per-minute limit."""
    return len(article.text) // 4 + PROMPT_TOKENS + COMPLETION_TOKENS


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
