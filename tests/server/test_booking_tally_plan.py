"""The booking's tally runs while the service row is locked: it must find its rows by
index, not by reading the whole appointment table (a year of bookings on every POST)."""

from __future__ import annotations

from server.db import Database
from server.public_booking import _TALLY


def test_the_tally_reads_appointments_by_index_only(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    db.upgrade()
    try:
        compiled = _TALLY.statement.compile(dialect=db.engine.dialect)
        assert compiled.positiontup is not None
        blanks = (None,) * len(compiled.positiontup)  # SQLite plans without the values
        with db.engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string, blanks).all()
        steps = [str(row[-1]) for row in plan]
        assert any("INDEX" in step for step in steps), steps
        assert not any(step.startswith("SCAN appointment") for step in steps), steps
    finally:
        db.dispose()
