"""The audit export (`kolejka audit`): who did what to which ticket or setting, and when.

Read from the event log: every change the server makes is an event, stored with the
actor whose request made it (server/eventlog.py). One row per event, in log order; times
in UTC and in the site's time zone. Events logged before the actor was recorded
(migration 0009), or outside a request, have empty actor fields.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from kolejka.core.events import EventType
from server import repository as repo
from server.db import Database
from server.models import Event

FORMATS = ("csv", "jsonl")


@dataclass(frozen=True)
class AuditRow:
    site: str
    seq: int
    at_utc: str
    at_local: str
    actor_kind: str | None  # kiosk | display | counter | clerk; None: not recorded
    actor_id: int | None
    actor_name: str | None
    actor_role: str | None  # clerks: clerk | supervisor | admin
    action: str  # the event type: ticket.called, site.configured, …
    target_kind: str | None  # ticket | counter | device | site
    target: str | None  # the ticket's number, the counter's, the device's name, the site
    ticket_id: int | None
    service: str | None
    counter: int | None
    detail: str | None


COLUMNS = [f.name for f in fields(AuditRow)]


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From the start of `first` to the end of `last`, local days, as UTC instants."""
    start = datetime.combine(first, time(0), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def audit_rows(db: Database, site_code: str, first: date, last: date) -> Iterator[AuditRow]:
    """The site's events from local day `first` to `last` (both included); NotFound for
    an unknown site."""
    with db.read() as session:
        site = repo.site_by_code(session, site_code)
        zone = ZoneInfo(site.timezone)
        start, end = day_bounds(first, last, zone)
        events = session.exec(
            select(Event)
            .where(Event.site_id == site.id, Event.at >= start, Event.at < end)
            .order_by(col(Event.seq))
            .execution_options(yield_per=500)
        )
        for event in events:
            yield _row(site.code, zone, event)


def _row(site: str, zone: ZoneInfo, event: Event) -> AuditRow:
    actor = event.actor or {}
    target_kind, target, ticket_id, service, counter, detail = _target(site, event)
    return AuditRow(
        site=site,
        seq=event.seq,
        at_utc=event.at.astimezone(UTC).isoformat(),
        at_local=event.at.astimezone(zone).isoformat(),
        actor_kind=actor.get("kind"),
        actor_id=actor.get("id"),
        actor_name=actor.get("name"),
        actor_role=actor.get("role"),
        action=event.type,
        target_kind=target_kind,
        target=target,
        ticket_id=ticket_id,
        service=service,
        counter=counter,
        detail=detail,
    )


def _target(
    site: str, event: Event
) -> tuple[str | None, str | None, int | None, str | None, int | None, str | None]:
    payload: dict[str, Any] = event.payload or {}
    if isinstance(ticket := payload.get("ticket"), dict):
        detail = ticket.get("status")
        if "from_service" in payload:
            detail = f"{detail}; from service {payload['from_service']}"
            if payload.get("from_counter") is not None:
                detail += f", counter {payload['from_counter']}"
        return (
            "ticket",
            ticket.get("number"),
            ticket.get("id"),
            ticket.get("service"),
            ticket.get("counter"),
            detail,
        )
    if isinstance(counter := payload.get("counter"), dict):
        number = counter.get("number")
        return "counter", str(number), None, None, number, counter.get("state")
    if "device" in payload:
        status = payload.get("status")
        detail = f"{status}: {payload['detail']}" if payload.get("detail") else status
        return "device", str(payload["device"]), None, None, None, detail
    if event.type == EventType.SITE_CONFIGURED:
        # The configuration console's change (server/config_admin.py): what and which.
        change = " ".join(str(payload[k]) for k in ("change", "target") if payload.get(k))
        return "site", site, None, None, None, change or None
    return None, None, None, None, None, None


def write_csv(rows: Iterable[AuditRow], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(asdict(row))
        count += 1
    return count


def write_jsonl(rows: Iterable[AuditRow], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
        count += 1
    return count


def export(db: Database, site_code: str, first: date, last: date, fmt: str, out: IO[str]) -> int:
    """Write the audit of a site's days to `out`; returns how many rows."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    rows = audit_rows(db, site_code, first, last)
    return write_csv(rows, out) if fmt == "csv" else write_jsonl(rows, out)
