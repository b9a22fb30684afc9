"""A ticket's row ↔ the core's value of it (kolejka.core.tickets.TicketProgress), and the
ticket at a counter.

A use case reads the value from the locked row, asks the core what the action makes of
it, and writes back only what changed, so the UPDATE carries only those columns."""

from __future__ import annotations

from sqlmodel import Session

from kolejka.core.states import AT_COUNTER_STATES, TicketStatus
from kolejka.core.tickets import TicketProgress
from server.models import Counter, Ticket

# The columns an action may change; `number` and `device_id` it only reads.
_CHANGEABLE = (
    "service_id",
    "queued_at",
    "recalls",
    "counter_id",
    "target_counter_id",
    "called_at",
    "started_at",
    "finished_at",
    "note",
    "outcome",
)


def progress_of(ticket: Ticket) -> TicketProgress:
    return TicketProgress(
        number=ticket.number,
        status=TicketStatus(ticket.status),
        service_id=ticket.service_id,
        queued_at=ticket.queued_at,
        recalls=ticket.recalls,
        counter_id=ticket.counter_id,
        target_counter_id=ticket.target_counter_id,
        device_id=ticket.device_id,
        called_at=ticket.called_at,
        started_at=ticket.started_at,
        finished_at=ticket.finished_at,
        note=ticket.note,
        outcome=ticket.outcome,
    )


def write_progress(ticket: Ticket, progress: TicketProgress) -> None:
    if ticket.status != progress.status.value:
        ticket.status = progress.status
    for name in _CHANGEABLE:
        value = getattr(progress, name)
        if getattr(ticket, name) != value:
            setattr(ticket, name, value)


def client_at(session: Session, counter: Counter) -> str | None:
    """The number of the ticket at the counter (called or being served), if any."""
    if counter.current_ticket_id is None:
        return None
    current = session.get(Ticket, counter.current_ticket_id)
    return current.number if current is not None and current.status in AT_COUNTER_STATES else None
