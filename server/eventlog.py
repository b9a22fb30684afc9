"""Appending to the event log inside the caller's transaction.

The site row holds `last_seq`; bumping it in the same transaction as the change makes the
sequence per site gap-free (an aborted transaction gives its number back) and ordered by
commit (the row lock serialises writers of one site). The other server processes hear of
it after the commit (server/pglisten.py), not from a NOTIFY in this transaction: that
made every commit of every process queue on PostgreSQL's one notification lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from server.catalog import SiteLike
from server.models import Event, Site, UTCDateTime

NOTIFY_CHANNEL = "kolejka_events"


_SITES = Site.__table__  # type: ignore[attr-defined]
_EVENTS = Event.__table__  # type: ignore[attr-defined]
_BUMP = (
    sa.update(_SITES)
    .where(_SITES.c.id == sa.bindparam("site_id"))
    .values(last_seq=_SITES.c.last_seq + 1)
    .returning(_SITES.c.last_seq)
)
_P = sa.bindparam


def _insert_statement(dialect: str) -> Any:
    """The event row, its time no earlier than the time of the event before it.

    Writers read the clock before they queue on the site row, so on PostgreSQL one that
    read it later can take the lower seq; the log's times follow its order instead."""
    at = _P("at", type_=UTCDateTime())
    previous = (
        sa.select(_EVENTS.c.at)
        .where(_EVENTS.c.site_id == _P("site_id"), _EVENTS.c.seq == _P("seq") - 1)
        .scalar_subquery()
    )
    later = sa.func.greatest if dialect == "postgresql" else sa.func.max  # SQLite: scalar max
    return sa.insert(_EVENTS).values(
        site_id=_P("site_id"),
        seq=_P("seq"),
        type=_P("type"),
        at=later(at, sa.func.coalesce(previous, at), type_=UTCDateTime()),
        payload=_P("payload"),
    )


_INSERT = {d: _insert_statement(d) for d in ("postgresql", "sqlite")}


def append_event(
    session: Session, site: SiteLike, type_: str, payload: dict[str, Any], at: datetime
) -> int:
    """Append one event to `site`'s log in the session's transaction; returns its seq."""
    assert site.id is not None
    conn = session.connection()
    seq = int(conn.execute(_BUMP, {"site_id": site.id}).scalar_one())
    if isinstance(site, Site):
        set_committed_value(site, "last_seq", seq)  # already written: not dirty
    conn.execute(
        _INSERT[conn.dialect.name],
        {"site_id": site.id, "seq": seq, "type": type_, "at": at, "payload": payload},
    )
    pending = session.info.setdefault("kolejka_events", set())
    pending.add(site.id)
    return seq
