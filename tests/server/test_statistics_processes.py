"""Two server processes on one database rolling the same days while they change.

Each process (`--workers`) keeps its own Statistics and rolls a site up when a read needs
it. Here process A reads the log of a day a late change touched and, before it writes the
day's rows, a second late change commits and process B rolls the site on: B's rows (with
both changes) are written, then A's (the first change only), then B moves the mark past
both. Were the two steps allowed to overlap, the day would keep A's rows under B's mark,
the second change lost until the day changed again. The stored rows must equal the day's
roll-up from the whole log, computed from scratch.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from kolejka.simulation import DayPlan, plan_day
from server.clock import ManualClock
from server.db import Database
from server.history import _SiteRefs, append_events, write_day
from server.provisioning import apply_config
from server.siteconfig import parse_config
from server.statistics import Statistics
from tests.server.test_statistics_today import WARSAW, YESTERDAY, whole_rolls
from tests.support import postgres_database, site_config_dict

pytestmark = pytest.mark.postgres


class Gate:
    """A process's database, stopping before its `nth` write transaction until let go."""

    def __init__(self, db: Database, nth: int) -> None:
        self._db, self._nth, self._writes = db, nth, 0
        self.reached, self.go = threading.Event(), threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    @contextmanager
    def write(self) -> Iterator[Any]:
        self._writes += 1
        if self._writes == self._nth:
            self.reached.set()
            self.go.wait()
        with self._db.write() as session:
            yield session


class Worker(threading.Thread):
    def __init__(self, run: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self._run = run
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # handed to the test
            self.error = exc


def waiting_for_advisory_lock(db: Database) -> bool:
    with db.read() as session:
        return bool(
            session.execute(
                sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            ).scalar_one()
        )


def test_two_processes_rolling_one_day_keep_the_later_change(password_hash):
    url = next(urls := postgres_database())
    db_a, db_b = Database(url), Database(url)
    try:
        db_a.upgrade()
        apply_config(db_a, parse_config(site_config_dict(password_hash)))
        refs = _SiteRefs(db_a, "test")
        plan = DayPlan(visitors=60, counters=3)
        plan = dataclasses.replace(
            plan, services=[s for s in plan.services if s.code in refs.services]
        )
        tickets = plan_day(YESTERDAY, WARSAW, plan, 7, refs.desk_clerks())
        cut = datetime(2026, 11, 23, 12, 0, tzinfo=WARSAW).astimezone(UTC)
        held = write_day(db_a, refs, YESTERDAY, tickets, hold_after=cut)
        assert len(held) > 20
        clock = ManualClock(datetime(2026, 11, 24, 9, 0, tzinfo=WARSAW).astimezone(UTC))
        a, b = Statistics(db_a, clock), Statistics(db_b, clock)
        a.catch_up(refs.site_id)
        b.catch_up(refs.site_id)  # nothing left: the mark is at the log's end
        half = len(held) // 2
        append_events(db_a, refs.site_id, held[:half])  # the first late change

        gate_a = Gate(db_a, nth=1)  # A: the day's log read, its rows not yet written
        a.db = gate_a  # type: ignore[assignment]
        process_a = Worker(lambda: a.catch_up(refs.site_id))
        process_a.start()
        gate_a.reached.wait()
        append_events(db_b, refs.site_id, held[half:])  # the second, while A is mid-step

        gate_b = Gate(db_b, nth=2)  # B: the day's rows written, the mark not yet moved
        b.db = gate_b  # type: ignore[assignment]
        process_b = Worker(lambda: b.catch_up(refs.site_id))
        process_b.start()
        while not gate_b.reached.wait(0.01):
            if waiting_for_advisory_lock(db_a) or not process_b.is_alive():
                break  # B waits for A's step to end
        gate_a.go.set()
        process_a.join()
        gate_b.go.set()
        process_b.join()
        assert process_a.error is None and process_b.error is None

        with db_a.read() as session:
            mark, last = session.execute(
                sa.text(
                    "SELECT m.seq, s.last_seq FROM stats_mark m JOIN site s ON s.id = m.site_id"
                )
            ).one()
        assert mark == last
        a.db, b.db = db_a, db_b
        assert b.catch_up(refs.site_id) == 0  # the mark says the day is up to date...
        whole = whole_rolls(db_a, YESTERDAY)
        assert sum(r.counts()["served"] for r in whole.values()) > 0
        assert dict(a.rolls(refs.site_id, YESTERDAY, YESTERDAY)) == whole  # ...and it is
    finally:
        db_a.dispose()
        db_b.dispose()
        next(urls, None)


def test_kept_figures_follow_a_late_change_rolled_by_another_process(site_db):
    """A range's figures are kept between reads; a late change to one of its days, rolled
    up by another process, must show on the next read; a range it did not touch stays."""
    refs = _SiteRefs(site_db, "test")
    plan = DayPlan(visitors=60, counters=3)
    plan = dataclasses.replace(plan, services=[s for s in plan.services if s.code in refs.services])
    cut = datetime(2026, 11, 23, 12, 0, tzinfo=WARSAW).astimezone(UTC)
    earlier = YESTERDAY.replace(day=20)
    write_day(site_db, refs, earlier, plan_day(earlier, WARSAW, plan, 3, refs.desk_clerks()))
    tickets = plan_day(YESTERDAY, WARSAW, plan, 7, refs.desk_clerks())
    held = write_day(site_db, refs, YESTERDAY, tickets, hold_after=cut)
    clock = ManualClock(datetime(2026, 11, 24, 9, 0, tzinfo=WARSAW).astimezone(UTC))
    reader, other = Statistics(site_db, clock), Statistics(site_db, clock)
    before = reader.range_stats("test", None, earlier, YESTERDAY).figures
    past = reader.range_stats("test", None, earlier, earlier).figures
    append_events(site_db, refs.site_id, held)  # the rest of yesterday, late
    other.catch_up(refs.site_id)
    after = reader.range_stats("test", None, earlier, YESTERDAY).figures
    fresh = Statistics(site_db, clock).range_stats("test", None, earlier, YESTERDAY).figures
    assert after == fresh
    assert after.total.served > before.total.served
    assert reader.range_stats("test", None, earlier, earlier).figures == past


def test_a_pages_charts_show_the_figures_the_page_read(site_db):
    """The page's charts name the (epoch, mark) its figures were read at and are drawn
    from those, though the day changed since; a mark no longer kept reads afresh."""
    refs = _SiteRefs(site_db, "test")
    plan = DayPlan(visitors=60, counters=3)
    plan = dataclasses.replace(plan, services=[s for s in plan.services if s.code in refs.services])
    cut = datetime(2026, 11, 23, 12, 0, tzinfo=WARSAW).astimezone(UTC)
    tickets = plan_day(YESTERDAY, WARSAW, plan, 7, refs.desk_clerks())
    held = write_day(site_db, refs, YESTERDAY, tickets, hold_after=cut)
    clock = ManualClock(datetime(2026, 11, 24, 9, 0, tzinfo=WARSAW).astimezone(UTC))
    stats = Statistics(site_db, clock)
    page = stats.range_stats("test", None, YESTERDAY, YESTERDAY)
    assert page.read_at is not None
    append_events(site_db, refs.site_id, held)  # the rest of the day, after the page
    chart = stats.range_stats("test", None, YESTERDAY, YESTERDAY, read_at=page.read_at)
    assert chart.figures == page.figures and chart.read_at == page.read_at
    now = stats.range_stats("test", None, YESTERDAY, YESTERDAY)
    assert now.figures.total.served > page.figures.total.served
    gone = stats.range_stats("test", None, YESTERDAY, YESTERDAY, read_at=("elsewhere", 1))
    assert gone.figures == now.figures
