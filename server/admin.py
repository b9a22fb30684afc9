"""A site's configuration read back from the database and replaced as a whole.

The admin API speaks the same schema as the TOML file (server/siteconfig.py), so what an
administrator exports can be edited and put back, and the same validation guards both.
Secrets never leave: devices come back as `token_sha256` (a 192-bit random token's
digest, which cannot be reversed nor presented), clerks without their password or its
hash; a clerk sent back without one keeps the password they have.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from kolejka.core.appointments import AppointmentStatus, is_slot_start
from kolejka.core.errors import Conflict
from server import repository as repo
from server.actors import Actor, require_admin, require_site
from server.appointments import checkin_window
from server.clock import Clock
from server.db import Database
from server.models import Appointment, Clerk, Device, Site
from server.siteconfig import SiteConfig, opening_hours_from_json


def export_site(session: Session, site: Site) -> SiteConfig:
    # Every service, disabled ones too (with `enabled`), so that putting the answer back
    # changes nothing: tickets and statistics keep referring to them.
    services = repo.services_of(session, site)
    counters = []
    for counter in repo.counters_of(session, site):
        links = [
            {"service": service.code, "order": link.order, "weight": link.weight}
            for link, service in repo.links_of(session, counter)
        ]
        if links:
            counters.append(
                {
                    "number": counter.number,
                    "name": counter.name,
                    "routing": counter.routing_mode,
                    "services": links,
                }
            )
    devices = session.exec(
        select(Device).where(Device.site_id == site.id, Device.active).order_by(col(Device.id))
    )
    clerks = session.exec(
        select(Clerk).where(Clerk.site_id == site.id, Clerk.active).order_by(col(Clerk.id))
    )
    return SiteConfig.model_validate(
        {
            "code": site.code,
            "name": site.name,
            "address": site.address,
            "timezone": site.timezone,
            "rules": site.rules,
            "services": [
                {
                    "code": s.code,
                    "names": s.names,
                    "group": s.group,
                    "group_names": s.group_names,
                    "hours": s.hours or None,
                    "daily_limit": s.daily_limit,
                    "enabled": s.enabled,
                    "bring_text": s.bring_text,
                    "slot_minutes": s.slot_minutes,
                    "slot_capacity": s.slot_capacity,
                    "outcomes": s.outcomes,
                    "outcome_required": s.outcome_required,
                    "stop_when_wait_passes_closing": s.stop_at_closing,
                    "wait_threshold_min": s.wait_threshold_min,
                    "online_booking": s.online_booking or {},
                }
                for s in services
            ],
            "counters": counters,
            "devices": [
                {
                    "kind": d.kind,
                    "name": d.name,
                    "token_sha256": d.token_hash,
                    "counter": d.counter_number,
                    "zone": d.zone,
                }
                for d in devices
            ],
            "clerks": [
                {
                    "username": c.username,
                    "display_name": c.display_name,
                    "role": c.role,
                }
                for c in clerks
            ],
        }
    )


class SiteAdmin:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def get_config(self, site_code: str, actor: Actor) -> SiteConfig:
        require_admin(actor, "get_site_config")
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            require_site(actor, site.id)  # type: ignore[arg-type]
            return export_site(session, site)

    def put_config(
        self, site_code: str, actor: Actor, config: SiteConfig, revision: int | None = None
    ) -> SiteConfig:
        """Replace the whole configuration (server/config_admin.py does the work: the
        same checks, event and revision as every smaller change)."""
        from server.config_admin import ConfigAdmin

        return ConfigAdmin(self.db, self.clock).put_whole(site_code, actor, config, revision)


def _username(session: Session, actor: Actor) -> str | None:
    clerk = session.get(Clerk, actor.id)
    return clerk.username if clerk else None


def _refuse_taken_tokens(session: Session, site: Site, config: SiteConfig) -> None:
    """A device token must be one device's: another site's kiosk cannot be taken over."""
    names = {d.token_hash: d.name for d in config.devices}
    if not names:
        return
    taken = session.exec(
        select(Device.token_hash).where(
            col(Device.token_hash).in_(list(names)), Device.site_id != site.id
        )
    ).first()
    if taken is not None:
        raise Conflict("device_token_in_use", device=names[taken])


# How many stranded slots the message lists; the params carry every appointment.
_NAMED_SLOTS = 10


def _refuse_stranding(
    session: Session, site: Site, current: SiteConfig, config: SiteConfig, now: datetime
) -> None:
    """Refuse a configuration under which a booked, still usable appointment has no slot
    any more: its service gone or closed to appointments, its time no longer a slot
    start (hours, slot length, time zone), or more bookings in its slot than places.
    Only what this change strands counts: a slot already out of line does not block
    every later change."""
    already = _stranded(session, site, current, now)
    stranded = [
        (code, start, ids)
        for (code, start), ids in _stranded(session, site, config, now).items()
        if (code, start) not in already
    ]
    if stranded:
        zone = ZoneInfo(config.timezone)
        named = [
            f"{code} {start.astimezone(zone):%d.%m.%Y %H:%M} ({len(ids)})"
            for code, start, ids in stranded[:_NAMED_SLOTS]
        ]
        if len(stranded) > _NAMED_SLOTS:
            named.append("…")
        raise Conflict(
            "config_strands_appointments",
            count=sum(len(ids) for _, _, ids in stranded),
            slots=", ".join(named),
            appointments=[i for _, _, ids in stranded for i in ids],
        )


def _stranded(
    session: Session, site: Site, config: SiteConfig, now: datetime
) -> dict[tuple[str, datetime], list[int]]:
    """The booked appointments, by slot, that `config` leaves without a place."""
    codes = {s.id: s.code for s in repo.services_of(session, site)}
    wanted = {s.code: s for s in config.services}
    zone = ZoneInfo(config.timezone)
    pending = session.exec(
        select(Appointment)
        .where(
            Appointment.site_id == site.id,
            Appointment.status == AppointmentStatus.BOOKED,
            col(Appointment.start_at) >= now - timedelta(days=1),
        )
        .order_by(col(Appointment.start_at), col(Appointment.id))
    )
    window = checkin_window(site)
    slots: dict[tuple[str, datetime], list[int]] = {}
    for appointment in pending:
        if window.around(appointment.start_at)[1] < now:
            continue  # missed: nothing left to keep
        key = (codes[appointment.service_id], appointment.start_at)
        slots.setdefault(key, []).append(appointment.id)  # type: ignore[arg-type]
    stranded: dict[tuple[str, datetime], list[int]] = {}
    for (code, start), ids in slots.items():
        service = wanted.get(code)
        if service is None or not service.enabled or len(ids) > service.slot_capacity:
            stranded[code, start] = ids
            continue
        hours = opening_hours_from_json(
            service.hours.model_dump(mode="json") if service.hours else {}
        )
        local = start.astimezone(zone)
        if not is_slot_start(hours, service.slot_minutes, local):
            stranded[code, start] = ids
    return stranded
