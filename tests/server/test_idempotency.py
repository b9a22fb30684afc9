"""Idempotency keys on the write path (server/idempotency.py)."""

from __future__ import annotations

from kolejka.schemas import TicketCreate
from server import idempotency
from server.clock import ManualClock
from server.ticketing import QueueService
from tests.support import T0, kiosk_actor


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
