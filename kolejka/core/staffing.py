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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
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
