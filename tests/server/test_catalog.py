"""The configuration kept in memory between write transactions (server/catalog.py) never
goes stale: a change through the admin API, or by another server process, is seen by the
very next ticket; ticket traffic does not throw the copy away."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from kolejka.client import ConflictError
from kolejka.core.errors import Conflict
from kolejka.schemas import Priority, TicketCreate
from server.clock import ManualClock
from server.db import Database
from server.models import Service, Site
from server.ticketing import QueueService
from tests.support import T0, kiosk_actor


def _site_rev(db: Database) -> int:
    with db.read() as session:
        return session.execute(sa.select(Site.config_rev)).scalar_one()


@pytest.fixture
def two_processes(site_db: Database, database_url: str):
    """Two server processes' worth of state (engine, catalog) over one database."""
    second = Database(database_url)
    yield site_db, second
    second.dispose()


def test_a_service_changed_by_another_process_is_seen_by_the_next_ticket(two_processes):
    first, second = two_processes
    queue = QueueService(first, ManualClock(T0))
    kiosk = kiosk_actor(first)
    assert queue.issue_ticket("test", kiosk, TicketCreate(service="A")).number == "A001"
    with second.write() as session:  # the other process disables the service
        service = session.exec(select(Service).where(Service.code == "A")).one()
        service.enabled = False
        session.add(service)
    with pytest.raises(Conflict) as refused:
        queue.issue_ticket("test", kiosk, TicketCreate(service="A"))
    assert refused.value.code == "service_disabled"
    with second.write() as session:
        site = session.exec(select(Site)).one()
        site.settings = {**site.settings, "priority_enabled": False}
        session.add(site)
    with pytest.raises(Conflict) as refused:
        queue.issue_ticket("test", kiosk, TicketCreate(service="B", priority=Priority.PRIORITY))
    assert refused.value.code == "priority_disabled"


def test_ticket_traffic_keeps_the_configuration_copy(two_processes):
    first, _ = two_processes
    queue = QueueService(first, ManualClock(T0))
    kiosk = kiosk_actor(first)
    before = _site_rev(first)
    for _ in range(3):
        queue.issue_ticket("test", kiosk, TicketCreate(service="A"))
    assert _site_rev(first) == before  # the events bumped last_seq, not the config
    with first.read() as session:
        assert session.exec(select(Site)).one().last_seq >= 3


def test_an_admin_change_reaches_kiosks_whose_site_is_already_in_memory(
    sqlite_server, clerk_client, kiosk_client
):
    kiosk = kiosk_client(sqlite_server)
    kiosk.issue_ticket("A")
    kiosk.issue_ticket("B", priority="priority")
    root = clerk_client(sqlite_server, "root")
    config = root.request("GET", "/api/v1/sites/test/config").json()
    config["services"][0]["daily_limit"] = 1
    config["rules"]["priority_enabled"] = False
    root.request("PUT", "/api/v1/sites/test/config", json=config)
    with pytest.raises(ConflictError) as refused:
        kiosk.issue_ticket("A")
    assert refused.value.code == "daily_limit_reached"
    with pytest.raises(ConflictError) as refused:
        kiosk.issue_ticket("B", priority="priority")
    assert refused.value.code == "priority_disabled"
    assert kiosk.issue_ticket("B").number == "B002"


def test_the_config_rev_hook_is_the_databases_not_every_sessions(site_db: Database):
    from sqlalchemy.orm import Session as OrmSession

    from server.catalog import bump_config_rev

    assert not sa.event.contains(OrmSession, "before_flush", bump_config_rev)
    before = _site_rev(site_db)
    with site_db.write() as session:
        service = session.exec(select(Service).where(Service.code == "A")).one()
        service.daily_limit = 99
        session.add(service)
    assert _site_rev(site_db) == before + 1
    with OrmSession(site_db.engine) as session, session.begin():  # not the server's session
        service = session.execute(sa.select(Service).where(Service.code == "A")).scalar_one()
        service.daily_limit = 98
    assert _site_rev(site_db) == before + 1
