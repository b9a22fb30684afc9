"""The visitor's live ticket page `/t/{public_id}`: what it reveals, its languages, and the
page itself in headless Chromium following a ticket from waiting to called."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kolejka.client import KolejkaClient
from server.ratelimit import RateLimiter
from tests.display.chromium import Browser
from tests.support import KIOSK_TOKEN, LiveServer


@pytest.fixture
def kiosk(sqlite_server: LiveServer) -> Iterator[KolejkaClient]:
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        yield client


def boot_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="kolejka-boot">(.*?)</script>', html)
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def status_url(server: LiveServer, public_id: str) -> str:
    return f"{server.url}/api/v1/public/tickets/{public_id}"


# --- the JSON endpoint -------------------------------------------------------------------


def test_the_public_state_reveals_only_what_the_page_shows(
    sqlite_server: LiveServer, kiosk: KolejkaClient
) -> None:
    kiosk.issue_ticket("A")
    ticket = kiosk.issue_ticket("A", language="uk", priority="normal")
    response = httpx.get(status_url(sqlite_server, ticket.public_id))  # no token
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    body = response.json()
    assert set(body) == {
        "number",
        "service_names",
        "status",
        "ahead",
        "estimated_wait_s",
        "counter",
        "poll_after_ms",
    }
    assert body["number"] == "A002" and body["status"] == "waiting"
    assert body["ahead"] == 1 and body["estimated_wait_s"] is None and body["counter"] is None
    assert body["service_names"]["pl"] == "Pobyt czasowy"
    assert kiosk.ticket_status(ticket.public_id).number == "A002"


def test_the_page_asks_often_near_the_front_and_seldom_far_back(
    sqlite_server: LiveServer, kiosk: KolejkaClient, clerk_client: Any
) -> None:
    tickets = [kiosk.issue_ticket("A") for _ in range(12)]

    def poll_after(ticket: Any) -> int:
        answer = httpx.get(status_url(sqlite_server, ticket.public_id)).json()
        return int(answer["poll_after_ms"])

    assert [poll_after(tickets[n]) for n in (0, 3, 4, 10, 11)] == [3000, 3000, 6000, 6000, 15000]
    clerk_client(sqlite_server, "clerk1", counter=1).call_next(1)
    assert poll_after(tickets[0]) == 3000  # called: watch closely
    assert poll_after(tickets[4]) == 3000  # now three ahead


def test_one_tickets_page_may_ask_only_so_often(
    sqlite_server: LiveServer, kiosk: KolejkaClient
) -> None:
    services = sqlite_server.services
    services.status_limiter = frozen(services.status_limiter)
    mine, other = kiosk.issue_ticket("A"), kiosk.issue_ticket("B")
    answers = [httpx.get(status_url(sqlite_server, mine.public_id)) for _ in range(21)]
    assert [a.status_code for a in answers[:20]] == [200] * 20  # a few open tabs are fine
    refused = answers[20]
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    # Per ticket, not per address: the next phone on the same Wi-Fi is not held back.
    assert httpx.get(status_url(sqlite_server, other.public_id)).status_code == 200


def test_the_counter_appears_once_called_and_stays_while_served(
    sqlite_server: LiveServer, kiosk: KolejkaClient, clerk_client: Any
) -> None:
    ticket = kiosk.issue_ticket("A")
    clerk = clerk_client(sqlite_server, "clerk4", counter=4)
    clerk.call_next(4)
    assert kiosk.ticket_status(ticket.public_id).counter == 4
    clerk.start_service(ticket.id)
    serving = kiosk.ticket_status(ticket.public_id)
    assert (serving.status, serving.counter, serving.ahead) == ("serving", 4, None)
    clerk.finish_ticket(ticket.id)
    done = kiosk.ticket_status(ticket.public_id)
    assert (done.status, done.counter) == ("done", None)


def test_a_parked_visitor_sees_they_will_be_called_back(
    sqlite_server: LiveServer, kiosk: KolejkaClient, clerk_client: Any
) -> None:
    ticket = kiosk.issue_ticket("A", "uk")
    clerk = clerk_client(sqlite_server, "clerk4", counter=4)
    clerk.call_next(4)
    clerk.park_ticket(ticket.id)
    parked = kiosk.ticket_status(ticket.public_id)
    assert (parked.status, parked.counter) == ("parked", None)
    page = httpx.get(f"{sqlite_server.url}/t/{ticket.public_id}").text
    assert "Вас викличуть знову" in page  # the caption, in the ticket's language


def frozen(limiter: RateLimiter) -> RateLimiter:
    """The same limits with a clock that stands still: nothing refills however slow the
    machine is."""
    return RateLimiter(limiter.rate * 60, burst=int(limiter.burst), monotonic=lambda: 0.0)


def from_address(address: str) -> dict[str, str]:
    """Headers of a request the reverse proxy forwards for `address` (the test server, like
    uvicorn behind nginx, trusts X-Forwarded-For from 127.0.0.1)."""
    return {"X-Forwarded-For": address}


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "detail", "params"} and body["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


def test_the_page_is_limited_like_its_json(sqlite_server: LiveServer, kiosk: KolejkaClient) -> None:
    services = sqlite_server.services
    services.status_limiter = frozen(services.status_limiter)
    mine, other = kiosk.issue_ticket("A"), kiosk.issue_ticket("B")
    page = f"{sqlite_server.url}/t/{mine.public_id}"
    loads = [httpx.get(page) for _ in range(10)]
    polls = [httpx.get(status_url(sqlite_server, mine.public_id)) for _ in range(10)]
    assert [a.status_code for a in loads + polls] == [200] * 20  # page and polls: one budget
    assert_rate_limited(httpx.get(page))
    assert_rate_limited(httpx.get(status_url(sqlite_server, mine.public_id)))
    assert httpx.get(f"{sqlite_server.url}/t/{other.public_id}").status_code == 200


def test_made_up_ids_are_limited_per_address_and_real_tickets_still_answer(
    sqlite_server: LiveServer, kiosk: KolejkaClient
) -> None:
    services = sqlite_server.services
    services.miss_limiter = frozen(services.miss_limiter)
    budget = int(services.miss_limiter.burst)
    hall, elsewhere = from_address("192.0.2.10"), from_address("198.51.100.7")
    mine = kiosk.issue_ticket("A")
    guesses = [f"guess{n:04d}-made-up-id-x" for n in range(budget + 2)]
    misses = [httpx.get(status_url(sqlite_server, g), headers=hall) for g in guesses[:-2]]
    assert [m.status_code for m in misses] == [404] * budget
    assert_rate_limited(httpx.get(status_url(sqlite_server, guesses[-2]), headers=hall))
    assert_rate_limited(httpx.get(f"{sqlite_server.url}/t/{guesses[-1]}", headers=hall))
    # The misses are what is counted, never the hits: every phone on the hall's Wi-Fi
    # still follows its own ticket, page and polls.
    tickets = [mine, *(kiosk.issue_ticket("B") for _ in range(budget + 5))]
    for ticket in tickets:
        answer = httpx.get(status_url(sqlite_server, ticket.public_id), headers=hall)
        assert answer.status_code == 200 and answer.json()["number"] == ticket.number
    assert httpx.get(f"{sqlite_server.url}/t/{mine.public_id}", headers=hall).status_code == 200
    # Another address has its own budget.
    assert httpx.get(status_url(sqlite_server, guesses[0]), headers=elsewhere).status_code == 404
    assert httpx.get(f"{sqlite_server.url}/t/{guesses[0]}", headers=elsewhere).status_code == 404


@pytest.mark.parametrize(
    ("public_id", "status"),
    [("x" * 22, 404), ("short", 422), ("bad*chars-in-this-id!!", 422)],
)
def test_unknown_or_malformed_ids_are_refused(
    sqlite_server: LiveServer, public_id: str, status: int
) -> None:
    assert httpx.get(status_url(sqlite_server, public_id)).status_code == status


# --- the page ------------------------------------------------------------------------------


def test_the_page_carries_the_state_and_captions_but_nothing_else(
    sqlite_server: LiveServer, kiosk: KolejkaClient
) -> None:
    ticket = kiosk.issue_ticket("B", language="ru")
    response = httpx.get(f"{sqlite_server.url}/t/{ticket.public_id}")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in response.headers["x-robots-tag"]
    boot = boot_data(response.text)
    assert boot["initial"]["number"] == "B001"
    assert set(boot["captions"]) == {"pl", "en", "ru", "uk"}
    assert boot["captions"]["uk"]["go_to"] == "Пройдіть до вікна"
    assert boot["captions"]["pl"]["ahead"] == [
        "{n} osoba przed Państwem",
        "{n} osoby przed Państwem",
        "{n} osób przed Państwem",
    ]
    assert set(boot) == {
        "public_id",
        "language",
        "languages",
        "native_names",
        "captions",
        "poll_ms",
        "initial",
    }
    assert set(boot["initial"]) == {
        "number",
        "service_names",
        "status",
        "ahead",
        "estimated_wait_s",
        "counter",
        "poll_after_ms",
    }
    for secret in ("Test Office", '"test"', ticket.issued_at.isoformat()[:16]):
        assert secret not in response.text


@pytest.mark.parametrize(
    ("headers", "query", "language"),
    [
        ({}, "", "ru"),  # nothing asked: the language chosen at the kiosk
        ({"Accept-Language": "de-DE, uk;q=0.8"}, "", "ru"),  # the ticket's, not the phone's
        ({"Accept-Language": "en-GB,en;q=0.9"}, "", "ru"),
        ({"Accept-Language": "uk"}, "?lang=en", "en"),
        ({}, "?lang=xx", "ru"),
    ],
)
def test_the_page_language_follows_the_address_then_the_kiosk(
    sqlite_server: LiveServer,
    kiosk: KolejkaClient,
    headers: dict[str, str],
    query: str,
    language: str,
) -> None:
    ticket = kiosk.issue_ticket("A", language="ru")
    response = httpx.get(f"{sqlite_server.url}/t/{ticket.public_id}{query}", headers=headers)
    assert boot_data(response.text)["language"] == language
    assert f'<html lang="{language}">' in response.text


def test_an_unknown_ticket_gets_the_page_saying_so(sqlite_server: LiveServer) -> None:
    response = httpx.get(f"{sqlite_server.url}/t/{'Q' * 22}", headers={"Accept-Language": "pl"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    boot = boot_data(response.text)
    assert boot["initial"] is None and boot["language"] == "pl"


@pytest.mark.parametrize(
    ("name", "status", "media_type"),
    [
        ("status.js", 200, "text/javascript"),
        ("status.css", 200, "text/css"),
        ("status.html", 404, "application/json"),
        ("..%2Fdisplay.js", 404, "application/json"),
    ],
)
def test_only_the_pages_assets_are_served(
    sqlite_server: LiveServer, name: str, status: int, media_type: str
) -> None:
    response = httpx.get(f"{sqlite_server.url}/t/assets/{name}")
    assert response.status_code == status
    assert response.headers["content-type"].startswith(media_type)


# --- in a real browser ------------------------------------------------------------------


@pytest.fixture
def phone() -> Iterator[Browser]:
    with Browser(width=390, height=844) as chromium:
        chromium.send(
            "Emulation.setDeviceMetricsOverride",
            width=390,
            height=844,
            deviceScaleFactor=2,
            mobile=True,
        )
        yield chromium


def text(browser: Browser, element_id: str) -> str:
    return str(browser.evaluate(f"document.getElementById('{element_id}').textContent"))


def test_the_page_shows_the_number_then_the_window_once_called(
    sqlite_server: LiveServer, kiosk: KolejkaClient, clerk_client: Any, phone: Browser
) -> None:
    first = kiosk.issue_ticket("A", language="uk")
    mine = kiosk.issue_ticket("A", language="en")
    phone.open(f"{sqlite_server.url}/t/{mine.public_id}")  # opens in the ticket's language
    phone.wait_for("document.body.dataset.status === 'waiting'")
    assert text(phone, "number") == "A002"
    assert text(phone, "ahead") == "1 person ahead of you"
    assert text(phone, "estimate") == "Waiting time unknown"
    assert text(phone, "service") == "Temporary residence"

    phone.evaluate("document.querySelector('#languages button[data-language=\"uk\"]').click()")
    assert text(phone, "ahead") == "Перед вами 1 людина"
    assert text(phone, "number-caption") == "Ваш номер"
    assert text(phone, "service") == "Temporary residence (uk)"
    assert phone.evaluate("document.documentElement.lang") == "uk"

    clerk = clerk_client(sqlite_server, "clerk1", counter=1)
    called = clerk.call_next(1)
    assert called is not None and called.id == first.id
    phone.wait_for("document.getElementById('ahead').textContent === 'Перед вами нікого немає.'")

    other = clerk_client(sqlite_server, "clerk4", counter=4)
    called = other.call_next(4)
    assert called is not None and called.id == mine.id
    phone.wait_for("document.body.dataset.status === 'called'")
    assert text(phone, "counter-number") == "4"
    assert text(phone, "go-to") == "Пройдіть до вікна"
    assert text(phone, "called-text") == "Ваша черга!"
    assert phone.evaluate("document.title") == "A002 → 4"

    other.start_service(mine.id)
    phone.wait_for("document.body.dataset.status === 'serving'")
    assert text(phone, "message") == "Вас обслуговують біля вікна 4."
    other.finish_ticket(mine.id)
    phone.wait_for("document.body.dataset.status === 'done'")
    assert text(phone, "message") == "Ваш візит завершено. Дякуємо!"
    # The choice is remembered: a reload stays in Ukrainian although the ticket is English.
    phone.open(f"{sqlite_server.url}/t/{mine.public_id}")
    phone.wait_for("document.body.dataset.status === 'done'")
    assert phone.evaluate("document.documentElement.lang") == "uk"
    assert [e for e in phone.log if e.startswith("exception")] == []


def test_the_page_says_when_the_server_is_out_of_reach_and_recovers(
    sqlite_server: LiveServer, kiosk: KolejkaClient, clerk_client: Any, phone: Browser
) -> None:
    mine = kiosk.issue_ticket("A", language="pl")
    phone.open(f"{sqlite_server.url}/t/{mine.public_id}?lang=pl")
    phone.wait_for("document.body.dataset.status === 'waiting'")
    assert text(phone, "ahead") == "Nikt nie czeka przed Państwem."
    sqlite_server.stop()
    phone.wait_for("document.body.dataset.connection === 'offline'", timeout=60)
    assert text(phone, "offline") == "Brak połączenia z serwerem. Ponowne łączenie…"
    assert text(phone, "number") == "A001"  # the last known state stays
    sqlite_server.start()
    clerk_client(sqlite_server, "clerk1", counter=1).call_next(1)
    phone.evaluate("window.dispatchEvent(new Event('online'))")  # the phone is back
    phone.wait_for("document.body.dataset.status === 'called'", timeout=60)
    assert phone.evaluate("document.body.dataset.connection") == "online"
    assert text(phone, "counter-number") == "1"
