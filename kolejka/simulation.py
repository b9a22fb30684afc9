"""A realistic office day, as a plan: who arrives when, for what, and how the day goes.

Shared by `kolejka simulate` (plays the arrivals and the clerks' actions against a running
server), `kolejka demo` (weeks of history so every chart has data) and bench/stats.py
(a year of a 3,000-visitor-a-day office). Pure and seeded: the same seed gives the same
day.

The model: visitors arrive as a Poisson stream whose rate follows the hour (a morning
peak, a quiet afternoon) and the weekday (Monday busiest, Friday lighter, no weekend);
each comes for a service by its share; counters open in shifts (fewer at opening and
late); a free counter calls the earliest waiting visitor of the services it serves;
service times are log-normal around each service's mean; a few visitors are gone when
called (no-show), give up waiting (cancel) or are sent on to another service (transfer).
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAY_FACTOR = (1.25, 1.1, 1.0, 1.0, 0.8, 0.0, 0.0)  # Monday … Sunday
NO_SHOW = 0.04
CANCEL = 0.01
TRANSFER = 0.03
CALL_TO_START_S = 25  # walking to the counter


@dataclass(frozen=True, slots=True)
class ServiceProfile:
    code: str
    share: float
    mean_min: float


DEMO_SERVICES = (
    ServiceProfile("A", 0.35, 9.0),
    ServiceProfile("B", 0.15, 12.0),
    ServiceProfile("C", 0.25, 3.0),
    ServiceProfile("D", 0.10, 6.0),
    ServiceProfile("E", 0.15, 2.0),
)


@dataclass(frozen=True, slots=True)
class DayPlan:
    visitors: int  # expected on a Monday–Thursday of factor 1.0
    opens: time = time(8, 0)
    closes: time = time(16, 0)
    counters: int = 8
    services: Sequence[ServiceProfile] = DEMO_SERVICES
    # which services each counter serves (counter number → codes); default: all
    counter_services: dict[int, tuple[str, ...]] = field(default_factory=dict)
    weekdays: Sequence[float] = WEEKDAY_FACTOR  # how busy each weekday is (0: closed)


@dataclass(slots=True)
class Step:
    kind: str  # issued | called | serving | done | no_show | cancelled | transferred
    at: datetime
    counter: int | None = None
    clerk: int | None = None
    to_service: str | None = None


@dataclass(slots=True)
class PlannedTicket:
    number: str
    service: str  # where it was issued
    language: str
    arrival: datetime
    steps: list[Step]
    estimate_s: int | None = None

    @property
    def final_service(self) -> str:
        for step in reversed(self.steps):
            if step.to_service:
                return step.to_service
        return self.service


def hour_weight(hour: float) -> float:
    """Busy from opening, a peak around 10:00, quiet after 14:00 (hours since opening)."""
    return 1.0 + 0.8 * math.exp(-((hour - 2.0) ** 2) / 2.0) - (0.35 if hour > 6 else 0.0)


LANGUAGES = ("pl", "uk", "uk", "ru", "en")


def plan_day(
    day: date,
    zone: ZoneInfo,
    plan: DayPlan,
    seed: int,
    clerks: Sequence[int] = (),
) -> list[PlannedTicket]:
    """The tickets of one day with their whole life, in arrival order."""
    rng = random.Random(f"{seed}-{day.isoformat()}")
    factor = plan.weekdays[day.weekday()]
    # in UTC from here on: aware times of one zone compare and add by the wall clock,
    # which runs an hour back on the night the clocks go back
    opens = datetime.combine(day, plan.opens, tzinfo=zone).astimezone(UTC)
    closes = datetime.combine(day, plan.closes, tzinfo=zone).astimezone(UTC)
    length_h = (closes - opens).total_seconds() / 3600
    if factor == 0 or length_h <= 0:
        return []
    mean_weight = sum(hour_weight(h + 0.5) for h in range(math.ceil(length_h))) / math.ceil(
        length_h
    )
    base_rate = plan.visitors * factor / length_h / mean_weight  # an hour
    codes = [s.code for s in plan.services]
    shares = [s.share for s in plan.services]
    means = {s.code: s.mean_min for s in plan.services}

    # arrivals
    tickets: list[PlannedTicket] = []
    numbers: dict[str, int] = {}
    t = opens
    last_arrival = closes - timedelta(minutes=30)
    while True:
        hour = (t - opens).total_seconds() / 3600
        t += timedelta(hours=rng.expovariate(base_rate * hour_weight(hour)))
        if t >= last_arrival:
            break
        code = rng.choices(codes, weights=shares)[0]
        numbers[code] = numbers.get(code, 0) + 1
        tickets.append(
            PlannedTicket(
                f"{code}{numbers[code]:03d}",
                code,
                rng.choice(LANGUAGES),
                t,
                [Step("issued", t)],
            )
        )

    # counters in shifts: all in the peak, two thirds at opening and in the afternoon
    counters = list(range(1, plan.counters + 1))
    serves = {n: set(plan.counter_services.get(n, codes)) for n in counters}
    clerk_of = {
        n: (clerks[(n - 1 + day.toordinal()) % len(clerks)] if clerks else None) for n in counters
    }
    events: list[tuple[datetime, int, str, int]] = []
    order = 0

    def push(at: datetime, kind: str, who: int) -> None:
        nonlocal order
        order += 1
        heapq.heappush(events, (at, order, kind, who))

    for n in counters:
        late = n > math.ceil(plan.counters * 2 / 3)
        start = opens + timedelta(hours=1) if late else opens
        push(start, "free", n)
    for i, ticket in enumerate(tickets):
        push(ticket.arrival, "arrive", i)

    # by service: (arrival, ticket index, ticket index), earliest arrival first
    queues: dict[str, list[tuple[datetime, int, int]]] = {c: [] for c in codes}
    current_service = {i: t.service for i, t in enumerate(tickets)}
    recent: dict[str, list[float]] = {c: [] for c in codes}
    off_at = {n: closes + timedelta(minutes=30) for n in counters}
    for n in counters:
        if n > math.ceil(plan.counters * 2 / 3):
            off_at[n] = opens + timedelta(hours=length_h * 0.75)

    def estimate(code: str) -> int | None:
        samples = recent[code][-20:]
        able = sum(1 for n in counters if code in serves[n])
        if len(samples) < 3 or not able:
            return None
        ahead = len(queues[code])
        return math.ceil(ahead * sorted(samples)[len(samples) // 2] / able)

    while events:
        at, _, kind, who = heapq.heappop(events)
        if kind == "arrive":
            ticket = tickets[who]
            ticket.estimate_s = estimate(ticket.service)
            heapq.heappush(queues[ticket.service], (ticket.arrival, who, who))
            if rng.random() < CANCEL:
                push(at + timedelta(minutes=rng.uniform(5, 40)), "give_up", who)
        elif kind == "requeue":
            ticket = tickets[who]
            heapq.heappush(queues[current_service[who]], (ticket.arrival, who, who))
        elif kind == "give_up":
            code = current_service[who]
            entry = next((e for e in queues[code] if e[2] == who), None)
            if entry is not None:
                queues[code].remove(entry)
                heapq.heapify(queues[code])
                tickets[who].steps.append(Step("cancelled", at))
        elif kind == "free":
            if at >= off_at[who]:
                continue
            heads = [(queues[c][0], c) for c in serves[who] if queues[c]]
            if not heads:
                if at < closes:
                    push(at + timedelta(seconds=30), "free", who)
                continue
            (_arr, _o, index), code = min(heads)
            heapq.heappop(queues[code])
            ticket = tickets[index]
            clerk = clerk_of[who]
            ticket.steps.append(Step("called", at, who, clerk))
            if rng.random() < NO_SHOW:
                ticket.steps.append(Step("no_show", at + timedelta(minutes=2), who, clerk))
                push(at + timedelta(minutes=2), "free", who)
                continue
            start = at + timedelta(seconds=CALL_TO_START_S)
            ticket.steps.append(Step("serving", start, who, clerk))
            minutes = rng.lognormvariate(math.log(means[code]) - 0.125, 0.5)
            end = start + timedelta(minutes=minutes)
            recent[code].append(minutes * 60)
            if rng.random() < TRANSFER and len(codes) > 1:
                target = rng.choice([c for c in codes if c != code])
                ticket.steps.append(Step("transferred", end, who, clerk, to_service=target))
                current_service[index] = target
                push(end, "requeue", index)
            else:
                ticket.steps.append(Step("done", end, who, clerk))
            push(end, "free", who)
    # whoever is still waiting at the end of the day: cancelled by the office at closing
    for queue in queues.values():
        for _arr, _o, index in queue:
            tickets[index].steps.append(Step("cancelled", closes + timedelta(minutes=45)))
    return tickets
