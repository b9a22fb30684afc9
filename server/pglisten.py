"""PostgreSQL wake-ups between server processes: NOTIFY after a commit, LISTEN for others'.

A NOTIFY inside every write transaction made PostgreSQL take its one notification lock at
each commit and hold it through the commit's flush, so the writers of every process (and
every site) committed one after another. The notification goes out after the commit
instead, from one connection per process, in a transaction that does not wait for its own
flush; wake-ups that come while one is on its way join it, and so do those of the next
`NOTIFY_INTERVAL_S` after it: every NOTIFY takes that lock again at its own commit and
wakes every listening process, each of which then reads the log, so under load a NOTIFY
per commit made each ticket cost more the more processes there were. A wake-up carries
no data (the pumps read the log by seq from where they stopped), so one for many commits
misses none of them, and a lost one only delays: every pump also looks on its own every
`BACKSTOP_S`, in case a process stopped between a commit and its notification.

The same listener hears `kolejka_credentials` (server/credentials.py): the actor keys a
revoking transaction names, which every process forgets at once and whose event streams
it closes. While the listener was away it heard nothing: back, it forgets every token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Iterable

import psycopg

from server.broadcast import Broadcaster
from server.credentials import CREDENTIALS_CHANNEL
from server.credentials import parse as parse_keys
from server.db import Database
from server.eventlog import NOTIFY_CHANNEL

log = logging.getLogger(__name__)
BACKSTOP_S = 2.0
NOTIFY_INTERVAL_S = 0.01  # at most one NOTIFY per process this often: a display's wait


def libpq_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


class Notifier:
    """Collects the sites whose log grew (from the threads that committed) and sends one
    NOTIFY per site for all of them at a time."""

    def __init__(self, interval_s: float = NOTIFY_INTERVAL_S) -> None:
        self._pending: set[int] = set()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = asyncio.Event()
        self.interval_s = interval_s
        self.sent = 0  # NOTIFY statements sent so far

    def notify_threadsafe(self, site_ids: Iterable[int]) -> None:
        """A `Database.after_commit` hook: runs in the thread that committed."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with self._lock:
            on_its_way = bool(self._pending)
            self._pending.update(site_ids)
        if not on_its_way:
            with contextlib.suppress(RuntimeError):  # loop shutting down
                loop.call_soon_threadsafe(self._ready.set)

    async def run(self, url: str) -> None:
        self._loop = asyncio.get_running_loop()
        backoff = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    libpq_url(url), autocommit=True
                ) as conn:
                    # The events are durable already; only the wake-up would wait.
                    await conn.execute("SET synchronous_commit = off")
                    backoff = 0.5
                    while True:
                        await self._ready.wait()
                        self._ready.clear()
                        with self._lock:
                            sites, self._pending = self._pending, set()
                        try:
                            await conn.execute(
                                "SELECT pg_notify(%s, site) FROM unnest(%s::text[]) AS site",
                                (NOTIFY_CHANNEL, [str(s) for s in sorted(sites)]),
                            )
                        except BaseException:
                            with self._lock:  # not sent: send with the next ones
                                self._pending |= sites
                            self._ready.set()
                            raise
                        self.sent += 1
                        await self._pause()  # the wake-ups of the next moments join the next
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("NOTIFY connection lost (%s); retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _pause(self) -> None:
        """After each NOTIFY (the first after a quiet spell goes at once)."""
        await asyncio.sleep(self.interval_s)


async def listen_forever(url: str, broadcaster: Broadcaster) -> None:
    backoff = 0.5
    first = True
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                libpq_url(url), autocommit=True
            ) as conn:
                await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                await conn.execute(f"LISTEN {CREDENTIALS_CHANNEL}")
                backoff = 0.5
                # Anything committed while we were not listening: wake every pump once,
                # and look every token up again (a revocation may have gone unheard).
                broadcaster.wake(list(broadcaster._wake))
                if not first and broadcaster.on_reconnected is not None:
                    broadcaster.on_reconnected()
                first = False
                async for note in conn.notifies():
                    if note.channel == CREDENTIALS_CHANNEL:
                        broadcaster.sign_out(parse_keys(note.payload))
                        continue
                    try:
                        broadcaster.wake([int(note.payload)])
                    except ValueError:
                        log.warning("ignoring notify payload %r", note.payload)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("LISTEN connection lost (%s); retrying in %.1fs", exc, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)


async def _backstop(broadcaster: Broadcaster) -> None:
    while True:
        await asyncio.sleep(BACKSTOP_S)
        broadcaster.wake(list(broadcaster._wake))


async def wake_across_processes(db: Database, broadcaster: Broadcaster) -> None:
    """Run until cancelled: this process's commits notify the others, theirs wake us."""
    notifier = Notifier()
    db.after_commit.append(notifier.notify_threadsafe)
    try:
        await asyncio.gather(
            notifier.run(db.url), listen_forever(db.url, broadcaster), _backstop(broadcaster)
        )
    finally:
        db.after_commit.remove(notifier.notify_threadsafe)
