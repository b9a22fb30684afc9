"""Issuing, reading and cancelling tickets over real HTTP (SQLite and PostgreSQL)."""

from datetime import timedelta

import httpx
import pytest

from kolejka.client import (
    AuthError,
    ConflictError,
    KolejkaClient,
    NotFoundError,
    Refused,
)
from tests.support import DISPLAY_TOKEN, KIOSK2_TOKEN, KIOSK_TOKEN


def test_ticket_numbers_are_per_service_and_sequential(kiosk):
    numbers = [kiosk.issue_ticket(s).number for s in "AABAB"]
    assert numbers == ["A001", "A002", "B001", "A003", "B002"]


def test_ticket_answer_has_the_public_fields(kiosk):
    first = kiosk.issue_ticket("A", language="uk")
    second = kiosk.issue_ticket("A", language="en", priority="priority")
    third = kiosk.issue_ticket("A")
    assert first.status == "waiting" and first.language == "uk" and first.service == "A"
    assert first.ahead == 0
    assert second.priority == "priority" and second.ahead == 0  # priority goes first
    assert third.ahead == 2
    assert third.estimated_wait_s is None  # no service history yet: unknown, not a guess
    assert len(first.public_id) >= 20


def test_get_ticket_reads_back_what_was_issued(kiosk):
    issued = kiosk.issue_ticket("B", language="ru")
    assert kiosk.get_ticket(issued.id).number == issued.number


def test_unknown_ticket_is_404_with_a_code(kiosk):
    with pytest.raises(NotFoundError) as info:
        kiosk.get_ticket(999_999)
    assert info.value.code == "ticket_not_found"


def test_unknown_service_is_404(kiosk):
    with pytest.raises(NotFoundError) as info:
        kiosk.issue_ticket("Z")
    assert info.value.code == "service_not_found"


def test_malformed_requests_are_422_and_issue_nothing(live_server, kiosk):
    headers = {"Authorization": f"Bearer {KIOSK_TOKEN}"}
    url = f"{live_server.url}/api/v1/sites/test/tickets"
    for body in (
        {},
        {"service": "A", "language": "de"},
        {"service": "A", "priority": "vip"},
        {"service": ""},
    ):
        response = httpx.post(url, json=body, headers=headers)
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_request"
    response = httpx.post(url, content=b"{not json", headers=headers)
    assert response.status_code == 422
    assert kiosk.issue_ticket("A").number == "A001"  # nothing was consumed


def test_daily_limit_refuses_with_409_and_the_reason(kiosk):
    for _ in range(3):
        kiosk.issue_ticket("C")
    with pytest.raises(ConflictError) as info:
        kiosk.issue_ticket("C")
    assert info.value.code == "daily_limit_reached"
    service = next(s for s in kiosk.list_services().data if s.code == "C")
    assert not service.available and service.unavailable_reason == "daily_limit_reached"


def test_service_outside_its_hours_is_refused(kiosk):
    # D is open 08:00-09:00 on Tuesdays; the clock says 10:00.
    with pytest.raises(ConflictError) as info:
        kiosk.issue_ticket("D")
    assert info.value.code == "closed_for_today"


def test_numbers_restart_the_next_day(live_server, kiosk, clock):
    assert kiosk.issue_ticket("A").number == "A001"
    assert kiosk.issue_ticket("A").number == "A002"
    clock.advance(days=1)
    assert kiosk.issue_ticket("A").number == "A001"


def test_numbers_continue_after_a_server_restart(live_server, kiosk):
    kiosk.issue_ticket("A")
    kiosk.issue_ticket("A")
    live_server.restart()
    assert kiosk.issue_ticket("A").number == "A003"


def test_retried_issue_with_the_same_key_gives_the_same_ticket(live_server):
    headers = {"Authorization": f"Bearer {KIOSK_TOKEN}", "Idempotency-Key": "tap-42"}
    url = f"{live_server.url}/api/v1/sites/test/tickets"
    first = httpx.post(url, json={"service": "A"}, headers=headers).json()
    again = httpx.post(url, json={"service": "A"}, headers=headers).json()
    assert first["id"] == again["id"] and first["number"] == again["number"]
    other = httpx.post(
        url, json={"service": "A"}, headers={**headers, "Idempotency-Key": "tap-43"}
    ).json()
    assert other["number"] == "A002"


def test_an_idempotency_key_of_another_device_is_a_conflict(live_server):
    url = f"{live_server.url}/api/v1/sites/test/tickets"
    httpx.post(
        url,
        json={"service": "A"},
        headers={"Authorization": f"Bearer {KIOSK_TOKEN}", "Idempotency-Key": "k"},
    )
    response = httpx.post(
        url,
        json={"service": "A"},
        headers={"Authorization": f"Bearer {KIOSK2_TOKEN}", "Idempotency-Key": "k"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"


def test_kiosk_may_cancel_its_own_ticket_but_not_another_kiosks(live_server, kiosk):
    ticket = kiosk.issue_ticket("A")
    with KolejkaClient(live_server.url, "test", KIOSK2_TOKEN) as other, pytest.raises(Refused):
        other.cancel_ticket(ticket.id)
    assert kiosk.cancel_ticket(ticket.id).status == "cancelled"
    with pytest.raises(ConflictError) as info:
        kiosk.cancel_ticket(ticket.id)
    assert info.value.code == "invalid_transition"


def test_a_kiosk_cannot_cancel_a_ticket_a_counter_has_called(live_server, kiosk, clerk_client):
    """A kiosk takes back a ticket it could not print; once called, the clerk decides."""
    clerk = clerk_client(live_server, "clerk1", counter=1)
    ticket = kiosk.issue_ticket("A")
    assert clerk.call_next(1).id == ticket.id
    response = httpx.post(
        f"{live_server.url}/api/v1/sites/test/tickets/{ticket.id}/cancel",
        headers={"Authorization": f"Bearer {KIOSK_TOKEN}", "Accept-Language": "pl"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "ticket_at_counter"
    assert "A001" in response.json()["detail"]
    assert kiosk.get_ticket(ticket.id).status == "called"  # nothing changed
    assert clerk.start_service(ticket.id).status == "serving"  # the clerk goes on
    with pytest.raises(ConflictError) as info:
        kiosk.cancel_ticket(ticket.id)
    assert info.value.code == "ticket_at_counter"


def test_display_token_cannot_issue_or_call(live_server):
    with KolejkaClient(live_server.url, "test", DISPLAY_TOKEN) as display:
        with pytest.raises(Refused):
            display.issue_ticket("A")
        with pytest.raises(Refused):
            display.call_next(1)
        assert display.queue_snapshot().site == "test"  # but it may read the board


def test_missing_or_bad_token_is_401(live_server):
    with KolejkaClient(live_server.url, "test") as anonymous:
        with pytest.raises(AuthError) as info:
            anonymous.list_services()
        assert info.value.code == "not_authenticated"
    with KolejkaClient(live_server.url, "test", "forged-token-forged") as forged:
        with pytest.raises(AuthError) as info:
            forged.list_services()
        assert info.value.code == "invalid_token"


def test_error_detail_speaks_the_callers_language(live_server):
    response = httpx.get(
        f"{live_server.url}/api/v1/sites/test/tickets/5",
        headers={"Authorization": f"Bearer {KIOSK_TOKEN}", "Accept-Language": "pl-PL,pl;q=0.9"},
    )
    assert response.status_code == 404
    assert response.json()["code"] == "ticket_not_found"
    assert "bilet" in response.json()["detail"].lower()


def test_estimate_appears_once_there_is_service_history(live_server, kiosk, clock, clerk_client):
    clerk = clerk_client(live_server, "clerk3", counter=3)  # counter 3 serves only C
    for _ in range(3):
        kiosk.issue_ticket("C")
    for _ in range(3):
        ticket = clerk.call_next(3)
        clerk.start_service(ticket.id)
        clock.advance(minutes=4)
        clerk.finish_ticket(ticket.id)
    clock.set(clock.now() + timedelta(seconds=1))
    services = {s.code: s for s in kiosk.list_services().data}
    assert services["C"].open_counters == 1
    assert services["C"].estimated_wait_s == 0  # nobody waits
    assert services["A"].estimated_wait_s is None  # A has no history


def test_the_snapshot_places_every_ticket_where_the_ticket_itself_says(
    live_server, kiosk, clerk_client, clock
):
    """The snapshot sorts each queue once; a ticket read alone counts who is before it.
    Both must agree through priority, a transfer that keeps its arrival, and an
    appointment that becomes due."""
    from tests.support import PASSWORD, T0

    with KolejkaClient(live_server.url, "test") as boss:
        boss.login("boss", PASSWORD)
        booking = boss.create_appointment("A", T0 + timedelta(minutes=15), "uk")
    moved = kiosk.issue_ticket("B")
    clerk = clerk_client(live_server, "clerk2", counter=2)
    assert clerk.call_next(2).id == moved.id
    clock.advance(minutes=2)
    for priority in ("normal", "priority", "normal", "priority", "normal"):
        kiosk.issue_ticket("A", priority=priority)
    clerk.start_service(moved.id)
    clerk.transfer_ticket(moved.id, service="A")  # keeps its early arrival
    checked_in = kiosk.check_in(booking.token, "uk")

    def places() -> dict[int, int]:
        return {t.id: t.ahead for t in kiosk.queue_snapshot().waiting}

    before_due = places()
    assert before_due == {t: kiosk.get_ticket(t).ahead for t in before_due}
    assert before_due[checked_in.id] > 0  # not due yet: waits like everyone else

    clock.advance(minutes=15)
    due = places()
    assert due == {t: kiosk.get_ticket(t).ahead for t in due}
    assert due[checked_in.id] == 0  # due now: first in line
    assert sorted(due.values()) == list(range(len(due)))
