"""Opening hours and daily limits: may a service issue a ticket now?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Interval:
    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"interval ends before it starts: {self}")

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end

    @classmethod
    def parse(cls, text: str) -> Interval:
        """ "08:00-15:30" → Interval(08:00, 15:30)."""
        try:
            start, end = (part.strip() for part in text.split("-"))
            return cls(time.fromisoformat(start), time.fromisoformat(end))
        except ValueError as exc:
            raise ValueError(f"expected HH:MM-HH:MM, got {text!r}") from exc

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Weekly hours plus special days (a holiday closed, an extra Saturday open).

    An empty `weekly` means "always open": a site that sets no hours is not refused.
    """

    weekly: Mapping[str, Sequence[Interval]] = field(default_factory=dict)
    special: Mapping[date, Sequence[Interval]] = field(default_factory=dict)

    def intervals_on(self, day: date) -> Sequence[Interval] | None:
        """The day's intervals; None when no hours are set at all."""
        if day in self.special:
            return self.special[day]
        if not self.weekly:
            return None
        return self.weekly.get(WEEKDAYS[day.weekday()], ())

    def is_open(self, local_now: datetime) -> bool:
        intervals = self.intervals_on(local_now.date())
        if intervals is None:
            return True
        return any(iv.contains(local_now.time()) for iv in intervals)


class Unavailable(StrEnum):
    CLOSED_TODAY = "closed_today"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED_FOR_TODAY = "closed_for_today"
    DAILY_LIMIT_REACHED = "daily_limit_reached"
    DISABLED = "service_disabled"
    WAIT_PAST_CLOSING = "wait_past_closing"  # an office's rule: kolejka.core.hours.passes_closing


def availability(
    hours: OpeningHours,
    local_now: datetime,
    issued_today: int,
    daily_limit: int | None,
    enabled: bool = True,
) -> Unavailable | None:
    """Why a ticket cannot be issued now, or None when it can."""
    if not enabled:
        return Unavailable.DISABLED
    intervals = hours.intervals_on(local_now.date())
    if intervals is not None:
        if not intervals:
            return Unavailable.CLOSED_TODAY
        moment = local_now.time()
        if not any(iv.contains(moment) for iv in intervals):
            if moment < min(iv.start for iv in intervals):
                return Unavailable.NOT_YET_OPEN
            if moment >= max(iv.end for iv in intervals):
                return Unavailable.CLOSED_FOR_TODAY
            return Unavailable.NOT_YET_OPEN  # a break between two intervals
    if daily_limit is not None and issued_today >= daily_limit:
        return Unavailable.DAILY_LIMIT_REACHED
    return None


def closing_time(hours: OpeningHours, local_now: datetime) -> datetime | None:
    """When the service closes today, in `local_now`'s zone; None with no hours set or
    none today (always open, or closed all day)."""
    intervals = hours.intervals_on(local_now.date())
    if not intervals:
        return None
    end = max(iv.end for iv in intervals)
    return datetime.combine(local_now.date(), end, tzinfo=local_now.tzinfo)


def passes_closing(hours: OpeningHours, local_now: datetime, wait_s: int | None) -> bool:
    """Whether a ticket taken now, called after `wait_s`, would be called after today's
    closing hour. An unknown wait (None) or no closing hour never does: the rule refuses
    only on an estimate, never on a guess."""
    closes = closing_time(hours, local_now)
    if closes is None or wait_s is None:
        return False
    return local_now + timedelta(seconds=wait_s) > closes
