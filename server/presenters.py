"""Presenters: rows → public wire models (kolejka.schemas), as the API answers them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from kolejka.core.counters import PauseReason
from kolejka.core.states import CounterState, Priority, TicketStatus
from kolejka.schemas import CounterPublic, CounterServicePublic, TicketPublic
from server import repository as repo
from server.catalog import SiteLike
from server.estimate_inputs import EstimateInputsCache, estimate_inputs
from server.models import Counter, Service, Ticket


def _counter_number(session: Session, counter_id: int | None) -> int | None:
    if counter_id is None:
        return None
    counter = session.get(Counter, counter_id)
    return counter.number if counter else None


def ticket_public(
    session: Session,
    site: SiteLike,
    ticket: Ticket,
    now: datetime,
    *,
    with_estimate: bool = True,
    recent_limit: int = 20,
    ahead: int | None = None,
    estimates: EstimateInputsCache | None = None,
) -> TicketPublic:
    """The ticket as the API shows it. `ahead`: its place in line where the caller already
    knows it (a snapshot sorts the whole queue once instead of counting for each ticket)."""
    service = session.get(Service, ticket.service_id)
    assert service is not None and ticket.id is not None
    estimate: int | None = None
    if ticket.status != TicketStatus.WAITING.value:
        ahead = None
    elif ahead is None:
        ahead = repo.ahead_count(session, ticket, now)
    if ahead is not None and with_estimate:
        inputs = (
            estimates.get(session, ticket.service_id, now)
            if estimates is not None
            else estimate_inputs(session, ticket.service_id, now, recent_limit)
        )
        estimate = inputs.wait_for(ahead)
    return TicketPublic(
        id=ticket.id,
        public_id=ticket.public_id,
        site=site.code,
        number=ticket.number,
        service=service.code,
        status=TicketStatus(ticket.status),
        language=ticket.language,
        priority=Priority(ticket.priority),
        issued_at=ticket.issued_at,
        arrival_at=ticket.arrival_at,
        called_at=ticket.called_at,
        started_at=ticket.started_at,
        finished_at=ticket.finished_at,
        counter=_counter_number(session, ticket.counter_id),
        target_counter=_counter_number(session, ticket.target_counter_id),
        recalls=ticket.recalls,
        note=ticket.note,
        appointment_at=ticket.appointment_at,
        outcome=ticket.outcome,
        ahead=ahead,
        estimated_wait_s=estimate,
    )


def counter_public(
    session: Session, site: SiteLike, counter: Counter, now: datetime
) -> CounterPublic:
    current = None
    if counter.current_ticket_id is not None:
        ticket = session.get(Ticket, counter.current_ticket_id)
        if ticket is not None:
            current = ticket_public(session, site, ticket, now, with_estimate=False)
    return CounterPublic(
        number=counter.number,
        name=counter.name,
        state=CounterState(counter.state),
        clerk=repo.clerk_name(session, counter.clerk_id),
        services=[
            CounterServicePublic(service=service.code, order=link.order, weight=link.weight)
            for link, service in repo.links_of(session, counter)
        ],
        current=current,
        pause_reason=PauseReason(counter.pause_reason) if counter.pause_reason else None,
    )
