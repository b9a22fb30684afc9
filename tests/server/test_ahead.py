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
from sqlmodel import select

from kolejka.core.routing import ahead_of
from server import repository as repo
from server.app import DEMO_CONFIG
from server.db import Database
from server.models import Service, Site, Ticket
from server.provisioning import apply_config
from server.siteconfig import load_config

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
            session.add(Ticket(
                site_id=site.id, public_id=f"p{seed}-{n}", day=date(2026, 11, 24),
                number=f"X{n:03d}", service_id=services[n % 2].id,
                status=rng.choice(["waiting"] * 5 + ["called", "done"]),
                priority=rng.choice(["normal", "normal", "normal", "priority"]),
                issued_at=arrival, arrival_at=arrival, queued_at=arrival,
                appointment_at=appointment,
            ))
    with db.read() as session:
        waiting = list(session.exec(select(Ticket).where(Ticket.status == "waiting")))
        codes = {s.id: s.code for s in services}
        candidates = {t.id: repo.candidate(t, codes[t.service_id], None) for t in waiting}
        for ticket in waiting:
            expected = ahead_of(candidates[ticket.id], list(candidates.values()), NOW)
            assert repo.ahead_count(session, ticket, NOW) == expected, ticket
    db.dispose()
