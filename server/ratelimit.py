"""A token bucket per key (a kiosk, a ticket's public page): bursts allowed, a steady
rate enforced.

Kept in the process: with several server processes each enforces the limit on its own,
which still stops a stuck or abused kiosk from draining a day's numbers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from server.errors import RateLimited


class RateLimiter:
    def __init__(
        self,
        per_minute: int,
        burst: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else max(5, per_minute // 6))
        self._now = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self.max_keys = max_keys

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have filled up again: forgetting them changes nothing.
        Keeps the memory bounded when keys come and go (a day's tickets)."""
        refill = self.burst / self.rate if self.rate else float("inf")
        self._buckets = {
            key: (tokens, stamp)
            for key, (tokens, stamp) in self._buckets.items()
            if now - stamp < refill
        }
        if len(self._buckets) >= self.max_keys // 2:  # a flood of new keys: start afresh
            self._buckets.clear()

    def acquire(self, key: str) -> float | None:
        """Take one token; None when allowed, else the seconds to wait."""
        with self._lock:
            now = self._now()
            if len(self._buckets) >= self.max_keys:
                self._forget_full(now)
            tokens, stamp = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - stamp) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def refusal(self, key: str) -> RateLimited | None:
        """Take one token; None when allowed, else the refusal saying when to try again
        (for a caller that may still let the request through, e.g. a retry)."""
        wait = self.acquire(key)
        return None if wait is None else RateLimited(retry_after=round(wait, 1))

    def check(self, key: str) -> None:
        """Take one token, or refuse with RateLimited saying when to try again."""
        refused = self.refusal(key)
        if refused is not None:
            raise refused
