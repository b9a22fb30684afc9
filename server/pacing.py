"""Deliveries started at an even pace, for a relay or gateway that limits an account's rate.

Many SMTP relays and SMS gateways refuse an account more than so many messages a second or
a minute; a refusal is retried later (server/outbox.py), but a sender that keeps within
the limit never meets one. Off by default: starts spaced out cost the sender and the mail
server more CPU per message than starts together (bench/README.md, 2026-12-06), and did
not lower the API's p99 beside them.
"""

from __future__ import annotations

import asyncio


class Pacer:
    """At most `per_s` starts a second, each at least 1/`per_s` after the one before; 0: no
    limit. The waiters go one at a time, so a late wake-up delays the rest rather than
    letting two start together."""

    def __init__(self, per_s: float) -> None:
        self.interval_s = 1.0 / per_s if per_s > 0 else 0.0
        self._last = -1e18
        self._turn = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval_s:
            return
        async with self._turn:
            loop = asyncio.get_running_loop()
            due = self._last + self.interval_s
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
            self._last = loop.time()
