"""Today's closing hour, and whether a wait passes it (an office's rule to stop issuing)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kolejka.core.hours import Interval, OpeningHours, closing_time, passes_closing

WARSAW = ZoneInfo("Europe/Warsaw")
TUESDAY = datetime(2026, 11, 24, 10, 0, tzinfo=WARSAW)
HOURS = OpeningHours(
    weekly={"tue": [Interval.parse("08:00-12:00"), Interval.parse("13:00-15:30")]},
    special={date(2026, 12, 1): []},
)


def test_the_closing_hour_is_the_end_of_the_days_last_interval():
    assert closing_time(HOURS, TUESDAY) == datetime(2026, 11, 24, 15, 30, tzinfo=WARSAW)


def test_no_hours_or_a_closed_day_has_no_closing_hour():
    assert closing_time(OpeningHours(), TUESDAY) is None
    assert closing_time(HOURS, datetime(2026, 12, 1, 10, 0, tzinfo=WARSAW)) is None


def test_a_wait_passes_closing_only_when_it_ends_after_it():
    assert not passes_closing(HOURS, TUESDAY, 5 * 3600 + 30 * 60)  # called at 15:30 sharp
    assert passes_closing(HOURS, TUESDAY, 5 * 3600 + 30 * 60 + 1)


def test_an_unknown_wait_or_no_closing_hour_never_stops_issuing():
    assert not passes_closing(HOURS, TUESDAY, None)
    assert not passes_closing(OpeningHours(), TUESDAY, 10**6)
