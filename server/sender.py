"""The sender: a task in each server process that delivers the outbox (server/outbox.py).

Started in the app's lifespan. Each round it claims due messages under a lease (safe with
several processes), hands each to its channel's transport — at most `concurrency` at a
time, all on the event loop's own sockets, so a slow or dead mail server only makes the
outbox wait, never a request — and writes the outcomes back in one transaction. It also
queues the day-before reminders (server/notifications.py). Database work runs in threads
of its own small limiter, not the request handlers' pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import TypeVar

from anyio import CapacityLimiter, to_thread

from server import outbox
from server.clock import Clock
from server.db import Database
from server.mailer import DeliveryError, Transport
from server.notifications import queue_reminders
from server.outbox import Outcome, Outgoing

log = logging.getLogger(__name__)
T = TypeVar("T")


class Sender:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        transports: Mapping[str, Transport],
        *,
        secret: str,
        base_url: str | None,
        concurrency: int = 8,
        poll_s: float = 1.0,
        reminder_every_s: float = 60.0,
    ) -> None:
        self.db = db
        self.clock = clock
        self.transports = transports
        self.secret = secret
        self.base_url = base_url
        self.concurrency = concurrency
        self.poll_s = poll_s
        self.reminder_every_s = reminder_every_s
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._threads = CapacityLimiter(2)
        self.delivered = 0

    def wake_threadsafe(self, _sites: object = None) -> None:
        """Something may have been queued: look now rather than at the next poll."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        """Until cancelled."""
        self._loop = asyncio.get_running_loop()
        last_reminders = -1e18
        while True:
            try:
                now_mono = self._loop.time()
                if now_mono - last_reminders >= self.reminder_every_s:
                    last_reminders = now_mono
                    await self._thread(queue_reminders, self.db, self.clock.now())
                while await self.round():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the task
                log.exception("outbox sender failed; will retry")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_s)

    async def round(self) -> int:
        """Claim and deliver one batch; the number of messages it held."""
        now = self.clock.now()
        if not await self._thread(outbox.has_due, self.db, now):
            return 0
        batch = await self._thread(outbox.claim, self.db, now, self.concurrency * 4)
        if not batch:
            return 0
        limit = asyncio.Semaphore(self.concurrency)
        outcomes = await asyncio.gather(*(self._deliver(limit, m) for m in batch))
        await self._thread(outbox.report, self.db, outcomes, self.clock.now())
        self.delivered += sum(1 for o in outcomes if o.delivered)
        return len(batch)

    async def _deliver(self, limit: asyncio.Semaphore, message: Outgoing) -> Outcome:
        transport = self.transports.get(message.channel)
        if transport is None:
            return Outcome(
                message.id, message.attempts, False, f"no {message.channel} gateway configured"
            )
        async with limit:
            try:
                await transport.send(message)
            except DeliveryError as exc:
                log.warning("message %d (%s) not delivered: %s", message.id, message.kind, exc)
                return Outcome(
                    message.id,
                    message.attempts,
                    False,
                    exc.reason,
                    permanent=exc.permanent,
                    unknown=exc.unknown,
                )
            except Exception as exc:  # a bug in a transport: the outcome is unknown
                log.exception("message %d: transport failed", message.id)
                return Outcome(message.id, message.attempts, False, repr(exc), unknown=True)
        return Outcome(message.id, message.attempts, True)

    async def _thread(self, fn: Callable[..., T], *args: object) -> T:
        return await to_thread.run_sync(fn, *args, limiter=self._threads)

    async def close(self) -> None:
        for transport in self.transports.values():
            with contextlib.suppress(Exception):
                await transport.close()
