"""Back-off after failed sign-ins, per account and per client address.

A few mistakes are free; after them each further failure doubles the wait before the
next attempt (up to `cap_s`). An attempt counts as a failure from the moment it starts,
so parallel guesses cannot all slip in before the first one fails; a success takes its
count back. Quiet keys are forgotten after `forget_s`.

Kept in the process, like the kiosk's rate limit: several server processes each keep
their own counts, which still bounds guessing to a few tries an hour per account.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from server.errors import SignInThrottled


@dataclass(frozen=True, slots=True)
class Backoff:
    free: int  # failures allowed without waiting
    base_s: float  # the wait after the first failure beyond them
    cap_s: float  # the longest wait
    forget_s: float  # a key quiet this long starts afresh

    def wait_after(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.cap_s, self.base_s * 2 ** (failures - self.free))


# A clerk mistypes a few times; an address may be a whole office behind one router.
ACCOUNT = Backoff(free=5, base_s=1.0, cap_s=900.0, forget_s=3600.0)
ADDRESS = Backoff(free=20, base_s=1.0, cap_s=900.0, forget_s=3600.0)


@dataclass(slots=True)
class _Count:
    failures: int
    last: float  # when the latest counted attempt started


class FailureThrottle:
    """Counts failures per key under one `Backoff`."""

    def __init__(self, backoff: Backoff, now: Callable[[], float], max_keys: int = 10_000) -> None:
        self.backoff = backoff
        self._now = now
        self.max_keys = max_keys
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()

    def _current(self, key: str, now: float) -> _Count | None:
        count = self._counts.get(key)
        if count is not None and now - count.last >= self.backoff.forget_s:
            del self._counts[key]
            return None
        return count

    def wait(self, key: str) -> float:
        """Seconds before `key` may try again; 0 when it may now."""
        with self._lock:
            now = self._now()
            count = self._current(key, now)
            if count is None:
                return 0.0
            return max(0.0, count.last + self.backoff.wait_after(count.failures) - now)

    def count(self, key: str) -> None:
        """An attempt starts: counted as a failure until `forgive` says otherwise."""
        with self._lock:
            now = self._now()
            count = self._current(key, now)
            if count is None:
                if len(self._counts) >= self.max_keys:
                    self._evict()
                self._counts[key] = _Count(1, now)
            else:
                count.failures += 1
                count.last = now

    def forgive(self, key: str, *, all_of_them: bool = False) -> None:
        """The attempt succeeded (or was never judged): take its count back."""
        with self._lock:
            count = self._counts.get(key)
            if count is None:
                return
            count.failures -= 1
            if all_of_them or count.failures <= 0:
                del self._counts[key]

    def _evict(self) -> None:
        """Keep the newest half: a flood of made-up names must not grow memory, and
        the keys under attack are the recent ones."""
        newest = sorted(self._counts.items(), key=lambda item: item[1].last, reverse=True)
        self._counts = dict(newest[: self.max_keys // 2])


class SignInThrottle:
    """The account's and the address's throttles, asked together."""

    def __init__(
        self,
        now: Callable[[], float],
        account: Backoff = ACCOUNT,
        address: Backoff = ADDRESS,
    ) -> None:
        self.accounts = FailureThrottle(account, now)
        self.addresses = FailureThrottle(address, now)

    def begin(self, account: str, address: str) -> None:
        """Refuse with SignInThrottled while either must wait; else count the attempt."""
        wait = max(self.accounts.wait(account), self.addresses.wait(address))
        if wait > 0:
            raise SignInThrottled(retry_after=max(1, math.ceil(wait)))
        self.accounts.count(account)
        self.addresses.count(address)

    def succeeded(self, account: str, address: str) -> None:
        """The right password: the account starts afresh, the address gets this one back."""
        self.accounts.forgive(account, all_of_them=True)
        self.addresses.forgive(address)

    def not_judged(self, account: str, address: str) -> None:
        """The attempt never reached the password check (the server was busy)."""
        self.accounts.forgive(account)
        self.addresses.forgive(address)
