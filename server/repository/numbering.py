"""Which number comes next? The day's sequence per prefix, and the ticket row inserted
without the ORM (issuing is the hottest write)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.catalog import SiteLike
from server.models import DailySequence
from server.repository.base import TICKETS, Executes, param


def _next_sequence_statement(dialect: str) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    table = DailySequence.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "site_id": param("site_id"),
        "day": param("day", type_=sa.Date()),
        "prefix": param("prefix"),
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


_RECORD_ARRIVAL = sa.text(
    "UPDATE dailysequence SET last_arrival = greatest(last_arrival, :arrival)"
    " WHERE site_id = :site_id AND day = :day AND prefix = :prefix"
)


def record_arrival(conn: sa.Connection, site_id: int, day: date, prefix: str, at: datetime) -> None:
    """PostgreSQL: the number just taken arrived `at`; the walk-in function
    (`kolejka_issue_walk_in`) makes the next number arrive after it. Under the row lock
    `next_sequence` took, so in number order."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            _RECORD_ARRIVAL, {"site_id": site_id, "day": day, "prefix": prefix, "arrival": at}
        )


_INSERT_TICKET = sa.insert(TICKETS).returning(TICKETS.c.id)


def insert_ticket(conn: sa.Connection, **values: Any) -> int:
    """Insert a ticket row without the ORM (issuing is the hottest write); returns its id."""
    return int(conn.execute(_INSERT_TICKET, values).scalar_one())


def issued_today(session: Session, site: SiteLike, day: date, prefix: str) -> int:
    row = session.get(DailySequence, (site.id, day, prefix))
    return row.last if row else 0
