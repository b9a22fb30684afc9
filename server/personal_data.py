"""Erasing the personal data of appointments once their site's retention period is over.

A booking may carry a name and a contact where the site allows it
(`rules.personal_data_enabled`); `rules.personal_data_retention_days` after its slot
both are erased, the booking itself stays for the statistics. Housekeeping runs this.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from server.db import Database
from server.models import Appointment, Site


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
