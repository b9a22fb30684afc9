"""Prebuilt statements on the driver's cursor (server/prepared.py) send what SQLAlchemy
would: the same rows come back, literals and column defaults are filled in, and a
driver's error is SQLAlchemy's exception, as from any other statement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from server.db import Database
from server.models import Appointment, Service, UTCDateTime
from server.prepared import Prepared

T = Appointment.__table__  # type: ignore[attr-defined]
KEYS = (
    *("site_id", "service_id", "ref", "code", "status", "start_at", "end_at"),
    *("created_at", "created_by"),
)


@pytest.fixture
def db(site_db: Database) -> Database:
    return site_db


def ids(db: Database) -> tuple[int, int]:
    with db.read() as session:
        row = session.execute(sa.text("SELECT site_id, id FROM service LIMIT 1")).one()
        return int(row[0]), int(row[1])


def row(site_id: int, service_id: int, n: int, start: datetime) -> dict[str, object]:
    return {
        "site_id": site_id,
        "service_id": service_id,
        "ref": f"ref{n:06d}",
        "status": "booked",
        "code": f"C{n:06d}",
        "start_at": start,
        "end_at": start + timedelta(minutes=15),
        "created_at": start,
        "created_by": "test",
    }


def test_an_insert_fills_the_column_defaults_and_a_select_matches_sqlalchemys(
    db: Database,
) -> None:
    site_id, service_id = ids(db)
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    insert = Prepared(sa.insert(T).returning(T.c.id), KEYS)
    many = Prepared(sa.insert(T), KEYS)
    with db.write() as session:
        conn = session.connection()
        first = insert.first(conn, row(site_id, service_id, 1, start))
        assert first is not None
        many.execute_many(
            conn, [row(site_id, service_id, n, start + timedelta(hours=n)) for n in (2, 3)]
        )
    # A literal (the status), a parameter used twice, a UTC datetime, a sum with else_=0.
    p = sa.bindparam
    count = sa.select(
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(sa.case((T.c.start_at == p("at"), 1), else_=0)), 0),
    ).where(
        T.c.site_id == p("site_id"),
        T.c.status != "cancelled",
        T.c.start_at >= p("at", type_=UTCDateTime()),
        T.c.service_id != p("site_id") + 1000,
    )
    with db.read() as session:
        conn = session.connection()
        params = {"site_id": site_id, "at": start + timedelta(hours=2)}
        assert Prepared(count).first(conn, params) == tuple(conn.execute(count, params).one())
        assert Prepared(count).first(conn, params) == (2, 1)
        stored = session.get(Appointment, first[0])
        assert stored is not None
        # Not given: the columns' defaults, as SQLAlchemy fills them in.
        assert (stored.language, stored.online, stored.document_failures) == ("pl", False, 0)
        assert stored.start_at == start


def test_a_drivers_error_is_sqlalchemys_exception(db: Database) -> None:
    site_id, service_id = ids(db)
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    insert = Prepared(sa.insert(T), KEYS)
    with pytest.raises(sa.exc.IntegrityError), db.write() as session:
        conn = session.connection()
        insert.execute(conn, row(site_id, service_id, 1, start)).close()
        insert.execute(conn, row(site_id, service_id, 1, start)).close()  # same ref and code
    with db.read() as session:  # rolled back as a whole
        assert session.execute(sa.select(sa.func.count()).select_from(T)).scalar_one() == 0


def test_a_row_reads_by_name_with_sqlalchemys_types(db: Database) -> None:
    services = Service.__table__  # type: ignore[attr-defined]
    query = sa.select(services).where(services.c.id == sa.bindparam("id"))
    _site_id, service_id = ids(db)
    with db.read() as session:
        conn = session.connection()
        expected = conn.execute(query, {"id": service_id}).one()._asdict()
        found = Prepared(query).row(conn, {"id": service_id})
        assert found is not None and found._asdict() == expected
        assert isinstance(found.names, dict) and isinstance(found.enabled, bool)
        assert Prepared(query).row(conn, {"id": -1}) is None
