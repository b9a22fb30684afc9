"""What every repository module shares: the executor type, the tables as Core objects,
the bound-parameter maker and the row lock."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.models import Counter, CounterService, QueueLength, Ticket

# Reads take a Session or, on the hot paths, the Core connection under it (cheaper per query).
Executes = Session | sa.Connection

# Hot statements are built once with bound parameters: building SQLAlchemy expressions
# costs more than running the query on SQLite, and the compiled SQL is cached by shape.
TICKETS = Ticket.__table__  # type: ignore[attr-defined]
QUEUE_LENGTHS = QueueLength.__table__  # type: ignore[attr-defined]
COUNTERS = Counter.__table__  # type: ignore[attr-defined]
COUNTER_SERVICES = CounterService.__table__  # type: ignore[attr-defined]
param = sa.bindparam


def for_update(session: Session, query: Any) -> Any:
    """`query` locking its rows on PostgreSQL; SQLite's write transaction already excludes
    every other writer."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query
