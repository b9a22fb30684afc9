"""What each action does to a ticket: values in, the ticket after the action out.

The transition table (kolejka.core.states) says whether an action is allowed; these say
what it changes. The server copies the answer back onto its row, so a rule is tested here
in microseconds and nowhere spelt twice. Counters, services and devices appear as the ids
the server gives them; the core does not look them up.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kolejka.core.errors import Conflict, Invalid
from kolejka.core.states import (
    AT_COUNTER_STATES,
    Priority,
    TicketAction,
    TicketStatus,
    created_status,
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
    outcome: str | None = None  # the office's code for how the visit ended (finish)

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


def finish(
    ticket: TicketProgress,
    *,
    now: datetime,
    outcome: str | None = None,
    outcomes: Collection[str] = (),
    outcome_required: bool = False,
) -> TicketProgress:
    """Done, with how the visit ended: one of the service's `outcomes` (the office's list),
    none where it is optional; an unknown one is refused (outcome_unknown), a missing one
    where the office requires it too (outcome_required)."""
    status = next_status(ticket.status, TicketAction.FINISH)
    if outcome is None and outcome_required and outcomes:
        raise Invalid("outcome_required", options=", ".join(outcomes))
    if outcome is not None and outcome not in outcomes:
        raise Invalid("outcome_unknown", outcome=outcome, options=", ".join(outcomes) or "—")
    return replace(ticket, status=status, finished_at=now, outcome=outcome)


def no_show(ticket: TicketProgress, *, now: datetime) -> TicketProgress:
    return replace(ticket, status=next_status(ticket.status, TicketAction.NO_SHOW), finished_at=now)


def park(ticket: TicketProgress, *, now: datetime, note: str | None = None) -> TicketProgress:
    """The client steps aside (to fill in a form): the counter is free, the ticket keeps
    the counter that parked it, which calls it back (call_back) from its parked list."""
    status = next_status(ticket.status, TicketAction.PARK)
    return replace(ticket, status=status, note=note if note is not None else ticket.note)


def call_back(ticket: TicketProgress, *, counter_id: int, now: datetime) -> TicketProgress:
    """A parked client is called again, to the counter that parked them."""
    status = next_status(ticket.status, TicketAction.CALL_BACK)
    if ticket.counter_id is not None and ticket.counter_id != counter_id:
        raise Conflict("parked_elsewhere", ticket=ticket.number)
    return replace(ticket, status=status, called_at=now, counter_id=counter_id, recalls=0)


def reactivate(ticket: TicketProgress, *, now: datetime, within: timedelta) -> TicketProgress:
    """A no-show whose visitor came back goes back in line, in their first place (arrival
    is kept), within the time the office sets; after it, or where it is 0, refused."""
    status = next_status(ticket.status, TicketAction.REACTIVATE)
    gone = ticket.finished_at or now
    if within <= timedelta(0) or now - gone > within:
        raise Conflict(
            "reactivate_too_late", ticket=ticket.number, minutes=int(within.total_seconds() // 60)
        )
    return replace(
        ticket,
        status=status,
        queued_at=now,
        called_at=None,
        started_at=None,
        finished_at=None,
        counter_id=None,
        target_counter_id=None,
        recalls=0,
    )


def serve_without_ticket(
    *, number: str, service_id: int, counter_id: int, now: datetime
) -> TicketProgress:
    """A visitor who walked straight to the desk: issued and started in one step, so the
    visit is counted like any other (no wait, no call)."""
    return TicketProgress(
        number=number,
        status=created_status(TicketAction.SERVE_WITHOUT_TICKET),
        service_id=service_id,
        queued_at=now,
        counter_id=counter_id,
        called_at=now,
        started_at=now,
    )


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


def reinstate(ticket: TicketProgress, *, today: bool) -> TicketProgress:
    """A ticket cancelled by mistake waits again, in the place it had (only the same
    day: yesterday's queue is gone)."""
    status = next_status(ticket.status, TicketAction.REINSTATE)
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
