"""Appointments: the slots a service offers, and when a booking may be checked in.

A slot is a multiple of the service's slot length from the start of an opening interval
that ends before the interval does (special days count: a holiday has none, an extra
Saturday has its own). A booking checks in from `before` ahead of its slot to `after`
past its start. Times are aware; a day's slots are in the site's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kolejka.core.errors import Conflict
from kolejka.core.hours import OpeningHours


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"  # its ticket is in the queue
    CANCELLED = "cancelled"


def cancelled(status: AppointmentStatus, **context: object) -> AppointmentStatus:
    """A booking after cancelling: cancelling twice is no error, a used one cannot be
    (its ticket is in the queue). `context` names the booking in the refusal."""
    if status is AppointmentStatus.CHECKED_IN:
        raise Conflict("appointment_used", **context)
    return AppointmentStatus.CANCELLED


# --- slots ----------------------------------------------------------------------------------


def _bounds(hours: OpeningHours, day: date) -> list[tuple[datetime, datetime]]:
    """The day's open intervals as naive wall-clock times; no hours set: all day."""
    intervals = hours.intervals_on(day)
    if intervals is None:
        midnight = datetime.combine(day, time(0))
        return [(midnight, midnight + timedelta(days=1))]
    return [(datetime.combine(day, iv.start), datetime.combine(day, iv.end)) for iv in intervals]


def slot_starts(hours: OpeningHours, minutes: int, day: date, zone: ZoneInfo) -> list[datetime]:
    """Every slot start on `day` (aware, in `zone`), in order; no hours set: all day."""
    step = timedelta(minutes=minutes)
    starts: list[datetime] = []
    for begin, end in _bounds(hours, day):
        moment = begin
        while moment + step <= end:
            starts.append(moment.replace(tzinfo=zone))
            moment += step
    return starts


# A booking asks both of these while its service is locked: worked out, not by listing the
# day's slots (that list was a fifth of the booking's write).


def slot_count(hours: OpeningHours, minutes: int, day: date) -> int:
    """`len(slot_starts(...))`."""
    step = timedelta(minutes=minutes)
    return sum((end - begin) // step for begin, end in _bounds(hours, day))


def is_slot_start(hours: OpeningHours, minutes: int, local: datetime) -> bool:
    """`local in slot_starts(hours, minutes, local.date(), local.tzinfo)`: its wall-clock
    time is a step from an interval's start and the slot ends by the interval's end."""
    step = timedelta(minutes=minutes)
    moment = local.replace(tzinfo=None)
    return any(
        begin <= moment and moment + step <= end and (moment - begin) % step == timedelta(0)
        for begin, end in _bounds(hours, moment.date())
    )


class SlotRefusal(StrEnum):
    """Why a start is no bookable slot; the values are the error codes."""

    NOT_OFFERED = "appointments_not_offered"
    IN_PAST = "slot_in_past"
    MISALIGNED = "slot_misaligned"  # inside the hours, between two slot starts
    CLOSED = "slot_closed"


@dataclass(frozen=True, slots=True)
class SlotOffer:
    """What a service offers for booking."""

    hours: OpeningHours
    minutes: int
    capacity: int
    enabled: bool = True

    @property
    def offered(self) -> bool:
        return self.enabled and self.capacity > 0


def slot_refusal(
    offer: SlotOffer, start: datetime, now: datetime, zone: ZoneInfo
) -> SlotRefusal | None:
    """Why `start` cannot be booked, or None when it is a slot of `offer`."""
    if not offer.offered:
        return SlotRefusal.NOT_OFFERED
    if start < now:
        return SlotRefusal.IN_PAST
    local = start.astimezone(zone)
    if is_slot_start(offer.hours, offer.minutes, local):
        return None
    intervals = offer.hours.intervals_on(local.date())
    if intervals is None or any(iv.contains(local.time()) for iv in intervals):
        return SlotRefusal.MISALIGNED
    return SlotRefusal.CLOSED


# --- check-in -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckInWindow:
    before: timedelta
    after: timedelta

    @classmethod
    def of_minutes(cls, before: int, after: int) -> CheckInWindow:
        return cls(timedelta(minutes=before), timedelta(minutes=after))

    def around(self, start: datetime) -> tuple[datetime, datetime]:
        """The first and the last moment a booking for `start` checks in."""
        return start - self.before, start + self.after


class CheckInRefusal(StrEnum):
    """Why a booking cannot be checked in now; the values are the error codes."""

    CANCELLED = "appointment_cancelled"
    USED = "appointment_used"
    TOO_EARLY = "appointment_too_early"
    TOO_LATE = "appointment_too_late"


def check_in_refusal(
    status: AppointmentStatus, start: datetime, now: datetime, window: CheckInWindow
) -> CheckInRefusal | None:
    if status is AppointmentStatus.CANCELLED:
        return CheckInRefusal.CANCELLED
    if status is AppointmentStatus.CHECKED_IN:
        return CheckInRefusal.USED
    opens, closes = window.around(start)
    if now < opens:
        return CheckInRefusal.TOO_EARLY
    if now > closes:
        return CheckInRefusal.TOO_LATE
    return None


# --- the document number typed at check-in --------------------------------------------------

# Wrong document numbers a booking takes before the kiosk stops asking: enough for typing
# slips, far too few to guess a passport number (the reception desk checks it by eye then).
DOCUMENT_TRIES = 5


class DocumentRefusal(StrEnum):
    """Why a booking bound to a document number is not checked in; the error codes."""

    REQUIRED = "appointment_document_required"
    MISMATCH = "appointment_document_mismatch"
    LOCKED = "appointment_document_locked"


def document_locked(failures: int, tries: int = DOCUMENT_TRIES) -> bool:
    return failures >= tries


def document_refusal(
    failures: int, given: bool, matches: bool, tries: int = DOCUMENT_TRIES
) -> DocumentRefusal | None:
    """The answer to a typed (or missing) document number, `failures` wrong ones earlier.
    A locked booking says so before it compares anything, so no further guess is tried;
    the wrong number that uses the last try answers LOCKED at once."""
    if document_locked(failures, tries):
        return DocumentRefusal.LOCKED
    if not given:
        return DocumentRefusal.REQUIRED
    if matches:
        return None
    if document_locked(failures + 1, tries):
        return DocumentRefusal.LOCKED
    return DocumentRefusal.MISMATCH
