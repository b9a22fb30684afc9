"""Range statistics: daily roll-ups of the ticket timeline, and the figures of any range.

A day's segments (kolejka.core.stats) are summed into one `Roll` per
(day, service, counter, clerk): counts, and exact histograms of whole seconds for the wait,
the service time and the estimate's error. Any range, and any scope within it (a service,
a counter, a clerk), is then the sum of its days' rolls, and a percentile read from the
summed histogram equals the percentile of the raw values (cut to whole seconds), so a year
of a busy office is a few thousand small rows instead of millions of events.

A segment belongs to its ticket's day (the site's local date of issue), not to the day of
its events: a ticket issued at 23:50 and finished at 00:10 counts on the day it was issued.
Times of day are the site's local time (its zone given by the caller), across DST too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kolejka.core.stats import Segment

HOURS = 24
ESTIMATE_TOLERANCE_S = 5 * 60  # "the estimate was right" when within five minutes
DEFAULT_WAIT_TARGET_S = 30 * 60


@dataclass(frozen=True, slots=True, order=True)
class RollKey:
    day: date
    service: str
    counter: int = 0  # 0: never reached a counter
    clerk: int = 0  # 0: no clerk called it


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
    wait: Counter[int] = field(default_factory=Counter)  # whole seconds → segments
    service: Counter[int] = field(default_factory=Counter)
    estimate_error: Counter[int] = field(default_factory=Counter)  # real wait − shown
    arrivals: list[int] = field(default_factory=lambda: [0] * HOURS)  # by local hour
    calls: list[int] = field(default_factory=lambda: [0] * HOURS)  # by local hour

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
            self.wait[wait] += 1
            if seg.estimate_s is not None:
                self.estimate_error[wait - int(seg.estimate_s)] += 1
        if seg.service_s is not None:
            self.service[int(seg.service_s)] += 1

    def merge(self, other: Roll) -> None:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wait.update(other.wait)
        self.service.update(other.service)
        self.estimate_error.update(other.estimate_error)
        self.arrivals = [a + b for a, b in zip(self.arrivals, other.arrivals, strict=True)]
        self.calls = [a + b for a, b in zip(self.calls, other.calls, strict=True)]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(self, name) for name in _COUNTS}
        for name in _HISTOGRAMS:
            data[name] = {str(k): v for k, v in sorted(getattr(self, name).items())}
        data["arrivals"] = list(self.arrivals)
        data["calls"] = list(self.calls)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Roll:
        roll = cls(**{name: int(data.get(name, 0)) for name in _COUNTS})
        for name in _HISTOGRAMS:
            getattr(roll, name).update({int(k): int(v) for k, v in data.get(name, {}).items()})
        roll.arrivals = [int(x) for x in data.get("arrivals", [0] * HOURS)]
        roll.calls = [int(x) for x in data.get("calls", [0] * HOURS)]
        return roll


_COUNTS = (
    "issued",
    "transferred_in",
    "called",
    "served",
    "no_show",
    "cancelled",
    "transferred_out",
    "open",
)
_HISTOGRAMS = ("wait", "service", "estimate_error")


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


# --- reading a histogram ----------------------------------------------------------------


def hist_percentile(hist: Mapping[int, int], p: float) -> float | None:
    """The linear-interpolated percentile of the values the histogram counts, exactly as
    `kolejka.core.stats.percentile` gives it for the expanded list."""
    n = sum(hist.values())
    if n == 0:
        return None
    rank = (n - 1) * p / 100
    low = int(rank)
    high = low + 1 if rank > low else low
    low_value = high_value = None
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if low_value is None and seen > low:
            low_value = value
        if seen > high:
            high_value = value
            break
    assert low_value is not None and high_value is not None
    return low_value + (high_value - low_value) * (rank - low)


def hist_mean(hist: Mapping[int, int]) -> float | None:
    n = sum(hist.values())
    return sum(k * v for k, v in hist.items()) / n if n else None


def hist_at_most(hist: Mapping[int, int], limit: int) -> int:
    return sum(v for k, v in hist.items() if k <= limit)


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
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]


class _Group:
    __slots__ = ("roll", "within")

    def __init__(self) -> None:
        self.roll = Roll()
        self.within = 0

    def add(self, roll: Roll, target_s: int) -> None:
        self.roll.merge(roll)
        self.within += hist_at_most(roll.wait, target_s)

    def figures(self) -> Figures:
        r = self.roll
        abs_error: Counter[int] = Counter()
        for k, v in r.estimate_error.items():
            abs_error[abs(k)] += v
        estimates = sum(r.estimate_error.values())
        return Figures(
            issued=r.issued,
            transferred_in=r.transferred_in,
            called=r.called,
            served=r.served,
            no_show=r.no_show,
            cancelled=r.cancelled,
            transferred_out=r.transferred_out,
            open=r.open,
            wait_median_s=hist_percentile(r.wait, 50),
            wait_p90_s=hist_percentile(r.wait, 90),
            service_median_s=hist_percentile(r.service, 50),
            service_p90_s=hist_percentile(r.service, 90),
            service_mean_s=hist_mean(r.service),
            within_target=self.within,
            within_target_share=self.within / r.called if r.called else None,
            estimates=estimates,
            estimate_error_median_s=hist_percentile(r.estimate_error, 50),
            estimate_abs_error_median_s=hist_percentile(abs_error, 50),
            estimate_right_share=(
                hist_at_most(abs_error, ESTIMATE_TOLERANCE_S) / estimates if estimates else None
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
        target = targets.get(key.service, default_target_s)
        total.add(roll, target)
        by_day[key.day].add(roll, target)
        by_service.setdefault(key.service, _Group()).add(roll, target)
        if key.counter:
            by_counter.setdefault(key.counter, _Group()).add(roll, target)
        if key.clerk:
            by_clerk.setdefault(key.clerk, _Group()).add(roll, target)
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
        arrivals_by_hour=list(total.roll.arrivals),
        calls_by_hour=list(total.roll.calls),
    )
