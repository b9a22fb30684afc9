"""Personal data on appointments is erased after the site's retention period."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from kolejka.client import KolejkaClient
from server.personal_data import purge_personal_data
from tests.server.test_appointments import BOOKING_TOKEN, at, start_server
from tests.support import LiveServer


@pytest.fixture
def server(sqlite_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    live = start_server(sqlite_url, clock, password_hash)  # retention: 30 days
    yield live
    live.stop()


def test_names_and_contacts_go_after_the_retention_period_and_nothing_else(
    server: LiveServer, clock: Any
) -> None:
    with KolejkaClient(server.url, "test", BOOKING_TOKEN) as portal:
        old = portal.create_appointment("A", at(25, 9), name="Iryna", contact="iryna@example.org")
        new = portal.create_appointment("A", at(26, 9), name="Petro")
        db = server.services.db
        clock.advance(days=31)  # 25 Dec, 10:00: 30 days after the 25th's slot, not the 26th's
        assert purge_personal_data(db, clock.now()) == 1
        erased = portal.get_appointment(old.id)
        assert (erased.name, erased.contact) == (None, None)
        assert erased.code == old.code and erased.start == old.start  # the booking stays
        assert portal.get_appointment(new.id).name == "Petro"
        assert purge_personal_data(db, clock.now()) == 0  # nothing left to erase
        clock.advance(days=1)
        assert purge_personal_data(db, clock.now()) == 1
        assert portal.get_appointment(new.id).name is None


def test_the_server_purges_by_itself_when_it_starts(server: LiveServer, clock: Any) -> None:
    with KolejkaClient(server.url, "test", BOOKING_TOKEN) as portal:
        booked = portal.create_appointment("A", at(25, 9), name="Iryna")
        clock.advance(days=40)
        server.restart()  # the lifespan's periodic task runs once at start-up
        deadline = time.monotonic() + 20
        while portal.get_appointment(booked.id).name is not None:
            assert time.monotonic() < deadline, "the purge task did not run"
            time.sleep(0.05)
