"""What devices read: services, the queue snapshot, the event log, statistics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kolejka.core.errors import Forbidden
from kolejka.schemas import (
    DailyStats,
    DeviceSelf,
    EventsPublic,
    PrinterStatusReport,
    QueueSnapshot,
    ServicesPublic,
)
from server import repository as repo
from server.actors import require_site
from server.deps import ActorDep, ServicesDep
from server.params import AfterSeq, DayQuery
from server.routes.tickets import ERRORS

router = APIRouter(prefix="/sites/{site}", tags=["queue"])


@router.get(
    "/services", operation_id="list_services", response_model=ServicesPublic, responses=ERRORS
)
def list_services(site: str, actor: ActorDep, services: ServicesDep) -> ServicesPublic:
    """Services with their names, availability now, waiting count and estimated wait."""
    return services.reads.list_services(site, actor)


@router.get("/queue", operation_id="queue_snapshot", response_model=QueueSnapshot, responses=ERRORS)
def queue_snapshot(site: str, actor: ActorDep, services: ServicesDep) -> QueueSnapshot:
    """The whole board at one sequence number: what a display loads after a reset."""
    return services.reads.snapshot(site, actor)


@router.get("/events", operation_id="list_events", response_model=EventsPublic, responses=ERRORS)
def list_events(
    site: str,
    actor: ActorDep,
    services: ServicesDep,
    after: AfterSeq = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> EventsPublic:
    """The event log after a sequence number (the WebSocket's replay, for polling clients)."""
    return services.reads.events_page(site, actor, after, limit)


@router.get("/stats/daily", operation_id="daily_stats", response_model=DailyStats, responses=ERRORS)
def daily_stats(
    site: str, actor: ActorDep, services: ServicesDep, day: DayQuery = None
) -> DailyStats:
    """Per service and per counter: issued, served, no-show, cancelled; median and p90 times."""
    return services.reads.daily_stats(site, actor, day)


@router.get("/devices/me", operation_id="who_am_i", response_model=DeviceSelf, responses=ERRORS)
def who_am_i(site: str, actor: ActorDep, services: ServicesDep) -> DeviceSelf:
    """The calling device: its id, kind and name (a kiosk matches `kiosk.reprint` events
    to itself by the id). A clerk's token is refused (not_allowed)."""
    with services.db.read() as session:
        position = repo.site_by_code(session, site)
    require_site(actor, position.id)  # type: ignore[arg-type]
    if actor.kind == "clerk":
        raise Forbidden("not_allowed", action="who_am_i")
    return DeviceSelf(id=actor.id, kind=actor.kind, name=actor.name)


@router.post(
    "/printer-status", operation_id="report_printer_status", status_code=204, responses=ERRORS
)
async def report_printer_status(
    site: str, body: PrinterStatusReport, actor: ActorDep, services: ServicesDep
) -> None:
    """A kiosk reports its printer's state; staff see it as a `printer.status` event."""
    await services.writer.run(services.printer_status.report_printer_status, site, actor, body)
