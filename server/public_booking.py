"""Online booking by visitors themselves: what `/book/{site}` offers, books, moves, cancels.

The same appointments as the portal's (server/booking.py), the same slot rules
(kolejka.core.appointments) and, on top, the office's online rules per service
(kolejka.core.booking, `online_booking` in the site file): the horizon, the closing time
before a slot, the online share of a day's capacity, and the limits against bots and
resellers. Every check runs while the service row is locked, before anything is written,
so concurrent bookers never overfill a slot and a refusal leaves nothing behind.

The visitor's private manage link carries a random secret; only its hash is stored. The
e-mail, phone, the office's extra fields and the keyed hashes of contact, network
address and document number are personal data: erased by server/personal_data.py after
the retention period, never on a ticket, a display, an event or a log line.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session, col, select

from kolejka.core.appointments import AppointmentStatus, cancelled, slot_count, slot_starts
from kolejka.core.booking import (
    BookingRefusal,
    Limits,
    OnlinePolicy,
    Tally,
    online_quota,
    tally_refusal,
    time_refusal,
)
from kolejka.core.documents import normalize_document
from kolejka.core.errors import Conflict, NotFound
from kolejka.core.events import EventType
from kolejka.i18n import normalize_language
from kolejka.schemas import AppointmentEventPayload, BookedSlot, SuspiciousBooker, SuspiciousBookers
from server import repository as repo
from server.actors import PUBLIC, Actor, require_site, require_supervisor
from server.appointments import (
    Confirmation,
    Unprocessable,
    check_slot,
    checkin_window,
    service_row,
    slot_offer,
    unused_value,
)
from server.booking_codes import (
    format_short_code,
    make_token,
    manage_hash,
    manage_secret,
    new_ref,
    new_short_code,
    person_key,
)
from server.catalog import SiteLike
from server.clock import Clock
from server.db import Database
from server.eventlog import append_event
from server.models import Appointment, Service, Site, UTCDateTime
from server.notifications import ics_text, notify_booking, service_name
from server.prepared import Prepared
from server.siteconfig import OnlineBookingConfig, online_booking_from_json
from server.transactions import Transaction, Write, WriteRunner

NAME_TTL_S = 30.0  # a renamed office: the "time is gone" page shows the old name this long
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_PHONE_NOISE = re.compile(r"[\s\-().]+")


def normalize_email(text: str) -> str:
    email = text.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise Unprocessable("booking_invalid_email")
    return email.lower()


def normalize_phone(text: str) -> str:
    """'+48 600 100 200', '600100200', '0048600100200' → '+48600100200'."""
    phone = _PHONE_NOISE.sub("", text.strip())
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if re.fullmatch(r"\d{9}", phone):
        phone = "+48" + phone  # a Polish number written without its country code
    if not re.fullmatch(r"\+\d{8,15}", phone):
        raise Unprocessable("booking_invalid_phone")
    return phone


@dataclass(frozen=True, slots=True)
class BookingForm:
    """What the visitor sent (text as typed; checked by `checked_form`)."""

    service: str
    start: datetime
    language: str
    email: str = ""
    phone: str = ""
    document: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    consent: bool = False
    nonce: str = ""


@dataclass(frozen=True, slots=True)
class CheckedForm:
    email: str | None
    phone: str | None
    document: str | None
    fields: dict[str, str]


def checked_form(form: BookingForm, rules: OnlineBookingConfig) -> CheckedForm:
    """The form against the office's rules for the service; Unprocessable names the
    first thing to mend."""
    email = normalize_email(form.email) if form.email.strip() else None
    phone = normalize_phone(form.phone) if form.phone.strip() else None
    need = rules.contact
    if need in ("email", "both") and email is None:
        raise Unprocessable("booking_email_required")
    if need in ("phone", "both") and phone is None:
        raise Unprocessable("booking_phone_required")
    if need == "either" and email is None and phone is None:
        raise Unprocessable("booking_contact_required")
    fields: dict[str, str] = {}
    for spec in rules.fields:
        value = (form.fields.get(spec.key) or "").strip()
        label = spec.labels.get(form.language) or spec.labels["pl"]
        if not value:
            if spec.required:
                raise Unprocessable("booking_field_required", field=label)
            continue
        if len(value) > spec.max_length or (
            spec.pattern is not None and not re.fullmatch(spec.pattern, value)
        ):
            raise Unprocessable("booking_field_invalid", field=label)
        fields[spec.key] = value
    document = None
    if rules.document_check:
        document = normalize_document(form.document)
        if not 4 <= len(document) <= 30 or not document.isalnum():
            raise Unprocessable("booking_document_required")
    if not form.consent:
        raise Unprocessable("booking_consent_required")
    return CheckedForm(email, phone, document, fields)


# --- what the pages show --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OnlineService:
    code: str
    name: str
    minutes: int
    rules: OnlineBookingConfig


@dataclass(frozen=True, slots=True)
class SlotChoice:
    start: datetime  # site time
    free: bool


@dataclass(frozen=True, slots=True)
class DayChoice:
    day: date
    free: int  # free slots that day (0: full or closed)
    open: bool  # the service has slots that day at all


@dataclass(frozen=True, slots=True)
class ManageView:
    id: int
    site_code: str
    site_name: str
    address: str | None
    service: str
    service_name: str
    start: datetime  # site time
    end: datetime
    status: str
    language: str
    code: str
    token: str
    checkin_from: datetime
    checkin_until: datetime
    changeable: bool  # still before the online closing time
    bring_text: str | None


@dataclass(frozen=True, slots=True)
class NewBooking:
    """A booking just inserted, as the event and the messages need it (no ORM object)."""

    id: int
    site_id: int
    ref: str
    code: str
    start_at: datetime
    end_at: datetime
    status: str
    created_at: datetime
    language: str
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class Booked:
    appointment_id: int
    secret: str  # the manage link's secret: shown once, in the link


def policy_of(rules: OnlineBookingConfig) -> OnlinePolicy:
    return OnlinePolicy(
        enabled=rules.enabled,
        days_ahead=rules.days_ahead,
        until_hours_before=rules.until_hours_before,
        online_share=rules.online_share,
    )


def public_actor(site_id: int) -> Actor:
    """Who writes an online booking: nobody signed in, the public pages."""
    return Actor(PUBLIC, site_id, 0, "online booking")


def _day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    begin = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return begin, end


_LIVE = col(Appointment.status) != AppointmentStatus.CANCELLED.value


def _tally_statement() -> Any:
    """The counts of `_check_tally`, by bound parameters (a key that is NULL matches
    nothing): same person that day, upcoming by contact, from the address in a day,
    online that day, in the slot; and whether the form's nonce was used already and the
    drawn short code is taken (one statement less while the service is locked)."""
    t = Appointment.__table__  # type: ignore[attr-defined]
    p = sa.bindparam
    live = t.c.status != AppointmentStatus.CANCELLED.value
    that_day = sa.and_(  # the site first: ix_appointment_slot's order
        t.c.site_id == p("site_id"),
        t.c.service_id == p("service_id"),
        t.c.start_at >= p("begin", type_=UTCDateTime()),
        t.c.start_at < p("end", type_=UTCDateTime()),
    )
    person = sa.or_(
        t.c.email_key == p("email_key"),
        t.c.phone_key == p("phone_key"),
        t.c.document_hash == p("document_hash"),
    )
    contact = sa.or_(t.c.email_key == p("email_key"), t.c.phone_key == p("phone_key"))
    upcoming = sa.and_(
        t.c.online.is_(True),
        t.c.status == AppointmentStatus.BOOKED.value,
        t.c.start_at > p("now", type_=UTCDateTime()),
        contact,
    )
    by_address = sa.and_(
        t.c.address_key == p("address_key"),
        t.c.created_at > p("day_ago", type_=UTCDateTime()),
    )

    def total(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    nonce = t.c.form_nonce == p("nonce")
    code = t.c.code == p("code")
    return sa.select(
        total(nonce),
        total(code),
        total(sa.and_(that_day, live, person)),
        total(upcoming),
        total(by_address),
        total(sa.and_(that_day, live, t.c.online.is_(True))),
        total(
            sa.and_(
                t.c.site_id == p("site_id"),
                t.c.service_id == p("service_id"),
                live,
                t.c.start_at == p("start", type_=UTCDateTime()),
            )
        ),
    ).where(t.c.id != p("exclude"), sa.or_(that_day, person, by_address, nonce, code))


# Both run on the driver's cursor (server/prepared.py), while the service row is locked.
_TALLY = Prepared(_tally_statement())
_BOOKING_KEYS = (
    *("site_id", "service_id", "ref", "code", "start_at", "end_at", "status", "language"),
    *("created_at", "created_by", "online", "email", "phone", "fields", "address_key"),
    *("manage_hash", "form_nonce", "email_key", "phone_key", "document_hash"),
)
_INSERT_APPOINTMENT = Prepared(
    sa.insert(Appointment.__table__).returning(  # type: ignore[attr-defined]
        Appointment.__table__.c.id  # type: ignore[attr-defined]
    ),
    _BOOKING_KEYS,
)


_SERVICES = Service.__table__  # type: ignore[attr-defined]
_SERVICE_ROW = sa.select(_SERVICES).where(
    _SERVICES.c.site_id == sa.bindparam("site_id"), _SERVICES.c.code == sa.bindparam("code")
)
# Locked on PostgreSQL; SQLite has no FOR UPDATE (its writer holds the whole database).
_SERVICE_ROW_LOCKED = Prepared(_SERVICE_ROW.with_for_update())


@lru_cache(maxsize=256)
def _rules_of_text(text: str) -> OnlineBookingConfig:
    return online_booking_from_json(json.loads(text))


def _rules_of(data: dict[str, Any] | None) -> OnlineBookingConfig:
    """The office's online rules, validated once per distinct value (pydantic's
    validation was a tenth of a booking's write)."""
    return _rules_of_text(json.dumps(data or {}, sort_keys=True))


def _bookable_rules(service: Any, code: str) -> OnlineBookingConfig:
    """The service's online rules; refused as unknown when it is not bookable online."""
    rules = _rules_of(service.online_booking)
    if not _offered(service, rules):
        raise NotFound("service_not_found", service=code)
    return rules


def _offered(service: Any, rules: OnlineBookingConfig) -> bool:
    return bool(rules.enabled and service.enabled and service.slot_capacity > 0)


@dataclass(frozen=True, slots=True)
class _Counts:
    replayed: bool  # the form's nonce is on a booking already
    code_taken: bool  # the short code drawn for this booking is someone else's
    same_day: int
    by_contact: int
    from_address: int
    online: int
    in_slot: int


class PublicBooking:
    def __init__(
        self,
        writes: WriteRunner,
        db: Database,
        clock: Clock,
        secret: str,
    ) -> None:
        self.writes = writes
        self.db = db
        self.clock = clock
        self.secret = secret
        self._site_ids: dict[str, int] = {}
        self._headings: dict[str, tuple[float, str, str]] = {}

    # --- reads ------------------------------------------------------------------------

    def site(self, site_code: str) -> Site:
        with self.db.read() as session:
            return repo.site_by_code(session, site_code)

    def _actor(self, site_code: str) -> Actor:
        """The public actor of the site (its id looked up once: a site's id never changes)."""
        site_id = self._site_ids.get(site_code)
        if site_id is None:
            site_id = self._site_ids[site_code] = self.site(site_code).id  # type: ignore[assignment]
        return public_actor(site_id)  # type: ignore[arg-type]

    def _heading(self, site_code: str) -> tuple[str, str]:
        """(name, time zone) of the site, read at most every NAME_TTL_S: for the page that
        tells a booker the time is gone, which must not wait for the database."""
        now = monotonic()
        found = self._headings.get(site_code)
        if found is None or now - found[0] > NAME_TTL_S:
            site = self.site(site_code)
            found = self._headings[site_code] = (now, site.name, site.timezone)
        return found[1], found[2]

    def site_name(self, site_code: str) -> str:
        try:
            return self._heading(site_code)[0]
        except NotFound:
            return "Kolejka"

    def site_timezone(self, site_code: str) -> str:
        return self._heading(site_code)[1]

    def services(self, site_code: str, language: str) -> tuple[Site, list[OnlineService]]:
        """The services the office offers online, in the office's order."""
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            out = []
            for service in repo.services_of(session, site):
                rules = _rules_of(service.online_booking)
                if _offered(service, rules):
                    out.append(
                        OnlineService(
                            service.code,
                            service_name(service, language),
                            service.slot_minutes,
                            rules,
                        )
                    )
            return site, out

    def service(self, site_code: str, code: str, language: str) -> tuple[Site, OnlineService]:
        site, offered = self.services(site_code, language)
        for item in offered:
            if item.code == code:
                return site, item
        raise NotFound("service_not_found", service=code)

    def days(self, site_code: str, code: str) -> list[DayChoice]:
        """Every day from today to the horizon with its number of free slots."""
        now = self.clock.now()
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            service, rules = self._online_service(session, site, code)
            zone = ZoneInfo(site.timezone)
            today = now.astimezone(zone).date()
            last = policy_of(rules).last_day(today)
            begin, _ = _day_bounds(today, zone)
            _, end = _day_bounds(last, zone)
            booked = self._booked_by_start(session, service, begin, end)
            online = self._online_by_day(session, service, begin, end, zone)
            out = []
            day = today
            while day <= last:
                slots = self._slot_choices(site, service, rules, day, now, booked, online)
                out.append(DayChoice(day, sum(1 for s in slots if s.free), bool(slots)))
                day += timedelta(days=1)
            return out

    def slots(self, site_code: str, code: str, day: date) -> list[SlotChoice]:
        now = self.clock.now()
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            service, rules = self._online_service(session, site, code)
            zone = ZoneInfo(site.timezone)
            begin, end = _day_bounds(day, zone)
            booked = self._booked_by_start(session, service, begin, end)
            online = self._online_by_day(session, service, begin, end, zone)
            return self._slot_choices(site, service, rules, day, now, booked, online)

    def _slot_choices(
        self,
        site: SiteLike,
        service: Service,
        rules: OnlineBookingConfig,
        day: date,
        now: datetime,
        booked: dict[datetime, int],
        online: dict[date, int],
    ) -> list[SlotChoice]:
        zone = ZoneInfo(site.timezone)
        offer = slot_offer(service)
        starts = slot_starts(offer.hours, offer.minutes, day, zone) if offer.offered else []
        quota = online_quota(len(starts) * service.slot_capacity, rules.online_share)
        day_full = online.get(day, 0) >= quota
        policy = policy_of(rules)
        today = now.astimezone(zone).date()
        out = []
        for start in starts:
            utc = start.astimezone(UTC)
            if now > policy.closes_at(utc):
                continue  # gone by, or too close to book online: not shown at all
            free = (
                not day_full
                and booked.get(utc, 0) < service.slot_capacity
                and time_refusal(policy, utc, now, day, today) is None
            )
            out.append(SlotChoice(start, free))
        return out

    def check_offered(self, site_code: str, code: str, start: datetime) -> None:
        """Refuse a start that is no slot of the service (the form is not even shown)."""
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            service, _ = self._online_service(session, site, code)
            check_slot(service, site, start.astimezone(UTC), self.clock.now())

    @staticmethod
    def _booked_by_start(
        session: Session, service: Service, begin: datetime, end: datetime
    ) -> dict[datetime, int]:
        rows = session.execute(
            sa.select(col(Appointment.start_at), sa.func.count())
            .where(
                col(Appointment.service_id) == service.id,
                _LIVE,
                col(Appointment.start_at) >= begin,
                col(Appointment.start_at) < end,
            )
            .group_by(col(Appointment.start_at))
        )
        return {start: int(n) for start, n in rows}

    @staticmethod
    def _online_by_day(
        session: Session,
        service: Service,
        begin: datetime,
        end: datetime,
        zone: ZoneInfo,
        exclude: int | None = None,
    ) -> dict[date, int]:
        query = sa.select(col(Appointment.start_at)).where(
            col(Appointment.service_id) == service.id,
            _LIVE,
            col(Appointment.online).is_(True),
            col(Appointment.start_at) >= begin,
            col(Appointment.start_at) < end,
        )
        if exclude is not None:
            query = query.where(col(Appointment.id) != exclude)
        out: dict[date, int] = {}
        for (start,) in session.execute(query):
            day = start.astimezone(zone).date()
            out[day] = out.get(day, 0) + 1
        return out

    @staticmethod
    def _online_service(
        session: Session, site: SiteLike, code: str, lock: bool = False
    ) -> tuple[Service, OnlineBookingConfig]:
        service = service_row(session, site, code, lock=lock)
        return service, _bookable_rules(service, code)

    @staticmethod
    def _service_for_booking(
        session: Session, site: SiteLike, code: str
    ) -> tuple[Service, OnlineBookingConfig]:
        """The service row (locked on PostgreSQL) as one prebuilt Core statement, not an
        ORM object: a booking only reads it, and the ORM's load was a third of the write.
        The row answers by attribute as the model does (code, hours, names, ...)."""
        row = _SERVICE_ROW_LOCKED.row(session.connection(), {"site_id": site.id, "code": code})
        if row is None:
            raise NotFound("service_not_found", service=code)
        return row, _bookable_rules(row, code)  # type: ignore[return-value]

    # --- booking ------------------------------------------------------------------------

    def book(self, site_code: str, form: BookingForm, address: str, base_url: str) -> Booked:
        """Book one slot for a visitor; refusals are DomainErrors and change nothing."""
        write = Write(site_code, self._actor(site_code))
        return self.writes.run(write, _BookedModel, self._book, form, address, base_url).value

    def _book(
        self, tx: Transaction, form: BookingForm, address: str, base_url: str
    ) -> _BookedModel:
        session, site, now = tx.session, tx.site, tx.now
        service, rules = self._service_for_booking(session, site, form.service)
        checked = checked_form(form, rules)
        nonce = hashlib.sha256(f"kolejka/form/{form.nonce}".encode()).hexdigest()
        code = new_short_code(self.secret)
        if not form.nonce:
            raise Conflict("booking_replayed")
        start = form.start.astimezone(UTC)
        keys = {
            "email_key": person_key(self.secret, "email", checked.email) if checked.email else None,
            "phone_key": person_key(self.secret, "phone", checked.phone) if checked.phone else None,
            "document_hash": (
                person_key(self.secret, "document", checked.document) if checked.document else None
            ),
        }
        address_key = person_key(self.secret, "address", address)
        counts = self._counts(
            session, site, service, start, now, keys, address_key, None, nonce, code
        )
        if counts.replayed:
            raise Conflict("booking_replayed")
        if counts.code_taken:  # a code drawn twice (one in 2^30): draw again, the slow way
            code = unused_value(session, Appointment.code, lambda: new_short_code(self.secret))
        check_slot(service, site, start, now)
        zone = ZoneInfo(site.timezone)
        day = start.astimezone(zone).date()
        self._check_time(rules, start, now, day, zone)
        self._check_tally(site, service, rules, start, counts)
        secret = manage_secret()
        # One Core statement, not an ORM object and its flush: this runs while the service
        # row is locked (and, on SQLite, while every other write waits).
        ref = new_ref()  # 80 random bits, unique by its index: no look-up
        end = start + timedelta(minutes=service.slot_minutes)
        language = normalize_language(form.language)
        values = {
            "site_id": site.id,
            "service_id": service.id,
            "ref": ref,
            "code": code,
            "start_at": start,
            "end_at": end,
            "status": AppointmentStatus.BOOKED,
            "language": language,
            "created_at": now,
            "created_by": tx.actor.key,
            "online": True,
            "email": checked.email,
            "phone": checked.phone,
            "fields": checked.fields or None,
            "address_key": address_key,
            "manage_hash": manage_hash(secret),
            "form_nonce": nonce,
            **keys,
        }
        inserted = _INSERT_APPOINTMENT.first(session.connection(), values)
        assert inserted is not None  # RETURNING answers the row it inserted
        new_id = int(inserted[0])
        appt = NewBooking(
            id=new_id,
            site_id=site.id,
            ref=ref,
            code=code,
            start_at=start,
            end_at=end,
            status=AppointmentStatus.BOOKED.value,
            created_at=now,
            language=language,
            email=checked.email,
            phone=checked.phone,
        )
        self._log(tx, EventType.APPOINTMENT_BOOKED, appt, service)
        self._notify(
            tx, appt, service, "booking_confirmed", manage_url(base_url, site.code, secret)
        )
        return _BookedModel(value=Booked(new_id, secret))

    def _check_time(
        self, rules: OnlineBookingConfig, start: datetime, now: datetime, day: date, zone: ZoneInfo
    ) -> None:
        refusal = time_refusal(policy_of(rules), start, now, day, now.astimezone(zone).date())
        if refusal is BookingRefusal.BEYOND_HORIZON:
            raise Conflict(refusal.value, days=rules.days_ahead)
        if refusal is BookingRefusal.TOO_LATE:
            raise Conflict(refusal.value, hours=rules.until_hours_before)
        if refusal is not None:
            raise Conflict(refusal.value)

    @staticmethod
    def _counts(
        session: Session,
        site: SiteLike,
        service: Service,
        start: datetime,
        now: datetime,
        keys: dict[str, str | None],
        address_key: str | None,
        exclude: int | None,
        nonce: str | None,
        code: str | None,
    ) -> _Counts:
        """Every count the limits and the slot need, in one prebuilt statement (this runs
        while the service row is locked: each statement less, and each statement not
        built again, is a wait less for the others)."""
        zone = ZoneInfo(site.timezone)
        begin, end = _day_bounds(start.astimezone(zone).date(), zone)
        params = {
            "site_id": site.id,
            "service_id": service.id,
            "begin": begin,
            "end": end,
            "start": start,
            "now": now,
            "day_ago": now - timedelta(days=1),
            "exclude": exclude if exclude is not None else -1,
            "address_key": address_key,
            "nonce": nonce,
            "code": code,
            **keys,
        }
        row = _TALLY.first(session.connection(), params)
        assert row is not None  # an aggregate answers one row
        replayed, taken, same_day, by_contact, from_address, online, in_slot = (int(n) for n in row)
        if exclude is not None:
            by_contact = 0  # a move keeps the booking: it holds no more than before
        return _Counts(replayed > 0, taken > 0, same_day, by_contact, from_address, online, in_slot)

    def _check_tally(
        self,
        site: SiteLike,
        service: Service,
        rules: OnlineBookingConfig,
        start: datetime,
        counts: _Counts,
    ) -> None:
        """The limits and the slot against the counts taken while the service is locked."""
        zone = ZoneInfo(site.timezone)
        day = start.astimezone(zone).date()
        offer = slot_offer(service)
        slots = slot_count(offer.hours, offer.minutes, day) if offer.offered else 0
        tally = Tally(
            same_person_same_day=counts.same_day,
            by_contact=counts.by_contact,
            by_address_today=counts.from_address,
            online_that_day=counts.online,
            day_quota=online_quota(slots * service.slot_capacity, rules.online_share),
        )
        limits = Limits(
            per_address_per_day=site.rules.bookings_per_address_per_day,
            per_contact=site.rules.bookings_per_contact,
        )
        refusal = tally_refusal(tally, limits)
        if refusal is BookingRefusal.CONTACT_LIMIT:
            raise Conflict(refusal.value, limit=limits.per_contact)
        if refusal is not None:
            raise Conflict(refusal.value)
        if counts.in_slot >= service.slot_capacity:
            local = start.astimezone(zone)
            raise Conflict("slot_full", service=service.code, start=f"{local:%d.%m.%Y %H:%M}")

    @staticmethod
    def _exists(session: Session, where: Any) -> bool:
        return session.exec(select(Appointment.id).where(where)).first() is not None

    # --- the manage link -------------------------------------------------------------------

    def _by_secret(self, session: Session, site: SiteLike, secret: str, lock: bool) -> Appointment:
        query = select(Appointment).where(
            Appointment.manage_hash == manage_hash(secret), Appointment.site_id == site.id
        )
        appt = session.exec(repo.for_update(session, query) if lock else query).first()
        if appt is None:
            raise NotFound("manage_link_invalid")
        return appt

    def view(self, site_code: str, secret: str) -> ManageView:
        now = self.clock.now()
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            appt = self._by_secret(session, site, secret, lock=False)
            return self._view(session, site, appt, now)

    def _view(
        self, session: Session, site: SiteLike, appt: Appointment, now: datetime
    ) -> ManageView:
        service = session.get(Service, appt.service_id)
        assert service is not None
        zone = ZoneInfo(site.timezone)
        opens, closes = checkin_window(site).around(appt.start_at)
        rules = _rules_of(service.online_booking)
        language = normalize_language(appt.language)
        return ManageView(
            id=appt.id,  # type: ignore[arg-type]
            site_code=site.code,
            site_name=site.name,
            address=site.address,
            service=service.code,
            service_name=service_name(service, language),
            start=appt.start_at.astimezone(zone),
            end=appt.end_at.astimezone(zone),
            status=appt.status,
            language=language,
            code=format_short_code(appt.code),
            token=make_token(self.secret, appt.ref),
            checkin_from=opens.astimezone(zone),
            checkin_until=closes.astimezone(zone),
            changeable=appt.status == AppointmentStatus.BOOKED.value
            and now <= policy_of(rules).closes_at(appt.start_at),
            bring_text=service.bring_text.get(language) or service.bring_text.get("pl"),
        )

    def confirmation(self, site_code: str, secret: str) -> Confirmation:
        view = self.view(site_code, secret)
        if view.status == AppointmentStatus.CANCELLED.value:
            raise Conflict("appointment_cancelled")
        return Confirmation(
            language=view.language,
            site_name=view.site_name,
            address=view.address,
            service_name=view.service_name,
            bring_text=view.bring_text,
            start=view.start,
            end=view.end,
            checkin_from=view.checkin_from,
            checkin_until=view.checkin_until,
            code=view.code,
            token=view.token,
        )

    def ics(self, site_code: str, secret: str) -> str:
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            appt = self._by_secret(session, site, secret, lock=False)
            if appt.status == AppointmentStatus.CANCELLED.value:
                raise Conflict("appointment_cancelled")
            service = session.get(Service, appt.service_id)
            assert service is not None
            name = service_name(service, normalize_language(appt.language))
            return ics_text(appt, name, site.name, site.address, format_short_code(appt.code))

    def cancel(self, site_code: str, secret: str) -> None:
        write = Write(site_code, self._actor(site_code))
        self.writes.run(write, _Done, self._cancel, secret)

    def _cancel(self, tx: Transaction, secret: str) -> _Done:
        appt = self._by_secret(tx.session, tx.site, secret, lock=True)
        status = AppointmentStatus(appt.status)
        if status is AppointmentStatus.CANCELLED:
            return _Done()  # cancelling twice is not an error, and tells nobody twice
        if tx.now >= appt.start_at:
            raise Conflict("booking_too_late_to_change")
        appt.status = cancelled(status)
        appt.cancelled_at = tx.now
        tx.session.add(appt)
        tx.session.flush()
        service = tx.session.get(Service, appt.service_id)
        assert service is not None
        self._log(tx, EventType.APPOINTMENT_CANCELLED, appt, service)
        self._notify(tx, appt, service, "booking_cancelled", None)
        return _Done()

    def move(self, site_code: str, secret: str, start: datetime, base_url: str) -> None:
        write = Write(site_code, self._actor(site_code))
        self.writes.run(write, _Done, self._move, secret, start, base_url)

    def _move(self, tx: Transaction, secret: str, start: datetime, base_url: str) -> _Done:
        session, site, now = tx.session, tx.site, tx.now
        appt = self._by_secret(session, site, secret, lock=True)
        if appt.status != AppointmentStatus.BOOKED.value:
            raise Conflict(
                "appointment_cancelled"
                if appt.status == AppointmentStatus.CANCELLED.value
                else "appointment_used"
            )
        current = session.get(Service, appt.service_id)
        assert current is not None
        service, rules = self._online_service(session, site, current.code, lock=True)
        if now > policy_of(rules).closes_at(appt.start_at):
            raise Conflict("booking_too_late_to_change")
        start = start.astimezone(UTC)
        if start == appt.start_at:
            return _Done()
        check_slot(service, site, start, now)
        zone = ZoneInfo(site.timezone)
        day = start.astimezone(zone).date()
        self._check_time(rules, start, now, day, zone)
        keys = {
            "email_key": appt.email_key,
            "phone_key": appt.phone_key,
            "document_hash": appt.document_hash,
        }
        counts = self._counts(session, site, service, start, now, keys, None, appt.id, None, None)
        self._check_tally(site, service, rules, start, counts)
        appt.start_at = start
        appt.end_at = start + timedelta(minutes=service.slot_minutes)
        appt.reminded_at = None
        session.add(appt)
        session.flush()
        self._log(tx, EventType.APPOINTMENT_MOVED, appt, service)
        self._notify(tx, appt, service, "booking_moved", manage_url(base_url, site.code, secret))
        return _Done()

    # --- shared steps --------------------------------------------------------------------

    def _log(
        self, tx: Transaction, event: EventType, appt: Appointment | NewBooking, service: Service
    ) -> None:
        """The event says which booking and slot, never who booked it."""
        assert appt.id is not None
        slot = BookedSlot(
            id=appt.id,
            service=service.code,
            start=appt.start_at,
            end=appt.end_at,
            status=appt.status,
        )
        append_event(tx.session, tx.site, event, AppointmentEventPayload(appointment=slot), tx.now)

    def _notify(
        self,
        tx: Transaction,
        appt: Appointment | NewBooking,
        service: Service,
        kind: str,
        url: str | None,
    ) -> None:
        opens, closes = checkin_window(tx.site).around(appt.start_at)
        notify_booking(
            tx.session,
            tx.site,
            appt,
            service,
            kind,
            secret=self.secret,
            now=tx.now,
            manage_url=url,
            checkin_from=opens,
            checkin_until=closes,
        )


def manage_url(base_url: str, site_code: str, secret: str) -> str:
    return f"{base_url.rstrip('/')}/book/{site_code}/manage/{secret}"


def suspicious(
    db: Database, site_code: str, actor: Actor, now: datetime, days: int = 7
) -> SuspiciousBookers:
    """Network addresses and contacts with many online bookings in the last `days` days
    (the office's `rules.suspicious_after` or more), as keys: the admin compares, and
    sees the bookings, never an address or a number."""
    require_supervisor(actor, "list_suspicious_bookings")
    with db.read() as session:
        site = repo.site_by_code(session, site_code)
        require_site(actor, site.id)  # type: ignore[arg-type]
        threshold = site.rules.suspicious_after
        out: list[SuspiciousBooker] = []
        for kind, column in (
            ("address", Appointment.address_key),
            ("email", Appointment.email_key),
            ("phone", Appointment.phone_key),
        ):
            rows = session.execute(
                sa.select(
                    col(column),
                    sa.func.count(),
                    sa.func.sum(sa.case((_LIVE, 0), else_=1)),
                    sa.func.min(col(Appointment.created_at)),
                    sa.func.max(col(Appointment.created_at)),
                )
                .where(
                    col(Appointment.site_id) == site.id,
                    col(Appointment.online).is_(True),
                    col(column).is_not(None),
                    col(Appointment.created_at) > now - timedelta(days=days),
                )
                .group_by(col(column))
                .having(sa.func.count() >= threshold)
            )
            for key, n, dropped, first, last in rows:
                ids = session.exec(
                    select(Appointment.id).where(column == key).order_by(col(Appointment.id))
                ).all()
                out.append(
                    SuspiciousBooker(
                        kind=kind,
                        key=str(key)[:12],
                        bookings=int(n),
                        cancelled=int(dropped or 0),
                        first=_aware(first),
                        last=_aware(last),
                        appointments=[int(i) for i in ids if i is not None],
                    )
                )
        out.sort(key=lambda b: -b.bookings)
        return SuspiciousBookers(days=days, threshold=threshold, data=out, count=len(out))


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class _BookedModel(BaseModel):
    """The write runner answers with a model (it could keep it under an idempotency key)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    value: Booked


class _Done(BaseModel):
    pass
