"""The live event stream over real WebSockets: order, resume, reset, restarts."""

import asyncio
import json
import threading

import pytest
import websockets

from kolejka.client import AuthError, ConflictError, EventStream
from kolejka.client.events import ws_url
from tests.support import DISPLAY_TOKEN, make_server


async def next_event(agen, timeout=10.0):
    return await asyncio.wait_for(agen.__anext__(), timeout)


async def in_thread(fn, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


async def test_fresh_client_gets_a_reset_snapshot_then_live_events(live_server, kiosk):
    await in_thread(kiosk.issue_ticket, "A")
    stream = EventStream(live_server.url, "test", DISPLAY_TOKEN)
    events = stream.events()
    reset = await next_event(events)
    assert reset.type == "reset"
    assert reset.payload["seq"] == reset.seq == 1
    assert [t["number"] for t in reset.payload["waiting"]] == ["A001"]
    await in_thread(kiosk.issue_ticket, "B", "uk")
    issued = await next_event(events)
    assert (issued.type, issued.seq, issued.payload["ticket"]["number"]) == (
        "ticket.issued",
        2,
        "B001",
    )
    assert issued.payload["ticket"]["language"] == "uk"
    await stream.close()
    await events.aclose()


async def test_resume_after_a_cut_delivers_exactly_the_missed_events(live_server, kiosk):
    stream = EventStream(live_server.url, "test", DISPLAY_TOKEN)
    events = stream.events()
    await next_event(events)  # reset
    await in_thread(kiosk.issue_ticket, "A")
    first = await next_event(events)
    await stream.close()
    await events.aclose()
    for service in "ABC":
        await in_thread(kiosk.issue_ticket, service)
    resumed = EventStream(
        live_server.url, "test", DISPLAY_TOKEN, after=first.seq, epoch=first.epoch
    )
    events = resumed.events()
    got = [await next_event(events) for _ in range(3)]
    assert [e.seq for e in got] == [first.seq + 1, first.seq + 2, first.seq + 3]
    assert [e.payload["ticket"]["number"] for e in got] == ["A002", "B001", "C001"]
    await resumed.close()
    await events.aclose()


async def test_unknown_epoch_gets_a_reset(live_server, kiosk):
    await in_thread(kiosk.issue_ticket, "A")
    stream = EventStream(live_server.url, "test", DISPLAY_TOKEN, after=0, epoch="stale-epoch")
    events = stream.events()
    first = await next_event(events)
    assert first.type == "reset" and first.epoch != "stale-epoch"
    await stream.close()
    await events.aclose()


async def test_after_beyond_the_log_gets_a_reset(live_server):
    # A client that saw seq 50 of a database that has since been reset to 0 events.
    _epoch, _ = live_server.services.reads.site_state(1)
    stream = EventStream(live_server.url, "test", DISPLAY_TOKEN, after=50, epoch=_epoch)
    events = stream.events()
    assert (await next_event(events)).type == "reset"
    await stream.close()
    await events.aclose()


async def test_too_old_after_gets_a_reset(sqlite_url, clock, password_hash):
    server = make_server(sqlite_url, clock, password_hash, event_backlog_limit=10).start()
    try:
        from kolejka.client import KolejkaClient
        from tests.support import KIOSK_TOKEN

        with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
            for _ in range(12):
                await in_thread(kiosk.issue_ticket, "A")
        epoch, last = server.services.reads.site_state(1)
        stream = EventStream(server.url, "test", DISPLAY_TOKEN, after=0, epoch=epoch)
        events = stream.events()
        reset = await next_event(events)
        assert reset.type == "reset" and reset.seq == last == 12
        stream2 = EventStream(server.url, "test", DISPLAY_TOKEN, after=5, epoch=epoch)
        events2 = stream2.events()
        assert (await next_event(events2)).seq == 6  # within the backlog: replayed
        for s, e in ((stream, events), (stream2, events2)):
            await s.close()
            await e.aclose()
    finally:
        server.stop()


async def test_stream_survives_a_server_restart_without_gaps_or_repeats(live_server, kiosk):
    stream = EventStream(live_server.url, "test", DISPLAY_TOKEN, min_backoff=0.05)
    events = stream.events()
    await next_event(events)
    await in_thread(kiosk.issue_ticket, "A")
    seen = [(await next_event(events)).seq]
    await in_thread(live_server.restart)
    for service in "AB":
        await in_thread(kiosk.issue_ticket, service)
    seen += [(await next_event(events)).seq for _ in range(2)]
    assert seen == [seen[0], seen[0] + 1, seen[0] + 2]
    assert stream.reconnects >= 1
    await stream.close()
    await events.aclose()


async def test_bad_token_is_refused_with_a_close_code(live_server):
    stream = EventStream(live_server.url, "test", "not-a-real-token-at-all")
    with pytest.raises(AuthError):
        await next_event(stream.events())


async def test_two_hundred_subscribers_each_get_every_event_once(sqlite_server):
    from kolejka.client import KolejkaClient
    from tests.support import KIOSK_TOKEN

    url = ws_url(sqlite_server.url, "test") + f"?token={DISPLAY_TOKEN}"
    sockets = [await websockets.connect(url) for _ in range(200)]
    for ws in sockets:
        assert json.loads(await ws.recv())["type"] == "reset"
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as kiosk:
        for _ in range(3):
            await in_thread(kiosk.issue_ticket, "A")
    for ws in sockets:
        seqs = [json.loads(await asyncio.wait_for(ws.recv(), 10))["seq"] for _ in range(3)]
        assert seqs == [1, 2, 3]
    await asyncio.gather(*(ws.close() for ws in sockets))


def test_event_sequence_is_gap_free_and_refusals_log_nothing(live_server, kiosk, clerk_client):
    clerk = clerk_client(live_server, "clerk1", counter=1)
    ticket = kiosk.issue_ticket("A")
    clerk.call_next(1)
    before = kiosk.list_events().last_seq
    with pytest.raises(ConflictError):
        clerk.finish_ticket(ticket.id)  # refused: not serving
    with pytest.raises(ConflictError):
        kiosk.issue_ticket("D")  # refused: outside opening hours
    log = kiosk.list_events()
    assert log.last_seq == before
    assert [e.seq for e in log.data] == list(range(1, before + 1))
    assert [e.type for e in log.data] == ["counter.opened", "ticket.issued", "ticket.called"]


class CountingReader:
    """The broadcaster's view of the read models, counting what its pumps read.

    The first pump's start (`site_state`) is held until every client has subscribed, or
    until a second start shows up: the clients are then certainly all "at the same
    moment", whatever the machine's speed."""

    def __init__(self, reads, broadcaster, site_id: int, clients: int) -> None:
        self.reads, self.clients = reads, clients
        self.starts = 0
        self.seqs_read: list[int] = []
        self.lock = threading.Condition()
        self.subscribers = _NotifyingSet(self.lock)
        broadcaster._subscribers[site_id] = self.subscribers

    def _all_here(self) -> bool:
        return self.starts > 1 or len(self.subscribers) >= self.clients

    def site_state(self, site_id):
        with self.lock:
            self.starts += 1
            self.lock.notify_all()
            # The timeout only keeps a broken server from hanging the test run.
            self.lock.wait_for(self._all_here, timeout=60)
        return self.reads.site_state(site_id)

    def events_after(self, site_id, after, limit=1000):
        site, events = self.reads.events_after(site_id, after, limit)
        with self.lock:
            self.seqs_read += [e.seq for e in events]
        return site, events


class _NotifyingSet(set):
    """A site's subscriber set that tells the reader above when one is added."""

    def __init__(self, lock: threading.Condition) -> None:
        super().__init__()
        self.lock = lock

    def add(self, item) -> None:
        with self.lock:
            super().add(item)
            self.lock.notify_all()


async def test_clients_connecting_together_share_one_pump_that_reads_each_event_once(
    live_server,
):
    from kolejka.client import KolejkaClient
    from tests.support import KIOSK_TOKEN

    clients = 100
    broadcaster = live_server.services.broadcaster
    reader = CountingReader(live_server.services.reads, broadcaster, 1, clients)
    broadcaster.reader = reader
    url = ws_url(live_server.url, "test") + f"?token={DISPLAY_TOKEN}"
    sockets = await asyncio.gather(*(websockets.connect(url) for _ in range(clients)))
    for ws in sockets:
        assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "reset"
    assert broadcaster.subscriber_count(1) == clients
    with KolejkaClient(live_server.url, "test", KIOSK_TOKEN) as kiosk:
        for _ in range(3):
            await in_thread(kiosk.issue_ticket, "A")
    for ws in sockets:
        seqs = [json.loads(await asyncio.wait_for(ws.recv(), 30))["seq"] for _ in range(3)]
        assert seqs == [1, 2, 3]
    assert (reader.starts, broadcaster.pump_count()) == (1, 1)
    assert sorted(reader.seqs_read) == [1, 2, 3], "each event is read once, for everyone"
    await asyncio.gather(*(ws.close() for ws in sockets))


async def test_an_event_stream_is_not_compressed_even_when_the_client_offers_it(sqlite_server):
    # websockets offers permessage-deflate by default; the server declines it, so a call
    # fanned out to every screen is not compressed again on each socket.
    url = ws_url(sqlite_server.url, "test") + f"?token={DISPLAY_TOKEN}"
    async with websockets.connect(url, compression="deflate") as ws:
        assert json.loads(await ws.recv())["type"] == "reset"
        assert ws.response is not None
        assert "Sec-WebSocket-Extensions" not in ws.response.headers
