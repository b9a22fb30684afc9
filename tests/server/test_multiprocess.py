"""Two server instances on one PostgreSQL database: events cross through LISTEN/NOTIFY."""

import asyncio
import contextlib

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


async def test_a_revocation_in_one_instance_is_refused_by_the_other_at_once(
    pg_url, clock, password_hash
):
    """The other instance has no event stream of the site open (so no pump that would
    read the `site.configured`): PostgreSQL's notification from the revoking transaction
    is what makes it forget the device's token and the clerk's session."""
    import threading

    import httpx

    from tests.support import KIOSK2_TOKEN, PASSWORD

    first = make_server(pg_url, clock, password_hash).start()
    second = make_server(pg_url, clock, password_hash).start()
    heard: list[list[str]] = []
    told = threading.Event()
    broadcaster = second.services.broadcaster
    sign_out = broadcaster.sign_out

    def spy(keys):
        sign_out(keys)
        heard.append(sorted(keys))
        told.set()

    broadcaster.sign_out = spy
    try:
        async with httpx.AsyncClient() as http:

            async def login(server, username, password=PASSWORD):
                answer = await http.post(
                    f"{server.url}/api/v1/auth/login",
                    json={"site": "test", "username": username, "password": password},
                )
                return answer.json()["access_token"]

            async def status(server, token):
                answer = await http.get(
                    f"{server.url}/api/v1/sites/test/counters",
                    headers={"Authorization": f"Bearer {token}"},
                )
                return answer.status_code

            admin = {"Authorization": f"Bearer {await login(first, 'root')}"}
            config = f"{first.url}/api/v1/sites/test/config"
            clerk = await login(second, "clerk1")
            assert await status(second, KIOSK2_TOKEN) == 200  # both cached by the second
            assert await status(second, clerk) == 200
            assert broadcaster.subscriber_count(1) == 0

            devices = (await http.get(f"{config}/devices", headers=admin)).json()
            k2 = next(d for d in devices["devices"] if d["name"] == "k2")
            revoked = await http.post(
                f"{config}/devices/{k2['id']}/revoke",
                headers=admin,
                json={"revision": devices["revision"]},
            )
            assert revoked.status_code == 200, revoked.text
            assert await asyncio.to_thread(told.wait, 10)
            assert await status(second, KIOSK2_TOKEN) == 401
            assert await status(first, KIOSK2_TOKEN) == 401

            told.clear()
            reset = await http.post(
                f"{config}/clerks/clerk1/password",
                headers=admin,
                json={"revision": revoked.json()["revision"], "password": "other-pass-1"},
            )
            assert reset.status_code == 200, reset.text
            assert await asyncio.to_thread(told.wait, 10)
            assert await status(second, clerk) == 401
            assert await status(second, await login(second, "clerk1", "other-pass-1")) == 200

            # a supervisor signs a clerk out from the first instance's monitor
            told.clear()
            clerk2 = await login(second, "clerk2")
            assert await status(second, clerk2) == 200
            clerk2_id = await asyncio.to_thread(_clerk_id, first, "clerk2")
            answer = await asyncio.to_thread(_sign_out_from_monitor, first, clerk2_id)
            assert answer == 200
            assert await asyncio.to_thread(told.wait, 10)
            assert await status(second, clerk2) == 401
        assert heard == [[f"kiosk:{k2['id']}"], [heard[1][0]], [f"clerk:{clerk2_id}"]]
        assert heard[1][0].startswith("clerk:")
    finally:
        broadcaster.sign_out = sign_out
        second.stop()
        first.stop()


async def test_the_monitor_of_one_instance_sees_the_devices_of_the_other(
    pg_url, clock, password_hash
):
    """A display streams from the first instance and a kiosk asks it; the manager's
    monitor is served by the second. Each instance writes what it heard every few seconds
    (here: driven by the test, on each server's own loop), not once per request."""
    import sqlalchemy as sa

    from server.presence import STALE_S, sync_presence
    from tests.support import T0

    first = make_server(pg_url, clock, password_hash).start()
    second = make_server(pg_url, clock, password_hash).start()
    writes: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if "device_presence" in statement and not statement.lstrip().upper().startswith("SELECT"):
            writes.append(statement)

    def sync(server):
        loop = server.services.broadcaster._loop
        job = sync_presence(server.services.db, server.services.presence, clock.now())
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(job, loop))

    def devices(server):
        server.services.monitor.forget("test")
        hall = server.services.monitor.hall("test")
        return {d.name: d for d in hall.displays}, {k.name: k for k in hall.kiosks}

    sa.event.listen(first.services.db.engine, "before_cursor_execute", record)
    try:
        stream = EventStream(first.url, "test", DISPLAY_TOKEN)
        events = stream.events()
        assert (await asyncio.wait_for(events.__anext__(), 10)).type == "reset"
        with KolejkaClient(first.url, "test", KIOSK_TOKEN) as kiosk:
            for _ in range(5):
                await asyncio.to_thread(kiosk.list_services)
        displays, kiosks = devices(second)
        assert not displays["d1"].connected and kiosks["k1"].last_seen is None
        assert writes == []  # five requests and a stream: nothing written yet

        await sync(first)
        await sync(second)
        displays, kiosks = devices(second)
        assert displays["d1"].connected and displays["d1"].last_seen == clock.now()
        assert kiosks["k1"].last_seen == clock.now()
        assert kiosks["k2"].last_seen is None

        await stream.close()
        await events.aclose()
        first.stop()  # stopped without a word: its open stream stops counting
        clock.advance(seconds=STALE_S + 1)
        await sync(second)
        displays, _ = devices(second)
        assert not displays["d1"].connected and displays["d1"].last_seen == T0
    finally:
        sa.event.remove(first.services.db.engine, "before_cursor_execute", record)
        second.stop()
        first.stop()


def _clerk_id(server, username):
    from sqlmodel import select

    from server.models import Clerk

    with server.services.db.read() as session:
        return int(session.exec(select(Clerk).where(Clerk.username == username)).one().id)


def _sign_out_from_monitor(server, clerk_id):
    from tests.console.helpers import console, page_csrf

    with console(server, "boss") as desk:
        answer = desk.post(
            "/admin/monitor/actions/sign_out_clerk",
            data={"csrf": page_csrf(desk), "clerk": str(clerk_id)},
            headers={"Accept": "application/json"},
        )
        return answer.status_code


async def test_wake_ups_soon_after_a_notify_go_out_together_in_the_next(pg_url):
    """Each NOTIFY takes PostgreSQL's notification lock at commit and wakes every
    listening process: a process sends one, then those of the next moments as one
    (server/pglisten.py). Each site woken still gets its wake-up, and a listener's pump
    reads the log by seq, so every event still reaches it."""
    import psycopg

    from server.eventlog import NOTIFY_CHANNEL
    from server.pglisten import Notifier, libpq_url

    interval_over = asyncio.Event()

    class HeldNotifier(Notifier):
        async def _pause(self) -> None:  # the interval lasts until the test says
            await interval_over.wait()
            interval_over.clear()

    async def heard(conn, count):
        gen = conn.notifies()
        notes = [await asyncio.wait_for(gen.__anext__(), 10) for _ in range(count)]
        await gen.aclose()
        return sorted(n.payload for n in notes)

    notifier = HeldNotifier()
    listener = await psycopg.AsyncConnection.connect(libpq_url(pg_url), autocommit=True)
    sending = asyncio.create_task(notifier.run(pg_url))
    try:
        await listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
        while notifier._loop is None:
            await asyncio.sleep(0)
        notifier.notify_threadsafe({1})
        assert await heard(listener, 1) == ["1"]  # the first goes at once
        for _ in range(50):  # commits of sites 1 and 2 while the interval runs
            await asyncio.to_thread(notifier.notify_threadsafe, {1})
            await asyncio.to_thread(notifier.notify_threadsafe, {2})
        assert notifier.sent == 1
        interval_over.set()
        assert await heard(listener, 2) == ["1", "2"]  # one statement, a NOTIFY per site
        assert notifier.sent == 2
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending
        await listener.close()
