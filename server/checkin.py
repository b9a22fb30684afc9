"""The kiosk's check-in: a booking's scanned QR payload or typed code becomes a ticket.

One transaction changes the appointment and issues its ticket (called at the slot time,
ahead of walk-ins): a refused check-in changes nothing, an accepted one cannot leave a
used appointment without its ticket. The window is the core's
(kolejka.core.appointments.check_in_refusal).
"""

from __future__ import annotations

import hmac
from zoneinfo import ZoneInfo

from sqlmodel import select

from kolejka.core.appointments import (
    DOCUMENT_TRIES,
    AppointmentStatus,
    CheckInRefusal,
    DocumentRefusal,
    check_in_refusal,
    document_locked,
    document_refusal,
)
from kolejka.core.documents import document_forms
from kolejka.core.errors import Conflict, NotFound
from kolejka.schemas import CheckInRequest, TicketCreate, TicketPublic
from server import repository as repo
from server.actors import Actor, require_issuer
from server.appointments import checkin_window, local_text
from server.booking_codes import TokenCode, person_key, read_code
from server.errors import ForgedCode, Unprocessable
from server.models import Appointment, Service
from server.ticketing import QueueService
from server.transactions import KeptRefusal, Transaction, Write, WriteRunner


class CheckInService:
    def __init__(self, writes: WriteRunner, queue: QueueService, secret: str) -> None:
        self.writes = writes
        self.queue = queue
        self.secret = secret

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
        appointment_too_early, appointment_too_late (409); then, for a booking bound to a
        document number: appointment_document_locked (409), appointment_document_required
        (422), appointment_document_mismatch (409, with `tries_left`).
        """
        require_issuer(actor)
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._check_in, request)

    def _check_in(self, tx: Transaction, request: CheckInRequest) -> TicketPublic:
        session, site, now = tx.session, tx.site, tx.now
        appt = self._find(tx, request.code)
        if appt.site_id != site.id:
            raise Conflict("appointment_other_site")
        window = checkin_window(site)
        refusal = check_in_refusal(AppointmentStatus(appt.status), appt.start_at, now, window)
        if refusal is not None:
            zone = ZoneInfo(site.timezone)
            local_now = now.astimezone(zone)
            opens, closes = window.around(appt.start_at)
            if refusal is CheckInRefusal.TOO_EARLY:
                raise Conflict(
                    refusal.value,
                    opens=local_text(opens.astimezone(zone), local_now),
                    opens_at=opens.isoformat(),
                )
            if refusal is CheckInRefusal.TOO_LATE:
                raise Conflict(
                    refusal.value,
                    closed=local_text(closes.astimezone(zone), local_now),
                    closed_at=closes.isoformat(),
                )
            raise Conflict(refusal.value)
        self._check_document(tx, appt, request.document)
        service = session.get(Service, appt.service_id)
        if service is None:
            raise NotFound("appointment_unknown")
        # Booked online in a language the visitor chose: the ticket and the call keep it.
        language = appt.language if appt.online else request.language
        ticket = self.queue.issue_in(
            tx,
            TicketCreate(service=service.code, language=language),
            appointment_at=appt.start_at,
        )
        appt.status = AppointmentStatus.CHECKED_IN
        appt.checked_in_at = now
        appt.ticket_id = ticket.id
        session.add(appt)
        return ticket

    def _check_document(self, tx: Transaction, appt: Appointment, document: str | None) -> None:
        """A booking bound to a document number checks in only with the same number,
        compared as keyed hashes (the number is never stored). Each wrong one is counted,
        and kept although the check-in is refused; at the core's limit the kiosk stops
        comparing, so numbers cannot be tried one after another. Staff at the reception
        desk check the document itself and are not asked for its number."""
        if appt.document_hash is None or tx.actor.is_clerk:
            return
        failures = appt.document_failures
        typed = (document or "").strip()
        matches = (
            bool(typed)
            and not document_locked(failures)
            and any(  # every form compared: one wrong number is one try, whatever its forms
                hmac.compare_digest(person_key(self.secret, "document", form), appt.document_hash)
                for form in document_forms(typed)
            )
        )
        refusal = document_refusal(failures, bool(typed), matches)
        if refusal is None:
            return
        if refusal is DocumentRefusal.REQUIRED:
            raise Unprocessable(refusal.value)
        if document_locked(failures):
            raise Conflict(refusal.value)  # locked already: nothing compared, nothing counted
        appt.document_failures = failures + 1
        tx.session.add(appt)
        if refusal is DocumentRefusal.LOCKED:
            raise KeptRefusal(Conflict(refusal.value))
        raise KeptRefusal(Conflict(refusal.value, tries_left=DOCUMENT_TRIES - failures - 1))

    def _find(self, tx: Transaction, code: str) -> Appointment:
        """The booking a code names, locked; a code this server did not sign is forged."""
        try:
            parsed = read_code(self.secret, code)
        except ForgedCode:
            raise Unprocessable("appointment_forged") from None
        if isinstance(parsed, TokenCode):
            query = select(Appointment).where(Appointment.ref == parsed.ref)
        else:
            query = select(Appointment).where(Appointment.code == parsed.code)
        appt = tx.session.exec(repo.for_update(tx.session, query)).first()
        if appt is None:
            raise NotFound("appointment_unknown")
        return appt
