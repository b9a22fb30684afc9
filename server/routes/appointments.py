"""Appointments: booking, listing, cancelling, CSV import, confirmations, kiosk check-in.

The booking portal calls these with a `booking` device token (or a supervisor signs in);
kiosks call only `check-in`. See server/appointments.py for who may do what.
"""

from __future__ import annotations

import functools
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response

from kolejka.schemas import (
    AppointmentCreate,
    AppointmentImport,
    AppointmentPublic,
    AppointmentsPublic,
    AppointmentStatus,
    CheckInRequest,
    ErrorPublic,
    Language,
    SlotsPublic,
    TicketPublic,
)
from server.booking import BookingService
from server.confirmations import render_pdf, render_png
from server.deps import ActorDep, IdempotencyKey, ServicesDep, request_language
from server.errors import Unprocessable
from server.params import AppointmentId, DayQuery, RequiredDay
from server.routes.tickets import ERRORS, limit_kiosk

router = APIRouter(prefix="/sites/{site}/appointments", tags=["appointments"])

IMPORT_MAX_BYTES = 2_000_000


async def get_appointments(services: ServicesDep) -> BookingService:
    return services.booking


AppointmentsDep = Annotated[BookingService, Depends(get_appointments)]


@router.post(
    "",
    operation_id="create_appointment",
    status_code=status.HTTP_201_CREATED,
    response_model=AppointmentPublic,
    responses=ERRORS,
)
async def create_appointment(
    site: str,
    body: AppointmentCreate,
    actor: ActorDep,
    services: ServicesDep,
    appointments: AppointmentsDep,
    idempotency_key: IdempotencyKey = None,
) -> AppointmentPublic:
    """Book a slot; the answer carries the short code and the QR token for the confirmation."""
    return await services.writer.run(
        appointments.create_appointment, site, actor, body, idempotency_key
    )


@router.get(
    "", operation_id="list_appointments", response_model=AppointmentsPublic, responses=ERRORS
)
def list_appointments(
    site: str,
    actor: ActorDep,
    appointments: AppointmentsDep,
    day: DayQuery = None,
    service: Annotated[str | None, Query(max_length=3)] = None,
    status: AppointmentStatus | None = None,
) -> AppointmentsPublic:
    """A day's appointments (site time, today by default), in slot order."""
    return appointments.list_appointments(site, actor, day, service, status)


@router.get("/slots", operation_id="list_slots", response_model=SlotsPublic, responses=ERRORS)
def list_slots(
    site: str,
    actor: ActorDep,
    appointments: AppointmentsDep,
    service: Annotated[str, Query(min_length=1, max_length=3)],
    day: RequiredDay,
) -> SlotsPublic:
    """The service's slots on a day with their capacity, booked and free places."""
    return appointments.list_slots(site, actor, service, day)


@router.post(
    "/check-in",
    operation_id="check_in",
    status_code=status.HTTP_201_CREATED,
    response_model=TicketPublic,
    responses={**ERRORS, 429: {"model": ErrorPublic}},
)
async def check_in(
    site: str,
    body: CheckInRequest,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> TicketPublic:
    """The kiosk's scanned QR payload or typed code → a ticket served at the slot time.

    Refused with appointment_forged (422), appointment_unknown (404),
    appointment_other_site, appointment_cancelled, appointment_used,
    appointment_too_early or appointment_too_late (409); a refusal changes nothing.
    """
    await limit_kiosk(services, actor, idempotency_key)  # also slows down guessing codes
    return await services.writer.run(services.check_in.check_in, site, actor, body, idempotency_key)


@router.post(
    "/import",
    operation_id="import_appointments",
    status_code=status.HTTP_201_CREATED,
    response_model=AppointmentImport,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
async def import_appointments(
    site: str,
    request: Request,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> AppointmentImport:
    """Book every line of a CSV export (header: service,date,time[,language,name,contact,
    external_ref]) or none: any bad line refuses the file with every line's error."""
    data = await request.body()
    if len(data) > IMPORT_MAX_BYTES:
        raise Unprocessable("import_too_large", max_rows=5000)
    return await services.writer.run(
        functools.partial(
            services.appointment_import.import_csv,
            site,
            actor,
            data,
            language=request_language(request),
            idempotency_key=idempotency_key,
        )
    )


@router.get(
    "/{appointment_id}",
    operation_id="get_appointment",
    response_model=AppointmentPublic,
    responses=ERRORS,
)
def get_appointment(
    site: str, appointment_id: AppointmentId, actor: ActorDep, appointments: AppointmentsDep
) -> AppointmentPublic:
    return appointments.get_appointment(site, actor, appointment_id)


@router.post(
    "/{appointment_id}/cancel",
    operation_id="cancel_appointment",
    response_model=AppointmentPublic,
    responses=ERRORS,
)
async def cancel_appointment(
    site: str,
    appointment_id: AppointmentId,
    actor: ActorDep,
    services: ServicesDep,
    appointments: AppointmentsDep,
    idempotency_key: IdempotencyKey = None,
) -> AppointmentPublic:
    """Free the slot; the code stops working. A checked-in appointment cannot be cancelled."""
    return await services.writer.run(
        appointments.cancel_appointment, site, actor, appointment_id, idempotency_key
    )


MEDIA = {"png": "image/png", "pdf": "application/pdf"}


@router.get(
    "/{appointment_id}/confirmation.{fmt}",
    operation_id="get_confirmation",
    response_class=Response,
    responses={
        **ERRORS,
        200: {"content": {"image/png": {}, "application/pdf": {}}},
    },
)
def get_confirmation(
    site: str,
    appointment_id: AppointmentId,
    fmt: Literal["png", "pdf"],
    actor: ActorDep,
    appointments: AppointmentsDep,
    language: Language | None = None,
) -> Response:
    """The confirmation to send the visitor, in their language (or `language`)."""
    data = appointments.confirmation(site, actor, appointment_id, language)
    body = render_png(data) if fmt == "png" else render_pdf(data)
    return Response(
        body,
        media_type=MEDIA[fmt],
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'inline; filename="confirmation-{appointment_id}.{fmt}"',
        },
    )
