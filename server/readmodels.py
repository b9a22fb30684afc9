"""What devices read: services with waits, counters, the queue snapshot, events, stats."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kolejka.core.events import CALL_EVENTS, COUNTER_PREFIX, TICKET_PREFIX, EventType
from kolejka.core.hours import Unavailable, availability, passes_closing
from kolejka.core.routing import queue_key
from kolejka.core.states import TicketStatus
from kolejka.core.stats import (
    CounterEvent,
    TicketEvent,
    daily_stats,
    pauses_from_events,
    segments_from_events,
)
from kolejka.schemas import (
    CallPublic,
    CountersPublic,
    DailyStats,
    DeviceKind,
    EventPublic,
    EventsPublic,
    OutcomePublic,
    PrinterPublic,
    QueueSnapshot,
    ServicePublic,
    ServiceQueue,
    ServicesPublic,
    StatsRow,
    TicketPublic,
)
from server import repository as repo
from server.actors import Actor, require_clerk, require_site
from server.clock import Clock
from server.db import Database
from server.estimate_inputs import site_estimates
from server.models import Device, Event, Site, Ticket
from server.presenters import counter_public, ticket_public
from server.siteconfig import opening_hours_from_json

RECENT_CALLS = 10
TRANSFERRED = EventType.TICKET_TRANSFERRED


def event_public(site: Site, event: Event) -> EventPublic:
    return EventPublic(
        seq=event.seq,
        epoch=site.epoch,
        site=site.code,
        type=event.type,
        at=event.at,
        payload=event.payload,
    )


class ReadModels:
    def __init__(self, db: Database, clock: Clock, *, recent_durations: int = 20) -> None:
        self.db = db
        self.clock = clock
        self.recent_durations = recent_durations

    def _site(self, session: Session, site_code: str, actor: Actor | None) -> Site:
        site = repo.site_by_code(session, site_code)
        if actor is not None:
            require_site(actor, site.id)  # type: ignore[arg-type]
        return site

    def list_services(self, site_code: str, actor: Actor | None) -> ServicesPublic:
        now = self.clock.now()
        with self.db.read() as session:
            site = self._site(session, site_code, actor)
            local_now = now.astimezone(ZoneInfo(site.timezone))
            day = local_now.date()
            data = []
            assert site.id is not None
            estimates = site_estimates(session, site.id, now, self.recent_durations)
            for service in repo.services_of(session, site):
                assert service.id is not None
                issued = repo.issued_today(session, site, day, service.code)
                hours = opening_hours_from_json(service.hours)
                reason = availability(
                    hours, local_now, issued, service.daily_limit, service.enabled
                )
                waiting = repo.waiting_count(session, service.id)
                inputs = estimates.for_service(service.id)
                if (
                    reason is None
                    and service.stop_at_closing
                    and passes_closing(hours, local_now, inputs.wait_for(waiting))
                ):
                    reason = Unavailable.WAIT_PAST_CLOSING
                data.append(
                    ServicePublic(
                        code=service.code,
                        names=service.names,
                        group=service.group,
                        group_names=service.group_names,
                        position=service.position,
                        available=reason is None,
                        unavailable_reason=reason.value if reason else None,
                        waiting=waiting,
                        estimated_wait_s=inputs.wait_for(waiting),
                        open_counters=inputs.open_counters,
                        daily_limit=service.daily_limit,
                        issued_today=issued,
                    )
                )
            return ServicesPublic(
                data=data,
                count=len(data),
                priority_enabled=site.rules.priority_enabled,
                timezone=site.timezone,
            )

    def list_counters(self, site_code: str, actor: Actor) -> CountersPublic:
        now = self.clock.now()
        with self.db.read() as session:
            site = self._site(session, site_code, actor)
            data = [counter_public(session, site, c, now) for c in repo.counters_of(session, site)]
            return CountersPublic(data=data, count=len(data))

    def snapshot(self, site_code: str, actor: Actor | None) -> QueueSnapshot:
        now = self.clock.now()
        with self.db.read() as session:
            site = self._site(session, site_code, actor)
            return self.snapshot_in(session, site, now)

    def snapshot_in(self, session: Session, site: Site, now: datetime) -> QueueSnapshot:
        services = repo.services_of(session, site)
        waiting_rows = list(
            session.exec(
                select(Ticket).where(
                    Ticket.site_id == site.id, Ticket.status == TicketStatus.WAITING.value
                )
            )
        )
        per_service: dict[int, list[Ticket]] = defaultdict(list)
        for ticket in waiting_rows:
            per_service[ticket.service_id].append(ticket)
        waiting_views: list[TicketPublic] = []
        queues = []
        assert site.id is not None
        estimates = site_estimates(session, site.id, now, self.recent_durations)
        for service in services:
            assert service.id is not None
            rows = per_service.get(service.id, [])
            rows.sort(key=lambda t: queue_key(repo.candidate(t, service.code, None), now))
            inputs = estimates.for_service(service.id)
            for position, ticket in enumerate(rows):
                view = ticket_public(
                    session, site, ticket, now, with_estimate=False, ahead=position
                )
                view.estimated_wait_s = inputs.wait_for(position)
                waiting_views.append(view)
            longest = int((now - min(t.queued_at for t in rows)).total_seconds()) if rows else None
            queues.append(
                ServiceQueue(
                    code=service.code,
                    names=service.names,
                    waiting=len(rows),
                    longest_wait_s=longest,
                    estimated_wait_s=inputs.wait_for(len(rows)),
                    open_counters=inputs.open_counters,
                    outcomes=[OutcomePublic.model_validate(o) for o in service.outcomes],
                    outcome_required=service.outcome_required,
                )
            )
        calls = session.exec(
            select(Event)
            .where(
                Event.site_id == site.id,
                col(Event.type).in_(sorted(CALL_EVENTS)),
            )
            .order_by(col(Event.seq).desc())
            .limit(RECENT_CALLS)
        )
        call_events = list(calls)
        # A call whose client went back in line (transferred, parked, reactivated) is no
        # longer "now calling": the boards drop it on the event too (display/board.py).
        back_in_line = self._back_in_line(
            session, {e.payload.get("ticket", {}).get("id") for e in call_events}
        )
        recent = []
        for event in call_events:
            t = event.payload.get("ticket", {})
            if t.get("counter") is None or t.get("id") in back_in_line:
                continue
            recent.append(
                CallPublic(
                    ticket_id=t["id"],
                    number=t["number"],
                    service=t["service"],
                    counter=t["counter"],
                    language=t["language"],
                    at=event.at,
                    recall=event.type == EventType.TICKET_RECALLED,
                )
            )
        return QueueSnapshot(
            site=site.code,
            site_name=site.name,
            timezone=site.timezone,
            epoch=site.epoch,
            seq=site.last_seq,
            at=now,
            services=queues,
            counters=[
                counter_public(session, site, c, now) for c in repo.counters_of(session, site)
            ],
            recent_calls=recent,
            waiting=waiting_views,
            parked=[
                ticket_public(session, site, t, now, with_estimate=False)
                for t in self._today_in(session, site, now, TicketStatus.PARKED)
            ],
            reactivatable=[
                ticket_public(session, site, t, now, with_estimate=False)
                for t in self._today_in(session, site, now, TicketStatus.NO_SHOW)
                if t.finished_at is not None
                and now - t.finished_at <= timedelta(minutes=site.rules.reactivate_within_min)
            ],
            ticker=dict(site.rules.ticker),
            printers=[
                PrinterPublic(device=d.name, status=d.printer_status)
                for d in session.exec(
                    select(Device)
                    .where(
                        Device.site_id == site.id,
                        Device.kind == DeviceKind.KIOSK,
                        col(Device.printer_status).is_not(None),
                    )
                    .order_by(col(Device.name))
                )
                if d.printer_status is not None
            ],
        )

    @staticmethod
    def _back_in_line(session: Session, ids: set[int | None]) -> set[int]:
        wanted = [i for i in ids if isinstance(i, int)]
        if not wanted:
            return set()
        gone = (TicketStatus.WAITING.value, TicketStatus.PARKED.value)
        rows = session.execute(
            sa.select(col(Ticket.id)).where(
                col(Ticket.id).in_(wanted), col(Ticket.status).in_(gone)
            )
        )
        return {int(i) for (i,) in rows}

    @staticmethod
    def _today_in(
        session: Session, site: Site, now: datetime, status: TicketStatus
    ) -> list[Ticket]:
        today = now.astimezone(ZoneInfo(site.timezone)).date()
        return list(
            session.exec(
                select(Ticket)
                .where(
                    Ticket.site_id == site.id,
                    Ticket.day == today,
                    Ticket.status == status.value,
                )
                .order_by(col(Ticket.id))
            )
        )

    def events_after(
        self, site_id: int, after: int, limit: int = 1000
    ) -> tuple[Site, list[EventPublic]]:
        with self.db.read() as session:
            site = session.get(Site, site_id)
            assert site is not None
            rows = session.exec(
                select(Event)
                .where(Event.site_id == site_id, Event.seq > after)
                .order_by(col(Event.seq))
                .limit(limit)
            )
            return site, [event_public(site, e) for e in rows]

    def events_page(self, site_code: str, actor: Actor, after: int, limit: int) -> EventsPublic:
        with self.db.read() as session:
            site = self._site(session, site_code, actor)
            rows = session.exec(
                select(Event)
                .where(Event.site_id == site.id, Event.seq > after)
                .order_by(col(Event.seq))
                .limit(limit)
            )
            events = [event_public(site, e) for e in rows]
            return EventsPublic(
                data=events, count=len(events), epoch=site.epoch, last_seq=site.last_seq
            )

    def site_state(self, site_id: int) -> tuple[str, int]:
        """(epoch, last_seq) of a site."""
        with self.db.read() as session:
            site = session.get(Site, site_id)
            assert site is not None
            return site.epoch, site.last_seq

    def oldest_seq(self, site_id: int) -> int | None:
        with self.db.read() as session:
            return session.execute(
                sa.select(sa.func.min(Event.seq)).where(col(Event.site_id) == site_id)
            ).scalar_one_or_none()

    def daily_stats(self, site_code: str, actor: Actor, day: date | None) -> DailyStats:
        require_clerk(actor, "daily_stats")
        now = self.clock.now()
        with self.db.read() as session:
            site = self._site(session, site_code, actor)
            zone = ZoneInfo(site.timezone)
            day = day or now.astimezone(zone).date()
            start = datetime.combine(day, time(0), tzinfo=zone)
            end = start + timedelta(days=1)
            rows = session.exec(
                select(Event)
                .where(
                    Event.site_id == site.id,
                    col(Event.at) >= start,
                    col(Event.at) < end,
                    sa.or_(
                        col(Event.type).startswith(TICKET_PREFIX),
                        col(Event.type).startswith(COUNTER_PREFIX),
                    ),
                )
                .order_by(col(Event.seq))
            )
            events = []
            counter_events = []
            for event in rows:
                if event.type.startswith("counter."):
                    c = event.payload.get("counter", {})
                    counter_events.append(
                        CounterEvent(event.type, event.at, c["number"], event.payload.get("reason"))
                    )
                    continue
                t = event.payload.get("ticket", {})
                events.append(
                    TicketEvent(
                        type=event.type,
                        at=event.at,
                        ticket_id=t["id"],
                        service=event.payload.get("from_service") or t["service"],
                        counter=t.get("counter") or event.payload.get("from_counter"),
                        to_service=t["service"] if event.type == TRANSFERRED else None,
                        outcome=t.get("outcome"),
                    )
                )
            per_service, per_counter = daily_stats(segments_from_events(events))
            for number, by_reason in pauses_from_events(counter_events, min(now, end)).items():
                row = per_counter.setdefault(number, StatsRow().model_dump())
                row["pauses"] = {r: t.count for r, t in sorted(by_reason.items())}
                row["pause_s"] = {r: t.seconds for r, t in sorted(by_reason.items())}
            return DailyStats(
                site=site.code,
                day=day,
                services={k: StatsRow.model_validate(v) for k, v in per_service.items()},
                counters={str(k): StatsRow.model_validate(v) for k, v in per_counter.items()},
            )
