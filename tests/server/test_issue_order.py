"""Kiosks issuing at the same moment: number order, arrival order and call order are one
order, each ticket is told its true place, and the event log's times follow its seq.

On PostgreSQL writers run side by side; the clock used to be read before the per-day
counter's row lock, so a ticket could get the next number with an earlier arrival."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest

from kolejka.client import KolejkaClient
from tests.support import T0, make_server

KIOSKS, ROUNDS = 8, 12  # half the kiosks issue A, half B
PER_SERVICE = KIOSKS // 2 * ROUNDS


class SteppingClock:
    """Every reading is a millisecond after the one before: two moments never tie, so
    the order in which the server read its clock shows in every timestamp."""

    def __init__(self) -> None:
        self._ticks = 0
        self._lock = threading.Lock()

    def now(self):
        with self._lock:
            self._ticks += 1
            return T0 + timedelta(milliseconds=self._ticks)


@pytest.fixture
def stepping_server(database_url, password_hash):
    server = make_server(database_url, SteppingClock(), password_hash).start()
    yield server
    server.stop()


def test_tickets_issued_together_are_called_in_number_order(stepping_server, clerk_client):
    issued = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    together = threading.Barrier(KIOSKS)

    def kiosk(i: int) -> None:
        try:
            token = f"test-kiosk-token-b{i:05d}"
            with KolejkaClient(stepping_server.url, "test", token, timeout=30) as client:
                for _ in range(ROUNDS):
                    together.wait()
                    ticket = client.issue_ticket("AB"[i % 2])
                    with lock:
                        issued.append(ticket)
        except BaseException as exc:
            together.abort()
            errors.append(exc)

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(KIOSKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    by_number = {
        service: sorted((t for t in issued if t.service == service), key=lambda t: t.number)
        for service in "AB"
    }
    for service, tickets in by_number.items():
        numbers = [f"{service}{n:03d}" for n in range(1, PER_SERVICE + 1)]
        assert [t.number for t in tickets] == numbers
        reversed_arrivals = [
            (a.number, b.number)
            for a, b in itertools.pairwise(tickets)
            if a.arrival_at >= b.arrival_at
        ]
        assert reversed_arrivals == [], "a higher number arrived no later than a lower one"
        assert [t.ahead for t in tickets] == list(range(PER_SERVICE)), "told a wrong place"

    clerk = clerk_client(stepping_server, "clerk1", counter=1)  # serves A and B
    called = []
    while (ticket := clerk.call_next(1)) is not None:
        called.append(ticket)
        clerk.mark_no_show(ticket.id)
    for service, tickets in by_number.items():
        in_call_order = [t.number for t in called if t.service == service]
        assert in_call_order == [t.number for t in tickets]

    events = []
    while page := clerk.list_events(after=events[-1].seq if events else 0).data:
        events += page
    backwards = [(a.seq, b.seq) for a, b in itertools.pairwise(events) if b.at < a.at]
    assert backwards == [], "an event's time is before the time of the event logged before it"
