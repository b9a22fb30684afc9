"""A year of a 3,000-visitor-a-day office, then the statistics' timings.

    .venv/bin/python bench/stats.py [--database URL] [--days 365] [--visitors 3000]
                                    [--counters 60] [--keep] [--only-today | --only-charts]

Builds the demo office with 60 counters and 70 clerks, writes a year of simulated
working days (kolejka.simulation, ≈ 750,000 tickets with their ≈ 3.6 million events)
with bulk inserts (server/history.py: COPY on PostgreSQL, one executemany a day on
SQLite), rolls the year up once (server/statistics.py), then prints, as the median of
five runs each:

- a 90-day statistics page: the figures from the roll-ups, the tables, the HTML;
- each of the page's four charts (SVG) for those 90 days;
- a month's XLSX (every table) and a month's PDF report;
- re-rolling one day of 3,000 tickets from the event log: what a late change (a ticket
  finished after midnight, a correction) costs;
- then a busy today (`--today`, default the ordinary day's visitors: ≈ 3,000 tickets, its
  events up to 14:00 written, the rest appended by a thread while the reads run, a minute
  of the office a second): today's roll-up per read, the 90-day page *including
  today* and this month's XLSX (including today), each "before" (today replayed whole on
  every read, `Statistics.incremental = False`) and "after" (its kept replay carried
  forward), and the longest transaction a roll-up held the writer for.

`--keep --only-charts` times only what the manager waits for on the statistics page: the
page and its four charts drawn afresh (none kept), for the past 90 days and for 90 days
to a busy today, and each chart alone.

Every figure is the median wall time and, beside it, the median CPU time of the reading
thread (`time.thread_time`: the PostgreSQL server's own work is not in it, SQLite's is),
with the load average: the machine is shared.

A PostgreSQL URL names a database that will be emptied first (or made, when missing).
Figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from kolejka.simulation import DayPlan, plan_day  # noqa: E402
from server.app import DEMO_CONFIG, build_services  # noqa: E402
from server.clock import ManualClock  # noqa: E402
from server.db import normalize_url  # noqa: E402
from server.history import _SiteRefs, append_events, write_day, write_history  # noqa: E402
from server.provisioning import apply_config  # noqa: E402
from server.routes.admin_stats import read_at_param  # noqa: E402
from server.security import hash_password  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.siteconfig import (  # noqa: E402
    ClerkConfig,
    CounterConfig,
    CounterServiceConfig,
    load_config,
)
from server.stats_charts import CHARTS, _drawn, range_chart  # noqa: E402
from server.stats_report import report_pdf  # noqa: E402
from server.stats_tables import figure_labels, range_tables, to_xlsx  # noqa: E402
from server.templating import render  # noqa: E402

TODAY = date(2026, 11, 30)


def fresh_postgres(url: str) -> None:
    """Drop and make the database the URL names (on the same server, as its owner)."""
    target = sa.engine.make_url(normalize_url(url))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed(
    label: str, fn: Callable[[], Any], runs: int = 5, setup: Callable[[], Any] | None = None
) -> Any:
    """`setup` runs before each run, untimed."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        if setup is not None:
            setup()
        began, began_cpu = time.perf_counter(), time.thread_time()
        result = fn()
        times.append(time.perf_counter() - began)
        cpu.append(time.thread_time() - began_cpu)
    print(
        f"  {label:<50} median {statistics.median(times):7.3f} s"
        f" (min {min(times):.3f}, max {max(times):.3f}, {runs} runs),"
        f" CPU {statistics.median(cpu):.3f} s, load {load()}",
        flush=True,
    )
    return result


class WriteTimer:
    """The database as the statistics see it, timing each write transaction they hold."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self.longest = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    @contextlib.contextmanager
    def write(self) -> Iterator[Any]:
        began = time.perf_counter()
        with self._db.write() as session:
            yield session
        self.longest = max(self.longest, time.perf_counter() - began)


class Feeder(threading.Thread):
    """Today's held events appended while the reads run: every 0.25 s the next 15 s of
    the office (a minute of it a second, ≈ 30 events), each slice in its own transaction."""

    def __init__(self, db: Any, site_id: int, events: list[Any], start: datetime) -> None:
        super().__init__(daemon=True)
        self.db, self.site_id, self.events, self.clock = db, site_id, events, start
        self.stop = threading.Event()
        self.grew = threading.Event()
        self.appended = 0

    def wait_for_more(self) -> None:
        """Until the log has grown since the last call (each timed read has news)."""
        self.grew.wait(5)
        self.grew.clear()

    def run(self) -> None:
        while not self.stop.is_set() and self.appended < len(self.events):
            self.clock += timedelta(seconds=15)
            end = self.appended
            while end < len(self.events) and self.events[end][0] <= self.clock:
                end += 1
            append_events(self.db, self.site_id, self.events[self.appended : end])
            if end > self.appended:
                self.grew.set()
            self.appended = end
            self.stop.wait(0.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="default: a new SQLite file")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--visitors", type=int, default=3000)
    parser.add_argument("--counters", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="use the database as it is")
    parser.add_argument(
        "--today", type=int, default=0, help="today's visitors (default --visitors)"
    )
    parser.add_argument(
        "--only-today", action="store_true", help="with --keep: only the busy-today figures"
    )
    parser.add_argument(
        "--only-charts",
        action="store_true",
        help="with --keep: only the page with its four charts (no chart kept), 90 past days"
        " and 90 days to a busy today",
    )
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='kolejka-stats-')}/year.sqlite3"
    if url.startswith("postgres") and not args.keep:
        fresh_postgres(url)
    clock = ManualClock(datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC))
    services = build_services(Settings(database_url=url), clock)
    db, stats = services.db, services.statistics
    print(f"database {url}  ({db.engine.dialect.name}), {os.cpu_count()} cores")
    with db.read() as session:
        tickets = (
            session.execute(sa.text("SELECT count(*) FROM ticket")).scalar_one() if args.keep else 0
        )
    if not tickets:
        db.upgrade()
        config = load_config(DEMO_CONFIG)
        site = config.sites[0]
        codes = [s.code for s in site.services]
        site.counters = [
            CounterConfig(number=n, services=[CounterServiceConfig(service=c) for c in codes])
            for n in range(1, args.counters + 1)
        ]
        hashed = hash_password("bench-pass")
        site.clerks += [
            ClerkConfig(username=f"clerk{n}", display_name=f"Clerk {n}", password_hash=hashed)
            for n in range(1, args.counters + 11)
        ]
        site.devices = [d for d in site.devices if d.kind != "counter"]
        apply_config(db, config)
        days = [TODAY - timedelta(days=n) for n in range(args.days, 0, -1)]
        plan = DayPlan(visitors=args.visitors, counters=args.counters)
        began = time.perf_counter()
        done = [0]

        def progress(day: date, count: int) -> None:
            done[0] += count
            if day.day == 1 or day == days[-1]:
                rate = done[0] / (time.perf_counter() - began)
                print(f"  {day}: {done[0]:>8} tickets so far ({rate:,.0f} a second)", flush=True)

        total = write_history(db, "demo", days, plan, seed=11, progress=progress)
        took = time.perf_counter() - began
        print(f"history: {total} tickets in {took:.0f} s ({total / took:,.0f} tickets a second)")
    with db.read() as session:
        n_tickets = session.execute(sa.text("SELECT count(*) FROM ticket")).scalar_one()
        n_events = session.execute(sa.text("SELECT count(*) FROM event")).scalar_one()
    print(f"database holds {n_tickets} tickets and {n_events} events")
    began = time.perf_counter()
    rolled = stats.catch_up(1)
    print(f"roll-up of the whole log: {rolled} days in {time.perf_counter() - began:.0f} s")
    with db.read() as session:
        rows = session.execute(sa.text("SELECT count(*) FROM stats_rollup")).scalar_one()
    print(f"stats_rollup holds {rows} rows")

    start90, end = TODAY - timedelta(days=90), TODAY - timedelta(days=1)
    month = (date(2026, 10, 1), date(2026, 10, 31))

    def page() -> str:
        return render_page(stats, start90, end)

    def forget() -> None:  # a first read: no figures nor charts kept
        stats._figures.clear()
        _drawn.clear()

    if args.only_today:
        busy_today(db, stats, args, page_until=TODAY)
        db.dispose()
        return
    if args.only_charts:
        print("timings:")
        timed(
            "page and its 4 charts, 90 days, first read",
            lambda: page_with_charts(stats, start90, end),
            setup=forget,
        )
        result90 = stats.range_stats("demo", None, start90, end)
        for chart in CHARTS:
            timed(
                f"chart {chart}.svg, 90 days",
                functools.partial(range_chart, result90, chart, "pl"),
                setup=forget,
            )
        busy_today(db, stats, args, page_until=TODAY, only_charts=True)
        db.dispose()
        return
    print("timings:")
    timed(
        "range_stats, 90 days (figures only)",
        lambda: stats.range_stats("demo", None, start90, end),
        setup=forget,
    )
    html = timed("statistics page, 90 days (figures, tables, HTML)", page, setup=forget)
    timed(
        "page and its 4 charts, 90 days, first read",
        lambda: page_with_charts(stats, start90, end),
        runs=3,
        setup=forget,
    )
    timed(
        "page and its 4 charts, 90 days, read again", lambda: page_with_charts(stats, start90, end)
    )
    result90 = stats.range_stats("demo", None, start90, end)
    for chart in CHARTS:
        timed(
            f"chart {chart}.svg, 90 days",
            functools.partial(range_chart, result90, chart, "pl"),
            runs=3,
            setup=forget,
        )

    def xlsx() -> bytes:
        result = stats.range_stats("demo", None, *month)
        return to_xlsx(range_tables(result, "pl"), lambda t: t.title)

    body = timed("XLSX of October (every table)", xlsx, setup=forget)

    def pdf() -> bytes:
        result = stats.range_stats("demo", None, *month)
        forecast = stats.staffing_forecast("demo", None, TODAY)
        return report_pdf(result, forecast, "pl")

    report = timed("PDF report of October (tables, charts, forecast)", pdf, runs=3, setup=forget)
    busy = max(result90.figures.by_day, key=lambda d: result90.figures.by_day[d].issued)
    zone = result90.site.zone

    def reroll() -> None:
        with db.read() as session:
            until = session.execute(
                sa.text("SELECT until FROM stats_day WHERE site_id = 1 AND day = :d"), {"d": busy}
            ).scalar_one()
            log = tuple(
                session.execute(sa.text("SELECT epoch, last_seq FROM site WHERE id = 1")).one()
            )
        until = until if isinstance(until, datetime) else datetime.fromisoformat(str(until))
        stats.incremental = False  # the whole day from the log, as a late change costs
        stats._reroll(1, zone, busy, until.replace(tzinfo=until.tzinfo or UTC), log)
        stats.incremental = True

    timed(f"re-roll one day ({result90.figures.by_day[busy].issued} tickets)", reroll)
    print(f"page {len(html)} bytes, XLSX {len(body)} bytes, PDF {len(report)} bytes")
    busy_today(db, stats, args, page_until=TODAY)
    db.dispose()


def render_page(stats: Any, start: date, end: date) -> str:
    """The console's statistics page of [start, end]: figures, tables, HTML."""
    return render_result(stats.range_stats("demo", None, start, end), start, end)


def render_result(result: Any, start: date, end: date) -> str:
    tables = range_tables(result, "pl")
    return render(
        "admin_stats/stats.html",
        "pl",
        staff=None,
        nav=(),
        section="stats",
        csrf="",
        path="/admin/stats",
        q=_Q(start, end),
        result=result,
        info=result.site,
        tables=tables,
        charts=CHARTS,
        read_at=read_at_param(result),
        presets=[],
        current=(start, end),
        labels=figure_labels("pl"),
    )


def page_with_charts(stats: Any, start: date, end: date) -> None:
    """What a browser asks for: the page, then each chart (its own request, naming the
    figures the page was read at: `at`); the manager waits for all of it."""
    page = stats.range_stats("demo", None, start, end)
    render_result(page, start, end)
    read_at = getattr(page, "read_at", None)  # (the base code before it has none)
    for chart in CHARTS:
        at = {"read_at": read_at} if read_at else {}
        range_chart(stats.range_stats("demo", None, start, end, **at), chart, "pl")


def busy_today(
    db: Any, stats: Any, args: argparse.Namespace, page_until: date, only_charts: bool = False
) -> None:
    """Today open and busy: its roll-up on every read, before and after (`only_charts`:
    only the page with its charts, after)."""
    refs = _SiteRefs(db, "demo")
    zone = refs.zone
    start_of_today = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=zone).astimezone(UTC)
    with db.write() as session:  # a --keep run again: today played afresh
        conn = session.connection()
        params = {"d": TODAY, "at": start_of_today}
        conn.execute(sa.text("DELETE FROM event WHERE at >= :at"), params)
        conn.execute(sa.text("DELETE FROM ticket WHERE day = :d"), params)
        conn.execute(sa.text("DELETE FROM stats_rollup WHERE day = :d"), params)
        conn.execute(sa.text("DELETE FROM stats_day WHERE day = :d"), params)
        last = conn.execute(sa.text("SELECT coalesce(max(seq), 0) FROM event")).scalar_one()
        conn.execute(sa.text("UPDATE site SET last_seq = :s WHERE id = 1"), {"s": last})
        conn.execute(sa.text("UPDATE stats_mark SET seq = :s WHERE seq > :s"), {"s": last})
    visitors = args.today or args.visitors
    tickets = plan_day(
        TODAY, zone, DayPlan(visitors=visitors, counters=args.counters), 17, refs.desk_clerks()
    )
    cut = datetime(TODAY.year, TODAY.month, TODAY.day, 14, 0, tzinfo=zone).astimezone(UTC)
    held = write_day(db, refs, TODAY, tickets, hold_after=cut)
    print(
        f"busy today: {len(tickets)} tickets, events to 14:00 written, {len(held)} to come;"
        " a thread appends a minute of the office a second while the reads run"
    )
    stats.catch_up(1)
    feeder = Feeder(db, refs.site_id, held, cut)
    feeder.start()
    timer = WriteTimer(db)
    stats.db = timer
    start90 = page_until - timedelta(days=89)
    month = (page_until.replace(day=1), page_until)
    runs = (("after", True),) if only_charts else (("before", False), ("after", True))
    try:
        for label, incremental in runs:
            stats.incremental = incremental
            stats.catch_up(1)  # the replay kept (after) or not (before)
            timer.longest = 0.0
            news = feeder.wait_for_more
            if only_charts:  # every read has news: the charts are drawn afresh each time
                timed(
                    f"{label}: page and its 4 charts, 90 days to today",
                    lambda: page_with_charts(stats, start90, page_until),
                    setup=news,
                )
                continue
            timed(f"{label}: today's roll-up on a read", lambda: stats.catch_up(1), setup=news)
            timed(
                f"{label}: 90 days to today (figures)",
                lambda: stats.range_stats("demo", None, start90, page_until),
                setup=news,
            )
            timed(
                f"{label}: statistics page, 90 days to today",
                lambda: render_page(stats, start90, page_until),
                setup=news,
            )

            timed(
                f"{label}: page and its 4 charts, 90 days to today",
                lambda: page_with_charts(stats, start90, page_until),
                setup=news,
            )

            def xlsx() -> bytes:
                result = stats.range_stats("demo", None, *month)
                return to_xlsx(range_tables(result, "pl"), lambda t: t.title)

            timed(f"{label}: XLSX of this month, today too", xlsx, setup=news)
            print(
                f"  {label}: longest roll-up write transaction {timer.longest * 1000:.0f} ms;"
                f" {feeder.appended} of {len(held)} events appended so far",
                flush=True,
            )
    finally:
        feeder.stop.set()
        feeder.join()
        stats.db = timer._db


class _Q:
    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = start, end
        from kolejka.core.rollups import Scope

        self.scope = Scope()
        self.query = f"from={start}&to={end}"


if __name__ == "__main__":
    main()
