"""Erasing personal data once its time is over. Housekeeping runs this every hour.

- Appointments: a booking may carry a name and a contact where the site allows it
  (`rules.personal_data_enabled`), and one booked online an e-mail, a phone, the
  office's extra fields and keyed hashes of contact, network address and document
  number; `rules.personal_data_retention_days` after its slot all of it is erased, the
  booking itself stays for the statistics.
- Notifications: a delivered message loses recipient and text at once (server/outbox.py);
  one that failed keeps them for the admin until the same retention period is over.
- Ticket watches ("N people ahead of you"): erased once their day is over.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col, select

from server.db import Database
from server.models import Appointment, OutboxMessage, Site, TicketWatch


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
            result = session.execute(
                sa.update(Appointment)
                .where(
                    col(Appointment.site_id) == site.id,
                    col(Appointment.start_at) < now - timedelta(days=days),
                    sa.or_(
                        col(Appointment.email).is_not(None),
                        col(Appointment.phone).is_not(None),
                        col(Appointment.fields).is_not(None),
                        col(Appointment.email_key).is_not(None),
                        col(Appointment.phone_key).is_not(None),
                        col(Appointment.address_key).is_not(None),
                        col(Appointment.document_hash).is_not(None),
                    ),
                )
                .values(
                    email=None,
                    phone=None,
                    fields=None,
                    email_key=None,
                    phone_key=None,
                    address_key=None,
                    document_hash=None,
                )
            )
            erased += int(result.rowcount or 0)  # type: ignore[attr-defined]
            session.execute(
                sa.update(OutboxMessage)
                .where(
                    col(OutboxMessage.site_id) == site.id,
                    col(OutboxMessage.created_at) < now - timedelta(days=days),
                    col(OutboxMessage.recipient).is_not(None),
                )
                .values(recipient=None, body=None, subject=None, attachments=None)
            )
            today = now.astimezone(ZoneInfo(site.timezone)).date()
            session.execute(
                sa.delete(TicketWatch).where(
                    col(TicketWatch.site_id) == site.id, col(TicketWatch.day) < today
                )
            )
    return erased
