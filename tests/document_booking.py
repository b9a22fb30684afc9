"""A booking bound to a document number, for the tests of the kiosk's document check:
made through the API, then bound the way the online booking binds it (a keyed hash)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa

from kolejka.client import KolejkaClient
from server.booking_codes import person_key
from server.models import Appointment
from tests.support import KIOSK_TOKEN, PASSWORD, LiveServer

DOCUMENT = "AB1234567"
SLOT = datetime(2026, 11, 24, 10, 15, tzinfo=ZoneInfo("Europe/Warsaw"))  # T0 is 10:00 there


def bound_booking(server: LiveServer, document: str = DOCUMENT) -> str:
    """A booking's short code, bound to `document` the way the online booking binds it."""
    boss = KolejkaClient(server.url, "test")
    try:
        boss.login("boss", PASSWORD)
        booked = boss.create_appointment("A", SLOT, "en")
    finally:
        boss.close()
    secret = server.services.check_in.secret
    with server.services.db.write() as session:
        appt = session.get(Appointment, booked.id)
        assert appt is not None
        appt.document_hash = person_key(secret, "document", document)
        session.add(appt)
    return booked.code


def check_in(
    server: LiveServer, code: str, document: str | None = None, key: str | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"code": code, "language": "en"}
    if document is not None:
        body["document"] = document
    headers = {"Authorization": f"Bearer {KIOSK_TOKEN}", "Accept-Language": "en"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return httpx.post(
        f"{server.url}/api/v1/sites/test/appointments/check-in",
        json=body,
        headers=headers,
        timeout=30,
    )


def failures(server: LiveServer, code: str) -> int:
    with server.services.db.read() as session:
        table = Appointment.__table__  # type: ignore[attr-defined]
        query = sa.select(table.c.document_failures).where(table.c.code == code.replace("-", ""))
        return int(session.execute(query).scalar_one())
