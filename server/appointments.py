"""Appointments: what booking, check-in and the CSV import share.

Who may do what:
- create, read, list, cancel, import, confirmation: a `booking` device (the booking
  portal's integration token, `kind = "booking"` in the site file) or a supervisor/admin
  (server/booking.py, server/appointment_import.py);
- check-in: a kiosk, or any clerk (an information desk typing the code for a visitor)
  (server/checkin.py);
- free slots: any device or clerk of the site.

The rules are the core's (kolejka.core.appointments); here they meet this server's rows
and its texts. Each slot takes `slot_capacity` bookings; the count is checked while the
service row is locked, so concurrent bookings never overfill a slot. Erasing personal
data is server/personal_data.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kolejka.core.appointments import (
    AppointmentStatus,
    CheckInWindow,
    SlotOffer,
    SlotRefusal,
    slot_refusal,
)
from kolejka.core.errors import Conflict, Forbidden, NotFound
from kolejka.schemas import AppointmentPublic, DeviceKind
from server import repository as repo
from server.actors import Actor
from server.booking_codes import format_short_code, make_token
from server.catalog import SiteLike
from server.errors import Unprocessable
from server.models import Appointment, Service, Ticket
from server.siteconfig import opening_hours_from_json


def require_booker(actor: Actor, action: str) -> None:
    if actor.kind == DeviceKind.BOOKING or actor.is_supervisor:
        return
    if actor.is_clerk:
        raise Forbidden("supervisor_required", action=action)
    raise Forbidden("not_allowed", action=action)


# --- rules (kolejka.core.appointments) with this server's rows and texts -----------------


def checkin_window(site: SiteLike) -> CheckInWindow:
    rules = site.rules
    return CheckInWindow.of_minutes(rules.checkin_before_min, rules.checkin_after_min)


def slot_offer(service: Service) -> SlotOffer:
    return SlotOffer(
        hours=opening_hours_from_json(service.hours),
        minutes=service.slot_minutes,
        capacity=service.slot_capacity,
        enabled=service.enabled,
    )


def check_slot(service: Service, site: SiteLike, start: datetime, now: datetime) -> None:
    """Refuse a start that is not a bookable slot of `service`."""
    zone = ZoneInfo(site.timezone)
    refusal = slot_refusal(slot_offer(service), start, now, zone)
    local = start.astimezone(zone)
    if refusal is None:
        return
    if refusal is SlotRefusal.NOT_OFFERED:
        raise Conflict(refusal.value, service=service.code)
    if refusal is SlotRefusal.IN_PAST:
        raise Conflict(refusal.value, start=local_text(local, now.astimezone(zone)))
    if refusal is SlotRefusal.MISALIGNED:
        raise Unprocessable(refusal.value, minutes=service.slot_minutes)
    raise Conflict(refusal.value, service=service.code, start=local_text(local, None))


def local_text(moment: datetime, today_ref: datetime | None) -> str:
    """'09:30' when on the reference day, else '25.11.2026 09:30' (Polish order)."""
    if today_ref is not None and moment.date() == today_ref.date():
        return moment.strftime("%H:%M")
    return moment.strftime("%d.%m.%Y %H:%M")


# --- queries ------------------------------------------------------------------------------


def service_row(session: Session, site: SiteLike, code: str, *, lock: bool = False) -> Service:
    query = select(Service).where(Service.site_id == site.id, Service.code == code)
    service = session.exec(repo.for_update(session, query) if lock else query).first()
    if service is None:
        raise NotFound("service_not_found", service=code)
    return service


def booked_in_slot(session: Session, service: Service, start: datetime) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(Appointment)
        .where(
            col(Appointment.service_id) == service.id,
            col(Appointment.start_at) == start,
            col(Appointment.status) != AppointmentStatus.CANCELLED.value,
        )
    )
    return int(session.execute(query).scalar_one())


def appointment_row(session: Session, site: SiteLike, appointment_id: int) -> Appointment:
    found = session.exec(
        repo.for_update(
            session,
            select(Appointment).where(
                Appointment.id == appointment_id, Appointment.site_id == site.id
            ),
        )
    ).first()
    if found is None:
        raise NotFound("appointment_not_found", appointment=appointment_id)
    return found


def unused_value(session: Session, column: Any, make: Callable[[], str]) -> str:
    """A fresh ref or code: drawn again in the (never seen) case it is taken."""
    for _ in range(20):
        candidate = make()
        if session.exec(select(Appointment.id).where(column == candidate)).first() is None:
            return str(candidate)
    raise RuntimeError("could not draw an unused booking code")  # 2^30 space: never


# --- what the API and the confirmation show ---------------------------------------------


def appointment_public(
    session: Session, site: SiteLike, appt: Appointment, secret: str
) -> AppointmentPublic:
    """The booking as the API shows it, with its codes signed by `secret`."""
    service = session.get(Service, appt.service_id)
    if service is None or appt.id is None:
        raise NotFound("appointment_not_found", appointment=appt.id)
    opens, closes = checkin_window(site).around(appt.start_at)
    ticket_number = None
    if appt.ticket_id is not None:
        ticket = session.get(Ticket, appt.ticket_id)
        ticket_number = ticket.number if ticket else None
    return AppointmentPublic(
        id=appt.id,
        site=site.code,
        service=service.code,
        start=appt.start_at,
        end=appt.end_at,
        status=appt.status,
        language=appt.language,
        code=format_short_code(appt.code),
        token=make_token(secret, appt.ref),
        checkin_from=opens,
        checkin_until=closes,
        name=appt.name,
        contact=appt.contact,
        external_ref=appt.external_ref,
        created_at=appt.created_at,
        checked_in_at=appt.checked_in_at,
        cancelled_at=appt.cancelled_at,
        ticket_number=ticket_number,
    )


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What a confirmation shows; rendered by server.confirmations."""

    language: str
    site_name: str
    address: str | None
    service_name: str
    bring_text: str | None
    start: datetime  # site time
    end: datetime
    checkin_from: datetime
    checkin_until: datetime
    code: str  # formatted
    token: str
