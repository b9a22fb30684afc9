from datetime import date, datetime

import pytest

from kolejka.core.hours import Interval, OpeningHours, Unavailable, availability

TUE = date(2026, 11, 24)
HOURS = OpeningHours(
    weekly={"tue": [Interval.parse("08:00-12:00"), Interval.parse("13:00-15:00")]},
    special={date(2026, 11, 25): [], date(2026, 11, 28): [Interval.parse("09:00-12:00")]},
)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(TUE, 7, 59), Unavailable.NOT_YET_OPEN),
        (at(TUE, 8, 0), None),
        (at(TUE, 12, 30), Unavailable.NOT_YET_OPEN),  # lunch break
        (at(TUE, 14, 59), None),
        (at(TUE, 15, 0), Unavailable.CLOSED_FOR_TODAY),
        (at(date(2026, 11, 25), 10), Unavailable.CLOSED_TODAY),  # special: holiday
        (at(date(2026, 11, 26), 10), Unavailable.CLOSED_TODAY),  # Thursday has no hours
        (at(date(2026, 11, 28), 10), None),  # special: an informational Saturday
    ],
)
def test_availability_follows_weekly_and_special_hours(moment, expected):
    assert availability(HOURS, moment, 0, None) == expected


def test_no_hours_set_means_always_open():
    assert availability(OpeningHours(), at(TUE, 3), 0, None) is None


def test_daily_limit():
    assert availability(OpeningHours(), at(TUE, 9), 9, 10) is None
    assert availability(OpeningHours(), at(TUE, 9), 10, 10) is Unavailable.DAILY_LIMIT_REACHED


def test_disabled_service():
    assert availability(OpeningHours(), at(TUE, 9), 0, None, enabled=False) is Unavailable.DISABLED


@pytest.mark.parametrize("text", ["8-9", "09:00", "10:00-09:00", "aa:bb-cc:dd"])
def test_bad_interval_text_is_refused(text):
    with pytest.raises(ValueError):
        Interval.parse(text)
