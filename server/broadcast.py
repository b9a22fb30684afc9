"""Fan-out of the event log to WebSocket subscribers.

One pump task per site reads new events by sequence number from the database whenever it
is woken (after a local commit, or by PostgreSQL NOTIFY from another process) and hands
each event, serialised once, to every subscriber's bounded queue. The database is the
truth: a wake-up carries no data, so a lost or doubled wake-up loses or doubles nothing.
A subscriber too slow to keep up is dropped; it reconnects and resumes with `after=`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from anyio import to_thread

from server.readmodels import ReadModels

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Subscriber:
    site_id: int
    queue: asyncio.Queue[tuple[int, str]]
    overflowed: asyncio.Event = field(default_factory=asyncio.Event)
    actor_key: str | None = None  # whose token opened the stream (`kind:id`)
    # Set when a `site.configured` event revokes that token: the stream closes (4401).
    signed_out: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, seq: int, text: str) -> None:
        try:
            self.queue.put_nowait((seq, text))
        except asyncio.QueueFull:
            self.overflowed.set()


class Broadcaster:
    def __init__(self, reader: ReadModels, queue_size: int = 1000) -> None:
        self.reader = reader
        self.queue_size = queue_size
        self._subscribers: dict[int, set[Subscriber]] = {}
        self._wake: dict[int, asyncio.Event] = {}
        self._pumps: dict[int, asyncio.Task[None]] = {}
        self._started: dict[int, asyncio.Event] = {}  # set once the pump has its start
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: set[int] = set()
        self._pending_lock = threading.Lock()
        # Told the actor keys a `site.configured` event revokes (the token cache's forget).
        self.on_signed_out: Callable[[list[str]], None] | None = None
        # Told when the listener for other processes' news is back after losing its
        # connection: what it may have missed (the token cache's forget_all).
        self.on_reconnected: Callable[[], None] | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        with self._pending_lock:
            self._pending.clear()

    async def stop(self) -> None:
        for task in self._pumps.values():
            task.cancel()
        for task in self._pumps.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._pumps.clear()
        self._started.clear()

    def wake_threadsafe(self, site_ids: Iterable[int]) -> None:
        """Called from worker threads after a commit (and by the NOTIFY listener).

        Wake-ups that come while one is already on its way to the loop join it: under
        load that saves a call into the loop (and a write to its self-pipe) per commit,
        and the pump reads every new event in one go anyway."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with self._pending_lock:
            on_its_way = bool(self._pending)
            self._pending.update(site_ids)
        if not on_its_way:
            try:
                loop.call_soon_threadsafe(self._wake_pending)
            except RuntimeError:  # loop shutting down
                with self._pending_lock:
                    self._pending.clear()

    def _wake_pending(self) -> None:
        with self._pending_lock:
            site_ids, self._pending = self._pending, set()
        self.wake(site_ids)

    def wake(self, site_ids: Iterable[int]) -> None:
        for site_id in site_ids:
            event = self._wake.get(site_id)
            if event is not None:
                event.set()

    async def subscribe(self, site_id: int, actor_key: str | None = None) -> Subscriber:
        """Add a subscriber; it gets every event after the site's `last_seq` of the moment
        its site's pump started (at the latest, now).

        The pump is recorded before anything is awaited: every display and counter
        reconnects within the same second after a restart, and each of them starting its
        own pump made every event cost a read per subscriber. Whoever comes while the pump
        reads its starting point waits for that one read."""
        sub = Subscriber(site_id, asyncio.Queue(self.queue_size), actor_key=actor_key)
        self._subscribers.setdefault(site_id, set()).add(sub)
        started = self._started.get(site_id)
        if started is None:
            started = self._started[site_id] = asyncio.Event()
            wake = self._wake.setdefault(site_id, asyncio.Event())
            self._pumps[site_id] = asyncio.create_task(
                self._pump(site_id, started, wake), name=f"event-pump-{site_id}"
            )
        try:
            await started.wait()
        except BaseException:
            self.unsubscribe(sub)
            raise
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        subs = self._subscribers.get(sub.site_id)
        if subs is not None:
            subs.discard(sub)

    def subscriber_count(self, site_id: int) -> int:
        return len(self._subscribers.get(site_id, ()))

    def pump_count(self) -> int:
        return len(self._pumps)

    def sign_out(self, keys: Iterable[str]) -> None:
        """These actors' tokens were revoked (told by another process): their streams on
        every site close, and the token cache forgets them."""
        gone = set(keys)
        if not gone:
            return
        if self.on_signed_out is not None:
            self.on_signed_out(sorted(gone))
        for subs in self._subscribers.values():
            for sub in subs:
                if sub.actor_key in gone:
                    sub.signed_out.set()

    def _sign_out(self, subs: list[Subscriber], keys: object) -> None:
        if not isinstance(keys, list) or not keys:
            return
        gone = [str(k) for k in keys]
        if self.on_signed_out is not None:
            self.on_signed_out(gone)
        for sub in subs:
            if sub.actor_key in gone:
                sub.signed_out.set()

    async def _pump(self, site_id: int, started: asyncio.Event, wake: asyncio.Event) -> None:
        while True:  # the starting point: everything after it goes to the subscribers
            try:
                _epoch, last = await to_thread.run_sync(self.reader.site_state, site_id)
                break
            except Exception:
                log.exception("event pump for site %s cannot start; retrying", site_id)
                await asyncio.sleep(0.5)
        started.set()
        wake.set()  # catch anything committed while we looked
        while True:
            await wake.wait()
            wake.clear()
            try:
                while True:
                    _, events = await to_thread.run_sync(self.reader.events_after, site_id, last)
                    if not events:
                        break
                    subs = list(self._subscribers.get(site_id, ()))
                    for event in events:
                        text = event.model_dump_json()
                        for sub in subs:
                            sub.offer(event.seq, text)
                        if event.type == "site.configured":
                            self._sign_out(subs, event.payload.get("signed_out"))
                    last = events[-1].seq
            except Exception:  # a database hiccup must not kill the pump
                log.exception("event pump for site %s failed; retrying", site_id)
                await asyncio.sleep(0.5)
                wake.set()
