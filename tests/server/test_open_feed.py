"""The open queue feed (`/api/open/v1/…`) and the public status pages (`/status/…`):
shape, what a call changes, caching, ETags, the per-address limit, refusals."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support import KIOSK_TOKEN, LiveServer, make_server

FEED = "/api/open/v1/sites/test/queues"
QUEUE_KEYS = {
    "service",
    "names",
    "group",
    "group_names",
    "status",
    "reason",
    "open_counters",
    "waiting",
    "current_number",
    "service_time_s",
    "estimated_wait_s",
    "issued_today",
    "daily_limit",
    "closes_at",
    "tickets_run_out",
}


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks(live_server: LiveServer) -> Ticks:
    fake = Ticks()
    live_server.services.open_feed._monotonic = fake
    return fake


def feed(server: LiveServer, **headers: str) -> httpx.Response:
    return httpx.get(server.url + FEED, headers=headers)


def queues(server: LiveServer) -> dict[str, dict[str, Any]]:
    response = feed(server)
    assert response.status_code == 200
    return {q["service"]: q for q in response.json()["queues"]}


def test_the_feed_says_per_queue_what_city_feeds_say_and_nothing_personal(
    live_server, ticks, kiosk, clerk_client
):
    kiosk.issue_ticket("A", "uk")
    kiosk.issue_ticket("A", "pl")
    clerk_client(live_server, "clerk1", counter=1)
    response = feed(live_server)
    assert response.status_code == 200
    body = response.json()
    assert body["site"] == "test" and body["timezone"] == "Europe/Warsaw"
    assert body["local_date"] == "2026-11-24" and body["local_time"] == "10:00"
    assert body["max_age_s"] == 5
    assert [q["service"] for q in body["queues"]] == ["A", "B", "C", "D"]
    for queue in body["queues"]:
        assert set(queue) == QUEUE_KEYS
    a = {q["service"]: q for q in body["queues"]}["A"]
    assert a["status"] == "open" and a["reason"] is None
    assert (a["waiting"], a["open_counters"], a["issued_today"]) == (2, 1, 2)
    assert a["current_number"] is None and a["service_time_s"] is None
    assert a["estimated_wait_s"] is None  # no history yet: unknown, not a guess
    d = {q["service"]: q for q in body["queues"]}["D"]
    assert (d["status"], d["reason"], d["closes_at"]) == ("closed", "closed_for_today", "09:00")
    for private in ("clerk1", "public_id", "token", "language"):
        assert private not in response.text


def test_a_call_made_through_the_api_shows_as_the_current_number(
    live_server, ticks, kiosk, clerk_client, clock
):
    first = kiosk.issue_ticket("C")
    kiosk.issue_ticket("C")
    assert queues(live_server)["C"]["current_number"] is None
    clerk = clerk_client(live_server, "clerk3", counter=3)
    called = clerk.call_next(3)
    assert called is not None and called.number == first.number
    ticks.now += 5  # the kept answer is stale now
    c = queues(live_server)["C"]
    assert (c["current_number"], c["waiting"]) == (first.number, 1)


def test_history_gives_service_time_wait_and_when_the_daily_limit_runs_out(
    live_server, ticks, kiosk, clerk_client, clock
):
    clerk = clerk_client(live_server, "clerk3", counter=3)  # counter 3 serves only C
    # C's limit is 3 a day in the test office: three tickets, one every two minutes.
    for _ in range(2):
        kiosk.issue_ticket("C")
        clock.advance(minutes=2)
    for _ in range(2):
        ticket = clerk.call_next(3)
        clerk.start_service(ticket.id)
        clock.advance(seconds=30)
        clerk.finish_ticket(ticket.id)
    kiosk.issue_ticket("C")
    ticks.now += 5
    c = queues(live_server)["C"]
    assert c["issued_today"] == 3 and c["daily_limit"] == 3
    assert (c["status"], c["reason"]) == ("closed", "daily_limit_reached")
    assert c["tickets_run_out"] is None  # already out: the reason says so


def office_server(
    tmp_path, clock, password_hash, *, stop: bool = False, database_url: str | None = None
) -> LiveServer:
    """The test office with closing hours for A (till 11:00; it is 10:00) and 20 C a day;
    `stop`: A stops issuing once a new ticket would wait past closing."""
    from server.app import create_app
    from server.settings import Settings
    from server.siteconfig import parse_config
    from tests.support import site_config_dict

    data = site_config_dict(password_hash)
    services = {s["code"]: s for s in data["sites"][0]["services"]}
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    services["A"]["hours"] = {day: ["08:00-11:00"] for day in days}
    services["A"]["stop_when_wait_passes_closing"] = stop
    services["C"]["daily_limit"] = 20
    settings = Settings(
        environment="test",
        database_url=database_url or f"sqlite:///{tmp_path / 'office.sqlite3'}",
        kiosk_rate_per_minute=100_000,
        open_feed_max_age_s=0,
    )
    config = parse_config(data)
    return LiveServer(lambda: create_app(settings, clock=clock, site_config=config)).start()


@pytest.fixture
def office(tmp_path, clock, password_hash) -> Iterator[LiveServer]:
    server = office_server(tmp_path, clock, password_hash)
    yield server
    server.stop()


@pytest.fixture
def strict_office(tmp_path, clock, password_hash) -> Iterator[LiveServer]:
    server = office_server(tmp_path, clock, password_hash, stop=True)
    yield server
    server.stop()


def ten_minute_history(server, clock, kiosk, clerk) -> None:
    """Counter 1 served three A tickets, ten minutes each: it is 10:30."""
    for _ in range(3):
        kiosk.issue_ticket("A")
    for _ in range(3):
        ticket = clerk.call_next(1)
        clerk.start_service(ticket.id)
        clock.advance(minutes=10)
        clerk.finish_ticket(ticket.id)


def test_tickets_run_out_at_the_daily_limit_at_the_pace_of_issuing(office, clock, kiosk_client):
    kiosk = kiosk_client(office)
    for _ in range(4):  # one a minute: the 16 left go in 16 minutes from 10:04
        kiosk.issue_ticket("C")
        clock.advance(minutes=1)
    c = queues(office)["C"]
    assert c["tickets_run_out"] == {
        "at": "2026-11-24T09:20:00Z",
        "local_time": "10:20",
        "reason": "daily_limit",
    }


def test_tickets_run_out_now_when_a_new_one_would_wait_past_closing(
    office, clock, kiosk_client, clerk_client
):
    kiosk = kiosk_client(office)
    clerk = clerk_client(office, "clerk1", counter=1)  # A first, then B
    ten_minute_history(office, clock, kiosk, clerk)
    for _ in range(2):
        kiosk.issue_ticket("A")
    a = queues(office)["A"]
    assert a["closes_at"] == "11:00"
    assert a["estimated_wait_s"] == 1200  # two ahead, ten minutes each, one counter
    assert a["tickets_run_out"]["reason"] == "closing"
    # A ticket taken at 10:40 or later waits past 11:00: three ahead, ten minutes each.
    assert a["tickets_run_out"]["local_time"] in ("10:30", "10:35", "10:40")
    for _ in range(2):
        kiosk.issue_ticket("A")
    a = queues(office)["A"]
    assert a["estimated_wait_s"] == 2400  # past closing
    assert a["tickets_run_out"] == {
        "at": "2026-11-24T09:30:00Z",
        "local_time": "10:30",
        "reason": "closing",
    }


def test_the_answer_is_kept_for_max_age_and_carries_cache_headers(live_server, ticks, kiosk):
    kiosk.issue_ticket("A")
    first = feed(live_server)
    assert first.headers["cache-control"] == "public, max-age=5"
    assert first.headers["access-control-allow-origin"] == "*"
    etag = first.headers["etag"]
    kiosk.issue_ticket("A")
    ticks.now += 4.9
    kept = feed(live_server)
    assert kept.headers["etag"] == etag and kept.json()["queues"][0]["waiting"] == 1
    ticks.now += 0.2
    fresh = feed(live_server)
    assert fresh.json()["queues"][0]["waiting"] == 2
    assert fresh.headers["etag"] != etag


def test_a_matching_etag_gets_304_without_a_body(live_server, ticks):
    first = feed(live_server)
    etag = first.headers["etag"]
    again = feed(live_server, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = feed(live_server, **{"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_an_unchanged_hall_keeps_its_etag_across_refreshes(live_server, ticks):
    etag = feed(live_server).headers["etag"]
    ticks.now += 60
    assert feed(live_server).headers["etag"] == etag


def test_the_next_answer_is_started_ahead_by_one_caller_and_none_is_older_than_max_age(
    live_server, ticks
):
    open_feed = live_server.services.open_feed
    old = open_feed.get("test")
    ticks.now += 3.9
    assert open_feed.lookup("test") == (old, False)  # fresh: nothing to do
    ticks.now += 0.2  # within a second of the limit
    assert open_feed.lookup("test") == (old, True)  # this caller starts the refresh
    assert open_feed.lookup("test") == (old, False)  # the others meanwhile keep the old
    ticks.now += 0.9  # 5.0 s old, the refresh still running: never served
    assert open_feed.lookup("test") == (None, False)
    new = open_feed.refresh("test")
    assert new is not old and open_feed.lookup("test") == (new, False)


class GatedRefresh:
    """The feed's background refresh held until the test lets it go."""

    def __init__(self, open_feed: Any) -> None:
        self.real = open_feed.refresh_quietly
        self.started, self.go, self.done = threading.Event(), threading.Event(), threading.Event()
        open_feed.refresh_quietly = self

    def __call__(self, site: str) -> None:
        self.started.set()
        self.go.wait(10)
        self.real(site)
        self.done.set()


def test_a_request_during_the_recompute_gets_the_kept_figures_at_once(live_server, ticks, kiosk):
    kiosk.issue_ticket("A")
    etag = feed(live_server).headers["etag"]  # worked out: one waiting
    kiosk.issue_ticket("A")
    gate = GatedRefresh(live_server.services.open_feed)
    ticks.now += 4.5
    first = httpx.get(live_server.url + FEED, timeout=5)  # would time out if it waited
    assert first.json()["queues"][0]["waiting"] == 1 and first.headers["etag"] == etag
    assert gate.started.wait(5)  # and it started the next answer in the background
    during = httpx.get(live_server.url + FEED, timeout=5)
    assert during.json()["queues"][0]["waiting"] == 1  # the previous figures, not a wait
    gate.go.set()
    assert gate.done.wait(10)
    after = feed(live_server)
    assert after.json()["queues"][0]["waiting"] == 2 and after.headers["etag"] != etag


def test_past_max_age_the_kept_figures_are_never_served(live_server, ticks, kiosk):
    feed(live_server)
    kiosk.issue_ticket("A")
    gate = GatedRefresh(live_server.services.open_feed)
    ticks.now += 4.5
    feed(live_server)  # starts the refresh, which hangs
    assert gate.started.wait(5)
    ticks.now += 0.5  # the kept answer is 5 s old
    assert queues(live_server)["A"]["waiting"] == 1  # worked out afresh by this request
    gate.go.set()
    assert gate.done.wait(10)


@pytest.fixture
def limited_server(sqlite_url, clock, password_hash) -> Iterator[LiveServer]:
    server = make_server(sqlite_url, clock, password_hash, open_feed_rate_per_minute=60).start()
    yield server
    server.stop()


def test_too_many_requests_from_one_address_get_429_with_retry_after(limited_server):
    limited_server.services.open_feed_limiter._now = Ticks()  # no refill meanwhile
    answers = [feed(limited_server) for _ in range(21)]  # a burst of 20 is allowed
    assert [a.status_code for a in answers[:20]] == [200] * 20
    refused = answers[20]
    assert refused.status_code == 429
    assert refused.json()["code"] == "open_feed_rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    page = httpx.get(limited_server.url + "/status/test")
    assert page.status_code == 429  # the page and the feed share the address's budget


def test_unknown_and_malformed_sites_are_refused_in_the_error_shape(sqlite_server):
    missing = httpx.get(sqlite_server.url + "/api/open/v1/sites/nowhere/queues")
    assert missing.status_code == 404 and missing.json()["code"] == "site_not_found"
    bad = httpx.get(sqlite_server.url + "/api/open/v1/sites/NOT%20A%20SITE/queues")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"
    page = httpx.get(sqlite_server.url + "/status/nowhere?lang=uk")
    assert page.status_code == 404 and 'lang="uk"' in page.text and "nowhere" in page.text
    assert httpx.post(sqlite_server.url + FEED).status_code == 405


def test_the_site_list_names_each_feed_and_page(sqlite_server):
    body = httpx.get(sqlite_server.url + "/api/open/v1/sites").json()
    assert body["count"] == 1
    assert body["data"][0] == {
        "site": "test",
        "name": "Test Office",
        "address": None,
        "timezone": "Europe/Warsaw",
        "queues_url": FEED,
        "status_page_url": "/status/test",
    }


@pytest.mark.parametrize("language", ["pl", "en", "ru", "uk"])
def test_the_status_page_speaks_the_asked_language_with_the_pages_headers(sqlite_server, language):
    from kolejka.i18n import translator

    page = httpx.get(f"{sqlite_server.url}/status/test?lang={language}")
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    assert translator(language).gettext("People waiting") in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text and "onclick" not in page.text  # no inline script
    listing = httpx.get(f"{sqlite_server.url}/status?lang={language}")
    assert listing.status_code == 200 and "/status/test?lang=" in listing.text


def test_the_page_follows_the_browsers_language(sqlite_server):
    page = httpx.get(sqlite_server.url + "/status/test", headers={"Accept-Language": "ru-RU"})
    assert '<html lang="ru">' in page.text


def test_only_the_pages_own_assets_are_served(sqlite_server):
    base = sqlite_server.url + "/status/_assets/"
    assert httpx.get(base + "status.js").status_code == 200
    assert httpx.get(base + "status.css").headers["content-type"].startswith("text/css")
    assert httpx.get(base + "site.html").status_code == 404
    assert httpx.get(base + "..%2F..%2Fapp.py").status_code == 404


def test_the_feed_is_in_the_openapi_document(sqlite_server):
    spec = httpx.get(sqlite_server.url + "/openapi.json").json()
    operation = spec["paths"]["/api/open/v1/sites/{site}/queues"]["get"]
    assert operation["operationId"] == "open_site_queues"
    assert "security" not in operation
    assert "429" in operation["responses"]


def test_a_clock_an_hour_later_says_the_new_local_time(live_server, ticks, clock):
    clock.advance(hours=1)
    ticks.now += 5
    assert feed(live_server).json()["local_time"] == "11:00"


def test_an_office_may_stop_issuing_once_the_wait_passes_closing(
    strict_office, clock, kiosk_client, clerk_client
):
    from kolejka.client import ApiError

    kiosk = kiosk_client(strict_office)
    clerk = clerk_client(strict_office, "clerk1", counter=1)
    ten_minute_history(strict_office, clock, kiosk, clerk)
    taken = [kiosk.issue_ticket("A") for _ in range(3)]  # the third is called at 11:00 sharp
    assert [t.estimated_wait_s for t in taken] == [0, 600, 1200]
    kiosk.issue_ticket("A")  # called at 11:00: still before closing is over
    answer = httpx.post(
        f"{strict_office.url}/api/v1/sites/test/tickets",
        json={"service": "A", "language": "uk"},
        headers={"Authorization": f"Bearer {KIOSK_TOKEN}", "Accept-Language": "uk"},
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "wait_past_closing"
    assert answer.json()["params"] == {"service": "A"}
    assert "закриття" in answer.json()["detail"]
    # Nothing changed: the number was not used, the line is as it was.
    services = {s.code: s for s in kiosk.list_services().data}
    assert services["A"].issued_today == 7 and services["A"].waiting == 4
    assert (services["A"].available, services["A"].unavailable_reason) == (
        False,
        "wait_past_closing",
    )
    assert services["B"].available  # the rule is A's alone
    a = queues(strict_office)["A"]
    assert (a["status"], a["reason"]) == ("closed", "wait_past_closing")
    page = httpx.get(f"{strict_office.url}/status/test?lang=pl")
    assert "nie zostałby obsłużony przed zamknięciem" in page.text
    with pytest.raises(ApiError) as refused:
        kiosk.issue_ticket("A")
    assert refused.value.code == "wait_past_closing"
    clerk_client(strict_office, "clerk2", counter=2)  # a second counter for A (after B)
    assert kiosk.issue_ticket("A").number == "A008"  # it fits again; no number was lost


def test_a_kept_answer_sent_early_is_the_routes_answer_byte_for_byte(live_server, ticks):
    first = feed(live_server)  # works the figures out: the route
    again = feed(live_server)  # fresh: sent before the routing (FeedFastPath)
    assert again.content == first.content
    drop = {"date", "server"}
    assert {k: v for k, v in again.headers.items() if k not in drop} == {
        k: v for k, v in first.headers.items() if k not in drop
    }
    with_query = httpx.get(live_server.url + FEED + "?lang=pl")
    assert with_query.status_code == 200 and with_query.content == first.content
