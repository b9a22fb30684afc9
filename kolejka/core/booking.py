"""Online booking and notification delivery: the rules, as values in and codes out.

- A service is bookable online from now until `days_ahead` days ahead (site days), and a
  slot until `until_hours_before` hours before it starts; moving and cancelling close at
  the same time.
- Of a day's slot capacity only `online_share` is for online bookings (rounded down);
  the rest stays for walk-ins and the portal.
- Limits against resellers: so many online bookings a day from one network address, so
  many upcoming ones per e-mail or phone, and one per person, service and day.
- A notification that failed is tried again after an exponentially growing pause (with
  a little jitter), at most `MAX_ATTEMPTS` times; then the admin sees it as failed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class BookingRefusal(StrEnum):
    """Why an online booking (or a move) is refused; the values are the error codes."""

    NOT_ONLINE = "booking_not_online"
    BEYOND_HORIZON = "booking_beyond_horizon"
    TOO_LATE = "booking_too_late"
    ONLINE_FULL = "booking_online_full"
    DUPLICATE = "booking_duplicate"
    CONTACT_LIMIT = "booking_contact_limit"
    ADDRESS_LIMIT = "booking_address_limit"


@dataclass(frozen=True, slots=True)
class OnlinePolicy:
    enabled: bool
    days_ahead: int
    until_hours_before: int
    online_share: float

    def last_day(self, today: date) -> date:
        return today + timedelta(days=self.days_ahead)

    def closes_at(self, start: datetime) -> datetime:
        """The last moment `start` may be booked, moved or cancelled online."""
        return start - timedelta(hours=self.until_hours_before)


def online_quota(day_capacity: int, share: float) -> int:
    """How many of a day's places are bookable online (never more than there are)."""
    return min(day_capacity, math.floor(day_capacity * share + 1e-9))


def time_refusal(
    policy: OnlinePolicy, start: datetime, now: datetime, start_day: date, today: date
) -> BookingRefusal | None:
    """Whether `start` (on site day `start_day`) may be booked online at `now`."""
    if not policy.enabled:
        return BookingRefusal.NOT_ONLINE
    if start_day > policy.last_day(today):
        return BookingRefusal.BEYOND_HORIZON
    if now > policy.closes_at(start):
        return BookingRefusal.TOO_LATE
    return None


@dataclass(frozen=True, slots=True)
class Limits:
    per_address_per_day: int
    per_contact: int


@dataclass(frozen=True, slots=True)
class Tally:
    """What the database counted for one booking attempt."""

    same_person_same_day: int  # bookings of the service that day by the same person
    by_contact: int  # upcoming online bookings by the same e-mail or phone
    by_address_today: int  # online bookings made from the same address in the last day
    online_that_day: int  # online bookings of the service that day
    day_quota: int  # online_quota(capacity of that day)


def tally_refusal(tally: Tally, limits: Limits) -> BookingRefusal | None:
    """The limits, in the order a visitor can best act on them."""
    if tally.same_person_same_day > 0:
        return BookingRefusal.DUPLICATE
    if tally.by_contact >= limits.per_contact:
        return BookingRefusal.CONTACT_LIMIT
    if tally.by_address_today >= limits.per_address_per_day:
        return BookingRefusal.ADDRESS_LIMIT
    if tally.online_that_day >= tally.day_quota:
        return BookingRefusal.ONLINE_FULL
    return None


# --- delivery ------------------------------------------------------------------------------

MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 6 * 3600.0


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENDING = "sending"  # a sender holds it under a lease
    SENT = "sent"
    FAILED = "failed"  # given up, or the outcome is unknown: the admin looks


# Which messages go first when many are due: a call is useless a minute late and "N people
# ahead" soon after; a confirmation is awaited by someone who just booked; a reminder is
# for tomorrow. 3,000 reminders at 100 a second kept a call's message 30 s in line.
URGENT_KINDS = frozenset({"called", "ahead"})
BULK_KINDS = frozenset({"reminder"})


def delivery_priority(kind: str) -> int:
    """0 first: calls and "N ahead"; 1 the booking's own confirmations; 2 reminders."""
    if kind in URGENT_KINDS:
        return 0
    return 2 if kind in BULK_KINDS else 1


def backoff(attempts: int, jitter: float = 0.0) -> timedelta:
    """The pause after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, … capped at
    6 h; `jitter` in [0, 1) adds up to a tenth so failed messages do not come back in step."""
    base = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * (1.0 + 0.1 * jitter))


def after_failure(attempts: int, *, permanent: bool) -> DeliveryStatus:
    """A definite failure (the server refused, or could not be reached) is tried again
    until the attempts run out; a permanent one (a bad address) is given up at once."""
    if permanent or attempts >= MAX_ATTEMPTS:
        return DeliveryStatus.FAILED
    return DeliveryStatus.PENDING
