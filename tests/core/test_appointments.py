"""Slots and the check-in window (kolejka.core.appointments), in the site's own zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kolejka.core.appointments import (
    AppointmentStatus,
    CheckInRefusal,
    CheckInWindow,
    SlotOffer,
    SlotRefusal,
    cancelled,
    check_in_refusal,
    is_slot_start,
    slot_count,
    slot_refusal,
    slot_starts,
)
from kolejka.core.errors import Conflict
from kolejka.core.hours import Interval, OpeningHours

WARSAW = ZoneInfo("Europe/Warsaw")
WED = date(2026, 11, 25)
HOURS = OpeningHours(
    weekly={"wed": [Interval.parse("08:00-09:00"), Interval.parse("12:00-12:40")]},
    special={date(2026, 11, 26): []},  # a holiday on a Thursday
)
OFFER = SlotOffer(hours=HOURS, minutes=15, capacity=2)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def local(day: date, hh: int, mm: int) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=WARSAW)


def test_slots_step_from_each_intervals_start_and_end_before_it_does():
    starts = slot_starts(HOURS, 15, WED, WARSAW)
    assert [s.strftime("%H:%M") for s in starts] == [
        "08:00",
        "08:15",
        "08:30",
        "08:45",
        "12:00",
        "12:15",  # 12:30 + 15 min would end after 12:40
    ]
    assert all(s.tzinfo is WARSAW for s in starts)


def test_a_closed_day_has_no_slots_and_no_hours_means_all_day():
    assert slot_starts(HOURS, 15, date(2026, 11, 26), WARSAW) == []
    assert len(slot_starts(OpeningHours(), 60, WED, WARSAW)) == 24


def test_slots_follow_the_sites_zone_across_a_clock_change():
    # 2026-10-25: Poland leaves summer time; 08:00 local is 07:00 UTC that day.
    sunday = OpeningHours(weekly={"sun": [Interval.parse("08:00-09:00")]})
    (first, *_) = slot_starts(sunday, 30, date(2026, 10, 25), WARSAW)
    assert first.astimezone(UTC).hour == 7


@pytest.mark.parametrize(
    ("start", "refusal"),
    [
        (local(WED, 8, 15), None),
        (local(WED, 8, 15).astimezone(UTC), None),  # the same moment in UTC
        (local(WED, 8, 10), SlotRefusal.MISALIGNED),
        (local(WED, 12, 30), SlotRefusal.MISALIGNED),  # inside the hours, no whole slot
        (local(WED, 10, 0), SlotRefusal.CLOSED),
        (local(date(2026, 11, 26), 8, 0), SlotRefusal.CLOSED),
        (local(date(2026, 11, 20), 8, 0), SlotRefusal.IN_PAST),
    ],
)
def test_a_start_is_a_slot_or_says_why_not(start, refusal):
    assert slot_refusal(OFFER, start, NOW, WARSAW) is refusal


def test_a_service_without_capacity_or_disabled_offers_nothing():
    for offer in (SlotOffer(HOURS, 15, capacity=0), SlotOffer(HOURS, 15, 1, enabled=False)):
        refusal = slot_refusal(offer, local(WED, 8, 0), NOW, WARSAW)
        assert refusal is SlotRefusal.NOT_OFFERED


WINDOW = CheckInWindow.of_minutes(30, 15)
SLOT = local(WED, 9, 0)


@pytest.mark.parametrize(
    ("now", "refusal"),
    [
        (SLOT - timedelta(minutes=31), CheckInRefusal.TOO_EARLY),
        (SLOT - timedelta(minutes=30), None),
        (SLOT + timedelta(minutes=15), None),
        (SLOT + timedelta(minutes=16), CheckInRefusal.TOO_LATE),
    ],
)
def test_the_check_in_window_includes_both_ends(now, refusal):
    assert check_in_refusal(AppointmentStatus.BOOKED, SLOT, now, WINDOW) is refusal


def test_a_cancelled_or_used_booking_is_refused_before_its_window():
    early = SLOT - timedelta(days=1)
    assert check_in_refusal(AppointmentStatus.CANCELLED, SLOT, early, WINDOW) is (
        CheckInRefusal.CANCELLED
    )
    assert check_in_refusal(AppointmentStatus.CHECKED_IN, SLOT, early, WINDOW) is (
        CheckInRefusal.USED
    )


def test_the_window_around_a_slot():
    assert WINDOW.around(SLOT) == (local(WED, 8, 30), local(WED, 9, 15))


def test_cancelling_twice_is_fine_a_used_booking_is_not():
    assert cancelled(AppointmentStatus.BOOKED) is AppointmentStatus.CANCELLED
    assert cancelled(AppointmentStatus.CANCELLED) is AppointmentStatus.CANCELLED
    with pytest.raises(Conflict) as refused:
        cancelled(AppointmentStatus.CHECKED_IN, appointment=5)
    assert (refused.value.code, refused.value.params) == ("appointment_used", {"appointment": 5})


# Days the clock changes in Warsaw (spring forward, fall back), and two plain ones.
DAYS = [date(2026, 3, 29), date(2026, 10, 25), WED, date(2026, 11, 26)]


@st.composite
def opening_hours(draw: st.DrawFn) -> OpeningHours:
    if draw(st.booleans()):
        return OpeningHours()  # no hours: all day
    edges = sorted(draw(st.sets(st.integers(0, 24 * 12 - 1), min_size=2, max_size=6)))
    pairs = list(zip(edges[::2], edges[1::2], strict=False))
    intervals = [Interval(time(a // 12, a % 12 * 5), time(b // 12, b % 12 * 5)) for a, b in pairs]
    return OpeningHours(weekly={day: intervals for day in ("sun", "wed", "thu")})


@settings(max_examples=200, deadline=None)
@given(
    hours=opening_hours(),
    minutes=st.sampled_from([5, 10, 15, 20, 25, 30, 45, 60, 90]),
    day=st.sampled_from(DAYS),
    at=st.integers(0, 24 * 60 - 1),
    seconds=st.sampled_from([0, 0, 0, 30]),
)
def test_the_bookings_slot_checks_agree_with_the_days_list(hours, minutes, day, at, seconds):
    starts = slot_starts(hours, minutes, day, WARSAW)
    assert slot_count(hours, minutes, day) == len(starts)
    moment = datetime.combine(day, time(at // 60, at % 60, seconds), tzinfo=WARSAW)
    assert is_slot_start(hours, minutes, moment) == (moment in starts)
    for start in starts:
        assert is_slot_start(hours, minutes, start)
