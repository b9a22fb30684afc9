"""The event log's vocabulary: every `type` an event can have, as one enum.

Each type has one payload model (kolejka.schemas.EVENT_PAYLOADS); docs/events.md lists
them all (a test checks it). The values are the wire's and the log's: never rename one.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    RESET = "reset"  # sent on a connection, never stored: a full QueueSnapshot
    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_SERVING = "ticket.serving"
    TICKET_DONE = "ticket.done"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_CANCELLED = "ticket.cancelled"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_PARKED = "ticket.parked"
    TICKET_REACTIVATED = "ticket.reactivated"
    TICKET_SERVED_WITHOUT_TICKET = "ticket.served_without_ticket"
    TICKET_MOVED = "ticket.moved"
    TICKET_PRIORITISED = "ticket.prioritised"
    TICKET_REINSTATED = "ticket.reinstated"
    CLERK_SIGNED_OUT = "clerk.signed_out"
    KIOSK_REPRINT = "kiosk.reprint"
    CLERK_FROM_DIRECTORY = "clerk.from_directory"
    APPOINTMENT_BOOKED = "appointment.booked"
    APPOINTMENT_MOVED = "appointment.moved"
    APPOINTMENT_CANCELLED = "appointment.cancelled"
    COUNTER_OPENED = "counter.opened"
    COUNTER_PAUSED = "counter.paused"
    COUNTER_CLOSED = "counter.closed"
    PRINTER_STATUS = "printer.status"
    SITE_CONFIGURED = "site.configured"


TICKET_PREFIX = "ticket."  # every ticket.* type carries the ticket as it is after the change
COUNTER_PREFIX = "counter."
CALL_EVENTS = frozenset({EventType.TICKET_CALLED, EventType.TICKET_RECALLED})
