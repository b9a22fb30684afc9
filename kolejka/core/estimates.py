"""Estimated waiting time, from recent service durations and the open counters.

Two views of how fast a queue moves, and the slower one wins:
- capacity: every open counter for the service takes one ticket per typical (median)
  service duration — right when counters serve only this service, too hopeful when they
  share their time with others;
- observed: how many tickets of this service were actually called per second lately
  (`queue_rate_per_s`), which already counts the counters' other work and no-shows.

Rather than guess, the estimate is None ("unknown") until there are at least MIN_SAMPLES
recent service durations and at least one open counter for the service.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import median

MIN_SAMPLES = 3
RATE_WINDOW_S = 30 * 60  # calls older than this say little about the next half hour


def observed_rate(calls: int, span_s: float) -> float | None:
    """Calls per second over the last `span_s` seconds; None with too few calls to tell."""
    if calls < MIN_SAMPLES or span_s <= 0:
        return None
    return calls / span_s


def estimate_wait_s(
    ahead: int,
    recent_durations_s: Sequence[float],
    open_counters: int,
    queue_rate_per_s: float | None = None,
) -> int | None:
    if open_counters <= 0 or len(recent_durations_s) < MIN_SAMPLES:
        return None
    rate = open_counters / max(1.0, median(recent_durations_s))
    if queue_rate_per_s is not None and queue_rate_per_s > 0:
        rate = min(rate, queue_rate_per_s)
    return math.ceil(ahead / rate)
