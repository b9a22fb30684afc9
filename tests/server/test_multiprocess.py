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


async def test_writes_commit_without_notifying_and_the_other_instance_still_hears(
    pg_url, clock, password_hash
):
    """PostgreSQL takes one lock for every notifying transaction at commit: a NOTIFY in
    each write made all writes of all processes commit in turn. The wake-up goes out
    after the commit, outside the write's transaction."""
    import sqlalchemy as sa

    first = make_server(pg_url, clock, password_hash).start()
    second = make_server(pg_url, clock, password_hash).start()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = second.services.db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        stream = EventStream(first.url, "test", DISPLAY_TOKEN)
        events = stream.events()
        assert (await asyncio.wait_for(events.__anext__(), 10)).type == "reset"
        with KolejkaClient(second.url, "test", KIOSK_TOKEN) as kiosk:
            await asyncio.gather(*(asyncio.to_thread(kiosk.issue_ticket, "A") for _ in range(5)))
        got = [await asyncio.wait_for(events.__anext__(), 10) for _ in range(5)]
        assert sorted(e.payload["ticket"]["number"] for e in got) == [
            f"A{n:03d}" for n in range(1, 6)
        ]
        assert [s for s in statements if "notify" in s.lower()] == []
        await stream.close()
        await events.aclose()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
        second.stop()
        first.stop()
