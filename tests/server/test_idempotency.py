"""Idempotency keys on the write path (server/idempotency.py)."""

from __future__ import annotations

import httpx
import pytest

from kolejka.schemas import TicketCreate
from server import idempotency
from server.clock import ManualClock
from server.ticketing import QueueService
from tests.support import KIOSK_TOKEN, T0, kiosk_actor, make_server


def test_idempotency_answers_are_kept_two_days_then_forgotten(site_db):
    first = site_db
    clock = ManualClock(T0)
    queue = QueueService(first, clock)
    kiosk = kiosk_actor(first)
    ticket = queue.issue_ticket("test", kiosk, TicketCreate(service="A"), "tap-1")
    clock.advance(days=1)
    assert idempotency.purge(first, clock.now()) == 0
    assert queue.issue_ticket("test", kiosk, TicketCreate(service="A"), "tap-1") == ticket
    clock.advance(days=1, seconds=1)
    assert idempotency.purge(first, clock.now()) == 1
    again = queue.issue_ticket("test", kiosk, TicketCreate(service="A"), "tap-1")
    assert again.id != ticket.id  # a key that old is a new request


def post(server, path, key, body=None, token=KIOSK_TOKEN, language="en"):
    return httpx.post(
        f"{server.url}/api/v1/sites/test{path}",
        json=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Accept-Language": language,
        },
    )


def test_a_key_answers_only_for_the_request_it_came_with(live_server, kiosk):
    issued = post(live_server, "/tickets", "tap-1", {"service": "A"})
    assert issued.status_code == 201
    ticket = issued.json()
    # Another operation with the key: was a 500 (the ticket read as a counter).
    other_operation = post(live_server, "/counters/1/open", "tap-1", language="pl")
    assert other_operation.status_code == 422
    assert other_operation.json() == {
        "code": "idempotency_key_mismatch",
        "detail": "Ten klucz żądania został już użyty do innego żądania.",
        "params": {},
    }
    # Another path: was 200 with the issued ticket, and nothing cancelled.
    cancel = post(live_server, f"/tickets/{ticket['id']}/cancel", "tap-1")
    assert cancel.status_code == 422 and cancel.json()["code"] == "idempotency_key_mismatch"
    assert kiosk.get_ticket(ticket["id"]).status == "waiting"
    # Another body: was the first ticket back.
    other_body = post(live_server, "/tickets", "tap-1", {"service": "B"})
    assert other_body.status_code == 422 and other_body.json()["code"] == "idempotency_key_mismatch"
    # The same request again is still answered, and nothing else was issued.
    again = post(live_server, "/tickets", "tap-1", {"service": "A"})
    assert again.status_code == 201 and again.json() == ticket
    assert [t.number for t in kiosk.queue_snapshot().waiting] == ["A001"]
    assert kiosk.issue_ticket("B").number == "B001"


def test_a_cancel_retried_with_its_key_is_answered_not_redone(live_server, kiosk):
    ticket = kiosk.issue_ticket("A")
    first = post(live_server, f"/tickets/{ticket.id}/cancel", "undo-1")
    again = post(live_server, f"/tickets/{ticket.id}/cancel", "undo-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and first.json()["status"] == "cancelled"
    other = kiosk.issue_ticket("A")
    refused = post(live_server, f"/tickets/{other.id}/cancel", "undo-1")
    assert refused.status_code == 422
    assert kiosk.get_ticket(other.id).status == "waiting"


def test_a_retry_is_answered_while_the_kiosk_is_over_its_rate_limit(
    database_url, clock, password_hash
):
    server = make_server(database_url, clock, password_hash, kiosk_rate_per_minute=1).start()
    try:
        answers = [post(server, "/tickets", f"tap-{n}", {"service": "A"}) for n in range(6)]
        assert [a.status_code for a in answers] == [201] * 5 + [429]
        retried = post(server, "/tickets", "tap-4", {"service": "A"})
        assert retried.status_code == 201 and retried.json() == answers[4].json()
        changed = post(server, "/tickets", "tap-4", {"service": "B"})
        assert changed.status_code == 422
        assert changed.json()["code"] == "idempotency_key_mismatch"
        assert post(server, "/tickets", "tap-new", {"service": "A"}).status_code == 429
    finally:
        server.stop()


def test_a_request_key_digests_everything_a_retry_must_repeat():
    def key(method="POST", path="/t", query="", body=b"{}", operation="issue_ticket"):
        return idempotency.RequestKey.of_request("k", operation, method, path, query, body)

    same = key()
    assert same == "k" and same.fingerprint == key().fingerprint
    others = [key(method="PUT"), key(path="/t/1"), key(query="a=1"), key(body=b'{"a":1}')]
    assert len({same.fingerprint, *(k.fingerprint for k in others)}) == 5
    # The parts are delimited: moving a character from the path to the query differs.
    assert key(path="/ab", query="").fingerprint != key(path="/a", query="b").fingerprint
    assert key(operation="cancel_ticket").operation == "cancel_ticket"


def test_an_in_process_key_does_not_answer_an_http_request(site_db):
    queue = QueueService(site_db, ManualClock(T0))
    kiosk = kiosk_actor(site_db)
    queue.issue_ticket("test", kiosk, TicketCreate(service="A"), "tap-1")
    http_retry = idempotency.RequestKey.of_request(
        "tap-1", "issue_ticket", "POST", "/api/v1/sites/test/tickets", "", b'{"service":"A"}'
    )
    with pytest.raises(idempotency.IdempotencyKeyMismatch):
        queue.issue_ticket("test", kiosk, TicketCreate(service="A"), http_retry)
