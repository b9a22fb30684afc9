"""A service's estimate inputs, read in one place for every view that shows a wait, and
reused while tickets are issued within one second.

Every issued ticket carries an estimated wait, worked out from the service's recent
service durations, its open counters and its recent call rate: three queries whose answers
move only when a clerk acts, not when a visitor takes a ticket. Issuing reuses them for
the rest of the current second; any other write in this process forgets them at once, and
another server process's changes count from the next second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kolejka.core.estimates import estimate_wait_s
from server import repository as repo


@dataclass(frozen=True, slots=True)
class EstimateInputs:
    durations: tuple[float, ...]
    open_counters: int
    rate: float | None

    def wait_for(self, ahead: int) -> int | None:
        return estimate_wait_s(ahead, self.durations, self.open_counters, self.rate)


def estimate_inputs(
    db: repo.Executes, service_id: int, now: datetime, recent_limit: int
) -> EstimateInputs:
    return EstimateInputs(
        durations=tuple(repo.recent_durations(db, service_id, recent_limit)),
        open_counters=repo.open_counter_count(db, service_id),
        rate=repo.queue_rate(db, service_id, now),
    )


class EstimateInputsCache:
    def __init__(self, recent_limit: int) -> None:
        self.recent_limit = recent_limit
        self._entries: dict[tuple[int, int], EstimateInputs] = {}

    def get(self, db: repo.Executes, service_id: int, now: datetime) -> EstimateInputs:
        key = (service_id, int(now.timestamp()))
        inputs = self._entries.get(key)
        if inputs is None:
            inputs = estimate_inputs(db, service_id, now, self.recent_limit)
            if len(self._entries) > 1000:  # old seconds
                self._entries.clear()
            self._entries[key] = inputs
        return inputs

    def forget(self) -> None:
        self._entries.clear()
