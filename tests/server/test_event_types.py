"""One vocabulary of events: every type documented, every payload its type's model.

The emitters log `model_dump(mode="json")` of the type's payload model, so reading a
payload back with that model and dumping it again must give the same JSON, byte for
byte: what the wire carries did not change when the payloads became models.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from kolejka.client import EventStream
from kolejka.core.events import COUNTER_PREFIX, TICKET_PREFIX, EventType
from kolejka.schemas import EVENT_PAYLOADS, EventPublic, QueueSnapshot
from tests.support import DISPLAY_TOKEN

ROOT = Path(__file__).resolve().parents[2]


def documented_types() -> set[str]:
    """The backticked names in the first column of docs/events.md's table of types."""
    text = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    table = text.split("| `type` | payload |", 1)[1].split("\n\n", 1)[0]
    found: set[str] = set()
    for row in table.splitlines()[2:]:
        first = row.split("|")[1]
        found.update(re.findall(r"`([a-z_.]+)`", first))
    return found


def test_docs_list_every_event_type_and_no_other() -> None:
    assert documented_types() == {t.value for t in EventType}


def test_every_type_has_a_payload_model() -> None:
    assert set(EVENT_PAYLOADS) == set(EventType)


def test_the_web_board_names_only_types_of_the_vocabulary() -> None:
    script = (ROOT / "server" / "web" / "display.js").read_text(encoding="utf-8")
    named = set(re.findall(r"ev\.type (?:===|!==) \"([^\"]+)\"", script))
    prefixes = set(re.findall(r"ev\.type\.indexOf\(\"([^\"]+)\"\)", script))
    assert named and named <= {t.value for t in EventType}
    assert prefixes and prefixes <= {TICKET_PREFIX, COUNTER_PREFIX}


def same_json(payload: dict[str, Any], type_: str) -> None:
    model = EVENT_PAYLOADS[EventType(type_)]
    again = model.model_validate(payload).model_dump(mode="json")
    assert json.dumps(again) == json.dumps(payload), type_


def test_every_emitted_payload_is_its_types_model(sqlite_server, kiosk_client, clerk_client):
    kiosk = kiosk_client(sqlite_server)
    clerk = clerk_client(sqlite_server, "clerk1", counter=1)  # counter.opened
    first = kiosk.issue_ticket("A")  # ticket.issued
    kiosk.issue_ticket("A")
    kiosk.issue_ticket("B")
    kiosk.issue_ticket("A")
    clerk.call_next(1)  # ticket.called
    clerk.recall_ticket(first.id)  # ticket.recalled
    clerk.start_service(first.id)  # ticket.serving
    clerk.finish_ticket(first.id)  # ticket.done
    second = clerk.call_next(1)
    assert second is not None
    clerk.mark_no_show(second.id)  # ticket.no_show
    clerk.reactivate_ticket(second.id)  # ticket.reactivated
    third = clerk.call_next(1)
    assert third is not None
    clerk.start_service(third.id)
    clerk.transfer_ticket(third.id, service="B")  # ticket.transferred
    fourth = clerk.call_next(1)
    assert fourth is not None
    clerk.park_ticket(fourth.id, note="a form")  # ticket.parked
    walk_in = clerk.serve_without_ticket(1, "A")  # ticket.served_without_ticket
    clerk.finish_ticket(walk_in.id)
    cancelled = kiosk.issue_ticket("C")
    kiosk.cancel_ticket(cancelled.id)  # ticket.cancelled
    clerk.pause_counter(1)  # counter.paused
    clerk.close_counter(1)  # counter.closed
    kiosk.report_printer_status("paper_low", "roll almost empty")  # printer.status
    kiosk.report_printer_status("online")  # printer.status, no detail
    root = clerk_client(sqlite_server, "root")
    config = root.request("GET", "/api/v1/sites/test/config").json()
    config["name"] = "Test Office (renamed)"
    root.request("PUT", "/api/v1/sites/test/config", json=config)  # site.configured

    events = root.list_events(after=0).data
    # The console's supervisor actions are written by tests/console (form posts, not the API).
    console_only = {
        EventType.TICKET_MOVED,
        EventType.TICKET_PRIORITISED,
        EventType.TICKET_REINSTATED,
        EventType.CLERK_SIGNED_OUT,
        EventType.KIOSK_REPRINT,
        EventType.CLERK_FROM_DIRECTORY,  # directory sign-in: tests/server/test_directory.py
        EventType.APPOINTMENT_BOOKED,  # the booking pages: tests/server/test_public_booking.py
        EventType.APPOINTMENT_MOVED,
        EventType.APPOINTMENT_CANCELLED,
    }
    assert {e.type for e in events} == {t.value for t in EventType} - {EventType.RESET} - (
        console_only
    )
    for event in events:
        same_json(event.payload, event.type)

    reset = asyncio.run(first_message(sqlite_server.url))
    assert reset.type == EventType.RESET
    same_json(reset.payload, reset.type)
    assert QueueSnapshot.model_validate(reset.payload).seq == events[-1].seq


async def first_message(url: str) -> EventPublic:
    stream = EventStream(url, "test", DISPLAY_TOKEN)
    events = stream.events()
    try:
        return await asyncio.wait_for(events.__anext__(), 10)
    finally:
        await stream.close()
        await events.aclose()


def test_a_payload_of_another_types_model_is_refused(site_db) -> None:
    from kolejka.schemas import SiteConfiguredPayload
    from server.eventlog import append_event
    from server.models import Site
    from tests.support import T0

    with site_db.write() as session:
        site = session.get(Site, 1)
        with pytest.raises(TypeError):
            append_event(session, site, EventType.TICKET_ISSUED, SiteConfiguredPayload(by="x"), T0)
