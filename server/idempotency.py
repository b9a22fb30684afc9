"""Idempotency keys: a retried request with the same key gets the first answer again.

A kiosk that lost the answer to "issue a ticket" asks again with the same key and gets
the same ticket, not a second one. Records are kept for `KEEP` and then purged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from kolejka.core.errors import Conflict
from server.db import Database
from server.models import IdempotencyRecord

KEEP = timedelta(days=2)

_R = IdempotencyRecord.__table__  # type: ignore[attr-defined]
_FIND = sa.select(_R.c.actor, _R.c.body).where(
    _R.c.site_id == sa.bindparam("site_id"), _R.c.key == sa.bindparam("key")
)
_INSERT = sa.insert(_R)
_PURGE = sa.delete(_R).where(_R.c.created_at < sa.bindparam("before", type_=_R.c.created_at.type))


@dataclass(frozen=True, slots=True)
class Earlier:
    """The answer given the first time: a JSON body, or None for an empty answer."""

    body: dict[str, Any] | None


def earlier_answer(conn: sa.Connection, site_id: int, key: str, actor: str) -> Earlier | None:
    """What was answered under `key` before; None if the key is new. A key is the
    caller's: someone else presenting it is refused, not answered."""
    row = conn.execute(_FIND, {"site_id": site_id, "key": key}).first()
    if row is None:
        return None
    if row.actor != actor:
        raise Conflict("idempotency_key_reused")
    return Earlier(row.body)


def remember(
    conn: sa.Connection,
    site_id: int,
    key: str,
    actor: str,
    body: dict[str, Any] | None,
    now: datetime,
) -> None:
    conn.execute(
        _INSERT,
        {
            "site_id": site_id,
            "key": key,
            "actor": actor,
            "status_code": 200 if body is not None else 204,
            "body": body,
            "created_at": now,
        },
    )


def purge(db: Database, now: datetime) -> int:
    """Forget answers older than `KEEP`; returns how many."""
    with db.write() as session:
        return int(session.connection().execute(_PURGE, {"before": now - KEEP}).rowcount)
