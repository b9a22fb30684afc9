"""Appointments: booking a slot, the kiosk check-in, CSV import, and erasing personal data.

Who may do what:
- create, read, list, cancel, import, confirmation: a `booking` device (the booking
  portal's integration token, `kind = "booking"` in the site file) or a supervisor/admin;
- check-in: a kiosk, or any clerk (an information desk typing the code for a visitor);
- free slots: any device or clerk of the site.

A slot is a multiple of the service's `slot_minutes` from the start of an opening interval
that ends before the interval does (special days count: a holiday has none, an extra
Saturday has its own). Each slot takes `slot_capacity` bookings; the count is checked
while the service row is locked, so concurrent bookings never overfill a slot.

A check-in turns the appointment into a ticket in one transaction: a refused check-in
changes nothing, an accepted one cannot leave a used appointment without its ticket.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session, col, select

from kolejka.core.appointments import (
    AppointmentStatus,
    CheckInRefusal,
    CheckInWindow,
    SlotOffer,
    SlotRefusal,
    cancelled,
    check_in_refusal,
    slot_refusal,
    slot_starts,
)
from kolejka.core.errors import Conflict, DomainError, Forbidden, NotFound
from kolejka.i18n import LANGUAGES
from kolejka.schemas import (
    AppointmentCreate,
    AppointmentImport,
    AppointmentPublic,
    AppointmentsPublic,
    CheckInRequest,
    SlotPublic,
    SlotsPublic,
    TicketCreate,
    TicketPublic,
)
from server import repository as repo
from server.actors import Actor, require_issuer, require_site
from server.booking_codes import (
    ForgedCode,
    TokenCode,
    format_short_code,
    make_token,
    new_ref,
    new_short_code,
    read_code,
)
from server.catalog import SiteInfo, SiteLike
from server.clock import Clock
from server.db import Database
from server.messages import message_for
from server.models import Appointment, Service, Site, Ticket
from server.siteconfig import opening_hours_from_json
from server.ticketing import QueueService

IMPORT_MAX_ROWS = 5000


class Unprocessable(DomainError):
    """The request is well-formed JSON but its content cannot be used (HTTP 422)."""

    status = 422
    default_code = "invalid_request"


# --- rules (kolejka.core.appointments) with this server's rows and texts -----------------


def checkin_window(site: SiteLike, start: datetime) -> tuple[datetime, datetime]:
    rules = site.rules
    return CheckInWindow.of_minutes(rules.checkin_before_min, rules.checkin_after_min).around(start)


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
        raise Conflict(refusal.value, start=_local_text(local, now.astimezone(zone)))
    if refusal is SlotRefusal.MISALIGNED:
        raise Unprocessable(refusal.value, minutes=service.slot_minutes)
    raise Conflict(refusal.value, service=service.code, start=_local_text(local, None))


def _local_text(moment: datetime, today_ref: datetime | None) -> str:
    """'09:30' when on the reference day, else '25.11.2026 09:30' (Polish order)."""
    if today_ref is not None and moment.date() == today_ref.date():
        return moment.strftime("%H:%M")
    return moment.strftime("%d.%m.%Y %H:%M")


# --- queries ------------------------------------------------------------------------------


def _service(session: Session, site: SiteLike, code: str, *, lock: bool = False) -> Service:
    query = select(Service).where(Service.site_id == site.id, Service.code == code)
    service = session.exec(repo.for_update(session, query) if lock else query).first()
    if service is None:
        raise NotFound("service_not_found", service=code)
    return service


def _booked_in_slot(session: Session, service: Service, start: datetime) -> int:
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


def _appointment(session: Session, site: SiteLike, appointment_id: int) -> Appointment:
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


def _unique(session: Session, column: Any, make: Any) -> str:
    for _ in range(20):
        candidate = make()
        if session.exec(select(Appointment.id).where(column == candidate)).first() is None:
            return str(candidate)
    raise RuntimeError("could not draw an unused booking code")  # 2^30 space: never


# --- the use cases ------------------------------------------------------------------------


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


class AppointmentService:
    def __init__(self, db: Database, clock: Clock, queue: QueueService, secret: str) -> None:
        self.db = db
        self.clock = clock
        self.queue = queue
        self.secret = secret

    # --- views and permissions ------------------------------------------------------------

    def view(self, session: Session, site: SiteLike, appt: Appointment) -> AppointmentPublic:
        service = session.get(Service, appt.service_id)
        assert service is not None and appt.id is not None
        opens, closes = checkin_window(site, appt.start_at)
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
            token=make_token(self.secret, appt.ref),
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

    @staticmethod
    def require_booker(actor: Actor, action: str) -> None:
        if actor.kind == "booking" or actor.is_supervisor:
            return
        if actor.is_clerk:
            raise Forbidden("supervisor_required", action=action)
        raise Forbidden("not_allowed", action=action)

    def _read_site(self, session: Session, site_code: str, actor: Actor) -> Site:
        site = repo.site_by_code(session, site_code)
        require_site(actor, site.id)  # type: ignore[arg-type]
        return site

    # --- booking -----------------------------------------------------------------------

    def _book(
        self,
        session: Session,
        site: SiteInfo,
        now: datetime,
        actor: Actor,
        request: AppointmentCreate,
    ) -> Appointment:
        service = _service(session, site, request.service, lock=True)
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
        if _booked_in_slot(session, service, start) >= service.slot_capacity:
            zone = ZoneInfo(site.timezone)
            raise Conflict(
                "slot_full",
                service=service.code,
                start=_local_text(start.astimezone(zone), None),
                capacity=service.slot_capacity,
            )
        appt = Appointment(
            site_id=site.id,
            service_id=service.id,  # type: ignore[arg-type]
            ref=_unique(session, Appointment.ref, new_ref),
            code=_unique(session, Appointment.code, lambda: new_short_code(self.secret)),
            start_at=start,
            end_at=start + timedelta(minutes=service.slot_minutes),
            status=AppointmentStatus.BOOKED.value,
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

    def create_appointment(
        self,
        site_code: str,
        actor: Actor,
        request: AppointmentCreate,
        idempotency_key: str | None = None,
    ) -> AppointmentPublic:
        self.require_booker(actor, "create_appointment")

        def work(session: Session, site: SiteInfo, now: datetime) -> AppointmentPublic:
            return self.view(session, site, self._book(session, site, now, actor, request))

        result = self.queue.write(site_code, actor, AppointmentPublic, work, idempotency_key)
        assert result is not None
        return result

    def get_appointment(
        self, site_code: str, actor: Actor, appointment_id: int
    ) -> AppointmentPublic:
        self.require_booker(actor, "get_appointment")
        with self.db.read() as session:
            site = self._read_site(session, site_code, actor)
            return self.view(session, site, _appointment(session, site, appointment_id))

    def cancel_appointment(
        self,
        site_code: str,
        actor: Actor,
        appointment_id: int,
        idempotency_key: str | None = None,
    ) -> AppointmentPublic:
        """Free the slot; a checked-in appointment is past cancelling (its ticket is live)."""
        self.require_booker(actor, "cancel_appointment")

        def work(session: Session, site: SiteInfo, now: datetime) -> AppointmentPublic:
            appt = _appointment(session, site, appointment_id)
            status = AppointmentStatus(appt.status)
            after = cancelled(status, appointment=appointment_id)
            if after is not status:
                appt.status = after.value
                appt.cancelled_at = now
                session.add(appt)
                session.flush()
            return self.view(session, site, appt)  # cancelling twice is not an error

        result = self.queue.write(site_code, actor, AppointmentPublic, work, idempotency_key)
        assert result is not None
        return result

    def list_appointments(
        self,
        site_code: str,
        actor: Actor,
        day: date | None = None,
        service: str | None = None,
        status: str | None = None,
    ) -> AppointmentsPublic:
        """A day's appointments (site time; today by default) in slot order."""
        self.require_booker(actor, "list_appointments")
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
                query = query.where(Appointment.service_id == _service(session, site, service).id)
            if status is not None:
                query = query.where(Appointment.status == status)
            rows = session.exec(query.order_by(col(Appointment.start_at), col(Appointment.id)))
            data = [self.view(session, site, appt) for appt in rows]
            return AppointmentsPublic(data=data, count=len(data))

    def list_slots(self, site_code: str, actor: Actor, service_code: str, day: date) -> SlotsPublic:
        """The service's slots on `day` with how many are booked and free."""
        with self.db.read() as session:
            site = self._read_site(session, site_code, actor)
            service = _service(session, site, service_code)
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

    # --- check-in ------------------------------------------------------------------------

    def check_in(
        self,
        site_code: str,
        actor: Actor,
        request: CheckInRequest,
        idempotency_key: str | None = None,
    ) -> TicketPublic:
        """The kiosk's scan (or typed code) → a ticket called at the slot time.

        Refusals, checked in this order: appointment_forged (422), appointment_unknown
        (404), appointment_other_site, appointment_cancelled, appointment_used,
        appointment_too_early, appointment_too_late (409).
        """
        require_issuer(actor)

        def work(session: Session, site: SiteInfo, now: datetime) -> TicketPublic:
            try:
                parsed = read_code(self.secret, request.code)
            except ForgedCode:
                raise Unprocessable("appointment_forged") from None
            if isinstance(parsed, TokenCode):
                query = select(Appointment).where(Appointment.ref == parsed.ref)
            else:
                query = select(Appointment).where(Appointment.code == parsed.code)
            appt = session.exec(repo.for_update(session, query)).first()
            if appt is None:
                raise NotFound("appointment_unknown")
            if appt.site_id != site.id:
                raise Conflict("appointment_other_site")
            window = CheckInWindow.of_minutes(
                site.rules.checkin_before_min, site.rules.checkin_after_min
            )
            refusal = check_in_refusal(AppointmentStatus(appt.status), appt.start_at, now, window)
            if refusal is not None:
                zone = ZoneInfo(site.timezone)
                local_now = now.astimezone(zone)
                opens, closes = window.around(appt.start_at)
                if refusal is CheckInRefusal.TOO_EARLY:
                    raise Conflict(
                        refusal.value,
                        opens=_local_text(opens.astimezone(zone), local_now),
                        opens_at=opens.isoformat(),
                    )
                if refusal is CheckInRefusal.TOO_LATE:
                    raise Conflict(
                        refusal.value,
                        closed=_local_text(closes.astimezone(zone), local_now),
                        closed_at=closes.isoformat(),
                    )
                raise Conflict(refusal.value)
            service = session.get(Service, appt.service_id)
            assert service is not None
            ticket = self.queue.issue_in(
                session,
                site,
                now,
                actor,
                TicketCreate(service=service.code, language=request.language),
                appointment_at=appt.start_at,
            )
            appt.status = AppointmentStatus.CHECKED_IN.value
            appt.checked_in_at = now
            appt.ticket_id = ticket.id
            session.add(appt)
            return ticket

        result = self.queue.write(site_code, actor, TicketPublic, work, idempotency_key)
        assert result is not None
        return result

    # --- CSV import ------------------------------------------------------------------------

    def import_csv(
        self,
        site_code: str,
        actor: Actor,
        data: bytes,
        *,
        language: str = "en",
        idempotency_key: str | None = None,
    ) -> AppointmentImport:
        """Book every line of a booking system's export, or none of them.

        Columns (header row, any order, `,` `;` or tab): service, date (YYYY-MM-DD or
        DD.MM.YYYY), time (HH:MM, site time); optional language, name, contact,
        external_ref. A line whose external_ref is already booked is skipped, so the
        same file can be sent again. Any bad line refuses the whole file (422
        `import_invalid`, with every bad line's number, code and message).
        """
        self.require_booker(actor, "import_appointments")
        rows = parse_csv(data)

        def work(session: Session, site: SiteInfo, now: datetime) -> AppointmentImport:
            zone = ZoneInfo(site.timezone)
            created: list[AppointmentPublic] = []
            skipped: list[str] = []
            errors: list[dict[str, Any]] = []
            for row in rows:
                try:
                    # _book checks everything before it adds a row: a refused line
                    # leaves nothing behind (and any refusal rolls the file back anyway).
                    appt = self._book(session, site, now, actor, row.to_request(zone))
                    created.append(self.view(session, site, appt))
                except DomainError as exc:
                    if exc.code == "appointment_exists":
                        skipped.append(str(exc.params["external_ref"]))
                        continue
                    errors.append(
                        {
                            "line": row.line,
                            "code": exc.code,
                            "detail": message_for(exc.code, exc.params, language),
                        }
                    )
            if errors:
                raise Unprocessable("import_invalid", count=len(errors), errors=errors)
            return AppointmentImport(created=created, skipped=skipped, count=len(created))

        result = self.queue.write(site_code, actor, AppointmentImport, work, idempotency_key)
        assert result is not None
        return result

    # --- confirmation ----------------------------------------------------------------------

    def confirmation(
        self, site_code: str, actor: Actor, appointment_id: int, language: str | None
    ) -> Confirmation:
        self.require_booker(actor, "appointment_confirmation")
        with self.db.read() as session:
            site = self._read_site(session, site_code, actor)
            appt = _appointment(session, site, appointment_id)
            if appt.status == AppointmentStatus.CANCELLED:
                raise Conflict("appointment_cancelled")
            service = session.get(Service, appt.service_id)
            assert service is not None
            lang = language if language in LANGUAGES else appt.language
            zone = ZoneInfo(site.timezone)
            opens, closes = checkin_window(site, appt.start_at)
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


# --- CSV parsing ---------------------------------------------------------------------------

REQUIRED_COLUMNS = ("service", "date", "time")
OPTIONAL_COLUMNS = ("language", "name", "contact", "external_ref")


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    values: dict[str, str]

    def to_request(self, zone: ZoneInfo) -> AppointmentCreate:
        missing = [c for c in REQUIRED_COLUMNS if not self.values.get(c)]
        if missing:
            raise Unprocessable("import_missing_value", columns=", ".join(missing))
        day = _parse_date(self.values["date"])
        try:
            moment = time.fromisoformat(self.values["time"].strip())
        except ValueError:
            raise Unprocessable("import_bad_time", value=self.values["time"]) from None
        language = (self.values.get("language") or "pl").strip().lower()
        if language not in LANGUAGES:
            raise Unprocessable("import_bad_language", value=language)
        try:
            return AppointmentCreate(
                service=self.values["service"].strip().upper(),
                start=datetime.combine(day, moment, tzinfo=zone),
                language=language,
                name=self.values.get("name") or None,
                contact=self.values.get("contact") or None,
                external_ref=self.values.get("external_ref") or None,
            )
        except ValidationError as exc:
            fields = sorted({str(err["loc"][0]) for err in exc.errors() if err.get("loc")})
            raise Unprocessable("import_bad_value", columns=", ".join(fields)) from None


def _parse_date(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Unprocessable("import_bad_date", value=text)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Polish Windows exports are often in windows-1250.
        return data.decode("cp1250", errors="replace")


def parse_csv(data: bytes) -> list[ImportRow]:
    """Rows of a booking export; the header decides which column is which."""
    text = _decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise Unprocessable("import_empty")
    header = lines[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns = [c.strip().lower().lstrip("\ufeff") for c in next(reader)]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise Unprocessable("import_missing_columns", columns=", ".join(missing))
    rows: list[ImportRow] = []
    for number, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        values = {columns[i]: f.strip() for i, f in enumerate(fields) if i < len(columns)}
        rows.append(ImportRow(number, values))
        if len(rows) > IMPORT_MAX_ROWS:
            raise Unprocessable("import_too_large", max_rows=IMPORT_MAX_ROWS)
    if not rows:
        raise Unprocessable("import_empty")
    return rows


# --- personal data ---------------------------------------------------------------------------


def purge_personal_data(db: Database, now: datetime) -> int:
    """Erase name and contact of appointments older than their site's retention period."""
    erased = 0
    with db.write() as session:
        for site in session.exec(select(Site)):
            days = site.rules.personal_data_retention_days
            result = session.execute(
                sa.update(Appointment)
                .where(
                    col(Appointment.site_id) == site.id,
                    col(Appointment.start_at) < now - timedelta(days=days),
                    sa.or_(
                        col(Appointment.name).is_not(None), col(Appointment.contact).is_not(None)
                    ),
                )
                .values(name=None, contact=None)
            )
            erased += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return erased
