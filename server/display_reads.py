"""What a board and the event stream look up before they start: the site an address
names, where that site's event log stands, and the zone a display's registration gives."""

from __future__ import annotations

from typing import NamedTuple

from kolejka.schemas import DeviceKind
from server import repository as repo
from server.actors import Actor
from server.db import Database
from server.models import Device


class SitePosition(NamedTuple):
    """A site and where its event log stands: the stream resumes or resets from here."""

    id: int
    epoch: str
    last_seq: int
    timezone: str  # the board's clock shows the office's time, not the TV's


def site_position(db: Database, code: str) -> SitePosition:
    """The site with this code (NotFound `site_not_found` otherwise)."""
    with db.read() as session:
        site = repo.site_by_code(session, code)
        assert site.id is not None
        return SitePosition(site.id, site.epoch, site.last_seq, site.timezone)


def display_zone(db: Database, actor: Actor, site_id: int) -> list[int]:
    """The counters this display shows, [] for all of them or for an actor that is not a
    display of this site."""
    if actor.kind != DeviceKind.DISPLAY or actor.site_id != site_id:
        return []
    with db.read() as session:
        device = session.get(Device, actor.id)
        return sorted(device.zone) if device is not None else []
