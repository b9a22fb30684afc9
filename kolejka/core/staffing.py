"""Staffing forecast: how many counters a service needs in an hour (Erlang C).

Visitors of one service arrive at random (Poisson, `rate` an hour) and are served in
turn by `counters` clerks, each taking `mean_service_s` on average (exponential). With the
offered load a = rate × mean service time (in Erlangs), Erlang C gives the chance that a
visitor must wait at all, and from it the share who wait at most a target time:

    P(wait > 0)  = C(c, a) = (aᶜ/c! · c/(c−a)) / (Σₖ₌₀ᶜ⁻¹ aᵏ/k! + aᶜ/c! · c/(c−a))
    P(wait ≤ t)  = 1 − C(c, a) · e^(−(c−a)·t / mean service time)

The fewest counters whose P(wait ≤ target) reaches the goal (80 % by default, the call
centres' "80/20") is the forecast. Pure functions; the history they read comes from the
daily roll-ups (kolejka.core.rollups).

Reckoned one service at a time, services that share counters are over-counted: a counter
serving A and B spends its idle minutes on whichever has someone waiting, and one visitor
an hour of each already counts as a whole counter twice. So services linked by shared
counters are also reckoned together, as one queue with their summed arrivals, the
arrival-weighted mean service time and the strictest of their targets (every service's
visitors called within its own target), and never above the sum of their own figures (the
office could always split the counters). The truth for an office's routing lies between
the two, nearer the shared figure the more freely its counters take any of the services.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_GOAL = 0.8
MAX_COUNTERS = 200


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability B(c, a), by the stable recursion B(k) = a·B(k−1)/(k + a·B(k−1))."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must not be negative")
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """P(wait > 0) with `servers` counters and `load` Erlangs; 1 where the queue never ends."""
    if servers <= 0 or load >= servers:
        return 1.0 if load > 0 else 0.0
    if load == 0:
        return 0.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


def service_level(servers: int, rate_per_h: float, mean_service_s: float, target_s: float) -> float:
    """Share of visitors called within `target_s`."""
    load = rate_per_h * mean_service_s / 3600
    if load == 0:
        return 1.0
    if servers <= load:
        return 0.0
    c = erlang_c(servers, load)
    return 1 - c * math.exp(-(servers - load) * target_s / mean_service_s)


def mean_wait_s(servers: int, rate_per_h: float, mean_service_s: float) -> float:
    """Average wait (all visitors, those called at once included); inf when overloaded."""
    load = rate_per_h * mean_service_s / 3600
    if load == 0:
        return 0.0
    if servers <= load:
        return math.inf
    return erlang_c(servers, load) * mean_service_s / (servers - load)


def counters_needed(
    rate_per_h: float,
    mean_service_s: float,
    target_s: float,
    goal: float = DEFAULT_GOAL,
    max_counters: int = MAX_COUNTERS,
) -> int:
    """The fewest counters that call `goal` of the visitors within `target_s`."""
    if rate_per_h <= 0 or mean_service_s <= 0:
        return 0
    load = rate_per_h * mean_service_s / 3600
    servers = max(1, math.floor(load) + 1)
    while servers < max_counters:
        if service_level(servers, rate_per_h, mean_service_s, target_s) >= goal:
            return servers
        servers += 1
    return max_counters


@dataclass(frozen=True, slots=True)
class ServiceForecast:
    service: str
    arrivals: list[float]  # expected visitors in each local hour
    mean_service_s: float | None
    target_s: int
    counters: list[int]  # needed in each hour


def forecast(
    arrivals: Mapping[str, Sequence[float]],
    mean_service_s: Mapping[str, float | None],
    targets: Mapping[str, int],
    goal: float = DEFAULT_GOAL,
) -> list[ServiceForecast]:
    """Per service and hour: counters needed for the expected arrivals (visitors an hour)
    and the recent mean service time. A service without a service time yet needs none
    forecast (nothing to go on), rather than a guess."""
    result = []
    for service in sorted(arrivals):
        rates = [float(x) for x in arrivals[service]]
        mean = mean_service_s.get(service)
        target = targets[service]
        counters = [counters_needed(rate, mean, target, goal) if mean else 0 for rate in rates]
        result.append(ServiceForecast(service, rates, mean, target, counters))
    return result


@dataclass(frozen=True, slots=True)
class SharedForecast:
    services: tuple[str, ...]  # linked by counters that serve more than one of them
    counters: list[int]  # needed in each hour by these services together


def sharing_groups(counter_services: Iterable[Iterable[str]]) -> list[tuple[str, ...]]:
    """Services linked through counters (a counter serving A and B, another B and C: one
    group A, B, C). Each group of two or more, sorted; a service alone is no group."""
    parent: dict[str, str] = {}

    def root(code: str) -> str:
        while parent[code] != code:
            parent[code] = parent[parent[code]]
            code = parent[code]
        return code

    for served in counter_services:
        codes = sorted(set(served))
        for code in codes:
            parent.setdefault(code, code)
        for other in codes[1:]:
            parent[root(other)] = root(codes[0])
    groups: dict[str, list[str]] = {}
    for code in parent:
        groups.setdefault(root(code), []).append(code)
    return sorted(tuple(sorted(g)) for g in groups.values() if len(g) > 1)


def shared_forecast(
    services: Sequence[ServiceForecast],
    groups: Iterable[Sequence[str]],
    goal: float = DEFAULT_GOAL,
) -> list[SharedForecast]:
    """Per group of services sharing counters and hour: counters needed reckoned as one
    queue, capped by the sum of the services' own figures. Services with no service time
    yet are left out, as in `forecast`."""
    by_code = {s.service: s for s in services}
    result = []
    for group in groups:
        members = [by_code[c] for c in group if c in by_code and by_code[c].mean_service_s]
        if len(members) < 2:
            continue
        target = min(m.target_s for m in members)
        counters = []
        for hour in range(len(members[0].arrivals)):
            rate = sum(m.arrivals[hour] for m in members)
            own = sum(m.counters[hour] for m in members)
            if rate <= 0:
                counters.append(own)
                continue
            mean = sum(m.arrivals[hour] * (m.mean_service_s or 0.0) for m in members) / rate
            counters.append(min(own, counters_needed(rate, mean, target, goal)))
        result.append(SharedForecast(tuple(m.service for m in members), counters))
    return result


def needed_in_all(
    services: Sequence[ServiceForecast], shared: Sequence[SharedForecast]
) -> list[int]:
    """Per hour: each shared group's figure plus the own figure of every other service."""
    grouped = {code for g in shared for code in g.services}
    hours = len(services[0].counters) if services else 24
    return [
        sum(g.counters[h] for g in shared)
        + sum(s.counters[h] for s in services if s.service not in grouped)
        for h in range(hours)
    ]
