"""`kolejka demo`: a booking bound to a document number, for a newcomer to try the kiosk's
document check (the number is public: it is the demo's).

Made at every start, for fingerprints (D) a few minutes ahead, so it can be checked in at
once and again after the last one was used or locked; the start-up text prints its code.
"""

from __future__ import annotations

from datetime import timedelta

from kolejka.core.appointments import AppointmentStatus
from kolejka.core.documents import normalize_document
from server import repository as repo
from server.appointments import service_row, unused_value
from server.booking_codes import format_short_code, new_ref, new_short_code, person_key
from server.deps import Services
from server.models import Appointment

DEMO_DOCUMENT = "AB1234567"
AHEAD = timedelta(minutes=10)  # inside the check-in window (30 min before to 15 after)


def demo_document_booking(
    services: Services, site_code: str, service_code: str = "D", document: str = DEMO_DOCUMENT
) -> str:
    """Book `service_code` at the next five minutes past AHEAD, bound to `document` the way
    the online booking binds it (a keyed hash); answers the short code as printed."""
    secret = services.check_in.secret
    now = services.clock.now()
    start = (now + AHEAD).replace(second=0, microsecond=0)
    start += timedelta(minutes=-start.minute % 5)
    with services.db.write() as session:
        site = repo.site_by_code(session, site_code)
        service = service_row(session, site, service_code)
        code = unused_value(session, Appointment.code, lambda: new_short_code(secret))
        session.add(
            Appointment(
                site_id=site.id,  # type: ignore[arg-type]
                service_id=service.id,  # type: ignore[arg-type]
                ref=unused_value(session, Appointment.ref, new_ref),
                code=code,
                start_at=start,
                end_at=start + timedelta(minutes=service.slot_minutes),
                status=AppointmentStatus.BOOKED,
                language="en",
                created_at=now,
                created_by="demo",
                document_hash=person_key(secret, "document", normalize_document(document)),
            )
        )
    return format_short_code(code)
