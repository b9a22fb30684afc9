"""The sites' and services' configuration, kept in memory between write transactions.

Issuing a ticket needs the site's rules and the service's hours and daily limit. Loading
those rows as ORM objects (with their JSON columns) cost more than everything else the
transaction does. So a transaction reads one integer, the site's `config_rev`, and uses
the copy in memory while that number has not moved.

Every flush that changes a site's or a service's row bumps the site's `config_rev` in the
same transaction (`bump_config_rev`, a hook every session of `server.db.Database` runs
before it flushes, so no code path can forget it). Another server
process therefore sees the change at its next transaction, like this one does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, UOWTransaction

from kolejka.core.errors import NotFound
from kolejka.core.hours import OpeningHours
from server.models import Service, Site
from server.prepared import Prepared
from server.siteconfig import (
    RulesConfig,
    address_from_json,
    opening_hours_from_json,
    rules_from_json,
)

_SITES = Site.__table__  # type: ignore[attr-defined]
_SERVICES = Service.__table__  # type: ignore[attr-defined]
# Every write transaction runs it first: on the driver's cursor (server/prepared.py).
_REV = Prepared(
    sa.select(_SITES.c.id, _SITES.c.config_rev).where(_SITES.c.code == sa.bindparam("code"))
)
_SITE_ROW = sa.select(_SITES).where(_SITES.c.id == sa.bindparam("id"))
_SERVICE_ROWS = sa.select(_SERVICES).where(_SERVICES.c.site_id == sa.bindparam("id"))
_BUMP = (
    sa.update(_SITES)
    .where(_SITES.c.id == sa.bindparam("site_id"))
    .values(config_rev=_SITES.c.config_rev + 1)
)


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    id: int
    code: str
    hours: OpeningHours
    daily_limit: int | None
    enabled: bool
    stop_at_closing: bool = False


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What a write transaction needs to know about a site. Read-only: it is shared."""

    id: int
    code: str
    name: str
    timezone: str
    epoch: str
    rules: RulesConfig  # validated once per config revision, shared: never changed
    address: str | None
    services: Mapping[str, ServiceInfo]
    rev: int

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches instances by key

    def service(self, code: str) -> ServiceInfo:
        service = self.services.get(code)
        if service is None:
            raise NotFound("service_not_found", service=code)
        return service


# Read paths load the ORM row; write paths get the catalog's copy. Helpers take either.
SiteLike = Site | SiteInfo


class SiteCatalog:
    def __init__(self) -> None:
        self._sites: dict[str, SiteInfo] = {}
        self._lock = threading.Lock()

    def cached(self, code: str) -> SiteInfo | None:
        """The copy in memory, unchecked: for a caller that checks `rev` itself."""
        return self._sites.get(code)

    def get(self, conn: sa.Connection, code: str) -> SiteInfo:
        """The site's configuration as of this transaction; NotFound for an unknown code."""
        row = _REV.first(conn, {"code": code})
        if row is None:
            raise NotFound("site_not_found", site=code)
        site_id, rev = row
        cached = self._sites.get(code)
        if cached is not None and cached.id == site_id and cached.rev == rev:
            return cached
        info = _load(conn, site_id, rev)
        with self._lock:
            self._sites[code] = info
        return info


def _load(conn: sa.Connection, site_id: int, rev: int) -> SiteInfo:
    site = conn.execute(_SITE_ROW, {"id": site_id}).mappings().one()
    services = {
        row["code"]: ServiceInfo(
            id=row["id"],
            code=row["code"],
            hours=opening_hours_from_json(row["hours"]),
            daily_limit=row["daily_limit"],
            enabled=row["enabled"],
            stop_at_closing=bool(row["stop_at_closing"]),
        )
        for row in conn.execute(_SERVICE_ROWS, {"id": site_id}).mappings()
    }
    return SiteInfo(
        id=site_id,
        code=site["code"],
        name=site["name"],
        timezone=site["timezone"],
        epoch=site["epoch"],
        rules=rules_from_json(site["settings"] or {}),
        address=address_from_json(site["settings"] or {}),
        services=MappingProxyType(services),
        rev=rev,
    )


# --- keeping config_rev honest ------------------------------------------------------------

_NOT_CONFIG = frozenset({"last_seq", "config_rev"})


def _changed_sites(session: Session) -> set[int]:
    sites: set[int] = set()
    for obj in _touched(session):
        if isinstance(obj, Service) and obj.site_id is not None:
            sites.add(obj.site_id)
        elif isinstance(obj, Site) and obj.id is not None and _site_config_changed(obj):
            sites.add(obj.id)
    return sites


def _touched(session: Session) -> Iterable[object]:
    yield from session.new
    yield from session.deleted
    yield from (obj for obj in session.dirty if session.is_modified(obj))


def _site_config_changed(site: Site) -> bool:
    state = sa.inspect(site)
    return any(attr.key not in _NOT_CONFIG and attr.history.has_changes() for attr in state.attrs)


def bump_config_rev(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    """before_flush: bump `config_rev` of every site whose configuration this flush changes."""
    for site_id in _changed_sites(session):
        session.connection().execute(_BUMP, {"site_id": site_id})
