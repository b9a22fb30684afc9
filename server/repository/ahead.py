"""How many are ahead? Waiting tickets before one, in kolejka.core.routing.queue_key
order, answered by index range counts or the trigger-kept queue lengths, and a
service's waiting count. (The pure rule is kolejka.core.routing.ahead_of.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from kolejka.core.states import Priority, TicketStatus
from server.models import Ticket, UTCDateTime
from server.repository.base import QUEUE_LENGTHS, TICKETS, Executes, param


def _due_ahead_statement() -> sa.Select[Any]:
    """Before a ticket whose appointment is due: the due appointments before it in time
    (same time: by priority class, then arrival)."""
    now = param("now", type_=UTCDateTime())
    rank = sa.case((TICKETS.c.priority == Priority.PRIORITY.value, 1), else_=0)
    due = sa.and_(TICKETS.c.appointment_at.is_not(None), TICKETS.c.appointment_at <= now)
    earlier_in_class = sa.or_(
        rank > param("rank"),
        sa.and_(
            rank == param("rank"),
            sa.or_(
                TICKETS.c.arrival_at < param("arrival", type_=UTCDateTime()),
                sa.and_(
                    TICKETS.c.arrival_at == param("arrival", type_=UTCDateTime()),
                    TICKETS.c.id < param("ticket_id"),
                ),
            ),
        ),
    )
    appointment = param("appointment", type_=UTCDateTime())
    before = sa.and_(
        due,
        sa.or_(
            TICKETS.c.appointment_at < appointment,
            sa.and_(TICKETS.c.appointment_at == appointment, earlier_in_class),
        ),
    )
    return (
        sa.select(sa.func.count())
        .select_from(TICKETS)
        .where(
            TICKETS.c.service_id == param("service_id"),
            TICKETS.c.status == TicketStatus.WAITING.value,
            TICKETS.c.id != param("ticket_id"),
            before,
        )
    )


def _walk_in_ahead_statement() -> sa.Select[Any]:
    """Before a ticket that is not a due appointment: every due appointment, then the
    queue_key order of its class. A sum of range counts that the covering indexes answer
    without testing a predicate on every waiting ticket: a queue of thousands costs index
    steps, not row tests (tests/server/test_ahead.py checks it against the pure rule)."""
    now = param("now", type_=UTCDateTime())
    arrival = param("arrival", type_=UTCDateTime())
    waiting = sa.and_(
        TICKETS.c.service_id == param("service_id"), TICKETS.c.status == TicketStatus.WAITING.value
    )
    not_due = sa.or_(TICKETS.c.appointment_at.is_(None), TICKETS.c.appointment_at > now)

    def count(*where: Any) -> Any:
        return (
            sa.select(sa.func.count()).select_from(TICKETS).where(waiting, *where).scalar_subquery()
        )

    return sa.select(
        count(TICKETS.c.appointment_at <= now)  # due appointments come first
        + count(TICKETS.c.priority == param("higher_class"), not_due)
        + count(TICKETS.c.priority == param("my_class"), TICKETS.c.arrival_at < arrival, not_due)
        + count(
            TICKETS.c.priority == param("my_class"),
            TICKETS.c.arrival_at == arrival,
            TICKETS.c.id < param("ticket_id"),
            not_due,
        )
    )


_AHEAD_DUE = _due_ahead_statement()
_AHEAD_WALK_IN = _walk_in_ahead_statement()


def ahead_count(db: Executes, ticket: Ticket, now: datetime) -> int:
    """Waiting tickets of the same service that come before `ticket` (queue_key order)."""
    assert ticket.id is not None
    return ahead_count_of(
        db,
        ticket.service_id,
        ticket.id,
        ticket.priority,
        ticket.arrival_at,
        ticket.appointment_at,
        now,
    )


def ahead_count_of(
    db: Executes,
    service_id: int,
    ticket_id: int,
    priority: str,
    arrival_at: datetime,
    appointment_at: datetime | None,
    now: datetime,
) -> int:
    """`ahead_count` from the ticket's routing fields (no ORM object needed)."""
    params: dict[str, object]
    if appointment_at is not None and appointment_at <= now:
        params = {
            "now": now,
            "rank": 1 if priority == Priority.PRIORITY.value else 0,
            "arrival": arrival_at,
            "ticket_id": ticket_id,
            "service_id": service_id,
            "appointment": appointment_at,
        }
        return int(db.execute(_AHEAD_DUE, params).scalar_one())
    normal = priority == Priority.NORMAL.value
    params = {
        "now": now,
        "service_id": service_id,
        "my_class": priority,
        # Only priority tickets outrank anyone; nothing outranks a priority ticket.
        "higher_class": Priority.PRIORITY.value if normal else "",
        "arrival": arrival_at,
        "ticket_id": ticket_id,
    }
    return int(db.execute(_AHEAD_WALK_IN, params).scalar_one())


def _waiting_in(priority: Priority | None = None) -> Any:
    """Waiting in the service: of one priority class, or of all (None)."""
    where = [QUEUE_LENGTHS.c.service_id == param("service_id")]
    if priority is not None:
        where.append(QUEUE_LENGTHS.c.priority == priority.value)
    return (
        sa.select(sa.func.coalesce(sa.func.sum(QUEUE_LENGTHS.c.waiting), 0))
        .where(*where)
        .scalar_subquery()
    )


def _latest_arrival(priority: Priority) -> Any:
    return (
        sa.select(sa.func.max(TICKETS.c.arrival_at))
        .where(
            TICKETS.c.service_id == param("service_id"),
            TICKETS.c.status == TicketStatus.WAITING.value,
            TICKETS.c.priority == priority.value,
        )
        .scalar_subquery()
    )


_DUE_NORMAL = (
    sa.select(sa.func.count())
    .where(
        TICKETS.c.service_id == param("service_id"),
        TICKETS.c.status == TicketStatus.WAITING.value,
        TICKETS.c.priority == Priority.NORMAL.value,
        TICKETS.c.appointment_at <= param("now", type_=UTCDateTime()),
    )
    .scalar_subquery()
)
# For the newest ticket of a class: everyone waiting of that class and the classes above
# it (the trigger-kept totals), plus the due appointments below it, which outrank it.
_NEWEST_AHEAD = {
    Priority.NORMAL: sa.select(_waiting_in(), _latest_arrival(Priority.NORMAL)),
    Priority.PRIORITY: sa.select(
        _waiting_in(Priority.PRIORITY) + _DUE_NORMAL, _latest_arrival(Priority.PRIORITY)
    ),
}


def ahead_count_of_newest(
    db: Executes, service_id: int, ticket_id: int, priority: Priority, now: datetime
) -> int:
    """`ahead_count_of` for a walk-in ticket just inserted with arrival `now`, without counting
    the line: every waiting ticket of its class arrived before it (or at the same moment
    with a smaller id), so all of them are ahead. Checked, not assumed: if the clock went
    back and a ticket of the class arrived "later", the line is counted after all.

    The totals count this ticket already on SQLite; on PostgreSQL they change at commit
    (migration 0008), and the totals read are those of the tickets committed before."""
    params = {"service_id": service_id, "now": now}
    waiting, latest = db.execute(_NEWEST_AHEAD[priority], params).one()
    if latest is not None and latest > now:
        return ahead_count_of(db, service_id, ticket_id, priority.value, now, None, now)
    bind = db.get_bind() if isinstance(db, Session) else db
    counted_already = bind.dialect.name != "postgresql"
    return int(waiting) - 1 if counted_already else int(waiting)


_WAITING_COUNT = sa.select(_waiting_in())


def waiting_count(db: Executes, service_id: int) -> int:
    return int(db.execute(_WAITING_COUNT, {"service_id": service_id}).scalar_one())
