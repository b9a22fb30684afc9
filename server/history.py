"""Past days written straight into the database: finished tickets and their events.

For `kolejka demo` (a few weeks, so every chart has data) and bench/stats.py (a year of
a 3,000-visitor-a-day office): the days come from kolejka.simulation and are written
with bulk inserts, a day a transaction, instead of going through the write path one
action at a time (which would take hours for a year). The rows are the ones the write
path makes — the ticket as the queue leaves it, each event's payload the ticket as
`TicketPublic` after the change, the clerk as the event's actor — so the statistics read
them as they read a real day. Only for a database nothing else writes meanwhile (a new
demo, a benchmark): ticket ids are taken from max(id) onwards.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import select

from kolejka.simulation import DayPlan, PlannedTicket, plan_day
from server.db import Database
from server.models import Clerk, Counter, Event, Service, Site, Ticket

_TICKETS = Ticket.__table__  # type: ignore[attr-defined]
_EVENTS = Event.__table__  # type: ignore[attr-defined]
_SITES = Site.__table__  # type: ignore[attr-defined]

_STATUS = {
    "issued": "waiting",
    "called": "called",
    "serving": "serving",
    "done": "done",
    "no_show": "no_show",
    "cancelled": "cancelled",
    "transferred": "waiting",
}


def _iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _SiteRefs:
    def __init__(self, db: Database, site_code: str) -> None:
        with db.read() as session:
            site = session.exec(select(Site).where(Site.code == site_code)).one()
            assert site.id is not None
            self.site_id = site.id
            self.code = site.code
            self.zone = ZoneInfo(site.timezone)
            self.services = {
                s.code: s.id
                for s in session.exec(select(Service).where(Service.site_id == site.id))
            }
            self.counters = {
                c.number: c.id
                for c in session.exec(select(Counter).where(Counter.site_id == site.id))
            }
            self.clerks: dict[int, tuple[str, str]] = {
                c.id: (c.display_name, c.role)
                for c in session.exec(select(Clerk).where(Clerk.site_id == site.id))
                if c.id is not None
            }

    def desk_clerks(self) -> list[int]:
        """The clerks who sit at counters (not the supervisors and admins)."""
        desk = [i for i, (_n, role) in sorted(self.clerks.items()) if role == "clerk"]
        return desk or sorted(self.clerks)


def write_history(
    db: Database,
    site_code: str,
    days: Iterable[date],
    plan: DayPlan | Sequence[DayPlan],
    seed: int = 1,
    clerks: Sequence[int] | None = None,
    progress: Callable[[date, int], None] | None = None,
) -> int:
    """Simulate and write each day (several plans: their tickets together, say a night
    shift beside the day); returns how many tickets were written."""
    refs = _SiteRefs(db, site_code)
    clerk_ids = list(clerks) if clerks is not None else refs.desk_clerks()
    plans = [plan] if isinstance(plan, DayPlan) else list(plan)
    plans = [
        DayPlan(
            visitors=p.visitors,
            opens=p.opens,
            closes=p.closes,
            counters=min(p.counters, len(refs.counters)) or p.counters,
            services=[s for s in p.services if s.code in refs.services] or p.services,
            counter_services=p.counter_services,
            weekdays=p.weekdays,
        )
        for p in plans
    ]
    total = 0
    for day in days:
        tickets: list[PlannedTicket] = []
        for k, p in enumerate(plans):
            tickets += plan_day(day, refs.zone, p, seed + 1000 * k, clerk_ids)
        if len(plans) > 1:
            tickets.sort(key=lambda t: t.arrival)
            numbers: dict[str, int] = {}
            for ticket in tickets:
                numbers[ticket.service] = numbers.get(ticket.service, 0) + 1
                ticket.number = f"{ticket.service}{numbers[ticket.service]:03d}"
        if tickets:
            write_day(db, refs, day, tickets)
        total += len(tickets)
        if progress is not None:
            progress(day, len(tickets))
    return total


HeldEvent = tuple[datetime, str, dict[str, Any], dict[str, Any] | None]


def write_day(
    db: Database,
    refs: _SiteRefs,
    day: date,
    tickets: list[PlannedTicket],
    hold_after: datetime | None = None,
) -> list[HeldEvent]:
    """The day's tickets and events; with `hold_after`, the events after it are not
    written but returned, in order, for `append_events` (bench/stats.py plays today on
    while it reads: the ticket rows are written whole, the statistics read only events)."""
    counter_numbers = sorted(refs.counters)
    with db.write() as session:
        conn = session.connection()
        first_id = (
            int(
                conn.execute(
                    sa.select(sa.func.coalesce(sa.func.max(_TICKETS.c.id), 0))
                ).scalar_one()
            )
            + 1
        )
        ticket_rows: list[dict[str, Any]] = []
        events: list[tuple[datetime, int, str, dict[str, Any], dict[str, Any] | None]] = []
        for i, planned in enumerate(tickets):
            ticket_id = first_id + i
            view: dict[str, Any] = {
                "id": ticket_id,
                "public_id": secrets.token_urlsafe(16),
                "site": refs.code,
                "number": planned.number,
                "service": planned.service,
                "status": "waiting",
                "language": planned.language,
                "priority": "normal",
                "issued_at": _iso(planned.arrival),
                "arrival_at": _iso(planned.arrival),
                "called_at": None,
                "started_at": None,
                "finished_at": None,
                "counter": None,
                "target_counter": None,
                "recalls": 0,
                "note": None,
                "appointment_at": None,
                "ahead": None,
                "estimated_wait_s": planned.estimate_s,
            }
            queued_at = planned.arrival
            called_at = started_at = finished_at = None
            counter: int | None = None
            for step in planned.steps:
                extra: dict[str, Any] = {}
                view = dict(view, status=_STATUS[step.kind])
                if step.kind != "issued":
                    view["estimated_wait_s"] = None
                if step.kind == "called":
                    called_at, counter = step.at, step.counter
                    view.update(called_at=_iso(step.at), counter=step.counter)
                elif step.kind == "serving":
                    started_at = step.at
                    view.update(started_at=_iso(step.at))
                elif step.kind in ("done", "no_show", "cancelled"):
                    finished_at = step.at
                    view.update(finished_at=_iso(step.at))
                elif step.kind == "transferred":
                    extra = {"from_service": view["service"], "from_counter": step.counter}
                    queued_at, called_at, started_at, counter = step.at, None, None, None
                    view.update(
                        service=step.to_service, called_at=None, started_at=None, counter=None
                    )
                actor = None
                if step.clerk is not None:
                    name, role = refs.clerks.get(step.clerk, (str(step.clerk), "clerk"))
                    actor = {"kind": "clerk", "id": step.clerk, "name": name, "role": role}
                events.append(
                    (step.at, len(events), f"ticket.{step.kind}", {"ticket": view, **extra}, actor)
                )
            ticket_rows.append(
                {
                    "id": ticket_id,
                    "site_id": refs.site_id,
                    "public_id": view["public_id"],
                    "day": day,
                    "number": planned.number,
                    "service_id": refs.services[view["service"]],
                    "status": view["status"],
                    "language": planned.language,
                    "priority": "normal",
                    "issued_at": planned.arrival,
                    "arrival_at": planned.arrival,
                    "queued_at": queued_at,
                    "called_at": called_at,
                    "started_at": started_at,
                    "finished_at": finished_at,
                    "counter_id": refs.counters.get(counter)
                    if counter in counter_numbers
                    else None,
                    "target_counter_id": None,
                    "recalls": 0,
                    "note": None,
                    "appointment_at": None,
                    "device_id": None,
                }
            )
        _bulk(conn, "ticket", ticket_rows)
        events.sort(key=lambda e: (e[0], e[1]))
        held: list[HeldEvent] = []
        if hold_after is not None:
            held = [(at, t, p, a) for at, _o, t, p, a in events if at > hold_after]
            events = [e for e in events if e[0] <= hold_after]
        last = int(
            conn.execute(
                sa.update(_SITES)
                .where(_SITES.c.id == refs.site_id)
                .values(last_seq=_SITES.c.last_seq + len(events))
                .returning(_SITES.c.last_seq)
            ).scalar_one()
        )
        base = last - len(events)
        _bulk(
            conn,
            "event",
            [
                {
                    "site_id": refs.site_id,
                    "seq": base + n + 1,
                    "type": type_,
                    "at": at,
                    "payload": payload,
                    "actor": actor,
                }
                for n, (at, _o, type_, payload, actor) in enumerate(events)
            ],
        )
        if conn.dialect.name == "postgresql":
            conn.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('ticket', 'id'), :last)"),
                {"last": first_id + len(tickets) - 1},
            )
    return held


def append_events(db: Database, site_id: int, events: Sequence[HeldEvent]) -> None:
    """Events appended to the site's log in one transaction, as the write path would."""
    if not events:
        return
    with db.write() as session:
        conn = session.connection()
        last = int(
            conn.execute(
                sa.update(_SITES)
                .where(_SITES.c.id == site_id)
                .values(last_seq=_SITES.c.last_seq + len(events))
                .returning(_SITES.c.last_seq)
            ).scalar_one()
        )
        base = last - len(events)
        conn.execute(
            sa.insert(_EVENTS),
            [
                {
                    "site_id": site_id,
                    "seq": base + n + 1,
                    "type": type_,
                    "at": at,
                    "payload": payload,
                    "actor": actor,
                }
                for n, (at, type_, payload, actor) in enumerate(events)
            ],
        )


def _bulk(conn: sa.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows straight to the driver: COPY on PostgreSQL, one executemany on SQLite, in the
    forms the models' column types store (UTC times, JSON text)."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        raw: Any = conn.connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_pg_value(row[c]) for c in columns])
        return
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({names}) VALUES ({marks})",
        [tuple(_sqlite_value(row[c]) for c in columns) for row in rows],
    )


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _pg_value(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value)
    return value
