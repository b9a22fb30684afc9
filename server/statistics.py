"""Statistics of any range: daily roll-ups kept from the event log, figures, forecast.

The figures come from `stats_rollup`: one row per site, day, service, counter and clerk
with counts and exact second histograms (kolejka.core.rollups). The rows stay right by
one rule: before figures are read, every day touched by an event after the site's
`stats_mark` is rolled up again from the event log, and the mark moves to the log's end.
A day is its tickets' day (the site's local date of issue), so an event of a ticket
issued yesterday — finished after midnight, corrected a week later — re-rolls yesterday;
`stats_day.until` remembers how far in time a day's events reach, so the re-roll reads
them all. No write path knows of the roll-ups: whatever writes an event (every change
does, in its own transaction) is seen.

Rolling up reads the log outside any write transaction and writes the rows in a short
one; the mark written is the log's end as read *before* the roll-up, so an event that
committed meanwhile is rolled up (again) next time: the work is idempotent, never stale.

Today is touched by every event while the office is open, so it would be replayed whole
on every read. Instead the process keeps the replay of each day it rolled lately
(kolejka.core.stats.SegmentReplay, with the seq of the last event fed to it) and rolling
the day again feeds it only the events after that seq up to the log's end: a replay is a
left fold over the log in seq order, so the segments, and the rolls made from them, are
the ones a whole replay would give (tests/server/test_statistics_today.py holds the two
equal through a day of the real write path, with a transfer, a no-show taken back and a
finish after midnight, which reaches yesterday's kept replay the same way). Events are
never changed once written; a log that went back (a restored database) or another epoch
starts the replay afresh. Another process keeps its own replays: all read the same log.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session, col, select

from kolejka.core.errors import DomainError, Forbidden
from kolejka.core.rollups import (
    ARRAYS,
    COUNTS,
    DEFAULT_WAIT_TARGET_S,
    RangeFigures,
    Roll,
    RollKey,
    Scope,
    days_of,
    roll_up,
)
from kolejka.core.staffing import (
    DEFAULT_GOAL,
    ServiceForecast,
    SharedForecast,
    forecast,
    needed_in_all,
    shared_forecast,
    sharing_groups,
)
from kolejka.core.stats import SegmentReplay, TicketEvent
from kolejka.schemas import (
    RangeClerkRow,
    RangeCounterRow,
    RangeDayRow,
    RangeFiguresPublic,
    RangeServiceRow,
    RangeStats,
    ServiceForecastPublic,
    SharedForecastPublic,
    StaffingForecast,
)
from server import repository as repo
from server.actors import Actor, require_clerk, require_site
from server.clock import Clock
from server.db import STATS_LOCK_KEY, Database
from server.models import (
    Clerk,
    Counter,
    CounterService,
    Event,
    Service,
    Site,
    StatsDay,
    StatsMark,
    StatsRollup,
    Ticket,
)
from server.siteconfig import rules_from_json
from server.stats_fast import RollColumns, range_figures_fast

MAX_RANGE_DAYS = 400
STEP_EVENTS = 20_000  # events a roll-up step takes: a few days of a 3,000-visitor office
FOLDS_KEPT = 8  # days whose replay a process keeps (today and yesterday of a few sites)
FIGURES_KEPT = 16  # ranges whose figures a process keeps (a page and its charts share one)
HISTORY_WEEKS = 6  # the forecast reads this many past weeks

_EVENTS = Event.__table__  # type: ignore[attr-defined]
_TICKETS = Ticket.__table__  # type: ignore[attr-defined]
_ROLLUPS = StatsRollup.__table__  # type: ignore[attr-defined]
_DAYS = StatsDay.__table__  # type: ignore[attr-defined]
_SITES = Site.__table__  # type: ignore[attr-defined]


_PAYLOAD = _EVENTS.c.payload
_ACTOR = _EVENTS.c.actor
# What the roll-ups read of an event, taken out of its JSON by the database (much less
# work than handing every payload to Python whole)
_FIELDS = (
    _PAYLOAD[("ticket", "id")].as_integer(),
    _PAYLOAD[("ticket", "service")].as_string(),
    _PAYLOAD[("ticket", "counter")].as_integer(),
    _PAYLOAD[("ticket", "estimated_wait_s")].as_integer(),
    _PAYLOAD[("from_service",)].as_string(),
    _PAYLOAD[("from_counter",)].as_integer(),
    _ACTOR[("id",)].as_integer(),
    _ACTOR[("kind",)].as_string(),
)


_COLUMNS_QUERY = sa.text(
    "SELECT day, service, counter, clerk, "
    + ", ".join(f'"{name}"' for name in COUNTS)
    + ", wait, service_time, estimate_error, arrivals, calls"
    " FROM stats_rollup WHERE site_id = :site AND day >= :start AND day <= :end"
).bindparams(sa.bindparam("start", type_=sa.Date()), sa.bindparam("end", type_=sa.Date()))


class InvalidRange(DomainError):
    """A range that ends before it starts, or is too long to read at once."""

    status = 422
    default_code = "invalid_range"


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local day, as aware datetimes (23 or 25 hours across DST)."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def check_range(start: date, end: date) -> None:
    if end < start or (end - start).days + 1 > MAX_RANGE_DAYS:
        raise InvalidRange(max_days=MAX_RANGE_DAYS)


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What the pages and exports name: services, counters, clerks, targets."""

    id: int
    code: str
    name: str
    zone: ZoneInfo
    services: dict[str, dict[str, str]]  # code → names by language
    counters: dict[int, str]
    clerks: dict[int, str]
    targets: dict[str, int]  # service → longest acceptable wait, seconds
    default_target_s: int

    def service_name(self, code: str, language: str) -> str:
        names = self.services.get(code, {})
        return names.get(language) or names.get("pl") or code

    def clerk_name(self, clerk_id: int) -> str:
        return self.clerks.get(clerk_id, f"#{clerk_id}")

    def counter_name(self, number: int) -> str:
        return self.counters.get(number, str(number))


@dataclass(slots=True)
class RangeResult:
    site: SiteInfo
    figures: RangeFigures
    scope: Scope
    per_clerk: bool  # whether the caller may see per-clerk figures
    read_at: tuple[str, int] | None = None  # the log's (epoch, mark) the figures are of


@dataclass(slots=True)
class ForecastResult:
    site: SiteInfo
    day: date
    services: list[ServiceForecast]
    open_counters: list[float]  # counters that called someone, average of that weekday
    weeks: int
    goal: float
    shared: list[SharedForecast] = field(default_factory=list)  # services sharing counters
    needed: list[int] = field(default_factory=list)  # per hour, shared groups reckoned together


def event_to_ticket_event(
    type_: str, at: datetime, payload: dict[str, Any], actor: dict[str, Any] | None
) -> TicketEvent:
    t = payload.get("ticket", {})
    clerk = actor.get("id") if actor and actor.get("kind") == "clerk" else None
    return TicketEvent(
        type=type_,
        at=at,
        ticket_id=t["id"],
        service=payload.get("from_service") or t["service"],
        counter=t.get("counter") or payload.get("from_counter"),
        to_service=t["service"] if type_ == "ticket.transferred" else None,
        clerk=clerk,
        estimate_s=t.get("estimated_wait_s") if type_ == "ticket.issued" else None,
    )


class Statistics:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._lock = threading.Lock()  # one roll-up at a time in this process
        # each recently rolled day's replay and the last event in it, so that rolling the
        # day again (today, on every read while the office is open) folds in only the new
        # events; False: every roll-up replays its day whole (the reference; bench "before")
        self.incremental = True
        self._folds: OrderedDict[tuple[int, str, date], _Fold] = OrderedDict()
        # the figures of the ranges read lately, with the (epoch, mark) they were read at
        self._figures: OrderedDict[tuple[Any, ...], tuple[tuple[str, int], RangeFigures]] = (
            OrderedDict()
        )
        # the same figures by the (epoch, mark) they were read at: a page's charts are drawn
        # from the figures its tables showed, not read again (today changes between them)
        self._figures_read: OrderedDict[tuple[Any, ...], RangeFigures] = OrderedDict()
        self._figures_lock = threading.Lock()

    # --- keeping the roll-ups ------------------------------------------------------------

    def catch_up(self, site_id: int) -> int:
        """Re-roll every day touched since the mark, a step at a time; returns how many
        days it rolled (a day touched in two steps counts twice)."""
        rolled = 0
        while True:
            days, done = self.catch_up_step(site_id)
            rolled += days
            if done:
                return rolled

    def catch_up_step(self, site_id: int, max_events: int = STEP_EVENTS) -> tuple[int, bool]:
        """Re-roll the days touched by the next `max_events` events after the mark and move
        the mark past them: (days rolled, whether the mark reached the log's end).

        A step is bounded whatever the backlog (a year of history after an upgrade): it
        reads a few days' events outside any transaction and writes each day's rows in
        its own short transaction (a day of a 60-counter hall is ≈ 300 rows), so the
        SQLite writer is never held for more than one day's swap, and the lock of this
        process is let go between steps (a page's read can come in between).

        Server processes on one PostgreSQL database take the step in turn (an advisory
        lock per site, held from reading the mark to writing it): two processes rolling
        the same day at once could otherwise leave the rows of the one that read the log
        earlier under the mark of the one that read it later — a late change lost for
        good (tests/server/test_statistics_processes.py)."""
        with self._lock, self.db.site_lock(STATS_LOCK_KEY, site_id):
            with self.db.read() as session:
                site = session.get(Site, site_id)
                assert site is not None
                zone = ZoneInfo(site.timezone)
                last, epoch = site.last_seq, site.epoch
                mark = session.get(StatsMark, site_id)
                since = mark.seq if mark is not None else 0
                if last <= since:
                    return 0, True
                bound = min(last, since + max_events)
                touched = self._touched_days(session, site_id, since, bound)
                known = {
                    d: u
                    for d, u in session.execute(
                        sa.select(_DAYS.c.day, _DAYS.c.until).where(
                            _DAYS.c.site_id == site_id, _DAYS.c.day.in_(list(touched))
                        )
                    )
                }
            until = {d: max(u, known.get(d, u)) for d, u in touched.items()}
            for day in sorted(until):
                self._reroll(site_id, zone, day, until[day], (epoch, bound), since)
            with self.db.write() as session:
                mark = session.get(StatsMark, site_id)
                if mark is None:
                    session.add(StatsMark(site_id=site_id, seq=bound))
                else:
                    mark.seq = bound
                    session.add(mark)
            return len(until), bound == last

    def site_ids(self) -> list[int]:
        with self.db.read() as session:
            return [int(i) for i in session.execute(sa.select(_SITES.c.id)).scalars()]

    def _touched_days(
        self, session: Session, site_id: int, since: int, last: int
    ) -> dict[date, datetime]:
        ticket_id = _EVENTS.c.payload[("ticket", "id")].as_integer()
        rows = session.execute(
            sa.select(_TICKETS.c.day, sa.func.max(_EVENTS.c.at))
            .select_from(_EVENTS.join(_TICKETS, _TICKETS.c.id == ticket_id))
            .where(
                _EVENTS.c.site_id == site_id,
                _EVENTS.c.seq > since,
                _EVENTS.c.seq <= last,
                _EVENTS.c.type.like("ticket.%"),
            )
            .group_by(_TICKETS.c.day)
        )
        return {d: _aware(at) for d, at in rows}

    def day_rolls(
        self, session: Session, site_id: int, zone: ZoneInfo, day: date, until: datetime
    ) -> dict[RollKey, Roll]:
        """The day's rolls, from the events of the tickets issued that day (the whole
        re-roll: every event of the day's window, whatever was folded before)."""
        start, end = day_bounds(day, zone)
        replay = SegmentReplay(begins_before=end)
        replay.feed(self._events(session, site_id, start, max(end, until)))
        return roll_up(replay.segments, day, zone)

    def _events(
        self,
        session: Session,
        site_id: int,
        start: datetime,
        until: datetime | None = None,
        seqs: tuple[int, int] | None = None,
    ) -> Iterable[TicketEvent]:
        """The ticket events at or after `start` (up to `until`; with `seqs`, only those
        after seqs[0] up to seqs[1]), in log order."""
        query = sa.select(_EVENTS.c.type, _EVENTS.c.at, *_FIELDS).where(
            _EVENTS.c.site_id == site_id,
            _EVENTS.c.at >= start,
            _EVENTS.c.type.like("ticket.%"),
        )
        if until is not None:
            query = query.where(_EVENTS.c.at <= until)
        if seqs is not None:
            query = query.where(_EVENTS.c.seq > seqs[0], _EVENTS.c.seq <= seqs[1])
        for (
            type_,
            at,
            ticket,
            service,
            counter,
            estimate,
            from_service,
            from_counter,
            who,
            kind,
        ) in session.execute(query.order_by(_EVENTS.c.seq)):
            transfer = type_ == "ticket.transferred"
            yield TicketEvent(
                type=type_,
                at=at,
                ticket_id=ticket,
                service=from_service or service,
                counter=counter or from_counter,
                to_service=service if transfer else None,
                clerk=who if kind == "clerk" else None,
                estimate_s=estimate if type_ == "ticket.issued" else None,
            )

    def _folded_rolls(
        self,
        site_id: int,
        zone: ZoneInfo,
        day: date,
        until: datetime,
        log: tuple[str, int],
        since: int,
    ) -> tuple[_Fold, dict[RollKey, Roll], dict[RollKey, Roll] | None]:
        """The day's rolls from its kept replay, carried forward with only the events
        after the replay's cursor (up to the log's end `log`, as the mark will say); a day
        not kept is replayed whole up to there, and kept. Also the rolls this replay wrote
        last, when the stored rows are still those (the mark, `since`, is where the replay
        stood: no one rolled the site on since): then only the rolls that changed need
        writing, a few rows for a read's few new events instead of the day's 300."""
        epoch, last = log
        start, end = day_bounds(day, zone)
        key = (site_id, epoch, day)
        fold = self._folds.pop(key, None)
        if fold is not None and fold.seq > last:
            fold = None  # the log went back (a restored database): start again
        with self.db.read() as session:
            if fold is None:
                fold = _Fold(SegmentReplay(begins_before=end), 0)
                events = self._events(session, site_id, start, max(end, until), (0, last))
            else:
                events = self._events(session, site_id, start, None, (fold.seq, last))
            fold.replay.feed(events)
        previous = fold.written if fold.seq == since else None
        fold.seq, fold.written = last, None  # written again once the rows are
        self._folds[key] = fold
        while len(self._folds) > FOLDS_KEPT:
            self._folds.popitem(last=False)
        return fold, roll_up(fold.replay.segments, day, zone), previous

    def _reroll(
        self,
        site_id: int,
        zone: ZoneInfo,
        day: date,
        until: datetime,
        log: tuple[str, int],
        since: int = -1,
    ) -> None:
        fold, previous = None, None
        if self.incremental:
            fold, rolls, previous = self._folded_rolls(site_id, zone, day, until, log, since)
        else:
            with self.db.read() as session:
                rolls = self.day_rolls(session, site_id, zone, day, until)
        if previous is None:
            changed, gone = list(rolls), []
        else:
            changed = [k for k, r in rolls.items() if previous.get(k) != r]
            gone = [k for k in previous if k not in rolls]
        rows = [
            {
                "site_id": site_id,
                "day": day,
                "service": k.service,
                "counter": k.counter,
                "clerk": k.clerk,
                **rolls[k].counts(),
                **_blob_columns(rolls[k].blobs()),
            }
            for k in changed
        ]
        with self.db.write() as session:
            conn = session.connection()
            if previous is None:
                conn.execute(
                    sa.delete(_ROLLUPS).where(_ROLLUPS.c.site_id == site_id, _ROLLUPS.c.day == day)
                )
            elif changed or gone:
                conn.execute(
                    _DELETE_ROLL,
                    [
                        {"s": site_id, "d": day, "v": k.service, "c": k.counter, "k": k.clerk}
                        for k in [*changed, *gone]
                    ],
                )
            if rows:
                conn.execute(sa.insert(_ROLLUPS), rows)
            conn.execute(sa.delete(_DAYS).where(_DAYS.c.site_id == site_id, _DAYS.c.day == day))
            conn.execute(sa.insert(_DAYS), {"site_id": site_id, "day": day, "until": until})
        if fold is not None:
            fold.written = rolls

    # --- reading -------------------------------------------------------------------------

    def site_info(self, session: Session, site: Site) -> SiteInfo:
        assert site.id is not None
        rules = rules_from_json(site.settings)
        services = {
            s.code: dict(s.names)
            for s in session.exec(
                select(Service).where(Service.site_id == site.id).order_by(col(Service.position))
            )
        }
        counters = {
            c.number: c.name
            for c in session.exec(select(Counter).where(Counter.site_id == site.id))
        }
        clerks = {
            c.id: c.display_name
            for c in session.exec(select(Clerk).where(Clerk.site_id == site.id))
            if c.id is not None
        }
        # the service's threshold is the one the console's monitor alerts on
        alerts = rules.alerts
        default = alerts.wait_min * 60
        targets = {
            code: alerts.wait_min_by_service.get(code, alerts.wait_min) * 60 for code in services
        }
        return SiteInfo(
            id=site.id,
            code=site.code,
            name=site.name,
            zone=ZoneInfo(site.timezone),
            services=services,
            counters=counters,
            clerks=clerks,
            targets=targets,
            default_target_s=default or DEFAULT_WAIT_TARGET_S,
        )

    def _open(self, site_code: str, actor: Actor | None) -> tuple[Site, SiteInfo]:
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            if actor is not None:
                require_clerk(actor, "range_stats")
                require_site(actor, site.id)  # type: ignore[arg-type]
            info = self.site_info(session, site)
        return site, info

    def rolls(self, site_id: int, start: date, end: date) -> list[tuple[RollKey, Roll]]:
        with self.db.read() as session:
            rows = session.execute(
                sa.select(_ROLLUPS).where(
                    _ROLLUPS.c.site_id == site_id,
                    _ROLLUPS.c.day >= start,
                    _ROLLUPS.c.day <= end,
                )
            ).mappings()
            return [
                (
                    RollKey(r["day"], r["service"], r["counter"], r["clerk"]),
                    Roll.from_row(dict(r), {a: r[BLOB_COLUMNS[a]] for a in ARRAYS}),
                )
                for r in rows
            ]

    def columns(self, site_id: int, start: date, end: date) -> RollColumns:
        """The roll-up rows of [start, end] as columns (server/stats_fast.py), read as the
        driver gives them: tens of thousands of rows for 90 days of a big hall."""
        with self.db.read() as session:
            rows = session.execute(_COLUMNS_QUERY, {"site": site_id, "start": start, "end": end})
            return RollColumns.from_rows(rows, ARRAYS)

    def today(self, site_code: str) -> date:
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            return self.clock.now().astimezone(ZoneInfo(site.timezone)).date()

    def range_stats(
        self,
        site_code: str,
        actor: Actor | None,
        start: date,
        end: date,
        scope: Scope = Scope(),
        read_at: tuple[str, int] | None = None,
    ) -> RangeResult:
        """The figures of [start, end] (site days) within `scope`. `actor` None: the
        command line, which sees everything. `read_at`: the figures as an earlier result
        had them (its `read_at`: a page's charts), when this process still keeps them;
        else as now."""
        check_range(start, end)
        per_clerk = actor is None or actor.is_supervisor
        if scope.clerk is not None and not per_clerk:
            raise Forbidden("supervisor_required", action="per_clerk_stats")
        site, info = self._open(site_code, actor)
        assert site.id is not None
        targets = tuple(sorted(info.targets.items()))
        key: tuple[Any, ...] = (site.id, start, end, scope, targets, info.default_target_s)
        with self._figures_lock:
            figures = self._figures_read.get((key, read_at)) if read_at else None
        revision = read_at
        if figures is None:
            self.catch_up(site.id)
            revision, figures = self._cached_figures(site.id, key, start, end) or (None, None)
        if figures is None or revision is None:
            with self.db.read() as session:
                revision = self._revision(session, site.id)
            figures = range_figures_fast(
                self.columns(site.id, start, end),
                start,
                end,
                scope=scope,
                targets=info.targets,
                default_target_s=info.default_target_s,
            )
            with self._figures_lock:
                self._figures[key] = (revision, figures)
                while len(self._figures) > FIGURES_KEPT:
                    self._figures.popitem(last=False)
        with self._figures_lock:
            self._figures_read[(key, revision)] = figures
            self._figures_read.move_to_end((key, revision))
            while len(self._figures_read) > FIGURES_KEPT:
                self._figures_read.popitem(last=False)
        if not per_clerk:
            figures = dataclasses.replace(figures, by_clerk={})
        return RangeResult(info, figures, scope, per_clerk, revision)

    @staticmethod
    def _revision(session: Session, site_id: int) -> tuple[str, int]:
        """The site's log epoch and roll-up mark: the rows as they stand reflect every
        event up to the mark (a roll-up step reads the log before it moves the mark)."""
        epoch = session.execute(sa.select(_SITES.c.epoch).where(_SITES.c.id == site_id))
        mark = session.get(StatsMark, site_id)
        return str(epoch.scalar_one()), mark.seq if mark is not None else 0

    def _cached_figures(
        self, site_id: int, key: tuple[Any, ...], start: date, end: date
    ) -> tuple[tuple[str, int], RangeFigures] | None:
        """The figures kept from an earlier read of the same range, while still right: no
        event since the mark they were read at touched a day of the range (a page and its
        four charts read the same figures; a past range stays kept while today goes on).
        The days touched come from the log itself, so a roll-up by another process counts."""
        with self._figures_lock:
            kept = self._figures.get(key)
        if kept is None:
            return None
        (epoch, seq), figures = kept
        with self.db.read() as session:
            now_epoch, now_seq = self._revision(session, site_id)
            if now_epoch != epoch or now_seq < seq:
                return None
            if now_seq > seq:
                touched = self._touched_days(session, site_id, seq, now_seq)
                if any(start <= day <= end for day in touched):
                    return None
        with self._figures_lock:
            self._figures[key] = ((epoch, now_seq), figures)
            self._figures.move_to_end(key)
        return (epoch, now_seq), figures

    def staffing_forecast(
        self, site_code: str, actor: Actor | None, day: date | None = None
    ) -> ForecastResult:
        """Counters each service needs per hour on `day` (default tomorrow), from the same
        weekday of the past weeks' arrivals and the past four weeks' service times."""
        site, info = self._open(site_code, actor)
        assert site.id is not None
        today = self.clock.now().astimezone(info.zone).date()
        day = day or today + timedelta(days=1)
        check_range(day - timedelta(weeks=HISTORY_WEEKS), day)
        self.catch_up(site.id)
        history_end = min(day, today) - timedelta(days=1)
        history_start = history_end - timedelta(weeks=HISTORY_WEEKS) + timedelta(days=1)
        same_days = [d for d in days_of(history_start, history_end) if d.weekday() == day.weekday()]
        cols = self.columns(site.id, history_start, history_end)
        weekday = (cols.day - 1) % 7 == day.weekday()  # an ordinal's weekday: (n - 1) % 7
        arrivals: dict[str, list[float]] = {code: [0.0] * 24 for code in info.services}
        for index, code in enumerate(cols.services):
            rows = weekday & (cols.service == index)
            arrivals[code] = [float(x) for x in cols.arrivals[rows].sum(axis=0)]
        seen = {date.fromordinal(int(d)) for d in cols.day[weekday & (cols.counts["issued"] > 0)]}
        same_days = [d for d in same_days if d in seen]  # not a day before the records began
        weeks = max(1, len(same_days))
        for series in arrivals.values():
            for hour in range(24):
                series[hour] /= weeks
        # counters that called someone in each hour of those days
        rows = np.flatnonzero(weekday & (cols.counter > 0))
        busy = cols.calls[rows] > 0
        open_counters = []
        for hour in range(24):
            pairs = {
                (int(d), int(c))
                for d, c in zip(
                    cols.day[rows][busy[:, hour]], cols.counter[rows][busy[:, hour]], strict=True
                )
            }
            open_counters.append(len(pairs) / weeks)
        recent = range_figures_fast(
            cols,
            max(history_start, history_end - timedelta(weeks=4) + timedelta(days=1)),
            history_end,
        )
        means = {code: f.service_mean_s for code, f in recent.by_service.items()}
        targets = {code: info.targets.get(code, info.default_target_s) for code in arrivals}
        services = forecast(arrivals, means, targets, DEFAULT_GOAL)
        shared = shared_forecast(services, self._sharing_groups(site.id), DEFAULT_GOAL)
        return ForecastResult(
            info,
            day,
            services,
            open_counters,
            len(same_days),
            DEFAULT_GOAL,
            shared,
            needed_in_all(services, shared),
        )

    def _sharing_groups(self, site_id: int) -> list[tuple[str, ...]]:
        """Services linked by counters of today's configuration."""
        with self.db.read() as session:
            rows = session.exec(
                select(CounterService.counter_id, Service.code)
                .join(Service, col(Service.id) == CounterService.service_id)
                .where(Service.site_id == site_id)
            ).all()
        served: dict[int, list[str]] = {}
        for counter_id, code in rows:
            served.setdefault(counter_id, []).append(code)
        return sharing_groups(served.values())


@dataclass(slots=True)
class _Fold:
    replay: SegmentReplay
    seq: int  # the last event of the log fed to `replay`
    written: dict[RollKey, Roll] | None = None  # the rolls stored from it, as stored


_DELETE_ROLL = sa.delete(_ROLLUPS).where(
    _ROLLUPS.c.site_id == sa.bindparam("s"),
    _ROLLUPS.c.day == sa.bindparam("d", type_=sa.Date()),
    _ROLLUPS.c.service == sa.bindparam("v"),
    _ROLLUPS.c.counter == sa.bindparam("c"),
    _ROLLUPS.c.clerk == sa.bindparam("k"),
)


BLOB_COLUMNS = {name: "service_time" if name == "service" else name for name in ARRAYS}


def _blob_columns(blobs: dict[str, bytes]) -> dict[str, bytes]:
    return {BLOB_COLUMNS[name]: value for name, value in blobs.items()}


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


# --- public shapes -----------------------------------------------------------------------


def range_public(result: RangeResult) -> RangeStats:
    fig, info = result.figures, result.site
    return RangeStats(
        site=info.code,
        start=fig.start,
        end=fig.end,
        timezone=info.zone.key,
        service=result.scope.service,
        counter=result.scope.counter,
        clerk=result.scope.clerk,
        total=RangeFiguresPublic(**fig.total.as_dict()),
        days=[RangeDayRow(day=d, **f.as_dict()) for d, f in fig.by_day.items()],
        services=[
            RangeServiceRow(
                service=code,
                names=info.services.get(code, {}),
                target_wait_s=info.targets.get(code, info.default_target_s),
                **f.as_dict(),
            )
            for code, f in fig.by_service.items()
        ],
        counters=[
            RangeCounterRow(counter=n, name=info.counter_name(n), **f.as_dict())
            for n, f in fig.by_counter.items()
        ],
        clerks=[
            RangeClerkRow(clerk=c, name=info.clerk_name(c), **f.as_dict())
            for c, f in fig.by_clerk.items()
        ]
        if result.per_clerk
        else None,
        arrivals=fig.arrivals,
        weekdays=fig.weekdays,
        calls_by_hour=fig.calls_by_hour,
    )


def forecast_public(result: ForecastResult) -> StaffingForecast:
    return StaffingForecast(
        site=result.site.code,
        day=result.day,
        weeks=result.weeks,
        goal=result.goal,
        services=[
            ServiceForecastPublic(
                service=s.service,
                arrivals=[round(x, 2) for x in s.arrivals],
                mean_service_s=s.mean_service_s,
                target_wait_s=s.target_s,
                counters=s.counters,
            )
            for s in result.services
        ],
        open_counters=[round(x, 2) for x in result.open_counters],
        shared=[
            SharedForecastPublic(services=list(g.services), counters=g.counters)
            for g in result.shared
        ],
        needed=result.needed,
    )
