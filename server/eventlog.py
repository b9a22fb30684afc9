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
from sqlalchemy import bindparam
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from kolejka.core.events import EventType
from kolejka.schemas import EVENT_PAYLOADS, EventPayload
from server.actors import acting_actor, actor_record
from server.catalog import SiteLike
from server.models import Event, Site, UTCDateTime
from server.prepared import Prepared

NOTIFY_CHANNEL = "kolejka_events"


_SITES = Site.__table__  # type: ignore[attr-defined]
_EVENTS = Event.__table__  # type: ignore[attr-defined]
_BUMP = (
    sa.update(_SITES)
    .where(_SITES.c.id == bindparam("site_id"))
    .values(last_seq=_SITES.c.last_seq + 1)
    .returning(_SITES.c.last_seq)
)


def _insert_statement() -> Any:
    """The event row, its time no earlier than the time of the event before it.

    Writers read the clock before they queue on the site row, so one that read it later
    can take the lower seq; the log's times follow its order instead. (On PostgreSQL a
    trigger does the same, migration 0008.)"""
    at = bindparam("at", type_=UTCDateTime())
    previous = (
        sa.select(_EVENTS.c.at)
        .where(_EVENTS.c.site_id == bindparam("site_id"), _EVENTS.c.seq == bindparam("seq") - 1)
        .scalar_subquery()
    )
    return sa.insert(_EVENTS).values(
        site_id=bindparam("site_id"),
        seq=bindparam("seq"),
        type=bindparam("type"),
        at=sa.func.max(at, sa.func.coalesce(previous, at), type_=UTCDateTime()),  # scalar max
        payload=bindparam("payload"),
        actor=bindparam("actor", type_=_EVENTS.c.actor.type),
    )


def _bump_and_insert_statement() -> Any:
    """PostgreSQL: the number and the row in one round trip. The site row stays locked
    until the commit, so every statement less between here and there is a wait less for
    every other writer of the site, in every process."""
    bump = _BUMP.cte("bump")
    values = sa.select(
        bindparam("site_id", type_=sa.Integer()),
        bump.c.last_seq,
        bindparam("type", type_=sa.String()),
        bindparam("at", type_=UTCDateTime()),
        bindparam("payload", type_=sa.JSON()),
        bindparam("actor", type_=_EVENTS.c.actor.type),
    )
    return (
        sa.insert(_EVENTS)
        .from_select(["site_id", "seq", "type", "at", "payload", "actor"], values)
        .returning(_EVENTS.c.seq)
        .add_cte(bump, nest_here=True)
    )


# Run on the driver's cursor (server/prepared.py): every write of every use case appends.
_BUMP_RUN = Prepared(_BUMP)
_INSERT = Prepared(_insert_statement())
_BUMP_AND_INSERT = Prepared(_bump_and_insert_statement())


def append_event(
    session: Session, site: SiteLike, type_: EventType, payload: EventPayload, at: datetime
) -> int:
    """Append one event to `site`'s log in the session's transaction; returns its seq.

    The payload is the type's model (kolejka.schemas.EVENT_PAYLOADS), stored as its JSON
    dump. Who acted is the request's actor (`server.actors.acting_actor`), stored beside
    the event for the audit export; none outside a request (start-up, housekeeping)."""
    assert site.id is not None
    if type(payload) is not EVENT_PAYLOADS[type_] or type_ is EventType.RESET:
        raise TypeError(f"{type_} is not logged with a {type(payload).__name__}")
    conn = session.connection()
    actor = actor_record(acting_actor.get())  # for the audit only: never in the payload
    row = {
        "site_id": site.id,
        "type": type_.value,
        "at": at,
        "payload": payload.model_dump(mode="json"),
        "actor": actor,
    }
    if conn.dialect.name == "postgresql":
        seq = int(_one(_BUMP_AND_INSERT.first(conn, row)))
    else:
        seq = int(_one(_BUMP_RUN.first(conn, {"site_id": site.id})))
        _INSERT.execute(conn, {**row, "seq": seq}).close()
    if isinstance(site, Site):
        set_committed_value(site, "last_seq", seq)  # already written: not dirty
    pending = session.info.setdefault("kolejka_events", set())
    pending.add(site.id)
    return seq


def _one(row: tuple[Any, ...] | None) -> Any:
    if row is None:  # the site row is gone: as `scalar_one()` said before
        raise sa.exc.NoResultFound("No row was found when one was required")
    return row[0]
