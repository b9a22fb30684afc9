"""How the open counters will drain the queues: a small simulation under the routing rules.

A wait estimate that divides a queue by its counters' capacity is wrong wherever counters
are shared: a service that is second in order at both of its counters waits only as long
as the first services leave those counters idle — often not at all, sometimes for hours.
So the estimate plays the next hours forward on the office as it is now:

- each open counter becomes free when its current client's time is up, then calls as
  kolejka.core.routing does — the service first in its order with anyone waiting, or the
  longest weighted wait (waited seconds × weight) on a weighted counter;
- every ticket of a service takes the counter that service's typical time, call to call
  (the recent mean, so quick no-shows and long cases both count);
- tickets keep arriving at each service's recent rate, evenly spaced (a fluid model of
  the kiosks), so a queue that is second in order sees the first queue refill;
- tickets already waiting are spread evenly between the oldest one's arrival and now.

Appointments and priority classes are left out: they reorder tickets inside a queue,
not how fast the counters take it. The result is seconds from now; None means "unknown"
(no history for the service, no open counter for it, or a queue the counters never reach
within the horizon) — never a guess. Pure: values in, values out.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kolejka.core.routing import CounterRouting, RoutingMode

HORIZON_S = 16 * 3600.0  # nothing said beyond the day
MAX_CALLS = 5000  # simulated calls per forecast; a longer line is extrapolated
MIN_CYCLE_S = 1.0
INF = math.inf


@dataclass(frozen=True, slots=True)
class QueueLoad:
    """One service's queue as the forecast sees it."""

    waiting: int = 0
    oldest_wait_s: float = 0.0  # how long the first waiting ticket has waited
    cycle_s: float | None = None  # counter time per ticket, call to call; None: no history
    arrivals_per_s: float = 0.0  # tickets issued per second lately


@dataclass(frozen=True, slots=True)
class OpenCounter:
    routing: CounterRouting
    busy_for_s: float = 0.0  # until its current client is done (0: free now)


@dataclass(frozen=True, slots=True)
class Office:
    queues: Mapping[str, QueueLoad]
    counters: tuple[OpenCounter, ...] = ()

    def open_counters(self, service: str) -> int:
        return sum(1 for c in self.counters if c.routing.link(service) is not None)

    def cycle(self, service: str) -> float | None:
        load = self.queues.get(service)
        return load.cycle_s if load is not None else None


class _Line:
    """A service's queue in the simulation: the tickets waiting now (arrived in the past,
    evenly spread), then either endless tickets arrived now (the queue whose wait is
    asked: a new ticket stands somewhere in it) or the arrivals still to come."""

    __slots__ = ("first_future", "gap", "n", "next", "oldest", "padded")

    def __init__(self, load: QueueLoad, *, padded: bool, arrivals_from_now: bool) -> None:
        self.n = load.waiting
        self.oldest = load.oldest_wait_s
        self.padded = padded
        rate = load.arrivals_per_s
        self.gap = 1.0 / rate if rate > 0 else INF
        # Arrivals start one gap from now, or at once when the first one is the probe.
        self.first_future = 0.0 if arrivals_from_now else self.gap
        self.next = 0

    def arrival(self, index: int) -> float:
        """When the `index`-th ticket of this line arrives, in seconds from now."""
        if index < self.n:
            return -self.oldest * (1.0 - index / self.n)
        if self.padded:
            return 0.0
        later = index - self.n  # the later-th ticket still to come
        if self.gap == INF:  # nobody else comes; the probe of `sell_out` comes now
            return 0.0 if later == 0 and self.first_future == 0.0 else INF
        return self.first_future + later * self.gap


@dataclass(slots=True)
class _Run:
    """The call times of one service's tickets, in queue order, from one simulation."""

    calls: list[float] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)


def _simulate(
    office: Office,
    target: str,
    *,
    padded: bool,
    need: int,
    horizon_s: float,
    max_calls: int = MAX_CALLS,
) -> _Run | None:
    cycles = {code: load.cycle_s for code, load in office.queues.items()}
    known = [c for c in cycles.values() if c is not None]
    if cycles.get(target) is None or not known:
        return None
    fallback = sorted(known)[len(known) // 2]  # a service without history: the site's median
    cycle = {code: max(MIN_CYCLE_S, c if c is not None else fallback) for code, c in cycles.items()}
    lines = {
        code: _Line(load, padded=padded and code == target, arrivals_from_now=code == target)
        for code, load in office.queues.items()
    }
    counters = [c for c in office.counters if c.routing.services.intersection(lines)]
    if not any(c.routing.link(target) is not None for c in counters):
        return None
    # Per counter: weighted or not, and its queues (ordered counters: in their order).
    plans: list[tuple[bool, list[tuple[_Line, str, float, float]]]] = []
    for c in counters:
        entries = [
            (lines[link.service], link.service, float(link.order), link.weight)
            for link in c.routing.links
            if link.service in lines
        ]
        weighted = c.routing.mode is RoutingMode.WEIGHTED
        if not weighted:
            entries.sort(key=lambda entry: entry[2])
        plans.append((weighted, entries))
    free: list[tuple[float, int]] = [(max(0.0, c.busy_for_s), i) for i, c in enumerate(counters)]
    heapq.heapify(free)
    run = _Run()
    calls = 0
    while free and calls < max_calls:
        t, i = heapq.heappop(free)
        if t > horizon_s:
            break
        weighted, entries = plans[i]
        best: _Line | None = None
        best_code = ""
        best_key = (INF, INF)
        soonest = INF
        for line, code, order, weight in entries:
            if not weighted and best is not None and order > best_key[0]:
                break  # the rest come later in this counter's order
            arrived = line.arrival(line.next)
            if arrived > t:
                if arrived < soonest:
                    soonest = arrived
                continue
            key = (-(t - arrived) * weight, arrived) if weighted else (order, arrived)
            if key < best_key:
                best, best_code, best_key = line, code, key
        if best is None:
            if soonest < INF:
                heapq.heappush(free, (soonest, i))  # idle until someone comes for it
            continue
        if best_code == target:
            run.arrivals.append(best.arrival(best.next))
            run.calls.append(t)
            if len(run.calls) >= need:
                return run
        best.next += 1
        calls += 1
        heapq.heappush(free, (t + cycle[best_code], i))
    return run


def _extrapolate(calls: list[float], index: int) -> float | None:
    """The `index`-th call after the simulated ones, at the pace of the last half."""
    if len(calls) < 2:
        return None
    half = calls[len(calls) // 2 :]
    if len(half) < 2 or half[-1] <= half[0]:
        half = calls
    if half[-1] <= half[0]:
        return None
    per_call = (half[-1] - half[0]) / (len(half) - 1)
    return calls[-1] + (index - (len(calls) - 1)) * per_call


def wait_s(office: Office, service: str, ahead: int, *, horizon_s: float = HORIZON_S) -> int | None:
    """Seconds until the ticket with `ahead` tickets before it in `service`'s queue is
    called, or None when that cannot be told."""
    return waits_s(office, service, ahead + 1, horizon_s=horizon_s)[ahead]


def waits_s(
    office: Office, service: str, count: int, *, horizon_s: float = HORIZON_S
) -> list[int | None]:
    """The wait of each of the first `count` places in `service`'s queue (place 0 is
    called first); places beyond today's waiting line are new tickets issued now."""
    run = _simulate(office, service, padded=True, need=count, horizon_s=horizon_s)
    if run is None:
        return [None] * count
    out: list[int | None] = []
    for index in range(count):
        if index < len(run.calls):
            out.append(math.ceil(run.calls[index]))
        else:
            guess = _extrapolate(run.calls, index)
            out.append(None if guess is None else math.ceil(guess))
    return out


class RunOut(StrEnum):
    DAILY_LIMIT = "daily_limit"  # the day's tickets will all have been issued
    CLOSING = "closing"  # a ticket issued later would not be called before closing


@dataclass(frozen=True, slots=True)
class SellOut:
    in_s: int  # seconds from now (0: already)
    reason: RunOut


def sell_out(
    office: Office,
    service: str,
    *,
    closing_in_s: float | None,
    tickets_left: int | None,
) -> SellOut | None:
    """When tickets for `service` will likely run out today, from now: the moment its
    daily limit is reached at the recent pace of issuing, or — with a closing hour — the
    first moment a new ticket would no longer be called before closing, whichever comes
    first. None: not expected today, or not known (no history, no open counter)."""
    load = office.queues.get(service, QueueLoad())
    rate = load.arrivals_per_s
    by_limit: float | None = None
    if tickets_left is not None:
        if tickets_left <= 0:
            return SellOut(0, RunOut.DAILY_LIMIT)
        if rate > 0:
            by_limit = tickets_left / rate
    by_closing: float | None = None
    if closing_in_s is not None:
        if closing_in_s <= 0:
            return None  # closed: nothing runs out any more
        run = _simulate(office, service, padded=False, need=10**9, horizon_s=closing_in_s)
        if run is not None:
            by_closing = _first_too_late(run, load, closing_in_s)
    candidates = [
        (moment, reason)
        for moment, reason in ((by_limit, RunOut.DAILY_LIMIT), (by_closing, RunOut.CLOSING))
        if moment is not None and (closing_in_s is None or moment < closing_in_s)
    ]
    if not candidates:
        return None
    moment, reason = min(candidates, key=lambda pair: pair[0])
    return SellOut(max(0, math.floor(moment)), reason)


def _first_too_late(run: _Run, load: QueueLoad, closing_in_s: float) -> float | None:
    """The arrival time of the first ticket from now on not called before closing."""
    called_new = sum(1 for arrived in run.arrivals[load.waiting :] if arrived >= 0.0)
    rate = load.arrivals_per_s
    # New tickets arrive at 0, gap, 2·gap, … and are called in that order: those called
    # before closing are the first `called_new` of them.
    if rate <= 0:
        return None if called_new else 0.0
    first_missed = called_new / rate
    return first_missed if first_missed < closing_in_s else None
