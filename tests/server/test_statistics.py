"""The range figures against an independent count from the event log, over a month.

The month (12 October – 8 November 2026, Warsaw) holds what catches the usual slips:
the night the clocks go back (25 October, a 25-hour day, with tickets in the repeated
hour), tickets issued just after local midnight (still the day before in UTC), tickets
finished after midnight (they count on the day they were issued), and transfers (one
ticket, two queues: issued once, served once).
"""

from __future__ import annotations

import statistics as pystats
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from kolejka.core.rollups import Scope
from kolejka.schemas import TicketCreate
from kolejka.simulation import DayPlan
from server.actors import Actor
from server.app import build_services
from server.clock import ManualClock
from server.history import write_history
from server.models import Clerk, Event
from server.settings import Settings
from server.statistics import InvalidRange, Statistics, forecast_public

WARSAW = ZoneInfo("Europe/Warsaw")
START, END = date(2026, 10, 12), date(2026, 11, 8)
EVERY_DAY = (1.0,) * 7
DAY = DayPlan(visitors=50, counters=4)
EARLY = DayPlan(visitors=12, counters=2, opens=time(0, 5), closes=time(1, 30), weekdays=EVERY_DAY)
LATE = DayPlan(visitors=60, counters=1, opens=time(22, 0), closes=time(23, 59), weekdays=EVERY_DAY)
DST = DayPlan(visitors=12, counters=2, opens=time(1, 30), closes=time(4, 0), weekdays=EVERY_DAY)
# extra plans on some days; none right after a late one (PostgreSQL keeps the log's times
# in seq order, so a day's events may not start before the previous day's end)
EXTRA = {
    date(2026, 10, 20): [EARLY],
    date(2026, 10, 23): [LATE],
    date(2026, 10, 25): [DST],
    date(2026, 10, 27): [EARLY],
}


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def fill_month(db: Any) -> None:
    for day in days(START, END):
        write_history(db, "test", [day], [DAY, *EXTRA.get(day, [])], seed=3)


@pytest.fixture
def month(site_db: Any) -> Any:
    fill_month(site_db)
    return site_db


def stats_of(db: Any) -> Statistics:
    return Statistics(db, ManualClock(datetime(2026, 11, 20, 12, tzinfo=UTC)))


# --- the independent count: straight from the log, no code shared with the server ----


def log_of(db: Any) -> list[tuple[str, datetime, dict[str, Any], dict[str, Any] | None]]:
    with db.read() as session:
        rows = session.execute(
            sa.select(Event.type, Event.at, Event.payload, Event.actor).order_by(Event.seq)
        )
        return [tuple(r) for r in rows if r[0].startswith("ticket.")]  # type: ignore[misc]


def count_from_log(db: Any) -> dict[str, Any]:
    tickets: dict[int, dict[str, Any]] = {}
    for kind, at, payload, actor in log_of(db):
        t = payload["ticket"]
        if kind == "ticket.issued":
            local = at.astimezone(WARSAW)
            tickets[t["id"]] = {
                "day": local.date(),
                "weekday_hour": (local.weekday(), local.hour),
                "queues": [{"service": t["service"], "since": at, "transferred_in": False}],
            }
            continue
        queue = tickets[t["id"]]["queues"][-1]
        name = kind.removeprefix("ticket.")
        if name == "called" and "called" not in queue:
            queue.update(called=at, counter=t["counter"], clerk=actor["id"] if actor else None)
        elif name == "serving":
            queue["serving"] = at
        elif name in ("done", "no_show", "cancelled"):
            queue.update(end=name, ended=at)
        elif name == "transferred":
            queue.update(end="transferred", ended=at)
            tickets[t["id"]]["queues"].append(
                {"service": t["service"], "since": at, "transferred_in": True}
            )
    by_day: dict[date, Counter[str]] = defaultdict(Counter)
    waits: dict[str, list[int]] = defaultdict(list)
    all_waits: list[int] = []
    service_times: dict[str, list[int]] = defaultdict(list)
    served_by_clerk: Counter[int] = Counter()
    arrivals: Counter[tuple[int, int]] = Counter()
    for ticket in tickets.values():
        day = ticket["day"]
        if not START <= day <= END:
            continue
        by_day[day]["issued"] += 1
        arrivals[ticket["weekday_hour"]] += 1
        for queue in ticket["queues"]:
            end = queue.get("end")
            if end:
                by_day[day][end] += 1
            if "called" in queue:
                wait = int((queue["called"] - queue["since"]).total_seconds())
                waits[queue["service"]].append(wait)
                all_waits.append(wait)
            if end in ("done", "transferred") and "serving" in queue:
                service_times[queue["service"]].append(
                    int((queue["ended"] - queue["serving"]).total_seconds())
                )
            if end == "done" and queue.get("clerk"):
                served_by_clerk[queue["clerk"]] += 1
    return {
        "tickets": tickets,
        "by_day": by_day,
        "waits": waits,
        "all_waits": all_waits,
        "service_times": service_times,
        "served_by_clerk": served_by_clerk,
        "arrivals": arrivals,
    }


def median(values: list[int]) -> float | None:
    return float(pystats.median(values)) if values else None


def p90(values: list[int]) -> float | None:
    return pystats.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else None


# --- the month ------------------------------------------------------------------------


def test_the_month_has_the_traps(month):
    log = count_from_log(month)
    tickets = log["tickets"].values()
    after_midnight = [
        t
        for t in tickets
        if t["weekday_hour"][1] == 0 and t["queues"][0]["since"].date() < t["day"]
    ]
    assert after_midnight, "tickets issued after local midnight, the day before in UTC"
    finished_next_day = [
        t
        for t in tickets
        if any(
            q.get("ended") and q["ended"].astimezone(WARSAW).date() > t["day"] for q in t["queues"]
        )
    ]
    assert finished_next_day, "tickets finished after midnight"
    assert log["by_day"][date(2026, 10, 25)]["issued"] > 0, "tickets on the 25-hour day"
    assert sum(c["transferred"] for c in log["by_day"].values()) > 0, "transfers"


def test_figures_equal_the_log(month):
    log = count_from_log(month)
    result = stats_of(month).range_stats("test", None, START, END)
    fig = result.figures
    for day in days(START, END):
        expected = log["by_day"].get(day, Counter())
        got = fig.by_day[day]
        assert (got.issued, got.served, got.no_show, got.cancelled, got.transferred_out) == (
            expected["issued"],
            expected["done"],
            expected["no_show"],
            expected["cancelled"],
            expected["transferred"],
        ), day
    issued = sum(c["issued"] for c in log["by_day"].values())
    assert (
        fig.total.issued
        == issued
        == len([t for t in log["tickets"].values() if START <= t["day"] <= END])
    )
    # every ticket ends once: a transfer is neither a second ticket nor a second end
    assert fig.total.served + fig.total.no_show + fig.total.cancelled + fig.total.open == issued
    assert fig.total.transferred_in == fig.total.transferred_out
    for service, waits in log["waits"].items():
        got = fig.by_service[service]
        assert got.wait_median_s == median(waits), service
        assert got.wait_p90_s == pytest.approx(p90(waits)), service
        assert got.service_median_s == median(log["service_times"][service]), service
        assert got.within_target == sum(1 for w in waits if w <= 30 * 60)
    assert fig.total.wait_median_s == median(log["all_waits"])
    assert {c: f.served for c, f in fig.by_clerk.items()} == dict(log["served_by_clerk"])
    for (weekday, hour), n in log["arrivals"].items():
        assert fig.arrivals[weekday][hour] == n
    assert sum(map(sum, fig.arrivals)) == issued


def test_a_week_is_its_days(month):
    stats = stats_of(month)
    week = stats.range_stats("test", None, date(2026, 10, 19), date(2026, 10, 25)).figures
    month_fig = stats.range_stats("test", None, START, END).figures
    for day, f in week.by_day.items():
        assert f == month_fig.by_day[day]
    assert week.total.issued == sum(f.issued for f in week.by_day.values())
    # the day the clocks went back: its tickets, none lost to the day before or after
    dst = stats.range_stats("test", None, date(2026, 10, 25), date(2026, 10, 25)).figures
    assert dst.total.issued == month_fig.by_day[date(2026, 10, 25)].issued > 0


def test_scopes(month):
    stats = stats_of(month)
    whole = stats.range_stats("test", None, START, END).figures
    a = stats.range_stats("test", None, START, END, Scope(service="A")).figures
    assert a.total.issued == whole.by_service["A"].issued
    assert list(a.by_service) == ["A"]
    counter = stats.range_stats("test", None, START, END, Scope(counter=2)).figures
    assert counter.total.served == whole.by_counter[2].served


def test_a_late_change_lands_on_its_day(site_db, database_url):
    """A ticket issued at 23:50 and finished at 00:20 counts on the day it was issued,
    also when the day had been rolled up before the finish."""
    clock = ManualClock(datetime(2026, 11, 24, 23, 50, tzinfo=WARSAW).astimezone(UTC))
    services = build_services(Settings(database_url=database_url, environment="test"), clock)
    try:
        with site_db.read() as session:
            clerk = session.execute(sa.select(Clerk).where(Clerk.username == "clerk1")).scalar_one()
        actor = Actor("clerk", 1, clerk.id, clerk.display_name, "clerk")
        services.counters.open_counter("test", actor, 1)
        ticket = services.queue.issue_ticket("test", actor, TicketCreate(service="A"))
        clock.advance(minutes=5)
        services.queue.call_next("test", actor, 1)
        services.queue.start_service("test", actor, ticket.id)
        day, next_day = date(2026, 11, 24), date(2026, 11, 25)
        before = services.statistics.range_stats("test", None, day, next_day).figures
        assert (before.by_day[day].issued, before.by_day[day].served) == (1, 0)
        assert before.by_day[day].open == 1
        clock.advance(minutes=25)  # 00:20 the next day
        services.queue.finish_ticket("test", actor, ticket.id)
        after = services.statistics.range_stats("test", None, day, next_day).figures
        assert (after.by_day[day].issued, after.by_day[day].served) == (1, 1)
        assert after.by_day[next_day].issued == after.by_day[next_day].served == 0
        assert after.by_day[day].service_median_s == 25 * 60  # started 23:55, done 00:20
    finally:
        services.db.dispose()


def test_ranges_refused(site_db):
    stats = stats_of(site_db)
    with pytest.raises(InvalidRange):
        stats.range_stats("test", None, date(2026, 11, 2), date(2026, 11, 1))
    with pytest.raises(InvalidRange):
        stats.range_stats("test", None, date(2025, 1, 1), date(2026, 11, 1))


def test_forecast_from_the_month(month):
    stats = Statistics(month, ManualClock(datetime(2026, 11, 9, 12, tzinfo=UTC)))
    result = stats.staffing_forecast("test", None, date(2026, 11, 10))  # a Tuesday
    assert result.weeks == 4
    busy = {s.service: max(s.counters) for s in result.services}
    assert busy["A"] >= 1 and all(v >= 0 for v in busy.values())
    assert max(result.open_counters) > 0
    for s in result.services:
        assert all(c == 0 for c, a in zip(s.counters, s.arrivals, strict=True) if a == 0)
        assert s.counters[3:6] == [0, 0, 0]
    early = next(s for s in result.services if s.service == "A")
    assert early.arrivals[0] > 0  # the Tuesdays' tickets after midnight


@pytest.mark.parametrize(
    "scope", [Scope(), Scope(service="A"), Scope(counter=2), Scope(clerk=3), Scope(service="Z")]
)
def test_the_columns_equal_the_reference(month, scope):
    """server/stats_fast.py (numpy, what the server runs) against the core's pure Python."""
    from kolejka.core.rollups import range_figures
    from server.stats_fast import range_figures_fast

    stats = stats_of(month)
    stats.catch_up(1)
    targets = {"A": 600, "B": 1200}
    slow = range_figures(stats.rolls(1, START, END), START, END, scope=scope, targets=targets)
    fast = range_figures_fast(
        stats.columns(1, START, END), START, END, scope=scope, targets=targets
    )
    for name in ("total", "by_day", "by_service", "by_counter", "by_clerk"):
        assert getattr(fast, name) == getattr(slow, name), name
    assert fast.arrivals == slow.arrivals
    assert fast.calls_by_hour == slow.calls_by_hour
    assert fast.arrivals_by_hour == slow.arrivals_by_hour


def test_forecast_reckons_services_on_shared_counters_together(month):
    """Counter 4 serves A, B and C: one group, whose need is never above the sum of the
    services' own figures and never below the busiest one's; the site's need per hour is
    that group's figure plus every other service's own."""
    stats = Statistics(month, ManualClock(datetime(2026, 11, 9, 12, tzinfo=UTC)))
    result = stats.staffing_forecast("test", None, date(2026, 11, 10))
    own = {s.service: s.counters for s in result.services if s.mean_service_s}
    (group,) = result.shared
    assert set(group.services) == {"A", "B", "C"} & set(own)
    for hour in range(24):
        members = [own[code][hour] for code in group.services]
        assert max(members) <= group.counters[hour] <= sum(members)
        others = sum(c[hour] for code, c in own.items() if code not in group.services)
        assert result.needed[hour] == group.counters[hour] + others
    busy = [h for h in range(24) if sum(own[c][h] for c in group.services) > 1]
    assert any(group.counters[h] < sum(own[c][h] for c in group.services) for h in busy)
    public = forecast_public(result)
    assert public.shared[0].services == list(group.services)
    assert public.needed == result.needed
