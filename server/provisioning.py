"""Writing a validated site configuration into the database.

Applying the same file twice changes nothing; a service or counter missing from a newer
file is disabled or unlinked rather than deleted, because tickets and statistics still
refer to it.
"""

from __future__ import annotations

import secrets

from sqlmodel import Session, select

from server.db import Database
from server.errors import MissingPassword
from server.models import Clerk, Counter, CounterService, Device, Service, Site
from server.security import hash_password, verify_password
from server.siteconfig import KolejkaConfig, SiteConfig, stored_settings


def apply_config(db: Database, config: KolejkaConfig) -> list[str]:
    """Create or update every site in `config`; returns the site codes."""
    with db.write() as session:
        return [apply_site(session, site).code for site in config.sites]


def apply_site(session: Session, cfg: SiteConfig) -> Site:
    site = session.exec(select(Site).where(Site.code == cfg.code)).first()
    if site is None:
        site = Site(code=cfg.code, name=cfg.name, epoch=secrets.token_hex(8))
    site.name = cfg.name
    site.timezone = cfg.timezone
    site.settings = stored_settings(cfg.rules, cfg.address)
    session.add(site)
    session.flush()
    services = _apply_services(session, site, cfg)
    _apply_counters(session, site, cfg, services)
    _apply_devices(session, site, cfg)
    _apply_clerks(session, site, cfg)
    return site


def _apply_services(session: Session, site: Site, cfg: SiteConfig) -> dict[str, Service]:
    existing = {s.code: s for s in session.exec(select(Service).where(Service.site_id == site.id))}
    for position, sc in enumerate(cfg.services):
        service = existing.get(sc.code) or Service(site_id=site.id, code=sc.code)  # type: ignore[arg-type]
        service.names = sc.names
        service.group = sc.group
        service.group_names = sc.group_names
        service.position = position
        service.hours = sc.hours.model_dump(mode="json") if sc.hours else {}
        service.daily_limit = sc.daily_limit
        service.enabled = sc.enabled
        service.bring_text = sc.bring_text
        service.slot_minutes = sc.slot_minutes
        service.slot_capacity = sc.slot_capacity
        service.outcomes = [o.model_dump(mode="json") for o in sc.outcomes]
        service.outcome_required = sc.outcome_required

        service.stop_at_closing = sc.stop_when_wait_passes_closing
        service.wait_threshold_min = sc.wait_threshold_min
        service.online_booking = sc.online_booking.model_dump(mode="json")
        session.add(service)
        existing[sc.code] = service
    wanted = {sc.code for sc in cfg.services}
    dropped = sorted((s for code, s in existing.items() if code not in wanted), key=_place)
    for position, service in enumerate(dropped, start=len(cfg.services)):
        service.enabled = False  # after the configured ones, in their old order
        service.position = position
        session.add(service)
    session.flush()
    return existing


def _place(service: Service) -> tuple[int, str]:
    return (service.position, service.code)


def _apply_counters(
    session: Session, site: Site, cfg: SiteConfig, services: dict[str, Service]
) -> None:
    existing = {
        c.number: c for c in session.exec(select(Counter).where(Counter.site_id == site.id))
    }
    for cc in cfg.counters:
        counter = existing.get(cc.number) or Counter(site_id=site.id, number=cc.number, name="")  # type: ignore[arg-type]
        counter.name = cc.name or str(cc.number)
        counter.routing_mode = cc.routing
        session.add(counter)
        session.flush()
        for link in session.exec(
            select(CounterService).where(CounterService.counter_id == counter.id)
        ):
            session.delete(link)
        session.flush()
        for lc in cc.services:
            session.add(
                CounterService(
                    counter_id=counter.id,  # type: ignore[arg-type]
                    service_id=services[lc.service].id,  # type: ignore[arg-type]
                    order=lc.order,
                    weight=lc.weight,
                )
            )
        existing.pop(cc.number, None)
    for counter in existing.values():  # no longer configured: serves nothing
        for link in session.exec(
            select(CounterService).where(CounterService.counter_id == counter.id)
        ):
            session.delete(link)
    session.flush()


def _apply_devices(session: Session, site: Site, cfg: SiteConfig) -> None:
    """A device is the token it holds: matched by token first (a renamed kiosk stays the
    same row), then by name (a new token for the same kiosk). So a token that moves
    between names never meets itself in the unique index halfway through."""
    unclaimed = list(session.exec(select(Device).where(Device.site_id == site.id)))
    by_hash = {d.token_hash: d for d in unclaimed}
    claimed: dict[int, Device] = {}
    for index, dc in enumerate(cfg.devices):
        device = by_hash.get(dc.token_hash)
        if device is not None:
            claimed[index] = device
    taken = {id(d) for d in claimed.values()}
    by_name = {d.name: d for d in unclaimed if id(d) not in taken}
    for index, dc in enumerate(cfg.devices):
        device = claimed.get(index) or by_name.pop(dc.name, None)
        if device is None:
            device = Device(site_id=site.id, kind=dc.kind, name=dc.name, token_hash="")  # type: ignore[arg-type]
        taken.add(id(device))
        device.kind = dc.kind
        device.name = dc.name
        device.token_hash = dc.token_hash
        device.counter_number = dc.counter
        device.zone = dc.zone
        device.active = True
        session.add(device)
    for device in unclaimed:
        if id(device) not in taken:
            device.active = False
            session.add(device)
    session.flush()


def _apply_clerks(session: Session, site: Site, cfg: SiteConfig) -> None:
    existing = {c.username: c for c in session.exec(select(Clerk).where(Clerk.site_id == site.id))}
    for cc in cfg.clerks:
        clerk = existing.pop(cc.username, None)
        if clerk is None:
            clerk = Clerk(site_id=site.id, username=cc.username, display_name="", password_hash="")  # type: ignore[arg-type]
        clerk.display_name = cc.display_name or cc.username
        clerk.role = cc.role
        clerk.active = True
        if cc.password_hash:
            clerk.password_hash = cc.password_hash
        elif cc.password and not verify_password(clerk.password_hash or None, cc.password):
            clerk.password_hash = hash_password(cc.password)
        elif not clerk.password_hash:  # neither given: only an existing clerk keeps theirs
            raise MissingPassword("clerk_needs_password", username=cc.username)
        session.add(clerk)
    for clerk in existing.values():
        clerk.active = False
        session.add(clerk)
    session.flush()
