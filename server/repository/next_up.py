"""Who is next at this counter? The heads of each served queue, and the claim on the
chosen ticket (`FOR UPDATE SKIP LOCKED` on PostgreSQL)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from datetime import datetime
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
        return sa.select(TICKETS).where(mine, *where).order_by(*order).limit(limit)

    by_arrival = (col(Ticket.arrival_at), col(Ticket.id))
    parts = [
        part(due, order=(col(Ticket.appointment_at), col(Ticket.id))),
        *(
            part(col(Ticket.priority) == priority.value, not_due, order=by_arrival)
            for priority in Priority
        ),
    ]
    union = sa.union_all(*(p.subquery().select() for p in parts))
    return select(Ticket).from_statement(union)


_HEAD = _head_statement()
# The first compilation of this ORM statement is not safe against itself: counters calling
# at once in a fresh process had it answer NoSuchColumnError ('anon_1.id') on PostgreSQL
# for the life of the process. Its first run on each engine goes alone; after that every
# thread uses the compiled copy in the engine's cache.
_HEAD_COMPILED_ON: weakref.WeakSet[Any] = weakref.WeakSet()
_HEAD_FIRST_RUN = threading.Lock()


def _waiting_heads(session: Session, params: dict[str, Any]) -> list[Ticket]:
    engine = session.get_bind()
    if engine in _HEAD_COMPILED_ON:
        return list(session.execute(_HEAD, params).scalars())
    with _HEAD_FIRST_RUN:
        heads = list(session.execute(_HEAD, params).scalars())
        _HEAD_COMPILED_ON.add(engine)
    return heads


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


def head_candidates(
    session: Session,
    counter: Counter,
    links: Sequence[tuple[CounterService, Service]],
    now: datetime,
    per_service: int = 3,
    exclude: frozenset[int] = frozenset(),
) -> list[tuple[Ticket, Candidate]]:
    """The first few waiting tickets of each service the counter serves.

    Within one service every counter orders tickets the same way, so the best ticket for
    this counter is always among these heads. Nothing is locked here: see `claim`.
    """
    found: list[tuple[Ticket, Candidate]] = []
    for _link, service in links:
        params = {
            "now": now,
            "service_id": service.id,
            "counter_id": counter.id,
            "exclude": sorted(exclude),
            "limit": per_service,
        }
        heads = []
        for ticket in _waiting_heads(session, params):
            target = counter.number if ticket.target_counter_id == counter.id else None
            heads.append((ticket, candidate(ticket, service.code, target)))
        heads.sort(key=lambda pair: queue_key(pair[1], now))
        found += heads[:per_service]
    return found


def claim(session: Session, ticket: Ticket) -> bool:
    """Lock a waiting ticket for this transaction; False if another counter has it.

    On PostgreSQL, `FOR UPDATE SKIP LOCKED` on just the chosen row: a counter deciding on
    the same ticket makes us skip it instead of waiting, and a ticket called meanwhile no
    longer matches `status = waiting`. On SQLite the write transaction already excludes
    every other writer.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    query = (
        sa.select(col(Ticket.id))
        .where(col(Ticket.id) == ticket.id, col(Ticket.status) == TicketStatus.WAITING.value)
        .with_for_update(skip_locked=True)
    )
    if session.execute(query).scalar_one_or_none() is None:
        return False
    session.refresh(ticket)
    return True
