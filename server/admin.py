"""A site's configuration read back from the database and replaced as a whole.

The admin API speaks the same schema as the TOML file (server/siteconfig.py), so what an
administrator exports can be edited and put back, and the same validation guards both.
Secrets never leave: devices come back as `token_sha256`, clerks as `password_hash`.
"""

from __future__ import annotations

from sqlmodel import Session, select

from kolejka.core.errors import Conflict
from server import repository as repo
from server.actors import Actor, require_admin, require_site
from server.clock import Clock
from server.db import Database
from server.eventlog import append_event
from server.models import Clerk, Device, Site
from server.provisioning import apply_site
from server.siteconfig import SiteConfig


def export_site(session: Session, site: Site) -> SiteConfig:
    services = [s for s in repo.services_of(session, site) if s.enabled]
    codes = {s.id for s in services}
    counters = []
    for counter in repo.counters_of(session, site):
        links = [
            {"service": service.code, "order": link.order, "weight": link.weight}
            for link, service in repo.links_of(session, counter)
            if service.id in codes
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
    devices = session.exec(select(Device).where(Device.site_id == site.id, Device.active))
    clerks = session.exec(select(Clerk).where(Clerk.site_id == site.id, Clerk.active))
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
                    "bring_text": s.bring_text,
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
                    "password_hash": c.password_hash,
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

    def put_config(self, site_code: str, actor: Actor, config: SiteConfig) -> SiteConfig:
        require_admin(actor, "put_site_config")
        if config.code != site_code:
            raise Conflict("site_code_mismatch", site=site_code)
        with self.db.write() as session:
            site = repo.site_by_code(session, site_code)
            require_site(actor, site.id)  # type: ignore[arg-type]
            if not any(
                c.username == _username(session, actor) and c.role == "admin" for c in config.clerks
            ):
                raise Conflict("admin_would_lock_out")
            apply_site(session, config)
            append_event(session, site, "site.configured", {"by": actor.name}, self.clock.now())
            session.flush()
            return export_site(session, site)


def _username(session: Session, actor: Actor) -> str | None:
    clerk = session.get(Clerk, actor.id)
    return clerk.username if clerk else None
