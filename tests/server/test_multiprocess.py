"""Two server instances on one PostgreSQL database: events cross through LISTEN/NOTIFY."""

import asyncio

import pytest

from kolejka.client import EventStream, KolejkaClient
from tests.support import DISPLAY_TOKEN, KIOSK_TOKEN, make_server, postgres_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url():
    yield from postgres_database()


async def test_event_committed_by_one_instance_reaches_a_client_of_the_other(
    pg_url, clock, password_hash
):
    first = make_server(pg_url, clock, password_hash).start()
    second = make_server(pg_url, clock, password_hash).start()
    try:
        stream = EventStream(first.url, "test", DISPLAY_TOKEN)
        events = stream.events()
        assert (await asyncio.wait_for(events.__anext__(), 10)).type == "reset"
        with KolejkaClient(second.url, "test", KIOSK_TOKEN) as kiosk:
            numbers = [(await asyncio.to_thread(kiosk.issue_ticket, s)).number for s in "AAB"]
        got = [await asyncio.wait_for(events.__anext__(), 10) for _ in range(3)]
        assert [e.payload["ticket"]["number"] for e in got] == numbers == ["A001", "A002", "B001"]
        assert [e.seq for e in got] == [1, 2, 3]
        await stream.close()
        await events.aclose()
    finally:
        second.stop()
        first.stop()
