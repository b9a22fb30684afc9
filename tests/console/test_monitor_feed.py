"""The live monitor's own stream (/admin/monitor/events, server/monitor_feed.py) on a live
server: the work an event causes is done once per site, however many monitors are open
(counted: database queries, hall readings, renderings, frames built); a monitor that lost
its connection resumes with every event it missed, in order; the stream's refusals."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.console.helpers import console
from tests.support import PASSWORD, LiveServer

Message = dict[str, Any]


@pytest.fixture
def server(sqlite_server: LiveServer) -> Iterator[LiveServer]:
    # No clock refresh while a test counts: only the events cause work.
    sqlite_server.services.monitor_feed.clock_s = 3600.0
    yield sqlite_server


def feed_url(server: LiveServer, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    path = "/admin/monitor/events" + (f"?{query}" if query else "")
    return server.url.replace("http", "ws") + path


def cookie(server: LiveServer) -> str:
    with console(server) as client:
        return f"kolejka_console={client.cookies['kolejka_console']}"


def until(ws: ClientConnection, wanted: Callable[[Message], bool]) -> list[Message]:
    """The messages up to and including the first one `wanted`."""
    seen = []
    while True:
        message = json.loads(ws.recv(timeout=30))
        seen.append(message)
        if wanted(message):
            return seen


def events_in(messages: list[Message]) -> list[Message]:
    out: list[Message] = []
    for m in messages:
        if m["type"] == "batch":
            out.extend(m["events"])
        elif m["type"] != "figures":
            out.append(m)
    return out


def last_seq_of(messages: list[Message]) -> tuple[int, str]:
    """Where the monitor has got to: a batch's own seq, or a caught-up event's."""
    seq, epoch = -1, ""
    for m in messages:
        if m["type"] not in ("figures", "reset") and m["seq"] > seq:  # a batch or an event
            seq, epoch = m["seq"], m["epoch"]
    return seq, epoch


def waiting_shows(number: str) -> Callable[[Message], bool]:
    return lambda m: (
        m["type"] == "figures" and f'data-ticket="{number}"' in m["parts"].get("waiting", "")
    )


@contextmanager
def counted_queries(engine: sa.Engine) -> Iterator[list[int]]:
    count = [0]

    def one(*_: object) -> None:
        count[0] += 1

    sa.event.listen(engine, "before_cursor_execute", one)
    try:
        yield count
    finally:
        sa.event.remove(engine, "before_cursor_execute", one)


def work_for_one_ticket(
    server: LiveServer, monitors: int, kiosk: Any, header: str
) -> dict[str, int]:
    """Open `monitors` monitors, then issue one ticket and count what the server did
    until every monitor shows it."""
    hub = server.services.monitor_feed
    with ExitStack() as stack:
        socks = [
            stack.enter_context(connect(feed_url(server), additional_headers={"Cookie": header}))
            for _ in range(monitors)
        ]
        for ws in socks:  # the reset and the figures each joining monitor gets
            until(ws, lambda m: m["type"] == "figures")
        warm = kiosk.issue_ticket("A", "pl", "normal")  # caches warm, the feed settled
        for ws in socks:
            until(ws, waiting_shows(warm.number))
        before = (hub.stats.batches, hub.stats.readings, hub.stats.renders)
        with counted_queries(server.services.db.engine) as queries:
            ticket = kiosk.issue_ticket("A", "pl", "normal")
            for ws in socks:
                seen = until(ws, waiting_shows(ticket.number))
                assert any(m["type"] == "batch" for m in seen)  # the event's frame came
            count = queries[0]
        after = (hub.stats.batches, hub.stats.readings, hub.stats.renders)
    return {
        "queries": count,
        "batches": after[0] - before[0],
        "readings": after[1] - before[1],
        "renders": after[2] - before[2],
    }


def test_the_work_per_event_does_not_grow_with_the_number_of_monitors(
    server: LiveServer, kiosk_client: Any
) -> None:
    kiosk = kiosk_client(server)
    header = cookie(server)
    one = work_for_one_ticket(server, 1, kiosk, header)
    ten = work_for_one_ticket(server, 10, kiosk, header)
    assert one["readings"] == ten["readings"] == 1, (one, ten)  # one hall reading
    assert one["renders"] == ten["renders"] == 1, (one, ten)  # one rendering (one language)
    assert ten["batches"] <= one["batches"], (one, ten)  # each frame built once for all
    # The database: issuing, the event pump's read and one reading of the hall — the same
    # for ten monitors as for one (an event pump's extra empty read at most).
    assert ten["queries"] <= one["queries"] + 1, (one, ten)


def test_a_lost_monitor_resumes_with_every_event_it_missed(
    server: LiveServer, kiosk_client: Any
) -> None:
    kiosk = kiosk_client(server)
    header = cookie(server)
    with connect(feed_url(server), additional_headers={"Cookie": header}) as ws:
        reset = json.loads(ws.recv(timeout=30))
        assert reset["type"] == "reset"
        first = kiosk.issue_ticket("A", "pl", "normal")
        last_seq, epoch = last_seq_of(until(ws, waiting_shows(first.number)))
    missed = [kiosk.issue_ticket("B", "en", "normal") for _ in range(3)]
    url = feed_url(server, after=last_seq, epoch=epoch)
    with connect(url, additional_headers={"Cookie": header}) as ws:
        messages = until(ws, waiting_shows(missed[-1].number))
    events = [e for e in events_in(messages) if e["seq"] > last_seq]
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(last_seq + 1, last_seq + 1 + len(seqs)))  # none skipped
    issued = [e["payload"]["ticket"]["number"] for e in events if e["type"] == "ticket.issued"]
    assert issued == [t.number for t in missed]
    assert all(m["type"] != "reset" for m in messages)


def test_a_monitors_reset_names_where_the_log_stands_not_the_whole_queue(
    server: LiveServer, kiosk_client: Any
) -> None:
    """The monitor shows the figures of its own frames: its reset is the log's position,
    not a snapshot of every waiting ticket (19 MB for a long queue, to every monitor that
    reconnects), and the stream goes on from there without a gap."""
    kiosk = kiosk_client(server)
    header = cookie(server)
    waiting = [kiosk.issue_ticket("A", "pl", "normal") for _ in range(30)]
    with connect(feed_url(server), additional_headers={"Cookie": header}) as ws:
        text = ws.recv(timeout=30)
        reset = json.loads(text)
        assert reset["type"] == "reset" and reset["payload"] == {"snapshot": False}
        assert len(text) < 300  # thirty waiting tickets would be kilobytes
        with connect(
            server.url.replace("http", "ws") + "/admin/events",
            additional_headers={"Cookie": header, "Origin": server.url},
        ) as full:
            snapshot = json.loads(full.recv(timeout=30))
        assert snapshot["type"] == "reset"  # the events stream still sends the snapshot
        assert len(snapshot["payload"]["waiting"]) == len(waiting)
        assert reset["seq"] == snapshot["seq"] and reset["epoch"] == snapshot["epoch"]
        until(ws, lambda m: m["type"] == "figures")  # the joining monitor's figures
        kiosk.issue_ticket("B", "en", "normal")
        batch = until(ws, lambda m: m["type"] == "batch")[-1]
    assert batch["seq"] == reset["seq"] + 1  # nothing skipped, nothing repeated


def test_a_batch_carries_the_calls_and_how_far_it_got(
    server: LiveServer, kiosk_client: Any, clerk_client: Any
) -> None:
    """The page shows calls at once and everything else from the figures: a batch brings
    the calls and the seq it got to, not every event to be parsed and dropped."""
    kiosk = kiosk_client(server)
    clerk = clerk_client(server, "clerk1", 1)
    header = cookie(server)
    with connect(feed_url(server), additional_headers={"Cookie": header}) as ws:
        until(ws, lambda m: m["type"] == "figures")
        issued = [kiosk.issue_ticket("A", "pl", "normal") for _ in range(3)]
        called = clerk.call_next(1)
        assert called is not None and called.number == issued[0].number
        messages = until(
            ws,
            lambda m: (
                m["type"] == "batch" and any(e["type"] == "ticket.called" for e in m["events"])
            ),
        )
    batches = [m for m in messages if m["type"] == "batch"]
    kinds = {e["type"] for m in batches for e in m["events"]}
    assert kinds == {"ticket.called"}  # no ticket.issued, counter.opened…
    call = next(e for m in batches for e in m["events"])
    assert call["payload"]["ticket"]["number"] == called.number
    assert batches[-1]["seq"] >= call["seq"]
    assert batches[-1]["epoch"] == call["epoch"]
    seqs = [m["seq"] for m in batches]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_the_monitors_stream_needs_the_session_and_the_own_site(server: LiveServer) -> None:
    with connect(feed_url(server)) as ws:  # no cookie
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=10)
        assert ws.close_code == 4401
    header = cookie(server)
    evil = {"Cookie": header, "Origin": "http://evil.example"}
    with connect(feed_url(server), additional_headers=evil) as ws:
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=10)
        assert ws.close_code == 4401
    with connect(feed_url(server, site="nowhere"), additional_headers={"Cookie": header}) as ws:
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=10)
        assert ws.close_code == 4401  # no such site, as on /admin/events
    assert server.services.monitor_feed.feed_count() == 0


def test_a_monitor_whose_account_is_disabled_is_closed_at_once(server: LiveServer) -> None:
    import httpx

    header = cookie(server)
    login = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"site": "test", "username": "root", "password": PASSWORD},
    )
    config = f"{server.url}/api/v1/sites/test/config"
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    with connect(feed_url(server), additional_headers={"Cookie": header}) as ws:
        until(ws, lambda m: m["type"] == "figures")
        revision = httpx.get(f"{config}/services", headers=auth).json()["revision"]
        disabled = httpx.post(
            f"{config}/clerks/boss/disable", json={"revision": revision}, headers=auth
        )
        assert disabled.status_code == 200, disabled.text
        with pytest.raises(ConnectionClosed):
            while True:  # nothing after the event that revoked the session
                message = json.loads(ws.recv(timeout=30))
                assert all(e["type"] != "site.configured" for e in events_in([message]))
        assert (ws.close_code, ws.close_reason) == (4401, "invalid_token")
