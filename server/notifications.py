"""What the visitor is told, in their language, and when: written into the outbox.

- booking confirmed, moved, cancelled: e-mail (with the QR code and an .ics file) and/or
  SMS, in the transaction of the change (server/public_booking.py);
- a reminder the day before (24 h ahead), queued by the sender's round (`queue_reminders`),
  the appointment marked reminded in the same transaction;
- for a waiting ticket whose visitor opted in on `/t/{id}` (a `TicketWatch`): "N people
  ahead of you" once, when N (the office's `rules.notify_ahead`) or fewer are ahead, and
  "please go to counter 5" when called — from the queue's own transactions
  (`WatchObserver`, called by server/ticketing.py after every ticket change).

No text here names the visitor; the messages carry the number, the service, the time,
the booking code and the manage link.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date
from sqlmodel import Session, col, select

from kolejka.core.appointments import AppointmentStatus
from kolejka.core.states import TicketStatus
from kolejka.i18n import normalize_language, translator
from server import outbox
from server import repository as repo
from server.booking_codes import format_short_code, make_token
from server.catalog import SiteLike
from server.db import Database
from server.models import Appointment, Counter, Service, Site, Ticket, TicketWatch, UTCDateTime
from server.prepared import Prepared

REMINDER_AHEAD = timedelta(hours=24)
REMINDER_LAST = timedelta(hours=1)  # closer than this, a reminder is no use


class BookingFacts(Protocol):
    """What the messages say of a booking: an `Appointment` row, or the values of one just
    inserted (server/public_booking.py writes a new booking with one Core statement)."""

    @property
    def id(self) -> int | None: ...
    @property
    def site_id(self) -> int: ...
    @property
    def ref(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def start_at(self) -> datetime: ...
    @property
    def end_at(self) -> datetime: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def language(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...


def when_text(moment: datetime, language: str) -> str:
    """'wtorek, 1 grudnia 2026, 10:30' in the visitor's language."""
    return f"{day_text(moment.date(), language)}, {moment:%H:%M}"


@lru_cache(maxsize=2048)
def day_text(day: date, language: str) -> str:
    return format_date(day, format="full", locale=language)


def ics_text(
    appt: BookingFacts, service_name: str, site_name: str, address: str | None, code: str
) -> str:
    """An iCalendar (RFC 5545) entry for the appointment."""

    def stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    def escape(text: str) -> str:
        return (
            text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        )

    location = site_name + (f", {address}" if address else "")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kolejka//booking//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{appt.ref}@kolejka",
        f"DTSTAMP:{stamp(appt.created_at)}",
        f"DTSTART:{stamp(appt.start_at)}",
        f"DTEND:{stamp(appt.end_at)}",
        f"SUMMARY:{escape(service_name)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(code)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def service_name(service: Service, language: str) -> str:
    return service.names.get(language) or service.names.get("pl") or service.code


BOOKING_KINDS = ("booking_confirmed", "booking_moved", "booking_cancelled", "reminder")


def booking_texts(
    kind: str,
    *,
    language: str,
    site_name: str,
    service: str,
    when: str,
    code: str,
    checkin: str,
    manage_url: str | None,
) -> tuple[str, str, str]:
    """(subject, e-mail text, SMS text) for a booking message."""
    _ = translator(language).gettext
    if kind == "booking_cancelled":
        subject = _("Appointment cancelled: {service}").format(service=service)
        body = _(
            "Your appointment on {when} ({service}, {site}) has been cancelled. "
            "The booking code {code} is no longer valid."
        ).format(when=when, service=service, site=site_name, code=code)
        return subject, body + "\n", body
    if kind == "reminder":
        subject = _("Reminder: your appointment tomorrow, {when}").format(when=when)
        lead = _("This is a reminder of your appointment tomorrow.")
    elif kind == "booking_moved":
        subject = _("Appointment moved: {service}, {when}").format(service=service, when=when)
        lead = _("Your appointment has been moved. The booking code stays the same.")
    else:
        subject = _("Appointment confirmed: {service}, {when}").format(service=service, when=when)
        lead = _("Your appointment is booked.")
    lines = [
        lead,
        "",
        f"{_('Service')}: {service}",
        f"{_('Date and time')}: {when}",
        f"{_('Office')}: {site_name}",
        f"{_('Booking code')}: {code}",
        "",
        checkin,
    ]
    if manage_url:
        lines += ["", _("To cancel or move the appointment, open:"), manage_url]
    else:
        lines += ["", _("To cancel or move it, use the link in your confirmation.")]
    sms = _("{site}: {service}, {when}. Booking code {code}.").format(
        site=site_name, service=service, when=when, code=code
    )
    if manage_url and kind != "reminder":
        sms += " " + manage_url
    return subject, "\n".join(lines) + "\n", sms


def booking_messages(
    site: SiteLike,
    appt: BookingFacts,
    service: Service,
    kind: str,
    *,
    secret: str,
    now: datetime,
    manage_url: str | None = None,
    checkin_from: datetime | None = None,
    checkin_until: datetime | None = None,
) -> list[dict[str, Any]]:
    """The outbox rows of `kind` for the booking's e-mail and phone (none without them)."""
    if not (appt.email or appt.phone):
        return []
    language = normalize_language(appt.language)
    zone = ZoneInfo(site.timezone)
    local = appt.start_at.astimezone(zone)
    when = when_text(local, language)
    code = format_short_code(appt.code)
    name = service_name(service, language)
    _ = translator(language).gettext
    checkin = ""
    if checkin_from is not None and checkin_until is not None:
        checkin = _(
            "Check in at the kiosk in the hall between {start} and {end}: "
            "scan the QR code or type the booking code."
        ).format(
            start=f"{checkin_from.astimezone(zone):%H:%M}",
            end=f"{checkin_until.astimezone(zone):%H:%M}",
        )
    subject, body, sms = booking_texts(
        kind,
        language=language,
        site_name=site.name,
        service=name,
        when=when,
        code=code,
        checkin=checkin,
        manage_url=manage_url,
    )
    attachments: dict[str, Any] | None = None
    if kind != "booking_cancelled":
        attachments = {"ics": ics_text(appt, name, site.name, site.address, code)}
        if kind != "reminder":  # the reminder names the code; drawing 3,000 QR codes at
            attachments["qr"] = make_token(secret, appt.ref)  # once cost seconds of CPU
    ref = f"appointment:{appt.id}"
    rows = []
    if appt.email:
        rows.append(
            outbox.message_row(
                site_id=appt.site_id,
                kind=kind,
                channel="email",
                recipient=appt.email,
                language=language,
                subject=subject,
                body=body,
                attachments=attachments,
                ref=ref,
                now=now,
            )
        )
    if appt.phone:
        rows.append(
            outbox.message_row(
                site_id=appt.site_id,
                kind=kind,
                channel="sms",
                recipient=appt.phone,
                language=language,
                body=sms,
                ref=ref,
                now=now,
            )
        )
    return rows


def notify_booking(
    session: Session,
    site: SiteLike,
    appt: BookingFacts,
    service: Service,
    kind: str,
    *,
    secret: str,
    now: datetime,
    manage_url: str | None = None,
    checkin_from: datetime | None = None,
    checkin_until: datetime | None = None,
) -> int:
    """Queue `kind` for the booking's e-mail and phone; the number of messages queued."""
    rows = booking_messages(
        site,
        appt,
        service,
        kind,
        secret=secret,
        now=now,
        manage_url=manage_url,
        checkin_from=checkin_from,
        checkin_until=checkin_until,
    )
    outbox.enqueue_rows(session, rows)
    return len(rows)


_APPOINTMENTS = Appointment.__table__  # type: ignore[attr-defined]
_MARK_REMINDED = (
    sa.update(_APPOINTMENTS)
    .where(
        _APPOINTMENTS.c.id == sa.bindparam("appointment_id"),
        _APPOINTMENTS.c.start_at == sa.bindparam("start", type_=UTCDateTime()),
        _APPOINTMENTS.c.status == AppointmentStatus.BOOKED.value,
        _APPOINTMENTS.c.reminded_at.is_(None),
    )
    .values(reminded_at=sa.bindparam("now", type_=UTCDateTime()))
    .returning(_APPOINTMENTS.c.id)
)


def queue_reminders(db: Database, now: datetime, limit: int = 5000) -> int:
    """Queue the reminder of every booking that starts within a day and has none yet.

    The texts are made from a read, outside any write transaction; the write then marks
    each booking reminded — only if it is still booked, unmoved and not reminded by
    another sender meanwhile — and inserts the messages of those it marked. On SQLite
    that write is what every request's write waits for, so it holds nothing else."""
    from server.appointments import checkin_window

    with db.read() as session:
        rows = list(
            session.exec(
                select(Appointment)
                .where(
                    Appointment.status == AppointmentStatus.BOOKED.value,
                    col(Appointment.reminded_at).is_(None),
                    col(Appointment.start_at) > now + REMINDER_LAST,
                    col(Appointment.start_at) <= now + REMINDER_AHEAD,
                    sa.or_(
                        col(Appointment.email).is_not(None), col(Appointment.phone).is_not(None)
                    ),
                )
                .order_by(col(Appointment.start_at))
                .limit(limit)
            )
        )
        sites: dict[int, Site] = {}
        services: dict[int, Service] = {}
        messages: dict[int, tuple[datetime, list[dict[str, Any]]]] = {}
        for appt in rows:
            site = sites.get(appt.site_id) or session.get(Site, appt.site_id)
            service = services.get(appt.service_id) or session.get(Service, appt.service_id)
            if site is None or service is None or appt.id is None:
                continue
            sites[appt.site_id], services[appt.service_id] = site, service
            opens, closes = checkin_window(site).around(appt.start_at)
            found = booking_messages(
                site,
                appt,
                service,
                "reminder",
                secret="",
                now=now,
                checkin_from=opens,
                checkin_until=closes,
            )
            if found:
                messages[appt.id] = (appt.start_at, found)
    if not messages:
        return 0
    queued: list[dict[str, Any]] = []
    with db.write() as session:
        conn = session.connection()
        for appointment_id, (start, found) in messages.items():
            marked = conn.execute(
                _MARK_REMINDED, {"appointment_id": appointment_id, "start": start, "now": now}
            ).first()
            if marked is not None:
                queued += found
        outbox.enqueue_rows(session, queued)
    return len(queued)


# --- the live ticket: "N people ahead", "please go to counter 5" ----------------------------


def ahead_texts(language: str, number: str, ahead: int) -> tuple[str, str]:
    t = translator(language)
    text = t.ngettext(
        "Ticket {number}: {n} person ahead of you. Please come to the hall.",
        "Ticket {number}: {n} people ahead of you. Please come to the hall.",
        ahead,
    ).format(number=number, n=ahead)
    return t.gettext("Your turn is near"), text


def called_texts(language: str, number: str, counter: int) -> tuple[str, str]:
    t = translator(language)
    text = t.gettext("Ticket {number}: please go to counter {counter}.").format(
        number=number, counter=counter
    )
    return t.gettext("It's your turn!"), text


def _send_watch(
    session: Session, watch: TicketWatch, kind: str, subject: str, text: str, now: datetime
) -> None:
    ref = f"ticket:{watch.ticket_id}"
    if watch.email:
        outbox.enqueue(
            session,
            site_id=watch.site_id,
            kind=kind,
            channel="email",
            recipient=watch.email,
            language=watch.language,
            subject=subject,
            body=text + "\n",
            ref=ref,
            now=now,
        )
    if watch.phone:
        outbox.enqueue(
            session,
            site_id=watch.site_id,
            kind=kind,
            channel="sms",
            recipient=watch.phone,
            language=watch.language,
            body=text,
            ref=ref,
            now=now,
        )


# Whether anybody watches the service: run on the driver's cursor, as it runs after every
# call and every no-show (through the ORM it was a tenth of a call's CPU, to find nobody).
_ANY_WATCH = Prepared(
    sa.select(sa.literal_column("1"))
    .select_from(TicketWatch)
    .where(
        col(TicketWatch.service_id) == sa.bindparam("service_id"),
        col(TicketWatch.called_sent) == sa.false(),
    )
    .limit(1)
)


class WatchObserver:
    """Called after every ticket change in the change's transaction; costs one indexed
    read of the service's watches when nobody watches."""

    def __call__(
        self, session: Session, site: SiteLike, ticket: Ticket, event: str, now: datetime
    ) -> None:
        if _ANY_WATCH.first(session.connection(), {"service_id": ticket.service_id}) is None:
            return
        watches = list(
            session.exec(
                select(TicketWatch).where(
                    TicketWatch.service_id == ticket.service_id,
                    TicketWatch.called_sent == False,  # noqa: E712
                )
            )
        )
        if not watches:
            return
        for watch in watches:
            if watch.ticket_id == ticket.id and event in ("ticket.called", "ticket.recalled"):
                counter = session.get(Counter, ticket.counter_id) if ticket.counter_id else None
                if counter is not None:
                    subject, text = called_texts(watch.language, ticket.number, counter.number)
                    _send_watch(session, watch, "called", subject, text, now)
                    watch.called_sent = True
                    session.add(watch)
                continue
            if watch.ahead_sent:
                continue
            other = session.get(Ticket, watch.ticket_id)
            if other is None or other.status != TicketStatus.WAITING.value:
                continue
            ahead = repo.ahead_count(session.connection(), other, now)
            if ahead <= watch.ahead:
                subject, text = ahead_texts(watch.language, other.number, ahead)
                _send_watch(session, watch, "ahead", subject, text, now)
                watch.ahead_sent = True
                session.add(watch)
