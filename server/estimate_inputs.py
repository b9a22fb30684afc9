"""The office as the wait forecast sees it, read in one place for every view that shows a
wait, and reused while tickets are issued within one second.

Every shown wait comes from kolejka.core.forecast: the open counters with their routing
(order or weights) and their current clients, each service's queue, its typical time per
ticket (call to finish, recent tickets) and its recent arrivals. A handful of indexed
reads per site whose answers move only when a clerk acts, not when a visitor takes a
ticket: issuing reuses them for the rest of the current second; any other write in this
process forgets them at once, and another server process's changes count from the next
second.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from kolejka.core.estimates import MIN_SAMPLES, RATE_WINDOW_S
from kolejka.core.forecast import Office, OpenCounter, QueueLoad, waits_s
from kolejka.core.routing import CounterRouting, RoutingMode, ServiceLink
from kolejka.core.states import CounterState, TicketStatus
from server import repository as repo
from server.models import Counter, CounterService, QueueLength, Service, Site, Ticket, UTCDateTime

_T = Ticket.__table__  # type: ignore[attr-defined]
_S = Service.__table__  # type: ignore[attr-defined]
_SITE = Site.__table__  # type: ignore[attr-defined]
_C = Counter.__table__  # type: ignore[attr-defined]
_CS = CounterService.__table__  # type: ignore[attr-defined]
_QL = QueueLength.__table__  # type: ignore[attr-defined]
_P = sa.bindparam

_SITE_OF_SERVICE = sa.select(_S.c.site_id).where(_S.c.id == _P("service_id"))
_SITE_ZONE = sa.select(_SITE.c.timezone).where(_SITE.c.id == _P("site_id"))
_SERVICES = sa.select(_S.c.id, _S.c.code).where(_S.c.site_id == _P("site_id"))
_OPEN_LINKS = (
    sa.select(
        _C.c.number,
        _C.c.routing_mode,
        _C.c.current_ticket_id,
        _CS.c.service_id,
        _CS.c.order,
        _CS.c.weight,
    )
    .select_from(_C.join(_CS, _CS.c.counter_id == _C.c.id))
    .where(_C.c.site_id == _P("site_id"), _C.c.state == CounterState.OPEN.value)
)
_CURRENT = sa.select(_T.c.id, _T.c.service_id, _T.c.called_at).where(
    _T.c.id.in_(_P("ids", expanding=True))
)
_WAITING = (
    sa.select(_QL.c.service_id, sa.func.sum(_QL.c.waiting))
    .where(_QL.c.service_id.in_(_P("ids", expanding=True)))
    .group_by(_QL.c.service_id)
)
_OLDEST = (
    sa.select(_T.c.service_id, sa.func.min(_T.c.arrival_at))
    .where(_T.c.site_id == _P("site_id"), _T.c.status == TicketStatus.WAITING.value)
    .group_by(_T.c.service_id)
)
# The recent finished tickets of a service, one status at a time: each is then a walk
# back along ix_ticket_done that stops after `limit` rows. With both statuses in one IN
# the database read every finished ticket of the service's history and sorted them, on
# every forecast (after each counter's write).
_ENDED = (TicketStatus.DONE.value, TicketStatus.NO_SHOW.value)
_CYCLES = (
    sa.select(_T.c.called_at, _T.c.finished_at)
    .where(
        _T.c.service_id == _P("service_id"),
        _T.c.status == _P("status"),
        _T.c.called_at.is_not(None),
        _T.c.finished_at.is_not(None),
    )
    .order_by(_T.c.finished_at.desc())
    .limit(_P("limit", type_=sa.Integer()))
)
_ISSUED = (
    sa.select(_T.c.service_id, sa.func.count(), sa.func.min(_T.c.issued_at))
    .where(
        _T.c.site_id == _P("site_id"),
        _T.c.day.in_(_P("days", expanding=True)),
        _T.c.issued_at >= _P("since", type_=UTCDateTime()),
    )
    .group_by(_T.c.service_id)
)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def typical_cycle(cycles: list[float]) -> float | None:
    """Counter time per ticket: the mean, without the cases a clerk forgot to finish
    (over four times the median); None below MIN_SAMPLES."""
    if len(cycles) < MIN_SAMPLES:
        return None
    middle = median(cycles)
    kept = [c for c in cycles if c <= 4 * middle] or cycles
    return sum(kept) / len(kept)


def arrival_rate(count: int, first: datetime | None, now: datetime) -> float:
    """Tickets issued per second over the last half hour (or since the first of them)."""
    if count < MIN_SAMPLES or first is None:
        return 0.0
    span = max(60.0, (now - _aware(first)).total_seconds())
    return count / span


@dataclass(slots=True)
class SiteEstimates:
    """One site's office for the forecast, and the waits worked out from it so far."""

    office: Office
    codes: dict[int, str]  # service id → code
    _waits: dict[str, list[int | None]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def for_service(self, service_id: int) -> EstimateInputs:
        return EstimateInputs(self, self.codes.get(service_id, ""))

    def wait(self, code: str, ahead: int) -> int | None:
        known = self._waits.get(code, [])
        if ahead < len(known):
            return known[ahead]
        count = max(ahead + 1, 2 * len(known), 16)
        waits = waits_s(self.office, code, count)
        with self._lock:
            self._waits[code] = waits
        return waits[ahead]

    def waits(self, code: str, start: int, stop: int) -> list[int | None]:
        self.wait(code, stop - 1)  # worked out that far at least
        return self._waits[code][start:stop]


@dataclass(frozen=True, slots=True)
class EstimateInputs:
    """One service's view of its site's forecast."""

    site: SiteEstimates
    code: str

    def wait_for(self, ahead: int) -> int | None:
        return self.site.wait(self.code, ahead)

    def waits(self, start: int, stop: int) -> list[int | None]:
        """`wait_for(ahead)` for ahead in range(start, stop)."""
        return self.site.waits(self.code, start, stop)

    @property
    def open_counters(self) -> int:
        return self.site.office.open_counters(self.code)


def site_estimates(
    db: repo.Executes, site_id: int, now: datetime, recent_limit: int
) -> SiteEstimates:
    """The site's counters and queues now, for the forecast."""
    codes = {int(i): str(c) for i, c in db.execute(_SERVICES, {"site_id": site_id}).all()}
    ids = sorted(codes)
    zone = ZoneInfo(str(db.execute(_SITE_ZONE, {"site_id": site_id}).scalar_one()))
    today = now.astimezone(zone).date()
    waiting = {int(s): int(n or 0) for s, n in db.execute(_WAITING, {"ids": ids}).all()}
    oldest = {int(s): _aware(a) for s, a in db.execute(_OLDEST, {"site_id": site_id}).all()}
    since = now - timedelta(seconds=RATE_WINDOW_S)
    issued = {
        int(s): arrival_rate(int(n), first, now)
        for s, n, first in db.execute(
            _ISSUED,
            {"site_id": site_id, "days": [today - timedelta(days=1), today], "since": since},
        ).all()
    }
    cycles: dict[int, float | None] = {}
    for service_id in ids:
        rows = sorted(
            (
                (_aware(end), _aware(start))
                for status in _ENDED
                for start, end in db.execute(
                    _CYCLES, {"service_id": service_id, "status": status, "limit": recent_limit}
                ).all()
            ),
            reverse=True,
        )[:recent_limit]
        cycles[service_id] = typical_cycle([(end - start).total_seconds() for end, start in rows])
    queues = {
        codes[s]: QueueLoad(
            waiting=waiting.get(s, 0),
            oldest_wait_s=max(0.0, (now - oldest[s]).total_seconds()) if s in oldest else 0.0,
            cycle_s=cycles[s],
            arrivals_per_s=issued.get(s, 0.0),
        )
        for s in ids
    }
    counters = _open_counters(db, site_id, now, codes, queues)
    return SiteEstimates(Office(queues, counters), codes)


def _open_counters(
    db: repo.Executes,
    site_id: int,
    now: datetime,
    codes: dict[int, str],
    queues: dict[str, QueueLoad],
) -> tuple[OpenCounter, ...]:
    links: dict[int, list[ServiceLink]] = defaultdict(list)
    modes: dict[int, str] = {}
    current: dict[int, int] = {}
    for number, mode, ticket_id, service_id, order, weight in db.execute(
        _OPEN_LINKS, {"site_id": site_id}
    ).all():
        if service_id in codes:
            links[number].append(ServiceLink(codes[service_id], int(order), float(weight)))
        modes[number] = mode
        if ticket_id is not None:
            current[number] = int(ticket_id)
    busy: dict[int, float] = {}
    if current:
        known = [q.cycle_s for q in queues.values() if q.cycle_s is not None]
        fallback = median(known) if known else 0.0
        rows = db.execute(_CURRENT, {"ids": sorted(current.values())}).all()
        by_ticket = {int(t): (int(s), c) for t, s, c in rows}
        for number, ticket_id in current.items():
            service_id, called_at = by_ticket.get(ticket_id, (0, None))
            cycle = queues.get(codes.get(service_id, ""), QueueLoad()).cycle_s or fallback
            if called_at is None:
                continue
            elapsed = (now - _aware(called_at)).total_seconds()
            # Past its typical time the client is still there: a quarter more, not zero.
            busy[number] = max(cycle - elapsed, cycle / 4)
    return tuple(
        OpenCounter(
            CounterRouting(number, tuple(links[number]), RoutingMode(modes[number])),
            busy.get(number, 0.0),
        )
        for number in sorted(links)
    )


def estimate_inputs(
    db: repo.Executes, service_id: int, now: datetime, recent_limit: int
) -> EstimateInputs:
    site_id = int(db.execute(_SITE_OF_SERVICE, {"service_id": service_id}).scalar_one())
    return site_estimates(db, site_id, now, recent_limit).for_service(service_id)


class EstimateInputsCache:
    """The sites' forecasts, one per site and second (the waits worked out for one
    ticket serve the next ones issued in that second)."""

    def __init__(self, recent_limit: int) -> None:
        self.recent_limit = recent_limit
        self._entries: dict[tuple[int, int], SiteEstimates] = {}
        self._site_of: dict[int, int] = {}  # service id → site id: never changes

    def get(self, db: repo.Executes, service_id: int, now: datetime) -> EstimateInputs:
        site_id = self._site_of.get(service_id)
        if site_id is None:
            site_id = int(db.execute(_SITE_OF_SERVICE, {"service_id": service_id}).scalar_one())
            self._site_of[service_id] = site_id
        key = (site_id, int(now.timestamp()))
        site = self._entries.get(key)
        if site is None:
            site = site_estimates(db, site_id, now, self.recent_limit)
            if len(self._entries) > 1000:  # old seconds
                self._entries.clear()
            self._entries[key] = site
        return site.for_service(service_id)

    def forget(self) -> None:
        self._entries.clear()
