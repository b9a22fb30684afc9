"""Who is next at this counter? The heads of each served queue, and the claim on the
chosen ticket (`FOR UPDATE SKIP LOCKED` on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kolejka.core.routing import Candidate, queue_key
from kolejka.core.states import Priority, TicketStatus
from server.models import Counter, CounterService, Service, Ticket, UTCDateTime
from server.repository.base import TICKETS, param


def _head_statement() -> Any:
    """The head of one service's queue, in kolejka.core.routing.queue_key order.

    Three index-ordered parts, each cut at `limit`: due appointments by their time, then
    the rest of each priority class by arrival. The caller sorts the union by queue_key;
    no part makes the database sort the whole waiting line.
    """
    now = param("now", type_=UTCDateTime())
    due = sa.and_(col(Ticket.appointment_at).is_not(None), col(Ticket.appointment_at) <= now)
    not_due = sa.or_(col(Ticket.appointment_at).is_(None), col(Ticket.appointment_at) > now)
    mine = sa.and_(
        col(Ticket.service_id) == param("service_id"),
        col(Ticket.status) == TicketStatus.WAITING.value,
        sa.or_(
            col(Ticket.target_counter_id).is_(None),
            col(Ticket.target_counter_id) == param("counter_id"),
        ),
        col(Ticket.id).not_in(param("exclude", expanding=True)),
    )
    limit = param("limit", type_=sa.Integer())

    def part(*where: Any, order: Sequence[Any]) -> Any:
        return sa.select(*_ROUTING).where(mine, *where).order_by(*order).limit(limit)

    by_arrival = (col(Ticket.arrival_at), col(Ticket.id))
    parts = [
        part(due, order=(col(Ticket.appointment_at), col(Ticket.id))),
        *(
            part(col(Ticket.priority) == priority.value, not_due, order=by_arrival)
            for priority in Priority
        ),
    ]
    return sa.union_all(*(p.subquery().select() for p in parts))


# What choosing needs of a ticket: a Core row, no ORM object. (The ORM statement this
# was, `select(Ticket).from_statement(union_all(...))`, answered NoSuchColumnError
# ('anon_1.id') when counters of a fresh process compiled it at the same moment: the ORM
# matched the union's columns to the entity through state its compilation shared.)
_ROUTING = (
    TICKETS.c.id,
    TICKETS.c.priority,
    TICKETS.c.arrival_at,
    TICKETS.c.appointment_at,
    TICKETS.c.target_counter_id,
)
_HEAD = _head_statement()


def head_candidates(
    session: Session,
    counter: Counter,
    links: Sequence[tuple[CounterService, Service]],
    now: datetime,
    per_service: int = 3,
    exclude: frozenset[int] = frozenset(),
) -> list[Heads]:
    """The first few waiting tickets of each service the counter serves, best first.

    Within one service every counter orders tickets the same way, so the best ticket for
    this counter is always among these heads. Nothing is locked here: see `claim`.
    """
    conn = session.connection()
    found: list[Heads] = []
    for _link, service in links:
        params = {
            "now": now,
            "service_id": service.id,
            "counter_id": counter.id,
            "exclude": sorted(exclude),
            "limit": per_service,
        }
        heads = []
        for ticket_id, priority, arrival_at, appointment_at, target in conn.execute(_HEAD, params):
            heads.append(
                Candidate(
                    ticket_id=ticket_id,
                    service=service.code,
                    priority=Priority(priority),
                    arrival_at=_aware(arrival_at),
                    appointment_at=None if appointment_at is None else _aware(appointment_at),
                    target_counter=counter.number if target == counter.id else None,
                )
            )
        heads.sort(key=lambda c: queue_key(c, now))
        found.append(Heads(heads[:per_service], complete=len(heads) < per_service))
    return found


@dataclass(slots=True)
class Heads:
    """One service's heads as read, and whether they are all its waiting tickets (fewer
    than asked for): a counter skipping heads another took chooses among the rest, and
    asks again only when a service's heads that were not all of its line run out."""

    candidates: list[Candidate]
    complete: bool


def _aware(moment: datetime) -> datetime:
    """As UTCDateTime reads it (SQLite keeps naive UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def candidate(ticket: Ticket, service_code: str, target_number: int | None) -> Candidate:
    assert ticket.id is not None
    return Candidate(
        ticket_id=ticket.id,
        service=service_code,
        priority=Priority(ticket.priority),
        arrival_at=ticket.arrival_at,
        appointment_at=ticket.appointment_at,
        target_counter=target_number,
    )


def claim(session: Session, ticket_id: int) -> Ticket | None:
    """Lock a waiting ticket for this transaction and load it; None if another counter
    has it.

    On PostgreSQL, `FOR UPDATE SKIP LOCKED` on just the chosen row: a counter deciding on
    the same ticket makes us skip it instead of waiting, and a ticket called meanwhile no
    longer matches `status = waiting`. On SQLite the write transaction already excludes
    every other writer.
    """
    query = select(Ticket).where(
        col(Ticket.id) == ticket_id, col(Ticket.status) == TicketStatus.WAITING.value
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.exec(query.execution_options(populate_existing=True)).first()
