"""Range statistics: daily roll-ups of the ticket timeline, and the figures of any range.

A day's segments (kolejka.core.stats) are summed into one `Roll` per
(day, service, counter, clerk): counts, and the whole seconds of the wait,
the service time and the estimate's error (the values themselves, as int32 arrays:
merging is a copy, and a percentile is exact). Any range, and any scope within it (a service,
a counter, a clerk), is then the sum of its days' rolls, and a percentile read from the
summed values equals the percentile of the raw values (cut to whole seconds), so a year
of a busy office is some tens of thousands of small rows instead of millions of events.

A segment belongs to its ticket's day (the site's local date of issue), not to the day of
its events: a ticket issued at 23:50 and finished at 00:10 counts on the day it was issued.
Times of day are the site's local time (its zone given by the caller), across DST too.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kolejka.core.stats import Segment

try:  # only to sort faster: the figures are the same without it
    import numpy as _np
except ImportError:  # pragma: no cover - the server installs it (with matplotlib)
    _np = None  # type: ignore[assignment]

HOURS = 24
ESTIMATE_TOLERANCE_S = 5 * 60  # "the estimate was right" when within five minutes
DEFAULT_WAIT_TARGET_S = 30 * 60


@dataclass(frozen=True, slots=True, order=True)
class RollKey:
    day: date
    service: str
    counter: int = 0  # 0: never reached a counter
    clerk: int = 0  # 0: no clerk called it


def _values() -> array[int]:
    return array("i")


def _hours() -> array[int]:
    return array("i", bytes(4 * HOURS))


@dataclass(slots=True)
class Roll:
    issued: int = 0
    transferred_in: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    transferred_out: int = 0
    open: int = 0  # not ended yet (waiting, called or serving when rolled up)
    # the measured values themselves, whole seconds: merging is a copy, percentiles exact
    wait: array[int] = field(default_factory=_values)
    service: array[int] = field(default_factory=_values)
    estimate_error: array[int] = field(default_factory=_values)  # real wait − shown
    arrivals: array[int] = field(default_factory=_hours)  # tickets issued by local hour
    calls: array[int] = field(default_factory=_hours)  # tickets called by local hour

    def add(self, seg: Segment, zone: ZoneInfo) -> None:
        if seg.transferred_in:
            self.transferred_in += 1
        else:
            self.issued += 1
            self.arrivals[seg.entered_at.astimezone(zone).hour] += 1
        match seg.outcome:
            case "done":
                self.served += 1
            case "no_show":
                self.no_show += 1
            case "cancelled":
                self.cancelled += 1
            case "transferred":
                self.transferred_out += 1
            case None:
                self.open += 1
        if seg.called_at is not None:
            self.called += 1
            self.calls[seg.called_at.astimezone(zone).hour] += 1
            wait = int(seg.wait_s or 0)
            self.wait.append(wait)
            if seg.estimate_s is not None:
                self.estimate_error.append(wait - int(seg.estimate_s))
        if seg.service_s is not None:
            self.service.append(int(seg.service_s))

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}

    def blobs(self) -> dict[str, bytes]:
        """The arrays as bytes (little-endian int32) for the database."""
        out = {}
        for name in ARRAYS:
            values = getattr(self, name)
            if sys.byteorder != "little":
                values = array("i", values)
                values.byteswap()
            out[name] = values.tobytes()
        return out

    @classmethod
    def from_row(cls, counts: Mapping[str, int], blobs: Mapping[str, bytes]) -> Roll:
        roll = cls(**{name: int(counts[name]) for name in COUNTS})  # type: ignore[arg-type]
        for name in ARRAYS:
            values = array("i")
            values.frombytes(blobs[name])
            if sys.byteorder != "little":
                values.byteswap()
            setattr(roll, name, values)
        return roll


COUNTS = (
    "issued",
    "transferred_in",
    "called",
    "served",
    "no_show",
    "cancelled",
    "transferred_out",
    "open",
)
ARRAYS = ("wait", "service", "estimate_error", "arrivals", "calls")


def roll_up(segments: Iterable[Segment], day: date, zone: ZoneInfo) -> dict[RollKey, Roll]:
    """One day's rolls from the segments of the tickets issued that day."""
    rolls: dict[RollKey, Roll] = {}
    for seg in segments:
        key = RollKey(day, seg.service, seg.counter or 0, seg.clerk or 0)
        roll = rolls.get(key)
        if roll is None:
            roll = rolls[key] = Roll()
        roll.add(seg, zone)
    return rolls


# --- reading many rolls' values -----------------------------------------------------------


class Values:
    """The values of many rolls, sorted once: percentiles, counts under a limit, mean.

    With numpy installed (the server has it) the sort runs there; without, `sorted()`
    gives the same numbers."""

    __slots__ = ("_np", "_sorted")

    def __init__(self, parts: Sequence[array[int]], absolute: bool = False) -> None:
        np = self._np = _np
        if np is not None:
            chunks = [np.frombuffer(p, dtype=np.int32) for p in parts if len(p)]
            joined = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
            if absolute:
                joined = np.abs(joined)
            self._sorted: Any = np.sort(joined, kind="stable")
        else:
            values = (v for p in parts for v in p)
            self._sorted = sorted(abs(v) for v in values) if absolute else sorted(values)

    def __len__(self) -> int:
        return len(self._sorted)

    def percentile(self, p: float) -> float | None:
        """Linear-interpolated, as kolejka.core.stats.percentile."""
        n = len(self._sorted)
        if n == 0:
            return None
        rank = (n - 1) * p / 100
        low = int(rank)
        high = min(low + 1, n - 1) if rank > low else low
        lo, hi = int(self._sorted[low]), int(self._sorted[high])
        return lo + (hi - lo) * (rank - low)

    def at_most(self, limit: int) -> int:
        if self._np is not None:
            return int(self._np.searchsorted(self._sorted, limit, side="right"))
        return bisect_right(self._sorted, limit)

    def mean(self) -> float | None:
        n = len(self._sorted)
        if n == 0:
            return None
        return float(self._sorted.sum()) / n if self._np is not None else sum(self._sorted) / n


def count_at_most(values: Iterable[int], limit: int) -> int:
    return sum(1 for v in values if v <= limit)


# --- figures of a range -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """What a range is about: the whole site, or one service, counter or clerk."""

    service: str | None = None
    counter: int | None = None
    clerk: int | None = None

    def holds(self, key: RollKey) -> bool:
        return (
            (self.service is None or key.service == self.service)
            and (self.counter is None or key.counter == self.counter)
            and (self.clerk is None or key.clerk == self.clerk)
        )


@dataclass(slots=True)
class Figures:
    """The figures of a group of rolls (a day, a service, a counter, a clerk, the range)."""

    issued: int = 0
    transferred_in: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    transferred_out: int = 0
    open: int = 0
    wait_median_s: float | None = None
    wait_p90_s: float | None = None
    service_median_s: float | None = None
    service_p90_s: float | None = None
    service_mean_s: float | None = None
    within_target: int = 0
    within_target_share: float | None = None
    estimates: int = 0
    estimate_error_median_s: float | None = None
    estimate_abs_error_median_s: float | None = None
    estimate_right_share: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


class _Group:
    __slots__ = ("arrivals", "calls", "counts", "errors", "services", "waits", "within")

    def __init__(self) -> None:
        self.counts = dict.fromkeys(COUNTS, 0)
        self.within = 0
        self.waits: list[array[int]] = []
        self.services: list[array[int]] = []
        self.errors: list[array[int]] = []
        self.arrivals = [0] * HOURS
        self.calls = [0] * HOURS

    def add(self, roll: Roll, within: int) -> None:
        counts = self.counts
        for name in COUNTS:
            counts[name] += getattr(roll, name)
        self.within += within
        self.waits.append(roll.wait)
        self.services.append(roll.service)
        self.errors.append(roll.estimate_error)

    def add_hours(self, roll: Roll) -> None:
        self.arrivals = [a + b for a, b in zip(self.arrivals, roll.arrivals, strict=True)]
        self.calls = [a + b for a, b in zip(self.calls, roll.calls, strict=True)]

    def figures(self) -> Figures:
        c = self.counts
        wait, service = Values(self.waits), Values(self.services)
        error, abs_error = Values(self.errors), Values(self.errors, absolute=True)
        estimates = len(error)
        called = c["called"]
        return Figures(
            **c,
            wait_median_s=wait.percentile(50),
            wait_p90_s=wait.percentile(90),
            service_median_s=service.percentile(50),
            service_p90_s=service.percentile(90),
            service_mean_s=service.mean(),
            within_target=self.within,
            within_target_share=self.within / called if called else None,
            estimates=estimates,
            estimate_error_median_s=error.percentile(50),
            estimate_abs_error_median_s=abs_error.percentile(50),
            estimate_right_share=(
                abs_error.at_most(ESTIMATE_TOLERANCE_S) / estimates if estimates else None
            ),
        )


@dataclass(slots=True)
class RangeFigures:
    start: date
    end: date  # inclusive
    total: Figures
    by_day: dict[date, Figures]
    by_service: dict[str, Figures]
    by_counter: dict[int, Figures]
    by_clerk: dict[int, Figures]
    # weekday (0 = Monday) × local hour: tickets issued, summed over the range
    arrivals: list[list[int]]
    weekdays: list[int]  # how many of each weekday the range holds (for averages)
    arrivals_by_hour: list[int]
    calls_by_hour: list[int]


def days_of(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def range_figures(
    rolls: Iterable[tuple[RollKey, Roll]],
    start: date,
    end: date,
    *,
    scope: Scope = Scope(),
    targets: Mapping[str, int] | None = None,
    default_target_s: int = DEFAULT_WAIT_TARGET_S,
) -> RangeFigures:
    """Sum the rolls of [start, end] within `scope` into every table the pages show.

    `targets` is each service's longest acceptable wait in seconds (else the default)."""
    targets = targets or {}
    total = _Group()
    by_day = {d: _Group() for d in days_of(start, end)}
    by_service: dict[str, _Group] = {}
    by_counter: dict[int, _Group] = {}
    by_clerk: dict[int, _Group] = {}
    arrivals = [[0] * HOURS for _ in range(7)]
    for key, roll in rolls:
        if not start <= key.day <= end or not scope.holds(key):
            continue
        within = count_at_most(roll.wait, targets.get(key.service, default_target_s))
        total.add(roll, within)
        total.add_hours(roll)
        by_day[key.day].add(roll, within)
        by_service.setdefault(key.service, _Group()).add(roll, within)
        if key.counter:
            by_counter.setdefault(key.counter, _Group()).add(roll, within)
        if key.clerk:
            by_clerk.setdefault(key.clerk, _Group()).add(roll, within)
        row = arrivals[key.day.weekday()]
        for hour, n in enumerate(roll.arrivals):
            row[hour] += n
    weekdays = [0] * 7
    for d in by_day:
        weekdays[d.weekday()] += 1
    return RangeFigures(
        start=start,
        end=end,
        total=total.figures(),
        by_day={d: g.figures() for d, g in by_day.items()},
        by_service={k: g.figures() for k, g in sorted(by_service.items())},
        by_counter={k: g.figures() for k, g in sorted(by_counter.items())},
        by_clerk={k: g.figures() for k, g in sorted(by_clerk.items())},
        arrivals=arrivals,
        weekdays=weekdays,
        arrivals_by_hour=total.arrivals,
        calls_by_hour=total.calls,
    )
