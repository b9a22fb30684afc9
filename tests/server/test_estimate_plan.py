"""The forecast runs after every counter's write: its look-up of a service's recent
service times must walk back along an index and stop, not read and sort every finished
ticket of the service's history (on a year's database that was 0.64 s per forecast)."""

from __future__ import annotations

from server.db import Database
from server.estimate_inputs import _CYCLES


def test_the_recent_service_times_come_from_the_index_without_a_sort(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    db.upgrade()
    try:
        compiled = _CYCLES.compile(dialect=db.engine.dialect)
        assert compiled.positiontup is not None
        blanks = (None,) * len(compiled.positiontup)  # SQLite plans without the values
        with db.engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string, blanks).all()
        steps = [str(row[-1]) for row in plan]
        assert any("ix_ticket_done" in step for step in steps), steps
        assert not any("TEMP B-TREE" in step for step in steps), steps
    finally:
        db.dispose()
