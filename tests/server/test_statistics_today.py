"""Today carried forward: the rows a read leaves equal a whole roll-up from the event log.

While the office is open every read rolls today up again; server/statistics.py keeps the
day's replay and folds in only the events since the last read. Here a day is played
through the real write path (issues, calls, transfers, no-shows taken back, cancellations,
a finish after midnight), with reads in between, on SQLite and PostgreSQL; after every
read the stored rows must equal the roll-up of the whole log computed from scratch (the
payloads read in Python, each ticket on its local day of issue), and the day's counts an
independent count of the log.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from kolejka.core.errors import DomainError
from kolejka.core.rollups import Roll, RollKey, roll_up
from kolejka.core.stats import segments_from_events
from kolejka.schemas import TicketCreate, TransferRequest
from kolejka.simulation import DayPlan
from server.actors import Actor
from server.app import build_services
from server.clock import ManualClock
from server.history import write_history
from server.models import Clerk, Event
from server.settings import Settings
from server.statistics import event_to_ticket_event

WARSAW = ZoneInfo("Europe/Warsaw")
YESTERDAY, TODAY = date(2026, 11, 23), date(2026, 11, 24)


def log_of(db: Any) -> list[tuple[str, datetime, dict[str, Any], dict[str, Any] | None]]:
    with db.read() as session:
        rows = session.execute(
            sa.select(Event.type, Event.at, Event.payload, Event.actor).order_by(Event.seq)
        )
        return [tuple(r) for r in rows if r[0].startswith("ticket.")]  # type: ignore[misc]


def whole_rolls(db: Any, day: date) -> dict[RollKey, Roll]:
    """The day from scratch: every event of the tickets issued that (local) day."""
    log = log_of(db)
    days = {
        p["ticket"]["id"]: _aware(at).astimezone(WARSAW).date()
        for kind, at, p, _a in log
        if kind in ("ticket.issued", "ticket.served_without_ticket")
    }
    events = [
        event_to_ticket_event(kind, _aware(at), payload, actor)
        for kind, at, payload, actor in log
        if days.get(payload["ticket"]["id"]) == day
    ]
    return roll_up(segments_from_events(events), day, WARSAW)


def ends_from_log(db: Any, day: date) -> Counter[str]:
    """Issued and each way a queue ended, counted from the payloads alone."""
    ends: dict[int, list[str | None]] = {}
    count: Counter[str] = Counter()
    for kind, at, payload, _actor in log_of(db):
        ticket, name = payload["ticket"]["id"], kind.removeprefix("ticket.")
        if name == "issued":
            if _aware(at).astimezone(WARSAW).date() == day:
                ends[ticket] = [None]
                count["issued"] += 1
        elif ticket not in ends:
            continue
        elif name in ("done", "no_show", "cancelled"):
            ends[ticket][-1] = name
        elif name == "reactivated":
            ends[ticket][-1] = None
        elif name == "transferred":
            ends[ticket][-1] = "transferred"
            ends[ticket].append(None)
    for queues in ends.values():
        count.update(q or "open" for q in queues)
    return count


def stored_rolls(services: Any, day: date) -> dict[RollKey, Roll]:
    return dict(services.statistics.rolls(1, day, day))


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def test_today_folded_equals_the_whole_log(site_db, database_url):
    clock = ManualClock(datetime(2026, 11, 24, 8, 0, tzinfo=WARSAW).astimezone(UTC))
    write_history(site_db, "test", [YESTERDAY], DayPlan(visitors=40, counters=3), seed=5)
    services = build_services(Settings(database_url=database_url, environment="test"), clock)
    stats, queue = services.statistics, services.queue
    try:
        with site_db.read() as session:
            clerks = session.execute(sa.select(Clerk).where(Clerk.role == "clerk")).scalars()
            actors = {
                n: Actor("clerk", 1, c.id, c.display_name, "clerk")
                for n, c in zip((1, 2, 4), clerks, strict=False)
            }
        for number, actor in actors.items():
            services.counters.open_counter("test", actor, number)
        rng = random.Random(13)
        at_counter: dict[int, tuple[int, str]] = {}  # counter → (ticket, "called" | "serving")
        no_shows: dict[int, int] = {}  # ticket → its counter
        waiting: list[int] = []
        late: int | None = None  # a ticket still being served at midnight
        reads = 0

        def read_and_compare() -> None:
            nonlocal reads
            stats.catch_up(1)
            reads += 1
            for day in (YESTERDAY, TODAY):
                assert stored_rolls(services, day) == whole_rolls(site_db, day), (day, reads)

        for step in range(160):
            if step == 150:  # past midnight: the last ticket served is finished tomorrow
                clock.set(datetime(2026, 11, 25, 0, 20, tzinfo=WARSAW).astimezone(UTC))
            else:
                clock.advance(seconds=rng.randrange(0, 240))
            try:
                choice = rng.random()
                number = rng.choice(list(actors))
                actor = actors[number]
                current = at_counter.get(number)
                if step >= 150:
                    if late is not None:
                        number, ticket = late, at_counter[late][0]
                        queue.finish_ticket("test", actors[number], ticket)
                        late = None
                elif choice < 0.35 and step < 140:
                    ticket = queue.issue_ticket(
                        "test", actor, TicketCreate(service=rng.choice("AB"))
                    )
                    waiting.append(ticket.id)
                elif current is None:
                    called = queue.call_next("test", actor, number)
                    if called is not None:
                        at_counter[number] = (called.id, "called")
                        if called.id in waiting:
                            waiting.remove(called.id)
                elif current[1] == "called":
                    if rng.random() < 0.2:
                        queue.mark_no_show("test", actor, current[0])
                        no_shows[current[0]] = number
                        del at_counter[number]
                    else:
                        queue.start_service("test", actor, current[0])
                        at_counter[number] = (current[0], "serving")
                        if step > 140:
                            late = number
                elif step > 140:
                    pass  # leave it being served until after midnight
                elif choice < 0.5:
                    target = "B" if rng.random() < 0.5 else "A"
                    queue.transfer_ticket(
                        "test", actor, current[0], TransferRequest(service=target)
                    )
                    del at_counter[number]
                else:
                    queue.finish_ticket("test", actor, current[0])
                    del at_counter[number]
                if no_shows and rng.random() < 0.08:  # the visitor came back: a correction
                    ticket, counter = no_shows.popitem()
                    if counter not in at_counter:
                        queue.reactivate_ticket("test", actors[counter], ticket)
                if waiting and rng.random() < 0.05:
                    queue.cancel_ticket("test", actor, waiting.pop(rng.randrange(len(waiting))))
            except DomainError:
                pass  # refused, nothing written: the log is what the office did
            if step % 7 == 0:
                read_and_compare()
        read_and_compare()
        counts = defaultdict(int, ends_from_log(site_db, TODAY))
        fig = stats.range_stats("test", None, TODAY, TODAY).figures.total
        assert (fig.issued, fig.served, fig.no_show, fig.cancelled, fig.transferred_out) == (
            counts["issued"],
            counts["done"],
            counts["no_show"],
            counts["cancelled"],
            counts["transferred"],
        )
        assert fig.open == counts["open"]
        assert fig.served > 10 and fig.transferred_out > 0 and fig.no_show > 0
        # the whole roll-up (what a process without a kept replay does) leaves the same rows
        folded = stored_rolls(services, TODAY)
        services.statistics.incremental = False
        with site_db.write() as session:
            session.execute(sa.text("DELETE FROM stats_mark"))
        stats.catch_up(1)
        assert stored_rolls(services, TODAY) == folded
    finally:
        services.db.dispose()


def test_a_backlog_is_rolled_in_bounded_steps_beside_the_office(site_db, database_url):
    """History written before the roll-ups existed (an upgrade, an import): housekeeping's
    pass takes it a bounded step at a time while clerks go on issuing; the rows it leaves
    equal the whole roll-up, and the mark never jumps more than a step."""
    import asyncio
    import threading

    from server import housekeeping
    from server.statistics import STEP_EVENTS

    days = [date(2026, 11, 16) + timedelta(days=i) for i in range(6)]
    write_history(site_db, "test", days, DayPlan(visitors=60, counters=3), seed=9)
    clock = ManualClock(datetime(2026, 11, 24, 9, 0, tzinfo=WARSAW).astimezone(UTC))
    services = build_services(Settings(database_url=database_url, environment="test"), clock)
    stats = services.statistics
    try:
        with site_db.read() as session:
            clerk = session.execute(sa.select(Clerk).where(Clerk.username == "clerk1")).scalar_one()
        actor = Actor("clerk", 1, clerk.id, clerk.display_name, "clerk")
        marks: list[int] = []
        step = stats.catch_up_step

        def small_step(site_id: int, max_events: int = STEP_EVENTS) -> tuple[int, bool]:
            result = step(site_id, max_events=300)
            with site_db.read() as session:
                marks.append(session.execute(sa.text("SELECT seq FROM stats_mark")).scalar_one())
            return result

        stats.catch_up_step = small_step  # type: ignore[method-assign]
        issued: list[int] = []

        def office() -> None:
            for _ in range(30):
                issued.append(
                    services.queue.issue_ticket("test", actor, TicketCreate(service="A")).id
                )

        clerk_thread = threading.Thread(target=office)
        clerk_thread.start()
        steps = asyncio.run(housekeeping.roll_up_all(stats, pause_s=0))
        clerk_thread.join()
        assert len(issued) == 30
        assert steps > 3
        assert all(0 < b - a <= 300 for a, b in zip([0, *marks], marks, strict=False))
        stats.catch_up(1)  # the tickets issued after the pass's last step
        for day in [*days, TODAY]:
            assert stored_rolls(services, day) == whole_rolls(site_db, day), day
    finally:
        services.db.dispose()
