"""Which devices the server has heard from, and which hold the event stream open now.

Kept in memory by the process (a kiosk is seen with every request it makes, a display
while its WebSocket is open), for the console's monitor: "display connected / last seen",
"printer silent". It is no state of the queue and writes nothing; a restarted server
starts looking again from `watching_since`. With several worker processes each knows
the devices it serves (docs: the console's limits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server.actors import Actor


@dataclass(slots=True)
class Seen:
    last_seen: datetime
    connections: int = 0


class Presence:
    def __init__(self, now: datetime) -> None:
        self.watching_since = now
        self._seen: dict[tuple[str, int], Seen] = {}

    def seen(self, actor: Actor, now: datetime) -> None:
        """`actor` made a request (cheap: called for every authenticated request)."""
        entry = self._seen.get((actor.kind, actor.id))
        if entry is None:
            self._seen[(actor.kind, actor.id)] = Seen(now)
        else:
            entry.last_seen = now

    def connected(self, actor: Actor, now: datetime) -> None:
        entry = self._seen.setdefault((actor.kind, actor.id), Seen(now))
        entry.last_seen = now
        entry.connections += 1

    def disconnected(self, actor: Actor, now: datetime) -> None:
        entry = self._seen.setdefault((actor.kind, actor.id), Seen(now))
        entry.last_seen = now
        entry.connections = max(0, entry.connections - 1)

    def of(self, kind: str, device_id: int) -> Seen | None:
        return self._seen.get((kind, device_id))
