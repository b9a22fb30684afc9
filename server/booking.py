"""Booking a slot, reading, listing and cancelling bookings, free slots, confirmations.

The booking portal calls these with its `booking` device token, or a supervisor signs in
(who may do what: server/appointments.py). A booking is checked against the service's
slots (kolejka.core.appointments) while the service row is locked, so concurrent
bookings never overfill a slot.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kolejka.core.appointments import AppointmentStatus, cancelled, slot_starts
from kolejka.core.errors import Conflict, NotFound
from kolejka.i18n import LANGUAGES
from kolejka.schemas import (
    AppointmentCreate,
    AppointmentPublic,
    AppointmentsPublic,
    SlotPublic,
    SlotsPublic,
)
from server import repository as repo
from server.actors import Actor, require_site
from server.appointments import (
    Confirmation,
    Unprocessable,
    appointment_public,
    appointment_row,
    booked_in_slot,
    check_slot,
    checkin_window,
    local_text,
    require_booker,
    service_row,
    slot_offer,
    unused_value,
)
from server.booking_codes import format_short_code, make_token, new_ref, new_short_code
from server.catalog import SiteLike
from server.clock import Clock
from server.db import Database
from server.models import Appointment, Service, Site
from server.transactions import Transaction, Write, WriteRunner


class BookingService:
    def __init__(self, writes: WriteRunner, db: Database, clock: Clock, secret: str) -> None:
        self.writes = writes
        self.db = db
        self.clock = clock
        self.secret = secret

    def view(self, session: Session, site: SiteLike, appt: Appointment) -> AppointmentPublic:
        return appointment_public(session, site, appt, self.secret)

    def _read_site(self, session: Session, site_code: str, actor: Actor) -> Site:
        site = repo.site_by_code(session, site_code)
        require_site(actor, site.id)  # type: ignore[arg-type]
        return site

    # --- writes ------------------------------------------------------------------------

    def create_appointment(
        self,
        site_code: str,
        actor: Actor,
        request: AppointmentCreate,
        idempotency_key: str | None = None,
    ) -> AppointmentPublic:
        require_booker(actor, "create_appointment")
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, AppointmentPublic, self._create, request)

    def _create(self, tx: Transaction, request: AppointmentCreate) -> AppointmentPublic:
        return self.view(tx.session, tx.site, self.book(tx, request))

    def book(self, tx: Transaction, request: AppointmentCreate) -> Appointment:
        """Book one slot inside the caller's transaction; every check comes before the
        row is added, so a refusal leaves nothing behind."""
        session, site, now, actor = tx.session, tx.site, tx.now, tx.actor
        service = service_row(session, site, request.service, lock=True)
        start = request.start.astimezone(UTC)
        check_slot(service, site, start, now)
        name = (request.name or "").strip() or None
        contact = (request.contact or "").strip() or None
        if (name or contact) and not site.rules.personal_data_enabled:
            raise Unprocessable("personal_data_disabled")
        if request.external_ref:
            existing = session.exec(
                select(Appointment).where(
                    Appointment.site_id == site.id,
                    Appointment.external_ref == request.external_ref,
                )
            ).first()
            if existing is not None:
                raise Conflict(
                    "appointment_exists", external_ref=request.external_ref, appointment=existing.id
                )
        if booked_in_slot(session, service, start) >= service.slot_capacity:
            zone = ZoneInfo(site.timezone)
            raise Conflict(
                "slot_full",
                service=service.code,
                start=local_text(start.astimezone(zone), None),
                capacity=service.slot_capacity,
            )
        appt = Appointment(
            site_id=site.id,
            service_id=service.id,  # type: ignore[arg-type]
            ref=unused_value(session, Appointment.ref, new_ref),
            code=unused_value(session, Appointment.code, lambda: new_short_code(self.secret)),
            start_at=start,
            end_at=start + timedelta(minutes=service.slot_minutes),
            status=AppointmentStatus.BOOKED,
            language=request.language,
            name=name,
            contact=contact,
            external_ref=request.external_ref,
            created_at=now,
            created_by=actor.key,
        )
        session.add(appt)
        session.flush()
        return appt

    def cancel_appointment(
        self,
        site_code: str,
        actor: Actor,
        appointment_id: int,
        idempotency_key: str | None = None,
    ) -> AppointmentPublic:
        """Free the slot; a checked-in appointment is past cancelling (its ticket is live)."""
        require_booker(actor, "cancel_appointment")
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, AppointmentPublic, self._cancel, appointment_id)

    def _cancel(self, tx: Transaction, appointment_id: int) -> AppointmentPublic:
        appt = appointment_row(tx.session, tx.site, appointment_id)
        status = AppointmentStatus(appt.status)
        after = cancelled(status, appointment=appointment_id)
        if after is not status:
            appt.status = after
            appt.cancelled_at = tx.now
            tx.session.add(appt)
            tx.session.flush()
        return self.view(tx.session, tx.site, appt)  # cancelling twice is not an error

    # --- reads -------------------------------------------------------------------------

    def get_appointment(
        self, site_code: str, actor: Actor, appointment_id: int
    ) -> AppointmentPublic:
        require_booker(actor, "get_appointment")
        with self.db.read() as session:
            site = self._read_site(session, site_code, actor)
            return self.view(session, site, appointment_row(session, site, appointment_id))

    def list_appointments(
        self,
        site_code: str,
        actor: Actor,
        day: date | None = None,
        service: str | None = None,
        status: str | None = None,
    ) -> AppointmentsPublic:
        """A day's appointments (site time; today by default) in slot order."""
        require_booker(actor, "list_appointments")
        now = self.clock.now()
        with self.db.read() as session:
            site = self._read_site(session, site_code, actor)
            zone = ZoneInfo(site.timezone)
            day = day or now.astimezone(zone).date()
            begin = datetime.combine(day, time(0), tzinfo=zone)
            query = select(Appointment).where(
                Appointment.site_id == site.id,
                col(Appointment.start_at) >= begin,
                col(Appointment.start_at) < begin + timedelta(days=1),
            )
            if service is not None:
                query = query.where(
                    Appointment.service_id == service_row(session, site, service).id
                )
            if status is not None:
                query = query.where(Appointment.status == status)
            rows = session.exec(query.order_by(col(Appointment.start_at), col(Appointment.id)))
            data = [self.view(session, site, appt) for appt in rows]
            return AppointmentsPublic(data=data, count=len(data))

    def list_slots(self, site_code: str, actor: Actor, service_code: str, day: date) -> SlotsPublic:
        """The service's slots on `day` with how many are booked and free."""
        with self.db.read() as session:
            site = self._read_site(session, site_code, actor)
            service = service_row(session, site, service_code)
            zone = ZoneInfo(site.timezone)
            offer = slot_offer(service)
            starts = slot_starts(offer.hours, offer.minutes, day, zone) if offer.offered else []
            begin = datetime.combine(day, time(0), tzinfo=zone)
            counts: dict[datetime, int] = {}
            rows = session.execute(
                sa.select(col(Appointment.start_at), sa.func.count())
                .where(
                    col(Appointment.service_id) == service.id,
                    col(Appointment.status) != AppointmentStatus.CANCELLED.value,
                    col(Appointment.start_at) >= begin,
                    col(Appointment.start_at) < begin + timedelta(days=1),
                )
                .group_by(col(Appointment.start_at))
            )
            for start, count in rows:
                counts[start] = int(count)
            step = timedelta(minutes=service.slot_minutes)
            data = []
            for start in starts:
                booked = counts.get(start, 0)
                data.append(
                    SlotPublic(
                        start=start.astimezone(UTC),
                        end=(start + step).astimezone(UTC),
                        capacity=service.slot_capacity,
                        booked=booked,
                        free=max(0, service.slot_capacity - booked),
                    )
                )
            return SlotsPublic(
                site=site.code, service=service.code, day=day, data=data, count=len(data)
            )

    def confirmation(
        self, site_code: str, actor: Actor, appointment_id: int, language: str | None
    ) -> Confirmation:
        require_booker(actor, "appointment_confirmation")
        with self.db.read() as session:
            site = self._read_site(session, site_code, actor)
            appt = appointment_row(session, site, appointment_id)
            if appt.status == AppointmentStatus.CANCELLED:
                raise Conflict("appointment_cancelled")
            service = session.get(Service, appt.service_id)
            if service is None:
                raise NotFound("appointment_not_found", appointment=appointment_id)
            lang = language if language in LANGUAGES else appt.language
            zone = ZoneInfo(site.timezone)
            opens, closes = checkin_window(site).around(appt.start_at)
            return Confirmation(
                language=lang,
                site_name=site.name,
                address=site.address,
                service_name=service.names.get(lang) or service.names.get("pl") or service.code,
                bring_text=service.bring_text.get(lang) or service.bring_text.get("pl"),
                start=appt.start_at.astimezone(zone),
                end=appt.end_at.astimezone(zone),
                checkin_from=opens.astimezone(zone),
                checkin_until=closes.astimezone(zone),
                code=format_short_code(appt.code),
                token=make_token(self.secret, appt.ref),
            )
