"""Counters: list, open (or resume), pause, close, and call the next client."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from kolejka.schemas import (
    CounterPublic,
    CountersPublic,
    ErrorPublic,
    PauseRequest,
    ServeWithoutTicketRequest,
    TicketPublic,
)
from server.deps import ActorDep, IdempotencyKey, ServicesDep
from server.params import CounterNumber
from server.routes.tickets import ERRORS

router = APIRouter(prefix="/sites/{site}/counters", tags=["counters"])


@router.get("", operation_id="list_counters", response_model=CountersPublic, responses=ERRORS)
def list_counters(site: str, actor: ActorDep, services: ServicesDep) -> CountersPublic:
    return services.reads.list_counters(site, actor)


@router.post(
    "/{number}/call-next",
    operation_id="call_next",
    response_model=TicketPublic,
    responses={
        **ERRORS,
        204: {"description": "Nobody is waiting for this counter."},
        409: {"model": ErrorPublic},
    },
)
async def call_next(
    site: str,
    number: CounterNumber,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic | Response:
    """Call the next client: never the same ticket to two counters, however close the clicks."""
    ticket = await services.writer.run(
        services.queue.call_next, site, actor, number, idempotency_key
    )
    if ticket is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return ticket


@router.post(
    "/{number}/open", operation_id="open_counter", response_model=CounterPublic, responses=ERRORS
)
async def open_counter(
    site: str,
    number: CounterNumber,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> CounterPublic:
    """Sign the clerk in at the counter and open it (also resumes after a pause). Held by
    another clerk: 409 `counter_held`, with the holder's name in `params.clerk`."""
    return await services.writer.run(
        services.counters.open_counter, site, actor, number, idempotency_key
    )


@router.post(
    "/{number}/pause", operation_id="pause_counter", response_model=CounterPublic, responses=ERRORS
)
async def pause_counter(
    site: str,
    number: CounterNumber,
    actor: ActorDep,
    services: ServicesDep,
    body: PauseRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> CounterPublic:
    """Pause for a `reason` (break, back_office, technical; none: a break), counted in
    the statistics."""
    reason = body.reason if body is not None else None
    return await services.writer.run(
        services.counters.pause_counter, site, actor, number, idempotency_key, reason
    )


@router.post(
    "/{number}/close", operation_id="close_counter", response_model=CounterPublic, responses=ERRORS
)
async def close_counter(
    site: str,
    number: CounterNumber,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> CounterPublic:
    return await services.writer.run(
        services.counters.close_counter, site, actor, number, idempotency_key
    )


@router.post(
    "/{number}/serve-without-ticket",
    operation_id="serve_without_ticket",
    status_code=status.HTTP_201_CREATED,
    response_model=TicketPublic,
    responses=ERRORS,
)
async def serve_without_ticket(
    site: str,
    number: CounterNumber,
    body: ServeWithoutTicketRequest,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    """A visitor who walked straight to the desk: a ticket issued and started here in one
    step (numbered like any other, counted as a walk-in)."""
    return await services.writer.run(
        services.queue.serve_without_ticket, site, actor, number, body, idempotency_key
    )
