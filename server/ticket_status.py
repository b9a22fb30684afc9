"""The visitor's ticket as its public page shows it: number, service, status, place in
line, estimated wait, counter once called, and how soon to ask again."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from kolejka.core.errors import NotFound
from kolejka.core.states import TicketStatus
from kolejka.schemas import TicketStatusPublic
from server.db import Database
from server.estimate_inputs import EstimateInputsCache
from server.models import Service, Site, Ticket
from server.presenters import ticket_public

POLL_MS = 3000
AT_COUNTER = (TicketStatus.CALLED, TicketStatus.SERVING)


def read_ticket_status(
    db: Database,
    public_id: str,
    now: datetime,
    *,
    recent_limit: int,
    estimates: EstimateInputsCache | None = None,
) -> tuple[TicketStatusPublic, str]:
    """The ticket's public state and its language; NotFound for an unknown id.
    `estimates`: the process's forecasts per site and second (a hall of phones polling
    shares one), else worked out for this ticket alone."""
    with db.read() as session:
        ticket = session.exec(select(Ticket).where(Ticket.public_id == public_id)).first()
        if ticket is None:
            raise NotFound("not_found")
        site = session.get(Site, ticket.site_id)
        service = session.get(Service, ticket.service_id)
        assert site is not None and service is not None
        view = ticket_public(
            session, site, ticket, now, recent_limit=recent_limit, estimates=estimates
        )
        status = TicketStatusPublic(
            number=view.number,
            service_names=dict(service.names),
            status=view.status,
            ahead=view.ahead,
            estimated_wait_s=view.estimated_wait_s,
            counter=view.counter if view.status in AT_COUNTER else None,
            poll_after_ms=poll_after_ms(view.status, view.ahead),
        )
        return status, ticket.language


def poll_after_ms(status: TicketStatus, ahead: int | None) -> int:
    """Often near the front, seldom far back. A hall of phones each asking every 3 s was
    the server's largest steady load, and nobody ten places back is called within 15 s."""
    if status is not TicketStatus.WAITING or ahead is None or ahead <= 3:
        return POLL_MS
    return 2 * POLL_MS if ahead <= 10 else 5 * POLL_MS
