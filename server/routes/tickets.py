"""Tickets: issue at a kiosk, read, cancel, and the clerk's actions on the ticket."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.concurrency import run_in_threadpool

from kolejka.schemas import (
    DeviceKind,
    ErrorPublic,
    FinishRequest,
    ParkRequest,
    TicketCreate,
    TicketPublic,
    TransferRequest,
)
from server import idempotency
from server.actors import Actor
from server.deps import ActorDep, IdempotencyKey, Services, ServicesDep
from server.idempotency import RequestKey
from server.params import TicketId

router = APIRouter(prefix="/sites/{site}/tickets", tags=["tickets"])

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorPublic} for code in (401, 403, 404, 409, 422)
}


async def limit_kiosk(services: Services, actor: Actor, key: RequestKey | None) -> None:
    """A kiosk may issue (or check in) only so fast: a stuck key or a prankster. A retry
    of a request already answered is no new ticket: it goes on to get that answer."""
    if actor.kind != DeviceKind.KIOSK:
        return
    refused = services.kiosk_limiter.refusal(actor.key)
    if refused is None:
        return
    if key is not None and await run_in_threadpool(
        idempotency.is_retry, services.db, actor.site_id, key, actor.key
    ):
        return
    raise refused


@router.post(
    "",
    operation_id="issue_ticket",
    status_code=status.HTTP_201_CREATED,
    response_model=TicketPublic,
    responses={**ERRORS, 429: {"model": ErrorPublic}},
)
async def issue_ticket(
    site: str,
    body: TicketCreate,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    """Issue a numbered ticket; committed before the answer, so an answered ticket exists."""
    await limit_kiosk(services, actor, idempotency_key)
    return await services.writer.run(
        services.queue.issue_ticket, site, actor, body, idempotency_key
    )


@router.get(
    "/{ticket_id}", operation_id="get_ticket", response_model=TicketPublic, responses=ERRORS
)
def get_ticket(
    site: str, ticket_id: TicketId, actor: ActorDep, services: ServicesDep
) -> TicketPublic:
    return services.queue.get_ticket(site, actor, ticket_id)


@router.post(
    "/{ticket_id}/cancel",
    operation_id="cancel_ticket",
    response_model=TicketPublic,
    responses=ERRORS,
)
async def cancel_ticket(
    site: str,
    ticket_id: TicketId,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    return await services.writer.run(
        services.queue.cancel_ticket, site, actor, ticket_id, idempotency_key
    )


@router.post(
    "/{ticket_id}/recall",
    operation_id="recall_ticket",
    response_model=TicketPublic,
    responses=ERRORS,
)
async def recall_ticket(
    site: str,
    ticket_id: TicketId,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    return await services.writer.run(
        services.queue.recall_ticket, site, actor, ticket_id, idempotency_key
    )


@router.post(
    "/{ticket_id}/start",
    operation_id="start_service",
    response_model=TicketPublic,
    responses=ERRORS,
)
async def start_service(
    site: str,
    ticket_id: TicketId,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    return await services.writer.run(
        services.queue.start_service, site, actor, ticket_id, idempotency_key
    )


@router.post(
    "/{ticket_id}/finish",
    operation_id="finish_ticket",
    response_model=TicketPublic,
    responses=ERRORS,
)
async def finish_ticket(
    site: str,
    ticket_id: TicketId,
    actor: ActorDep,
    services: ServicesDep,
    body: FinishRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    """Done; `outcome` one of the service's outcomes (422 for another, or for none where
    the office requires one). Without a body: no outcome, as before."""
    outcome = body.outcome if body is not None else None
    return await services.writer.run(
        services.queue.finish_ticket, site, actor, ticket_id, idempotency_key, outcome
    )


@router.post(
    "/{ticket_id}/no-show",
    operation_id="mark_no_show",
    response_model=TicketPublic,
    responses=ERRORS,
)
async def mark_no_show(
    site: str,
    ticket_id: TicketId,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    return await services.writer.run(
        services.queue.mark_no_show, site, actor, ticket_id, idempotency_key
    )


@router.post(
    "/{ticket_id}/transfer",
    operation_id="transfer_ticket",
    response_model=TicketPublic,
    responses=ERRORS,
)
async def transfer_ticket(
    site: str,
    ticket_id: TicketId,
    body: TransferRequest,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    """Send the client to another service's queue (or one counter), keeping number and place."""
    return await services.writer.run(
        services.queue.transfer_ticket, site, actor, ticket_id, body, idempotency_key
    )


@router.post(
    "/{ticket_id}/park",
    operation_id="park_ticket",
    response_model=TicketPublic,
    responses=ERRORS,
)
async def park_ticket(
    site: str,
    ticket_id: TicketId,
    actor: ActorDep,
    services: ServicesDep,
    body: ParkRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    """The client steps aside (a form to fill in): the counter is free, and calls them
    back from its parked list (call_back_ticket)."""
    note = body.note if body is not None else None
    return await services.writer.run(
        services.queue.park_ticket, site, actor, ticket_id, idempotency_key, note
    )


@router.post(
    "/{ticket_id}/call-back",
    operation_id="call_back_ticket",
    response_model=TicketPublic,
    responses=ERRORS,
)
async def call_back_ticket(
    site: str,
    ticket_id: TicketId,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    """Call a parked client back to the counter that parked them."""
    return await services.writer.run(
        services.queue.call_back_ticket, site, actor, ticket_id, idempotency_key
    )


@router.post(
    "/{ticket_id}/reactivate",
    operation_id="reactivate_ticket",
    response_model=TicketPublic,
    responses=ERRORS,
)
async def reactivate_ticket(
    site: str,
    ticket_id: TicketId,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    """A no-show whose visitor came back goes back in line, in their first place, within
    the office's time (`reactivate_within_min`); later, 409 `reactivate_too_late`."""
    return await services.writer.run(
        services.queue.reactivate_ticket, site, actor, ticket_id, idempotency_key
    )
