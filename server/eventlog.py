"""Appending to the event log inside the caller's transaction.

The site row holds `last_seq`; bumping it in the same transaction as the change makes the
sequence per site gap-free (an aborted transaction gives its number back) and ordered by
commit (the row lock serialises writers of one site). On PostgreSQL a NOTIFY in the same
transaction wakes the other server processes once the change is committed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from server.actors import acting_actor, actor_record
from server.catalog import SiteLike
from server.models import Event, Site

NOTIFY_CHANNEL = "kolejka_events"


_SITES = Site.__table__  # type: ignore[attr-defined]
_EVENTS = Event.__table__  # type: ignore[attr-defined]
_BUMP = (
    sa.update(_SITES)
    .where(_SITES.c.id == sa.bindparam("site_id"))
    .values(last_seq=_SITES.c.last_seq + 1)
    .returning(_SITES.c.last_seq)
)
_INSERT = sa.insert(_EVENTS)
_NOTIFY = sa.select(sa.func.pg_notify(NOTIFY_CHANNEL, sa.bindparam("site")))


def append_event(
    session: Session, site: SiteLike, type_: str, payload: dict[str, Any], at: datetime
) -> int:
    """Append one event to `site`'s log in the session's transaction; returns its seq.

    Who acted is the request's actor (`server.actors.acting_actor`), stored beside the
    event for the audit export; none outside a request (start-up, housekeeping)."""
    assert site.id is not None
    conn = session.connection()
    seq = int(conn.execute(_BUMP, {"site_id": site.id}).scalar_one())
    if isinstance(site, Site):
        set_committed_value(site, "last_seq", seq)  # already written: not dirty
    actor = actor_record(acting_actor.get())  # for the audit only: never in the payload
    conn.execute(
        _INSERT,
        {
            "site_id": site.id,
            "seq": seq,
            "type": type_,
            "at": at,
            "payload": payload,
            "actor": actor,
        },
    )
    if conn.dialect.name == "postgresql":
        conn.execute(_NOTIFY, {"site": str(site.id)})
    pending = session.info.setdefault("kolejka_events", set())
    pending.add(site.id)
    return seq
