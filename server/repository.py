"""Reads and row locks the use cases share. Plain functions over a Session."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kolejka.core.errors import NotFound
from kolejka.core.estimates import RATE_WINDOW_S, observed_rate
from kolejka.core.routing import (
    Candidate,
    CounterRouting,
    RoutingMode,
    ServiceLink,
    queue_key,
)
from kolejka.core.states import CounterState, Priority, TicketStatus
from server.catalog import SiteLike
from server.models import (
    Clerk,
    Counter,
    CounterService,
    DailySequence,
    QueueLength,
    Service,
    Site,
    Ticket,
    UTCDateTime,
)

# Reads take a Session or, on the hot paths, the Core connection under it (cheaper per query).
Executes = Session | sa.Connection


# Hot statements are built once with bound parameters: building SQLAlchemy expressions
# costs more than running the query on SQLite, and the compiled SQL is cached by shape.
_T = Ticket.__table__  # type: ignore[attr-defined]
_P = sa.bindparam
_SITE_BY_CODE = select(Site).where(col(Site.code) == _P("code"))
_SERVICE_BY_CODE = select(Service).where(
    col(Service.site_id) == _P("site_id"), col(Service.code) == _P("code")
)


def site_by_code(session: Session, code: str) -> Site:
    site = session.execute(_SITE_BY_CODE, {"code": code}).scalars().first()
    if site is None:
        raise NotFound("site_not_found", site=code)
    return site


def for_update(session: Session, query: Any) -> Any:
    """`query` locking its rows on PostgreSQL; SQLite's write transaction already excludes
    every other writer."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


def service_by_code(session: Session, site: SiteLike, code: str) -> Service:
    service = (
        session.execute(_SERVICE_BY_CODE, {"site_id": site.id, "code": code}).scalars().first()
    )
    if service is None:
        raise NotFound("service_not_found", service=code)
    return service


def services_of(session: Session, site: SiteLike) -> list[Service]:
    return list(
        session.exec(
            select(Service)
            .where(Service.site_id == site.id)
            .order_by(col(Service.position), col(Service.code))
        )
    )


def counter_by_number(
    session: Session, site: SiteLike, number: int, *, lock: bool = False
) -> Counter:
    query = select(Counter).where(Counter.site_id == site.id, Counter.number == number)
    counter = session.exec(for_update(session, query) if lock else query).first()
    if counter is None:
        raise NotFound("counter_not_found", counter=number)
    return counter


def counters_of(session: Session, site: SiteLike) -> list[Counter]:
    return list(
        session.exec(
            select(Counter).where(Counter.site_id == site.id).order_by(col(Counter.number))
        )
    )


def ticket_by_id(session: Session, site: SiteLike, ticket_id: int, *, lock: bool = False) -> Ticket:
    query = select(Ticket).where(Ticket.id == ticket_id, Ticket.site_id == site.id)
    ticket = session.exec(for_update(session, query) if lock else query).first()
    if ticket is None:
        raise NotFound("ticket_not_found", ticket=ticket_id)
    return ticket


_LINKS = (
    select(CounterService, Service)
    .join(Service, col(Service.id) == CounterService.service_id)
    .where(col(CounterService.counter_id) == _P("counter_id"))
    .order_by(col(CounterService.order), col(Service.code))
)


def links_of(session: Session, counter: Counter) -> list[tuple[CounterService, Service]]:
    rows = session.execute(_LINKS, {"counter_id": counter.id})
    return [(link, service) for link, service in rows.all()]


def routing_from(
    counter: Counter, links: Sequence[tuple[CounterService, Service]]
) -> CounterRouting:
    return CounterRouting(
        number=counter.number,
        links=tuple(
            ServiceLink(service=service.code, order=link.order, weight=link.weight)
            for link, service in links
        ),
        mode=RoutingMode(counter.routing_mode),
    )


def _next_sequence_statement(dialect: str) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    table = DailySequence.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "site_id": _P("site_id"),
        "day": _P("day", type_=sa.Date()),
        "prefix": _P("prefix"),
        "last": 1,
    }
    return (
        insert(table)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["site_id", "day", "prefix"], set_={"last": table.c.last + 1}
        )
        .returning(table.c.last)
    )


_NEXT_SEQUENCE = {d: _next_sequence_statement(d) for d in ("postgresql", "sqlite")}


def next_sequence(db: Executes, site_id: int, day: date, prefix: str) -> int:
    """Bump and return the day's counter for `prefix`, creating the row on first use."""
    conn = db.connection() if isinstance(db, Session) else db
    stmt = _NEXT_SEQUENCE[conn.dialect.name]
    return int(conn.execute(stmt, {"site_id": site_id, "day": day, "prefix": prefix}).scalar_one())


_INSERT_TICKET = sa.insert(_T).returning(_T.c.id)


def insert_ticket(conn: sa.Connection, **values: Any) -> int:
    """Insert a ticket row without the ORM (issuing is the hottest write); returns its id."""
    return int(conn.execute(_INSERT_TICKET, values).scalar_one())


def issued_today(session: Session, site: SiteLike, day: date, prefix: str) -> int:
    row = session.get(DailySequence, (site.id, day, prefix))
    return row.last if row else 0


def _head_statement() -> Any:
    """The head of one service's queue, in kolejka.core.routing.queue_key order.

    Three index-ordered parts, each cut at `limit`: due appointments by their time, then
    the rest of each priority class by arrival. The caller sorts the union by queue_key;
    no part makes the database sort the whole waiting line.
    """
    now = _P("now", type_=UTCDateTime())
    due = sa.and_(col(Ticket.appointment_at).is_not(None), col(Ticket.appointment_at) <= now)
    not_due = sa.or_(col(Ticket.appointment_at).is_(None), col(Ticket.appointment_at) > now)
    mine = sa.and_(
        col(Ticket.service_id) == _P("service_id"),
        col(Ticket.status) == TicketStatus.WAITING.value,
        sa.or_(
            col(Ticket.target_counter_id).is_(None),
            col(Ticket.target_counter_id) == _P("counter_id"),
        ),
        col(Ticket.id).not_in(_P("exclude", expanding=True)),
    )
    limit = _P("limit", type_=sa.Integer())

    def part(*where: Any, order: Sequence[Any]) -> Any:
        return sa.select(_T).where(mine, *where).order_by(*order).limit(limit)

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


def _due_ahead_statement() -> sa.Select[Any]:
    """Before a ticket whose appointment is due: the due appointments before it in time
    (same time: by priority class, then arrival)."""
    now = _P("now", type_=UTCDateTime())
    rank = sa.case((_T.c.priority == Priority.PRIORITY.value, 1), else_=0)
    due = sa.and_(_T.c.appointment_at.is_not(None), _T.c.appointment_at <= now)
    earlier_in_class = sa.or_(
        rank > _P("rank"),
        sa.and_(
            rank == _P("rank"),
            sa.or_(
                _T.c.arrival_at < _P("arrival", type_=UTCDateTime()),
                sa.and_(
                    _T.c.arrival_at == _P("arrival", type_=UTCDateTime()),
                    _T.c.id < _P("ticket_id"),
                ),
            ),
        ),
    )
    appointment = _P("appointment", type_=UTCDateTime())
    before = sa.and_(
        due,
        sa.or_(
            _T.c.appointment_at < appointment,
            sa.and_(_T.c.appointment_at == appointment, earlier_in_class),
        ),
    )
    return (
        sa.select(sa.func.count())
        .select_from(_T)
        .where(
            _T.c.service_id == _P("service_id"),
            _T.c.status == TicketStatus.WAITING.value,
            _T.c.id != _P("ticket_id"),
            before,
        )
    )


def _walk_in_ahead_statement() -> sa.Select[Any]:
    """Before a ticket that is not a due appointment: every due appointment, then the
    queue_key order of its class. A sum of range counts that the covering indexes answer
    without testing a predicate on every waiting ticket: a queue of thousands costs index
    steps, not row tests (tests/server/test_ahead.py checks it against the pure rule)."""
    now = _P("now", type_=UTCDateTime())
    arrival = _P("arrival", type_=UTCDateTime())
    waiting = sa.and_(
        _T.c.service_id == _P("service_id"), _T.c.status == TicketStatus.WAITING.value
    )
    not_due = sa.or_(_T.c.appointment_at.is_(None), _T.c.appointment_at > now)

    def count(*where: Any) -> Any:
        return sa.select(sa.func.count()).select_from(_T).where(waiting, *where).scalar_subquery()

    return sa.select(
        count(_T.c.appointment_at <= now)  # due appointments come first
        + count(_T.c.priority == _P("higher_class"), not_due)
        + count(_T.c.priority == _P("my_class"), _T.c.arrival_at < arrival, not_due)
        + count(
            _T.c.priority == _P("my_class"),
            _T.c.arrival_at == arrival,
            _T.c.id < _P("ticket_id"),
            not_due,
        )
    )


_AHEAD_DUE = _due_ahead_statement()
_AHEAD_WALK_IN = _walk_in_ahead_statement()


def ahead_count(db: Executes, ticket: Ticket, now: datetime) -> int:
    """Waiting tickets of the same service that come before `ticket` (queue_key order)."""
    assert ticket.id is not None
    return ahead_of(
        db,
        ticket.service_id,
        ticket.id,
        ticket.priority,
        ticket.arrival_at,
        ticket.appointment_at,
        now,
    )


def ahead_of(
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


_QL = QueueLength.__table__  # type: ignore[attr-defined]


def _waiting_in(priority: Priority | None = None) -> Any:
    """Waiting in the service: of one priority class, or of all (None)."""
    where = [_QL.c.service_id == _P("service_id")]
    if priority is not None:
        where.append(_QL.c.priority == priority.value)
    return (
        sa.select(sa.func.coalesce(sa.func.sum(_QL.c.waiting), 0)).where(*where).scalar_subquery()
    )


def _latest_arrival(priority: Priority) -> Any:
    return (
        sa.select(sa.func.max(_T.c.arrival_at))
        .where(
            _T.c.service_id == _P("service_id"),
            _T.c.status == TicketStatus.WAITING.value,
            _T.c.priority == priority.value,
        )
        .scalar_subquery()
    )


_DUE_NORMAL = (
    sa.select(sa.func.count())
    .where(
        _T.c.service_id == _P("service_id"),
        _T.c.status == TicketStatus.WAITING.value,
        _T.c.priority == Priority.NORMAL.value,
        _T.c.appointment_at <= _P("now", type_=UTCDateTime()),
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


def ahead_of_newest(
    db: Executes, service_id: int, ticket_id: int, priority: Priority, now: datetime
) -> int:
    """`ahead_of` for a walk-in ticket just inserted with arrival `now`, without counting
    the line: every waiting ticket of its class arrived before it (or at the same moment
    with a smaller id), so all of them are ahead. Checked, not assumed: if the clock went
    back and a ticket of the class arrived "later", the line is counted after all.

    The totals count this ticket already on SQLite; on PostgreSQL they change at commit
    (migration 0008), and the totals read are those of the tickets committed before."""
    params = {"service_id": service_id, "now": now}
    waiting, latest = db.execute(_NEWEST_AHEAD[priority], params).one()
    if latest is not None and latest > now:
        return ahead_of(db, service_id, ticket_id, priority.value, now, None, now)
    bind = db.get_bind() if isinstance(db, Session) else db
    counted_already = bind.dialect.name != "postgresql"
    return int(waiting) - 1 if counted_already else int(waiting)


_WAITING_COUNT = sa.select(_waiting_in())


def waiting_count(db: Executes, service_id: int) -> int:
    return int(db.execute(_WAITING_COUNT, {"service_id": service_id}).scalar_one())


_RECENT_DURATIONS = (
    sa.select(_T.c.started_at, _T.c.finished_at)
    .where(
        _T.c.service_id == _P("service_id"),
        _T.c.status == TicketStatus.DONE.value,
        _T.c.started_at.is_not(None),
        _T.c.finished_at.is_not(None),
    )
    .order_by(_T.c.finished_at.desc())
    .limit(_P("limit", type_=sa.Integer()))
)


def recent_durations(db: Executes, service_id: int, limit: int) -> list[float]:
    rows = db.execute(_RECENT_DURATIONS, {"service_id": service_id, "limit": limit}).all()
    return [(end - start).total_seconds() for start, end in rows]


_RECENT_CALLS = sa.select(sa.func.count(), sa.func.min(_T.c.called_at)).where(
    _T.c.service_id == _P("service_id"),
    _T.c.called_at.is_not(None),
    _T.c.called_at >= _P("since", type_=UTCDateTime()),
)


def queue_rate(db: Executes, service_id: int, now: datetime) -> float | None:
    """Tickets of a service called per second in the last half hour (None: too few)."""
    since = now - timedelta(seconds=RATE_WINDOW_S)
    count, first = db.execute(_RECENT_CALLS, {"service_id": service_id, "since": since}).one()
    if not count or first is None:
        return None
    if first.tzinfo is None:
        first = first.replace(tzinfo=UTC)
    return observed_rate(int(count), (now - first).total_seconds())


_CS = CounterService.__table__  # type: ignore[attr-defined]
_C = Counter.__table__  # type: ignore[attr-defined]
_OPEN_COUNTERS = (
    sa.select(sa.func.count())
    .select_from(_C.join(_CS, _CS.c.counter_id == _C.c.id))
    .where(_CS.c.service_id == _P("service_id"), _C.c.state == CounterState.OPEN.value)
)


def open_counter_count(db: Executes, service_id: int) -> int:
    return int(db.execute(_OPEN_COUNTERS, {"service_id": service_id}).scalar_one())


def clerk_name(session: Session, clerk_id: int | None) -> str | None:
    if clerk_id is None:
        return None
    clerk = session.get(Clerk, clerk_id)
    return clerk.display_name if clerk else None
