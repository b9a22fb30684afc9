"""The clerk's further verbs over real HTTP: park and call back, reactivate a no-show,
pause with a reason, serve without a ticket, an outcome at finish; and their refusals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kolejka.client import ConflictError, KolejkaClient
from kolejka.client.errors import InvalidRequest, Refused
from tests.support import KIOSK_TOKEN, LiveServer, site_config_dict

OUTCOMES = [
    {"code": "complete", "names": {"pl": "Dokumenty kompletne", "en": "Documents complete"}},
    {"code": "missing_document", "names": {"pl": "Brak dokumentu", "en": "Missing document"}},
]


@pytest.fixture
def office(database_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    """The test office with outcomes: A's optional, B's required; no-shows come back
    within 10 minutes."""
    from server.app import create_app
    from server.settings import Settings
    from server.siteconfig import parse_config

    data = site_config_dict(password_hash, reactivate_within_min=10)
    services = data["sites"][0]["services"]
    services[0]["outcomes"] = OUTCOMES
    services[1]["outcomes"] = OUTCOMES[:1]
    services[1]["outcome_required"] = True
    settings = Settings(
        environment="test", database_url=database_url, kiosk_rate_per_minute=100_000
    )
    config = parse_config(data)
    server = LiveServer(lambda: create_app(settings, clock=clock, site_config=config)).start()
    yield server
    server.stop()


@pytest.fixture
def kiosk(office: LiveServer) -> Iterator[KolejkaClient]:
    with KolejkaClient(office.url, "test", KIOSK_TOKEN) as client:
        yield client


@pytest.fixture
def clerk(office: LiveServer, clerk_client: Any) -> KolejkaClient:
    return clerk_client(office, "clerk1", counter=1)


def types_of(client: KolejkaClient, after: int = 0) -> list[str]:
    return [e.type for e in client.list_events(after=after).data]


# --- park and call back ------------------------------------------------------------------


def test_a_parked_client_frees_the_counter_and_is_called_back_from_the_list(kiosk, clerk):
    first, second = kiosk.issue_ticket("A"), kiosk.issue_ticket("A")
    called = clerk.call_next(1)
    assert called.id == first.id
    clerk.start_service(first.id)
    parked = clerk.park_ticket(first.id, note="form Z-3")
    assert (parked.status, parked.counter, parked.note) == ("parked", 1, "form Z-3")
    snapshot = clerk.queue_snapshot()
    assert [t.number for t in snapshot.parked] == [first.number]
    assert next(c for c in snapshot.counters if c.number == 1).current is None
    assert clerk.call_next(1).id == second.id  # the counter serves the next meanwhile
    with pytest.raises(ConflictError) as busy:
        clerk.call_back_ticket(first.id)
    assert busy.value.code == "counter_busy"
    clerk.start_service(second.id)
    clerk.finish_ticket(second.id)
    back = clerk.call_back_ticket(first.id)
    assert (back.status, back.counter) == ("called", 1)
    assert clerk.queue_snapshot().parked == []
    events = clerk.list_events().data
    last = events[-1]
    assert last.type == "ticket.called" and last.payload["ticket"]["id"] == first.id
    clerk.start_service(first.id)
    clerk.finish_ticket(first.id, outcome="complete")
    assert clerk.daily_stats().services["A"].parked == 1


def test_only_the_parking_counter_calls_back_and_only_a_parked_ticket(
    office, kiosk, clerk, clerk_client
):
    ticket = kiosk.issue_ticket("A")
    clerk.call_next(1)
    with pytest.raises(ConflictError) as wrong:
        clerk.call_back_ticket(ticket.id)
    assert wrong.value.code == "invalid_transition"
    clerk.park_ticket(ticket.id)
    other = clerk_client(office, "clerk2", counter=2)
    with pytest.raises(Refused) as refused:
        other.call_back_ticket(ticket.id)
    assert refused.value.code == "not_your_counter"
    with pytest.raises(ConflictError):
        clerk.park_ticket(ticket.id)  # parked already


def test_a_paused_counter_does_not_call_back(kiosk, clerk):
    ticket = kiosk.issue_ticket("A")
    clerk.call_next(1)
    clerk.park_ticket(ticket.id)
    clerk.pause_counter(1, reason="back_office")
    with pytest.raises(ConflictError) as paused:
        clerk.call_back_ticket(ticket.id)
    assert paused.value.code == "counter_paused"


# --- reactivate a no-show ----------------------------------------------------------------


def test_a_no_show_is_reactivated_in_its_first_place_within_the_offices_time(kiosk, clerk, clock):
    gone = kiosk.issue_ticket("A")
    later = kiosk.issue_ticket("A")
    clerk.call_next(1)
    clerk.mark_no_show(gone.id)
    assert [t.number for t in clerk.queue_snapshot().reactivatable] == [gone.number]
    clock.advance(minutes=9)
    back = clerk.reactivate_ticket(gone.id)
    assert back.status == "waiting" and back.ahead == 0
    assert clerk.call_next(1).id == gone.id  # ahead of the one who came later
    assert later.id != gone.id
    assert types_of(clerk)[-2:] == ["ticket.reactivated", "ticket.called"]
    stats = clerk.daily_stats().services["A"]
    assert (stats.no_show, stats.reactivated) == (0, 1)


def test_a_reactivation_after_the_offices_time_is_a_409(kiosk, clerk, clock):
    ticket = kiosk.issue_ticket("A")
    clerk.call_next(1)
    clerk.mark_no_show(ticket.id)
    clock.advance(minutes=11)
    assert clerk.queue_snapshot().reactivatable == []
    with pytest.raises(ConflictError) as late:
        clerk.reactivate_ticket(ticket.id)
    assert late.value.code == "reactivate_too_late" and late.value.params["minutes"] == 10
    assert "10" in late.value.detail


def test_only_a_no_show_is_reactivated(kiosk, clerk):
    ticket = kiosk.issue_ticket("A")
    clerk.call_next(1)
    with pytest.raises(ConflictError) as refused:
        clerk.reactivate_ticket(ticket.id)
    assert refused.value.code == "invalid_transition"


# --- pause with a reason -----------------------------------------------------------------


def test_a_pause_keeps_its_reason_on_the_counter_and_event_and_is_counted(clerk, clock):
    paused = clerk.pause_counter(1, reason="technical")
    assert (paused.state, paused.pause_reason) == ("paused", "technical")
    event = clerk.list_events().data[-1]
    assert event.type == "counter.paused" and event.payload["reason"] == "technical"
    assert event.payload["counter"]["pause_reason"] == "technical"
    clock.advance(minutes=5)
    resumed = clerk.open_counter(1)
    assert (resumed.state, resumed.pause_reason) == ("open", None)
    assert clerk.pause_counter(1).pause_reason == "break"  # an old client: a break
    clock.advance(minutes=2)
    row = clerk.daily_stats().counters["1"]
    assert row.pauses == {"break": 1, "technical": 1}
    assert row.pause_s == {"break": 120.0, "technical": 300.0}


def test_an_unknown_pause_reason_is_a_422(office, clerk):
    answer = httpx.post(
        f"{office.url}/api/v1/sites/test/counters/1/pause",
        json={"reason": "lunch"},
        headers={"Authorization": f"Bearer {clerk.token}"},
    )
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_request"
    assert clerk.list_counters().data[0].state == "open"


# --- serve without a ticket --------------------------------------------------------------


def test_serve_without_a_ticket_issues_and_starts_in_one_step_and_is_counted(kiosk, clerk):
    kiosk.issue_ticket("A")  # A001 waits; the walk-in takes the next number
    served = clerk.serve_without_ticket(1, "A", language="uk")
    assert (served.number, served.status, served.counter, served.language) == (
        "A002",
        "serving",
        1,
        "uk",
    )
    assert served.started_at is not None and served.called_at == served.started_at
    counter = clerk.list_counters().data[0]
    assert counter.current is not None and counter.current.id == served.id
    assert types_of(clerk)[-1] == "ticket.served_without_ticket"
    assert [t.number for t in kiosk.queue_snapshot().waiting] == ["A001"]  # not in line
    clerk.finish_ticket(served.id, outcome="complete")
    stats = clerk.daily_stats()
    a = stats.services["A"]
    assert (a.issued, a.walk_ins, a.served, a.called, a.waiting) == (2, 1, 1, 0, 1)
    assert stats.counters["1"].walk_ins == 1


def test_serve_without_a_ticket_is_refused_while_busy_or_for_a_service_not_served_here(
    kiosk, clerk
):
    with pytest.raises(ConflictError) as elsewhere:
        clerk.serve_without_ticket(1, "C")
    assert elsewhere.value.code == "counter_does_not_serve"
    clerk.serve_without_ticket(1, "A")
    with pytest.raises(ConflictError) as busy:
        clerk.serve_without_ticket(1, "B")
    assert busy.value.code == "counter_busy"


def test_a_kiosk_cannot_serve_without_a_ticket(kiosk):
    with pytest.raises(Refused):
        kiosk.serve_without_ticket(1, "A")


# --- an outcome at finish ----------------------------------------------------------------


def serving(kiosk: KolejkaClient, clerk: KolejkaClient, service: str) -> int:
    ticket = kiosk.issue_ticket(service)
    clerk.call_next(1)
    clerk.start_service(ticket.id)
    return ticket.id


def test_the_outcome_lists_come_with_the_snapshot(clerk):
    queues = {q.code: q for q in clerk.queue_snapshot().services}
    assert [o.code for o in queues["A"].outcomes] == ["complete", "missing_document"]
    assert queues["A"].outcome_required is False and queues["B"].outcome_required is True
    assert queues["C"].outcomes == []


def test_an_outcome_is_kept_on_the_ticket_and_counted(kiosk, clerk):
    for outcome in ("complete", "missing_document", None):
        done = clerk.finish_ticket(serving(kiosk, clerk, "A"), outcome=outcome)
        assert (done.status, done.outcome) == ("done", outcome)
    assert clerk.daily_stats().services["A"].outcomes == {"complete": 1, "missing_document": 1}


def test_an_unknown_outcome_is_a_422_and_changes_nothing(kiosk, clerk):
    ticket_id = serving(kiosk, clerk, "A")
    with pytest.raises(InvalidRequest) as bad:
        clerk.finish_ticket(ticket_id, outcome="lunch")
    assert bad.value.status == 422 and bad.value.code == "outcome_unknown"
    assert kiosk.get_ticket(ticket_id).status == "serving"


def test_a_required_outcome_missing_is_a_422(kiosk, clerk):
    ticket_id = serving(kiosk, clerk, "B")
    with pytest.raises(InvalidRequest) as missing:
        clerk.finish_ticket(ticket_id)
    assert missing.value.code == "outcome_required"
    assert clerk.finish_ticket(ticket_id, outcome="complete").status == "done"


def test_an_outcome_too_long_is_a_422_not_a_500(office, kiosk, clerk):
    ticket_id = serving(kiosk, clerk, "A")
    answer = httpx.post(
        f"{office.url}/api/v1/sites/test/tickets/{ticket_id}/finish",
        json={"outcome": "x" * 41},
        headers={"Authorization": f"Bearer {clerk.token}"},
    )
    assert answer.status_code == 422


def test_a_config_with_a_required_outcome_but_no_list_is_refused(password_hash):
    from server.siteconfig import ConfigError, parse_config

    data = site_config_dict(password_hash)
    data["sites"][0]["services"][0]["outcome_required"] = True
    with pytest.raises(ConfigError, match="outcome_required needs a list"):
        parse_config(data)
