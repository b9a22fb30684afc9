"""Idempotency keys: a retried request with the same key gets the first answer again.

A kiosk that lost the answer to "issue a ticket" asks again with the same key and gets
the same ticket, not a second one. A key answers only for the request it came with: the
same caller, operation, path and body. Anything else presenting a used key is refused,
never answered with another request's result. Records are kept for `KEEP` and then purged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from kolejka.core.errors import Conflict
from server.db import Database
from server.errors import IdempotencyKeyMismatch
from server.models import IdempotencyRecord

KEEP = timedelta(days=2)

_R = IdempotencyRecord.__table__  # type: ignore[attr-defined]
_FIND = sa.select(_R.c.actor, _R.c.operation, _R.c.fingerprint, _R.c.body, _R.c.status_code).where(
    _R.c.site_id == sa.bindparam("site_id"), _R.c.key == sa.bindparam("key")
)
_INSERT = sa.insert(_R)
_PURGE = sa.delete(_R).where(_R.c.created_at < sa.bindparam("before", type_=_R.c.created_at.type))


class RequestKey(str):
    """An Idempotency-Key as the caller sent it, bound to the request it came with.

    A `str`, so the use cases pass it along unchanged; `operation` and `fingerprint`
    (the method, path, query and body, digested) are what a retry must match. A bare
    `str` key (an in-process caller: tests, the demo) binds to the caller alone."""

    operation: str | None
    fingerprint: str | None

    def __new__(cls, key: str, operation: str, fingerprint: str) -> RequestKey:
        made = super().__new__(cls, key)
        made.operation = operation
        made.fingerprint = fingerprint
        return made

    @classmethod
    def of_request(
        cls, key: str, operation: str, method: str, path: str, query: str, body: bytes
    ) -> RequestKey:
        digest = hashlib.sha256()
        for part in (method.upper().encode(), path.encode(), query.encode()):
            digest.update(len(part).to_bytes(8, "big") + part)
        digest.update(hashlib.sha256(body).digest())
        return cls(key, operation, digest.hexdigest())


def binding(key: str) -> tuple[str | None, str | None]:
    if isinstance(key, RequestKey):
        return key.operation, key.fingerprint
    return None, None


@dataclass(frozen=True, slots=True)
class Earlier:
    """The answer given the first time: a JSON body, or None for an empty answer."""

    body: dict[str, Any] | None
    status_code: int = 200


def earlier_answer(conn: sa.Connection, site_id: int, key: str, actor: str) -> Earlier | None:
    """What was answered under `key` before; None if the key is new. A key is the
    caller's: someone else presenting it is refused (409), and so is the caller sending
    it with another request (422), not answered."""
    row = conn.execute(_FIND, {"site_id": site_id, "key": str(key)}).first()
    if row is None:
        return None
    if row.actor != actor:
        raise Conflict("idempotency_key_reused")
    # A record from before keys were bound (operation NULL) matches no HTTP request.
    if (row.operation, row.fingerprint) != binding(key):
        raise IdempotencyKeyMismatch()
    return Earlier(row.body, row.status_code)


def remember(
    conn: sa.Connection,
    site_id: int,
    key: str,
    actor: str,
    body: dict[str, Any] | None,
    now: datetime,
    status_code: int | None = None,
) -> None:
    operation, fingerprint = binding(key)
    conn.execute(
        _INSERT,
        {
            "site_id": site_id,
            "key": str(key),
            "actor": actor,
            "operation": operation,
            "fingerprint": fingerprint,
            "status_code": status_code or (200 if body is not None else 204),
            "body": body,
            "created_at": now,
        },
    )


def purge(db: Database, now: datetime) -> int:
    """Forget answers older than `KEEP`; returns how many."""
    with db.write() as session:
        return int(session.connection().execute(_PURGE, {"before": now - KEEP}).rowcount)


def is_retry(db: Database, site_id: int, key: str, actor: str) -> bool:
    """Whether `key` already answered this very request: a retry, owed its stored answer
    (and no new ticket) even when the caller is over its rate limit. Refuses a key used
    by someone else or for another request, as the write would."""
    with db.read() as session:
        return earlier_answer(session.connection(), site_id, key, actor) is not None
