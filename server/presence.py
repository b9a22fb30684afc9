"""Which devices the server has heard from, and which hold the event stream open now.

Each process notes in memory what it hears (a kiosk is seen with every request it
makes, a display while its WebSocket is open), for the console's monitor: "display
connected / last seen", "printer silent". It is no state of the queue.

With several server processes (PostgreSQL) a device talks to one of them and the
manager's monitor to any: so every `SYNC_S` each process writes what changed among its
own devices to `device_presence`, in one transaction, and reads the other processes'
rows (`sync`). A heartbeat costs a dictionary write, never a database write; the
monitor sees a device of another process at most `SYNC_S` late, and stops counting the
open streams of a process that stopped writing `STALE_S` after its last write. A single
process (SQLite) does not write at all. A restarted server starts looking again from
`watching_since` for what nobody wrote down.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from anyio import to_thread
from sqlmodel import Session

from server.actors import Actor
from server.clock import Clock
from server.db import Database
from server.models import DevicePresence

log = logging.getLogger(__name__)

SYNC_S = 5.0
STALE_S = 3 * SYNC_S  # a process that has not written for this long has stopped
FORGET_AFTER = timedelta(days=2)  # rows of processes long gone are deleted

_TABLE = DevicePresence.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class Seen:
    last_seen: datetime
    connections: int = 0


class Presence:
    def __init__(self, now: datetime) -> None:
        self.watching_since = now
        self.process = secrets.token_hex(8)  # this process, in `device_presence`
        self._seen: dict[tuple[str, int], Seen] = {}
        self._changed: set[tuple[str, int]] = set()
        self._others: dict[int, Seen] = {}  # the other processes' news, by device id

    def seen(self, actor: Actor, now: datetime) -> None:
        """`actor` made a request (cheap: called for every authenticated request)."""
        key = (actor.kind, actor.id)
        entry = self._seen.get(key)
        if entry is None:
            self._seen[key] = Seen(now)
        else:
            entry.last_seen = now
        self._changed.add(key)

    def connected(self, actor: Actor, now: datetime) -> None:
        key = (actor.kind, actor.id)
        entry = self._seen.setdefault(key, Seen(now))
        entry.last_seen = now
        entry.connections += 1
        self._changed.add(key)

    def disconnected(self, actor: Actor, now: datetime) -> None:
        key = (actor.kind, actor.id)
        entry = self._seen.setdefault(key, Seen(now))
        entry.last_seen = now
        entry.connections = max(0, entry.connections - 1)
        self._changed.add(key)

    def of(self, kind: str, device_id: int) -> Seen | None:
        mine = self._seen.get((kind, device_id))
        theirs = self._others.get(device_id)
        if theirs is None:
            return mine
        if mine is None:
            return theirs
        return Seen(max(mine.last_seen, theirs.last_seen), mine.connections + theirs.connections)

    # --- shared with the other processes ------------------------------------------------

    def take(self, now: datetime) -> list[dict[str, object]]:
        """This process's devices heard of since the last take, as rows to write (in the
        event loop's thread, like every other change here)."""
        changed, self._changed = self._changed, set()
        return [
            {
                "process": self.process,
                "device_id": device_id,
                "last_seen": self._seen[(kind, device_id)].last_seen,
                "connections": self._seen[(kind, device_id)].connections,
                "beat_at": now,
                "kind": kind,
            }
            for kind, device_id in changed
        ]

    def give_back(self, rows: list[dict[str, object]]) -> None:
        """Rows that were not written: written with the next ones."""
        self._changed.update((str(r["kind"]), int(str(r["device_id"]))) for r in rows)

    def exchange(
        self, session: Session, rows: list[dict[str, object]], now: datetime
    ) -> dict[int, Seen]:
        """One transaction (in a worker thread): `rows` written, this process's other
        rows' `beat_at` renewed (its open streams still count), rows of processes long
        gone deleted; answers what the other processes heard, by device id."""
        mine = _TABLE.c.process == self.process
        session.execute(sa.update(_TABLE).where(mine).values(beat_at=now))
        if rows:
            ids = [row["device_id"] for row in rows]
            session.execute(sa.delete(_TABLE).where(mine, _TABLE.c.device_id.in_(ids)))
            session.execute(
                sa.insert(_TABLE), [{k: v for k, v in r.items() if k != "kind"} for r in rows]
            )
        session.execute(sa.delete(_TABLE).where(_TABLE.c.beat_at < now - FORGET_AFTER))
        others = session.execute(
            sa.select(
                _TABLE.c.device_id, _TABLE.c.last_seen, _TABLE.c.connections, _TABLE.c.beat_at
            ).where(_TABLE.c.process != self.process)
        ).all()
        live_since = now - timedelta(seconds=STALE_S)
        heard: dict[int, Seen] = {}
        for device_id, last_seen, connections, beat_at in others:
            count = connections if beat_at >= live_since else 0
            entry = heard.get(device_id)
            if entry is None:
                heard[device_id] = Seen(last_seen, count)
            else:
                entry.last_seen = max(entry.last_seen, last_seen)
                entry.connections += count
        return heard

    def heard(self, others: dict[int, Seen]) -> None:
        self._others = others


async def sync_presence(db: Database, presence: Presence, now: datetime) -> None:
    """Write this process's news, read the others' (one transaction in a worker thread)."""
    rows = presence.take(now)

    def exchange() -> dict[int, Seen]:
        with db.write() as session:
            return presence.exchange(session, rows, now)

    try:
        others = await to_thread.run_sync(exchange)
    except BaseException:
        presence.give_back(rows)
        raise
    presence.heard(others)


async def share_presence(db: Database, presence: Presence, clock: Clock) -> None:
    """Run until cancelled: every `SYNC_S`, this process's news out, the others' in."""
    while True:
        try:
            await sync_presence(db, presence, clock.now())
        except Exception as exc:  # the database is back soon; the news waits in memory
            log.warning("device presence not shared now: %s", exc)
        await asyncio.sleep(SYNC_S)
