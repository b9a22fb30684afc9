"""The console's figures: one site's hall at a glance (the live monitor) and every site
side by side (the region view). Read-only; what raises an alert is the core's
(kolejka.core.alerts) with the site's thresholds (rules.alerts).

One reading of a hall is a couple of dozen queries, whatever the hall's size (the
counters', devices' and services' rows each in one query, not one per row). The open
monitors do not ask for it: the live feed (server/monitor_feed.py) reads it once per site
for all of them (`fresh`) while events come; the pages and the fragment's URL share that
reading, or one made within CACHE_S.
"""

from __future__ import annotations

import threading
import time as monotonic_time
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kolejka.core import alerts as rules
from kolejka.core.alerts import Alert, AlertKind
from kolejka.core.appointments import AppointmentStatus, document_locked
from kolejka.core.hours import availability
from kolejka.core.states import CounterState, Priority, TicketStatus
from server import repository as repo
from server.booking_codes import format_short_code
from server.clock import Clock
from server.db import Database
from server.estimate_inputs import EstimateInputsCache
from server.models import (
    Appointment,
    Clerk,
    CounterService,
    Device,
    Event,
    Service,
    Site,
    Ticket,
)
from server.presence import Presence
from server.siteconfig import opening_hours_from_json

NEXT_APPOINTMENTS = 8
WAITING_SHOWN = 12  # the longest-waiting tickets listed (with the supervisor's actions)
CACHE_S = 1.5  # monitors that ask within this of each other share one reading
UNCHANGED_S = 5.0  # …and while nothing happened, for this long (the clocks move on)
CANCELLED_SHOWN = 10


@dataclass(frozen=True, slots=True)
class ClientRow:
    ticket_id: int
    number: str
    service: str
    status: str  # called | serving
    since: datetime  # called, or started
    for_s: int


@dataclass(frozen=True, slots=True)
class CounterRow:
    number: int
    name: str
    state: str  # open | paused | closed
    serving: bool  # a client is at the counter
    clerk: str | None
    clerk_id: int | None
    state_since: datetime | None
    client: ClientRow | None
    idle_s: int | None  # open with nobody at it: since the last client left (or it opened)
    paused_s: int | None
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServiceRow:
    code: str
    names: dict[str, str]
    available: bool
    unavailable_reason: str | None
    waiting: int
    longest_wait_s: int | None
    estimated_wait_s: int | None
    open_counters: int
    daily_limit: int | None
    issued_today: int
    left_today: int | None
    threshold_min: int


@dataclass(frozen=True, slots=True)
class WaitingRow:
    ticket_id: int
    number: str
    service: str
    priority: str
    language: str
    waited_s: int
    appointment_at: datetime | None


@dataclass(frozen=True, slots=True)
class TicketRow:
    """A ticket the console can act on (reinstate a cancelled one)."""

    ticket_id: int
    number: str
    service: str
    status: str
    at: datetime | None


@dataclass(frozen=True, slots=True)
class KioskRow:
    device_id: int
    name: str
    active: bool
    printer_status: str | None
    printer_since: datetime | None
    last_seen: datetime | None
    last_ticket: str | None


@dataclass(frozen=True, slots=True)
class DisplayRow:
    device_id: int
    name: str
    active: bool
    connected: bool
    last_seen: datetime | None


@dataclass(frozen=True, slots=True)
class AppointmentRow:
    appointment_id: int
    start_at: datetime
    service: str
    code: str
    status: str
    language: str
    # Wrong document numbers typed at a kiosk up to the limit: the desk checks the document.
    document_locked: bool = False


@dataclass(frozen=True, slots=True)
class Hall:
    site: str
    site_name: str
    timezone: str
    at: datetime
    seq: int
    counters: list[CounterRow]
    services: list[ServiceRow]
    waiting: list[WaitingRow]
    cancelled: list[TicketRow]
    kiosks: list[KioskRow]
    displays: list[DisplayRow]
    appointments: list[AppointmentRow]
    alerts: list[Alert]
    clerks_signed_in: list[tuple[int, str, int]] = field(default_factory=list)  # id, name, counter

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime | None) -> str:
        """HH:MM in the site's time."""
        return moment.astimezone(self.zone).strftime("%H:%M") if moment else "—"

    @property
    def waiting_total(self) -> int:
        return sum(s.waiting for s in self.services)

    @property
    def open_counters(self) -> int:
        return sum(1 for c in self.counters if c.state != CounterState.CLOSED.value)

    @property
    def longest_wait_s(self) -> int | None:
        waits = [s.longest_wait_s for s in self.services if s.longest_wait_s is not None]
        return max(waits) if waits else None


def _seconds(later: datetime, earlier: datetime | None) -> int | None:
    return None if earlier is None else max(0, int((later - earlier).total_seconds()))


class MonitorService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        presence: Presence,
        *,
        recent_durations: int = 20,
        estimates: EstimateInputsCache | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.presence = presence
        self.recent_durations = recent_durations
        # The issuing side's forecast of this second, when there is one: the waits it
        # worked out for the tickets it gave are the ones the monitor shows.
        self.estimates = estimates or EstimateInputsCache(recent_durations)
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Hall]] = {}

    def sites(self) -> list[tuple[str, str]]:
        with self.db.read() as session:
            return [(s.code, s.name) for s in session.exec(select(Site).order_by(Site.code))]

    def hall(self, site_code: str) -> Hall:
        """Everything the live monitor shows of `site_code` (NotFound for no such site).

        Every open monitor asks after the same event: those asking within CACHE_S of a
        reading share it, so twenty monitors cost the database what one or two do."""
        with self._lock:
            cached = self._cache.get(site_code)
        if cached is not None and monotonic_time.monotonic() - cached[0] < CACHE_S:
            return cached[1]  # no database at all
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            if cached is not None:
                age = monotonic_time.monotonic() - cached[0]
                if age < CACHE_S or (cached[1].seq == site.last_seq and age < UNCHANGED_S):
                    return cached[1]
            hall = self.hall_in(session, site, self.clock.now())
        with self._lock:
            self._cache[site_code] = (monotonic_time.monotonic(), hall)
        return hall

    def fresh(self, site_code: str) -> Hall:
        """A new reading of `site_code` whatever the cache holds (the live feed's, once per
        site for all its monitors); the page and its fragment share it afterwards."""
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            hall = self.hall_in(session, site, self.clock.now())
        with self._lock:
            self._cache[site_code] = (monotonic_time.monotonic(), hall)
        return hall

    def forget(self, site_code: str) -> None:
        """After the console's own action: the next reading shows it."""
        with self._lock:
            self._cache.pop(site_code, None)

    def region(self) -> list[Hall]:
        """Every site of the server, for the region view."""
        now = self.clock.now()
        with self.db.read() as session:
            sites = list(session.exec(select(Site).order_by(Site.code)))
            return [self.hall_in(session, site, now) for site in sites]

    # --- the parts ----------------------------------------------------------------------

    def hall_in(self, session: Session, site: Site, now: datetime) -> Hall:
        assert site.id is not None
        zone = ZoneInfo(site.timezone)
        local_now = now.astimezone(zone)
        day_start = datetime.combine(local_now.date(), time(0), zone).astimezone(UTC)
        thresholds = site.rules.alerts
        services = repo.services_of(session, site)
        codes = {s.id: s.code for s in services}
        alerts: list[Alert] = []
        service_rows: list[ServiceRow] = []
        waiting: list[WaitingRow] = []
        for service in services:
            assert service.id is not None
            # The longest-waiting heads of each priority class, from the queue's index:
            # a hall with thousands waiting costs the same few rows.
            rows = [
                t
                for priority in Priority
                for t in session.exec(
                    select(Ticket)
                    .where(
                        Ticket.service_id == service.id,
                        Ticket.status == TicketStatus.WAITING.value,
                        Ticket.priority == priority.value,
                    )
                    .order_by(col(Ticket.arrival_at))
                    .limit(WAITING_SHOWN)
                )
            ]
            count = repo.waiting_count(session, service.id)
            issued = repo.issued_today(session, site, local_now.date(), service.code)
            reason = availability(
                opening_hours_from_json(service.hours),
                local_now,
                issued,
                service.daily_limit,
                service.enabled,
            )
            inputs = self.estimates.get(session, service.id, now)  # one forecast per site
            oldest = min((t.arrival_at for t in rows), default=None)
            threshold = thresholds.wait_threshold_min(service.code)
            left = None if service.daily_limit is None else max(0, service.daily_limit - issued)
            service_rows.append(
                ServiceRow(
                    code=service.code,
                    names=service.names,
                    available=reason is None,
                    unavailable_reason=reason.value if reason else None,
                    waiting=count,
                    longest_wait_s=_seconds(now, oldest),
                    estimated_wait_s=inputs.wait_for(count),
                    open_counters=inputs.open_counters,
                    daily_limit=service.daily_limit,
                    issued_today=issued,
                    left_today=left,
                    threshold_min=threshold,
                )
            )
            waiting.extend(
                WaitingRow(
                    ticket_id=t.id,  # type: ignore[arg-type]
                    number=t.number,
                    service=service.code,
                    priority=t.priority,
                    language=t.language,
                    waited_s=_seconds(now, t.arrival_at) or 0,
                    appointment_at=t.appointment_at,
                )
                for t in rows
            )
            for alert in (
                rules.long_wait(service.code, oldest, now, threshold),
                rules.near_daily_limit(
                    service.code,
                    service.daily_limit,
                    issued,
                    thresholds.limit_left,
                    self._last_issued(session, service.id, day_start) if left is not None else None,
                    now,
                ),
            ):
                if alert is not None:
                    alerts.append(alert)
        waiting.sort(key=lambda w: -w.waited_s)
        del waiting[WAITING_SHOWN:]
        counters = self._counters(session, site, now, day_start, codes)
        for row in counters:
            if row.state == CounterState.PAUSED.value:
                alert = rules.long_pause(row.number, row.state_since, now, thresholds.pause_min)
                if alert is not None:
                    alerts.append(alert)
        kiosks, displays = self._devices(session, site, day_start)
        for kiosk in kiosks:
            if not kiosk.active:
                continue
            fault = rules.printer_fault(kiosk.name, kiosk.printer_status, kiosk.printer_since, now)
            quiet = rules.silent(
                AlertKind.PRINTER_SILENT,
                kiosk.name,
                kiosk.last_seen,
                self.presence.watching_since,
                now,
                timedelta(minutes=thresholds.printer_silent_min),
            )
            alerts.extend(a for a in (fault, quiet) if a is not None)
        for display in displays:
            if not display.active:
                continue
            gone = rules.silent(
                AlertKind.DISPLAY_OFFLINE,
                display.name,
                display.last_seen,
                self.presence.watching_since,
                now,
                timedelta(seconds=thresholds.display_offline_s),
                connected=display.connected,
            )
            if gone is not None:
                alerts.append(gone)
        return Hall(
            site=site.code,
            site_name=site.name,
            timezone=site.timezone,
            at=now,
            seq=site.last_seq,
            counters=counters,
            services=service_rows,
            waiting=waiting,
            cancelled=self._cancelled(session, site, local_now.date(), codes),
            kiosks=kiosks,
            displays=displays,
            appointments=self._appointments(session, site, now, codes),
            alerts=rules.ordered(alerts),
            clerks_signed_in=[
                (c.clerk_id, c.clerk, c.number)
                for c in counters
                if c.clerk_id is not None and c.clerk is not None
            ],
        )

    @staticmethod
    def _last_issued(session: Session, service_id: int, day_start: datetime) -> datetime | None:
        return session.execute(
            sa.select(sa.func.max(Ticket.issued_at)).where(
                col(Ticket.service_id) == service_id, col(Ticket.issued_at) >= day_start
            )
        ).scalar_one_or_none()

    def _counters(
        self,
        session: Session,
        site: Site,
        now: datetime,
        day_start: datetime,
        codes: dict[int | None, str],
    ) -> list[CounterRow]:
        counters = repo.counters_of(session, site)
        # When each counter last changed state: its latest counter.* event.
        state_since: dict[int, datetime] = {}
        events = session.exec(
            select(Event)
            .where(
                Event.site_id == site.id,
                col(Event.type).in_(["counter.opened", "counter.paused", "counter.closed"]),
            )
            .order_by(col(Event.seq).desc())
            .limit(max(50, 20 * len(counters)))
        )
        for event in events:
            number = event.payload.get("counter", {}).get("number")
            if isinstance(number, int) and number not in state_since:
                state_since[number] = event.at
        # When a client last left each counter today.
        left_at: dict[int, datetime] = dict(
            session.execute(
                sa.select(col(Ticket.counter_id), sa.func.max(col(Ticket.finished_at)))
                .where(
                    col(Ticket.site_id) == site.id,
                    col(Ticket.counter_id).is_not(None),
                    col(Ticket.finished_at) >= day_start,
                )
                .group_by(col(Ticket.counter_id))
            ).all()
        )
        clerks = {
            c.id: c.display_name
            for c in session.exec(
                select(Clerk).where(
                    col(Clerk.id).in_([c.clerk_id for c in counters if c.clerk_id is not None])
                )
            )
        }
        # The clients at the counters and the counters' services: a query each, not one
        # per counter (the live feed reads the hall every second while events come).
        current = [c.current_ticket_id for c in counters if c.current_ticket_id is not None]
        at_counters = {
            t.id: t for t in session.exec(select(Ticket).where(col(Ticket.id).in_(current)))
        }
        served: dict[int, list[str]] = {}
        for counter_id, code in session.execute(
            sa.select(col(CounterService.counter_id), col(Service.code))
            .join(Service, col(Service.id) == col(CounterService.service_id))
            .where(col(CounterService.counter_id).in_([c.id for c in counters]))
            .order_by(col(CounterService.order), col(Service.code))
        ).all():
            served.setdefault(counter_id, []).append(code)
        rows = []
        for counter in counters:
            assert counter.id is not None
            client = None
            if counter.current_ticket_id is not None:
                ticket = at_counters.get(counter.current_ticket_id)
                if ticket is not None and ticket.status in (
                    TicketStatus.CALLED.value,
                    TicketStatus.SERVING.value,
                ):
                    since = ticket.started_at or ticket.called_at or now
                    client = ClientRow(
                        ticket_id=ticket.id,  # type: ignore[arg-type]
                        number=ticket.number,
                        service=codes.get(ticket.service_id, "?"),
                        status=ticket.status,
                        since=since,
                        for_s=_seconds(now, since) or 0,
                    )
            changed = state_since.get(counter.number)
            idle = None
            if counter.state == CounterState.OPEN.value and client is None:
                last = left_at.get(counter.id)
                start = (
                    max(d for d in (last, changed) if d is not None) if (last or changed) else None
                )
                idle = _seconds(now, start)
            rows.append(
                CounterRow(
                    number=counter.number,
                    name=counter.name,
                    state=counter.state,
                    serving=client is not None,
                    clerk=clerks.get(counter.clerk_id) if counter.clerk_id else None,
                    clerk_id=counter.clerk_id,
                    state_since=changed,
                    client=client,
                    idle_s=idle,
                    paused_s=_seconds(now, changed)
                    if counter.state == CounterState.PAUSED.value
                    else None,
                    services=tuple(served.get(counter.id, ())),
                )
            )
        return rows

    def _devices(
        self, session: Session, site: Site, day_start: datetime
    ) -> tuple[list[KioskRow], list[DisplayRow]]:
        devices = list(
            session.exec(
                select(Device)
                .where(Device.site_id == site.id, col(Device.kind).in_(["kiosk", "display"]))
                .order_by(col(Device.name))
            )
        )
        printer_since: dict[str, datetime] = {}
        for event in session.exec(
            select(Event)
            .where(Event.site_id == site.id, Event.type == "printer.status")
            .order_by(col(Event.seq).desc())
            .limit(200)
        ):
            printer_since.setdefault(str(event.payload.get("device")), event.at)
        last_ticket: dict[int, int] = dict(
            session.execute(
                sa.select(col(Ticket.device_id), sa.func.max(col(Ticket.id)))
                .where(
                    col(Ticket.site_id) == site.id,
                    col(Ticket.device_id).is_not(None),
                    col(Ticket.issued_at) >= day_start,
                )
                .group_by(col(Ticket.device_id))
            ).all()
        )
        numbers: dict[int, str] = dict(
            session.execute(
                sa.select(col(Ticket.id), col(Ticket.number)).where(
                    col(Ticket.id).in_(list(last_ticket.values()))
                )
            ).all()
        )
        kiosks, displays = [], []
        for device in devices:
            assert device.id is not None
            seen = self.presence.of(device.kind, device.id)
            if device.kind == "kiosk":
                ticket_id = last_ticket.get(device.id)
                kiosks.append(
                    KioskRow(
                        device_id=device.id,
                        name=device.name,
                        active=device.active,
                        printer_status=device.printer_status,
                        printer_since=printer_since.get(device.name),
                        last_seen=seen.last_seen if seen else None,
                        last_ticket=numbers.get(ticket_id) if ticket_id else None,
                    )
                )
            else:
                displays.append(
                    DisplayRow(
                        device_id=device.id,
                        name=device.name,
                        active=device.active,
                        connected=bool(seen and seen.connections > 0),
                        last_seen=seen.last_seen if seen else None,
                    )
                )
        return kiosks, displays

    @staticmethod
    def _cancelled(
        session: Session, site: Site, day: object, codes: dict[int | None, str]
    ) -> list[TicketRow]:
        rows = session.exec(
            select(Ticket)
            .where(
                Ticket.site_id == site.id,
                Ticket.day == day,
                Ticket.status == TicketStatus.CANCELLED.value,
            )
            .order_by(col(Ticket.finished_at).desc())
            .limit(CANCELLED_SHOWN)
        )
        return [
            TicketRow(t.id, t.number, codes.get(t.service_id, "?"), t.status, t.finished_at)  # type: ignore[arg-type]
            for t in rows
        ]

    @staticmethod
    def _appointments(
        session: Session, site: Site, now: datetime, codes: dict[int | None, str]
    ) -> list[AppointmentRow]:
        zone = ZoneInfo(site.timezone)
        end = datetime.combine(now.astimezone(zone).date() + timedelta(days=1), time(0), zone)
        since = now - timedelta(minutes=site.rules.checkin_after_min)
        rows = session.exec(
            select(Appointment)
            .where(
                Appointment.site_id == site.id,
                col(Appointment.start_at) >= since,
                col(Appointment.start_at) < end,
                Appointment.status != AppointmentStatus.CANCELLED.value,
            )
            .order_by(col(Appointment.start_at))
            .limit(NEXT_APPOINTMENTS)
        )
        return [
            AppointmentRow(
                appointment_id=a.id,  # type: ignore[arg-type]
                start_at=a.start_at,
                service=codes.get(a.service_id, "?"),
                code=format_short_code(a.code),
                status=a.status,
                language=a.language,
            )
            for a in rows
        ]


@dataclass(frozen=True, slots=True)
class Desk:
    """What the reception desk works with: the services it issues for, the kiosks it can
    print on, the tickets it issued today, and today's appointments."""

    site: str
    site_name: str
    timezone: str
    at: datetime
    priority_enabled: bool
    services: list[ServiceRow]
    kiosks: list[KioskRow]
    issued: list[TicketRow]
    appointments: list[AppointmentRow]

    def local(self, moment: datetime | None) -> str:
        return moment.astimezone(ZoneInfo(self.timezone)).strftime("%H:%M") if moment else "—"


DESK_TICKETS = 12
DESK_APPOINTMENTS = 60


def desk(service: MonitorService, site_code: str) -> Desk:
    """The reception desk's page of `site_code`."""
    now = service.clock.now()
    with service.db.read() as session:
        site = repo.site_by_code(session, site_code)
        hall = service.hall_in(session, site, now)
        zone = ZoneInfo(site.timezone)
        local_now = now.astimezone(zone)
        start = datetime.combine(local_now.date(), time(0), zone)
        codes = {s.id: s.code for s in repo.services_of(session, site)}
        issued = session.exec(
            select(Ticket)
            .where(
                Ticket.site_id == site.id,
                Ticket.day == local_now.date(),
                col(Ticket.device_id).is_(None),
            )
            .order_by(col(Ticket.id).desc())
            .limit(DESK_TICKETS)
        )
        appointments = session.exec(
            select(Appointment)
            .where(
                Appointment.site_id == site.id,
                col(Appointment.start_at) >= start,
                col(Appointment.start_at) < start + timedelta(days=1),
            )
            .order_by(col(Appointment.start_at))
            .limit(DESK_APPOINTMENTS)
        )
        return Desk(
            site=site.code,
            site_name=site.name,
            timezone=site.timezone,
            at=now,
            priority_enabled=site.rules.priority_enabled,
            services=hall.services,
            kiosks=[k for k in hall.kiosks if k.active],
            issued=[
                TicketRow(t.id, t.number, codes.get(t.service_id, "?"), t.status, t.issued_at)  # type: ignore[arg-type]
                for t in issued
            ],
            appointments=[
                AppointmentRow(
                    appointment_id=a.id,  # type: ignore[arg-type]
                    start_at=a.start_at,
                    service=codes.get(a.service_id, "?"),
                    code=format_short_code(a.code),
                    status=a.status,
                    language=a.language,
                    document_locked=document_locked(a.document_failures),
                )
                for a in appointments
            ],
        )


def service_name(names: dict[str, str], language: str, code: str) -> str:
    return names.get(language) or names.get("pl") or next(iter(names.values()), code)


__all__ = ["Hall", "MonitorService", "Service", "service_name"]
