"""Revoked credentials, told to every server process in the revoking transaction.

Each process keeps the owners of the tokens it has seen for a few seconds
(server/deps.ActorCache). A revocation (a device revoked, an account disabled, a
password reset, a supervisor's sign-out) is refused at once by the process that made it;
the others learn of it here: on PostgreSQL the revoking transaction itself sends a NOTIFY
on `CREDENTIALS_CHANNEL` naming the actor keys (`kind:id`), which PostgreSQL delivers at
the commit, to every listener, in commit order (server/pglisten.py listens). Unlike the
events' wake-up this one is sent inside the transaction: revocations are rare, so the
notification lock it takes at commit costs nothing that matters, and no answer of the
revoking process can reach anyone before the notification is on its way.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session

CREDENTIALS_CHANNEL = "kolejka_credentials"
_PAYLOAD_MAX = 7000  # PostgreSQL takes up to 8000 bytes per notification
_NOTIFY = sa.text("SELECT pg_notify(:channel, :keys)")


def payloads(keys: Iterable[str]) -> list[str]:
    """The keys as comma-separated payloads, each within a notification's size."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for key in sorted(set(keys)):
        if current and size + len(key) + 1 > _PAYLOAD_MAX:
            chunks.append(",".join(current))
            current, size = [], 0
        current.append(key)
        size += len(key) + 1
    if current:
        chunks.append(",".join(current))
    return chunks


def parse(payload: str) -> list[str]:
    return [key for key in payload.split(",") if key.count(":") == 1]


def announce_revoked(session: Session, keys: Iterable[str]) -> None:
    """Tell every server process, when this transaction commits, that the tokens of
    `keys` stop working. Nothing to tell on SQLite: it is served by one process."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for payload in payloads(keys):
        session.execute(_NOTIFY, {"channel": CREDENTIALS_CHANNEL, "keys": payload})
