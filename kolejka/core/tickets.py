"""What each action does to a ticket: values in, the ticket after the action out.

The transition table (kolejka.core.states) says whether an action is allowed; these say
what it changes. The server copies the answer back onto its row, so a rule is tested here
in microseconds and nowhere spelt twice. Counters, services and devices appear as the ids
the server gives them; the core does not look them up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from kolejka.core.errors import Conflict
from kolejka.core.states import (
    AT_COUNTER_STATES,
    Priority,
    TicketAction,
    TicketStatus,
    next_status,
)


@dataclass(frozen=True, slots=True)
class TicketProgress:
    """A ticket's way through the office: its state, where it is, and when each step was."""

    number: str
    status: TicketStatus
    service_id: int
    queued_at: datetime
    recalls: int = 0
    counter_id: int | None = None  # the counter that called it (kept after it is done)
    target_counter_id: int | None = None  # a transfer to one counter in particular
    device_id: int | None = None  # the kiosk that issued it
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    note: str | None = None

    @property
    def at_counter(self) -> bool:
        return self.status in AT_COUNTER_STATES


def check(ticket: TicketProgress, action: TicketAction) -> None:
    """Refuse `action` where the ticket's state does not allow it (InvalidTransition)."""
    next_status(ticket.status, action)


def call(ticket: TicketProgress, *, counter_id: int, now: datetime) -> TicketProgress:
    """A counter calls the ticket: it is that counter's now, and its recalls start again."""
    return replace(
        ticket,
        status=next_status(ticket.status, TicketAction.CALL),
        called_at=now,
        counter_id=counter_id,
        target_counter_id=None,
        recalls=0,
    )


def recall(
    ticket: TicketProgress, *, now: datetime, max_recalls: int, no_show_after_max_recalls: bool
) -> TicketProgress:
    """Call again, up to `max_recalls` times; past that the office either refuses
    (recall_limit_reached) or, if it says so, the client did not come (no_show)."""
    next_status(ticket.status, TicketAction.RECALL)
    if ticket.recalls >= max_recalls:
        if not no_show_after_max_recalls:
            raise Conflict("recall_limit_reached", max_recalls=max_recalls)
        return no_show(ticket, now=now)
    return replace(ticket, recalls=ticket.recalls + 1, called_at=now)


def start(ticket: TicketProgress, *, now: datetime) -> TicketProgress:
    return replace(ticket, status=next_status(ticket.status, TicketAction.START), started_at=now)


def finish(ticket: TicketProgress, *, now: datetime) -> TicketProgress:
    return replace(ticket, status=next_status(ticket.status, TicketAction.FINISH), finished_at=now)


def no_show(ticket: TicketProgress, *, now: datetime) -> TicketProgress:
    return replace(ticket, status=next_status(ticket.status, TicketAction.NO_SHOW), finished_at=now)


def transfer(
    ticket: TicketProgress,
    *,
    now: datetime,
    service_id: int | None,
    counter_id: int | None,
    note: str | None,
) -> TicketProgress:
    """Back in line, for another service (`service_id`) and/or one counter (`counter_id`;
    None for both is refused). It queues from now, as a new arrival at that queue."""
    status = next_status(ticket.status, TicketAction.TRANSFER)
    if service_id is None and counter_id is None:
        raise Conflict("transfer_target_missing")
    return replace(
        ticket,
        status=status,
        service_id=service_id if service_id is not None else ticket.service_id,
        target_counter_id=counter_id,
        queued_at=now,
        called_at=None,
        started_at=None,
        counter_id=None,
        recalls=0,
        note=note,
    )


def cancel(ticket: TicketProgress, *, now: datetime, by_kiosk: bool = False) -> TicketProgress:
    """Take a ticket back. A kiosk cancels only to take back a ticket it could not print,
    so once a counter has called it the kiosk is refused (ticket_at_counter): the clerk
    decides what happens to a client at their counter."""
    if by_kiosk and ticket.at_counter:
        raise Conflict("ticket_at_counter", ticket=ticket.number)
    return replace(ticket, status=next_status(ticket.status, TicketAction.CANCEL), finished_at=now)


# --- a supervisor's corrections (the console's monitor) ------------------------------------


def move(ticket: TicketProgress, *, service_id: int) -> TicketProgress:
    """A waiting ticket goes to another service's queue, keeping its place in time (the
    visitor took the wrong service at the kiosk: they have waited already)."""
    status = next_status(ticket.status, TicketAction.MOVE)
    if service_id == ticket.service_id:
        raise Conflict("ticket_already_there", ticket=ticket.number)
    return replace(ticket, status=status, service_id=service_id, target_counter_id=None)


def prioritise(ticket: TicketProgress, *, priority: Priority, current: Priority) -> Priority:
    """The waiting ticket's new priority class; refused when it already has it."""
    next_status(ticket.status, TicketAction.PRIORITISE)
    if priority == current:
        raise Conflict("ticket_already_priority", ticket=ticket.number)
    return priority


def reactivate(ticket: TicketProgress, *, today: bool) -> TicketProgress:
    """A ticket cancelled by mistake waits again, in the place it had (only the same
    day: yesterday's queue is gone)."""
    status = next_status(ticket.status, TicketAction.REACTIVATE)
    if not today:
        raise Conflict("ticket_from_another_day", ticket=ticket.number)
    return replace(
        ticket,
        status=status,
        counter_id=None,
        target_counter_id=None,
        called_at=None,
        started_at=None,
        finished_at=None,
        recalls=0,
    )
