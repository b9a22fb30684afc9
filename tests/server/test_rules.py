"""Configurable rules: recall limit turning into a no-show, kiosk rate limit, priority off."""

from collections.abc import Iterator

import httpx
import pytest

from kolejka.client import ConflictError, KolejkaClient
from server.ratelimit import RateLimiter
from tests.support import KIOSK_TOKEN, LiveServer, make_server


@pytest.fixture
def server_with(sqlite_url, clock, password_hash) -> Iterator:
    made: list[LiveServer] = []

    def start(**kwargs) -> LiveServer:
        server = make_server(sqlite_url, clock, password_hash, **kwargs).start()
        made.append(server)
        return server

    yield start
    for server in made:
        server.stop()


def test_recall_past_the_limit_marks_a_no_show_when_the_office_says_so(server_with, clerk_client):
    server = server_with(rules={"max_recalls": 1, "no_show_after_max_recalls": True})
    clerk = clerk_client(server, "clerk1", counter=1)
    with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
        ticket = kiosk.issue_ticket("A")
    clerk.call_next(1)
    assert clerk.recall_ticket(ticket.id).status == "called"
    assert clerk.recall_ticket(ticket.id).status == "no_show"
    assert clerk.call_next(1) is None  # the counter is free again


def test_priority_tickets_refused_where_the_office_disabled_them(server_with):
    server = server_with(rules={"priority_enabled": False})
    with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
        with pytest.raises(ConflictError) as info:
            kiosk.issue_ticket("A", priority="priority")
        assert info.value.code == "priority_disabled"
        assert kiosk.issue_ticket("A").number == "A001"  # the refusal used no number


def test_a_kiosk_issuing_too_fast_gets_429_with_retry_after(server_with):
    server = server_with(kiosk_rate_per_minute=6)  # burst of 5, then one per 10 s
    url = f"{server.url}/api/v1/sites/test/tickets"
    headers = {"Authorization": f"Bearer {KIOSK_TOKEN}"}
    codes = [httpx.post(url, json={"service": "A"}, headers=headers).status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]
    refused = httpx.post(url, json={"service": "A"}, headers=headers)
    assert refused.json()["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    # Another kiosk is not affected.
    other = {"Authorization": "Bearer test-kiosk-token-000002"}
    assert httpx.post(url, json={"service": "A"}, headers=other).status_code == 201


def test_rate_limiter_refills_over_time():
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, monotonic=lambda: now[0])
    assert limiter.acquire("k") is None and limiter.acquire("k") is None
    assert limiter.acquire("k") == pytest.approx(1.0)
    now[0] += 1.0
    assert limiter.acquire("k") is None


def test_rate_limiter_memory_stays_bounded_as_keys_come_and_go():
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, monotonic=lambda: now[0], max_keys=100)
    for n in range(1000):  # a day of tickets, each asking a few times then never again
        now[0] += 0.5
        limiter.acquire(f"ticket-{n}")
        limiter.acquire(f"ticket-{n}")
        assert len(limiter._buckets) <= 100
    # A key still being limited keeps its state when the idle ones are forgotten.
    assert limiter.acquire("ticket-999") == pytest.approx(1.0)


def test_rate_limiter_survives_a_flood_of_new_keys():
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=20, monotonic=lambda: now[0], max_keys=100)
    for n in range(10_000):  # random ids, all within a second
        limiter.acquire(f"forged-{n}")
        assert len(limiter._buckets) <= 100
