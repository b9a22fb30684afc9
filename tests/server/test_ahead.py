"""The database's count of people ahead agrees with the pure routing order.

`server.repository.ahead_count` answers in SQL range counts for speed; `kolejka.core.routing
.ahead_of` is the rule written plainly. Random queues with ties in arrival time, both
priority classes, transfers (early arrivals) and appointments due and not yet due, on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from kolejka.core.routing import ahead_of
from kolejka.core.states import Priority
from kolejka.schemas import TicketCreate, TransferRequest
from server import repository as repo
from server.actors import Actor
from server.app import DEMO_CONFIG
from server.clock import ManualClock
from server.counters import CounterService
from server.db import Database
from server.models import Clerk, QueueLength, Service, Site, Ticket
from server.provisioning import apply_config
from server.siteconfig import load_config
from server.ticketing import QueueService
from server.transactions import Transaction
from tests.support import kiosk_actor

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ahead_count_follows_the_routing_order(database_url: str, seed: int) -> None:
    db = Database(database_url)
    db.upgrade()
    apply_config(db, load_config(DEMO_CONFIG))
    rng = random.Random(seed)
    with db.write() as session:
        site = session.exec(select(Site)).one()
        services = list(session.exec(select(Service).where(Service.site_id == site.id)))[:2]
        for n in range(120):
            appointment = None
            if rng.random() < 0.2:  # some due, some later, some at the same minute
                appointment = NOW + timedelta(minutes=rng.choice([-30, -5, -5, 0, 10, 40]))
            arrival = NOW - timedelta(minutes=rng.randrange(0, 30))  # many ties
            session.add(
                Ticket(
                    site_id=site.id,
                    public_id=f"p{seed}-{n}",
                    day=date(2026, 11, 24),
                    number=f"X{n:03d}",
                    service_id=services[n % 2].id,
                    status=rng.choice(["waiting"] * 5 + ["called", "done"]),
                    priority=rng.choice(["normal", "normal", "normal", "priority"]),
                    issued_at=arrival,
                    arrival_at=arrival,
                    queued_at=arrival,
                    appointment_at=appointment,
                )
            )
    with db.read() as session:
        waiting = list(session.exec(select(Ticket).where(Ticket.status == "waiting")))
        codes = {s.id: s.code for s in services}
        candidates = {t.id: repo.candidate(t, codes[t.service_id], None) for t in waiting}
        for ticket in waiting:
            expected = ahead_of(candidates[ticket.id], list(candidates.values()), NOW)
            assert repo.ahead_count(session, ticket, NOW) == expected, ticket
    db.dispose()


def _queue_lengths(db: Database) -> tuple[dict, dict]:
    """Waiting tickets per (service id, priority class): (kept by the triggers, counted)."""
    with db.read() as session:
        kept = {(q.service_id, q.priority): q.waiting for q in session.exec(select(QueueLength))}
        rows = session.execute(
            sa.select(Ticket.service_id, Ticket.priority, sa.func.count())
            .where(Ticket.status == "waiting")
            .group_by(Ticket.service_id, Ticket.priority)
        )
        counted = {(service, priority): n for service, priority, n in rows}
    return {k: n for k, n in kept.items() if n}, counted


@pytest.mark.parametrize("seed", [4, 5])
def test_queue_lengths_follow_every_change_and_newest_tickets_count_right(
    site_db: Database, seed: int
) -> None:
    """Random office traffic through the use cases (and a hand-written DELETE): the
    trigger-kept lengths equal a count of the line after every step, and the shortcut for
    a newly issued ticket's place equals the full count, also after the clock went back."""
    rng = random.Random(seed)
    clock = ManualClock(NOW)
    queue = QueueService(site_db, clock)
    kiosk = kiosk_actor(site_db)
    with site_db.read() as session:
        clerk = session.exec(select(Clerk).where(Clerk.username == "clerk1")).one()
    assert clerk.id is not None
    staff = Actor("clerk", clerk.site_id, clerk.id, clerk.display_name, "supervisor")
    CounterService(queue.writes).open_counter("test", staff, 4)
    for step in range(160):
        clock.advance(seconds=rng.choice([0, 0, 1, 20]))  # ties in arrival time
        if rng.random() < 0.05:
            clock.advance(seconds=-90)  # NTP steps the clock back: "later" arrivals exist
        action = rng.random()
        if action < 0.55:
            priority = rng.choice([Priority.NORMAL] * 3 + [Priority.PRIORITY])
            request = TicketCreate(service=rng.choice("AB"), priority=priority)
            ticket = queue.issue_ticket("test", kiosk, request)
            with site_db.read() as session:
                stored = session.get(Ticket, ticket.id)
                assert stored is not None
                assert ticket.ahead == repo.ahead_count(session, stored, clock.now()), step
        else:
            called = queue.call_next("test", staff, 4)
            if called is not None:
                if action < 0.7:
                    target = TransferRequest(service=rng.choice("ABC"))
                    queue.start_service("test", staff, called.id)
                    queue.transfer_ticket("test", staff, called.id, target)
                elif action < 0.85:
                    queue.mark_no_show("test", staff, called.id)
                else:
                    queue.start_service("test", staff, called.id)
                    queue.finish_ticket("test", staff, called.id)
        if step == 100:
            with site_db.write() as session:  # by hand, around the application
                session.execute(sa.text("DELETE FROM ticket WHERE id % 7 = 0"))
        kept, counted = _queue_lengths(site_db)
        assert kept == counted, step


@pytest.fixture
def pg_site_db(password_hash: str):
    from server.siteconfig import parse_config
    from tests.support import postgres_database, site_config_dict

    for url in postgres_database():
        db = Database(url)
        db.upgrade()
        apply_config(db, parse_config(site_config_dict(password_hash)))
        yield db
        db.dispose()


@pytest.mark.postgres
def test_a_ticket_being_issued_does_not_hold_its_queue_length_row(pg_site_db: Database) -> None:
    """On PostgreSQL the totals change at commit (migration 0008): a transaction that has
    inserted a waiting ticket and is still at work does not lock its service's row, so the
    next issuing or call on the service does not wait for all of that work."""
    db = pg_site_db
    queue = QueueService(db, ManualClock(NOW))
    kiosk = kiosk_actor(db)
    first = queue.issue_ticket("test", kiosk, TicketCreate(service="A"))
    with db.read() as session:
        service = session.exec(select(Service).where(Service.code == "A")).one()
    with db.write() as session:  # a second ticket, not committed yet
        site = queue.writes.catalog.get(session.connection(), "test")
        tx = Transaction(session, site, NOW, kiosk)
        second = queue.issue_in(tx, TicketCreate(service="A"))
        with db.engine.connect() as other:
            waiting = other.execute(
                sa.text(
                    "SELECT waiting FROM queuelength WHERE service_id = :s "
                    "AND priority = 'normal' FOR UPDATE NOWAIT"
                ),
                {"s": service.id},
            ).scalar_one()  # raises "could not obtain lock" if the row is held
            other.rollback()
    assert (first.ahead, second.ahead, waiting) == (0, 1, 1)
    kept, counted = _queue_lengths(db)
    assert kept == counted == {(service.id, "normal"): 2}
