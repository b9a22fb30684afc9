"""PostgreSQL issues a walk-in in one call of `kolejka_issue_walk_in` (server/issuing_pg.py):
the same answers, numbers, places, events and refusals as the ordinary transaction, with
several server instances issuing at once, and the ways back to the ordinary transaction."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest

from kolejka.client import KolejkaClient
from server import issuing_pg
from tests.support import KIOSK_TOKEN, T0, make_server, postgres_database

pytestmark = pytest.mark.postgres

KIOSKS, ROUNDS = 8, 10


class SteppingClock:
    """Every reading 1.5 ms after the one before (microseconds both zero and not)."""

    def __init__(self) -> None:
        self._ticks = 0
        self._lock = threading.Lock()

    def now(self):
        with self._lock:
            self._ticks += 1
            return T0 + timedelta(microseconds=1500 * self._ticks)


@pytest.fixture
def pg_url():
    yield from postgres_database()


def all_events(client):
    events = []
    while page := client.list_events(after=events[-1].seq if events else 0).data:
        events += page
    return events


def test_two_instances_issuing_together_keep_one_order(pg_url, password_hash, clerk_client):
    """Kiosks of two server instances on one database issue on one service at once:
    numbers gap-free, in arrival order, each told its true place; the log's seq gap-free
    and its times in seq order; each event carries exactly the kiosk's answer."""
    clock = SteppingClock()
    servers = [make_server(pg_url, clock, password_hash).start() for _ in range(2)]
    issued = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    together = threading.Barrier(KIOSKS)

    def kiosk(i: int) -> None:
        try:
            token = f"test-kiosk-token-b{i:05d}"
            with KolejkaClient(servers[i % 2].url, "test", token, timeout=30) as client:
                for _ in range(ROUNDS):
                    together.wait()
                    ticket = client.issue_ticket("A")
                    with lock:
                        issued.append(ticket)
        except BaseException as exc:
            together.abort()
            errors.append(exc)

    try:
        # FastAPI builds its routes at their first request, silencing a pydantic warning
        # with warnings.catch_warnings, which two apps in one process can race on: one
        # request to each first (a separate process each, as in production, has no race).
        for server in servers:
            with KolejkaClient(server.url, "test", KIOSK_TOKEN) as warm:
                warm.issue_ticket("B")
        threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(KIOSKS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        tickets = sorted(issued, key=lambda t: t.number)
        assert [t.number for t in tickets] == [f"A{n:03d}" for n in range(1, KIOSKS * ROUNDS + 1)]
        assert all(a.arrival_at < b.arrival_at for a, b in itertools.pairwise(tickets))
        assert [t.ahead for t in tickets] == list(range(len(tickets)))

        clerk = clerk_client(servers[0], "clerk1")
        events = all_events(clerk)
        assert [e.seq for e in events] == list(range(1, len(tickets) + 3))
        assert all(a.at <= b.at for a, b in itertools.pairwise(events))
        by_id = {t.id: t for t in tickets}
        for event in events[2:]:
            answer = by_id[event.payload["ticket"]["id"]]
            assert event.type == "ticket.issued"
            assert event.payload["ticket"] == answer.model_dump(mode="json")
    finally:
        for server in servers:
            server.stop()


def test_ahead_beyond_the_window_of_waits_is_still_counted(
    pg_url, password_hash, clock, monkeypatch
):
    monkeypatch.setattr(issuing_pg, "WINDOW", 3)
    monkeypatch.setattr(issuing_pg, "BELOW", 0)
    server = make_server(pg_url, clock, password_hash).start()
    try:
        with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
            aheads = [kiosk.issue_ticket("A").ahead for _ in range(8)]
        assert aheads == list(range(8))
    finally:
        server.stop()


def test_a_clock_stepped_back_still_keeps_number_order(pg_url, password_hash, clock, clerk_client):
    """A ticket issued after the clock stepped back arrives after the number before it:
    number order stays arrival order, and it is told its place behind both."""
    server = make_server(pg_url, clock, password_hash).start()
    try:
        with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
            first = kiosk.issue_ticket("A")
            second = kiosk.issue_ticket("A")
            clock.advance(minutes=-5)
            back = kiosk.issue_ticket("A")
        assert (first.ahead, second.ahead, back.ahead) == (0, 1, 2)
        assert back.number == "A003"
        assert back.arrival_at == second.arrival_at + timedelta(microseconds=1)
        clerk = clerk_client(server, "clerk1", counter=1)
        called = []
        while (ticket := clerk.call_next(1)) is not None:
            called.append(ticket.number)
            clerk.mark_no_show(ticket.id)
        assert called == ["A001", "A002", "A003"]
        events = all_events(clerk)
        assert events[2].payload["ticket"] == back.model_dump(mode="json")
    finally:
        server.stop()


def test_a_configuration_change_reaches_the_next_ticket(pg_url, password_hash, clock):
    """The catalog's copy is checked by the function: a service disabled by another
    instance refuses the very next ticket here."""
    import sqlalchemy as sa

    server = make_server(pg_url, clock, password_hash).start()
    try:
        with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
            assert kiosk.issue_ticket("A").number == "A001"
            other = sa.create_engine(pg_url)
            with other.begin() as conn:
                conn.execute(sa.text("UPDATE service SET enabled = false WHERE code = 'A'"))
                conn.execute(sa.text("UPDATE site SET config_rev = config_rev + 1"))
            other.dispose()
            answer = kiosk._http.post(
                "/api/v1/sites/test/tickets",
                json={"service": "A"},
                headers={"Authorization": f"Bearer {KIOSK_TOKEN}"},
            )
            assert answer.status_code == 409
            assert answer.json()["code"] == "service_disabled"
            assert kiosk.issue_ticket("B").number == "B001"
    finally:
        server.stop()


def test_the_stop_at_closing_rule_holds_on_the_one_call(
    pg_url, tmp_path, clock, password_hash, kiosk_client, clerk_client
):
    """tests/server/test_open_feed.py's office that stops issuing once the wait passes
    closing, on PostgreSQL: refused in the function, nothing kept, the number reused."""
    from tests.server import test_open_feed

    server = test_open_feed.office_server(
        tmp_path, clock, password_hash, stop=True, database_url=pg_url
    )
    try:
        test_open_feed.test_an_office_may_stop_issuing_once_the_wait_passes_closing(
            server, clock, kiosk_client, clerk_client
        )
    finally:
        server.stop()
