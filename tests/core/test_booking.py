"""The online-booking rules and the delivery back-off, as values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kolejka.core.booking import (
    MAX_ATTEMPTS,
    BookingRefusal,
    DeliveryStatus,
    Limits,
    OnlinePolicy,
    Tally,
    after_failure,
    delivery_priority,
    online_quota,
    tally_refusal,
    time_refusal,
)

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)
POLICY = OnlinePolicy(enabled=True, days_ahead=7, until_hours_before=2, online_share=0.5)


@pytest.mark.parametrize(
    ("capacity", "share", "quota"),
    [(16, 0.5, 8), (15, 0.5, 7), (3, 1.0, 3), (10, 0.0, 0), (10, 0.3, 3), (0, 1.0, 0)],
)
def test_the_online_quota_rounds_down(capacity: int, share: float, quota: int) -> None:
    assert online_quota(capacity, share) == quota


@pytest.mark.parametrize(
    ("start", "day", "refusal"),
    [
        (NOW + timedelta(hours=3), TODAY, None),
        (NOW + timedelta(hours=1), TODAY, BookingRefusal.TOO_LATE),
        (NOW + timedelta(days=7), TODAY + timedelta(days=7), None),
        (NOW + timedelta(days=8), TODAY + timedelta(days=8), BookingRefusal.BEYOND_HORIZON),
    ],
)
def test_the_horizon_and_the_closing_time(
    start: datetime, day: date, refusal: BookingRefusal | None
) -> None:
    assert time_refusal(POLICY, start, NOW, day, TODAY) is refusal


def test_a_service_not_online_is_refused_first() -> None:
    off = OnlinePolicy(enabled=False, days_ahead=7, until_hours_before=2, online_share=1)
    assert time_refusal(off, NOW + timedelta(hours=3), NOW, TODAY, TODAY) is (
        BookingRefusal.NOT_ONLINE
    )


LIMITS = Limits(per_address_per_day=5, per_contact=3)


@pytest.mark.parametrize(
    ("tally", "refusal"),
    [
        (Tally(0, 0, 0, 0, 8), None),
        (Tally(1, 0, 0, 0, 8), BookingRefusal.DUPLICATE),
        (Tally(0, 3, 0, 0, 8), BookingRefusal.CONTACT_LIMIT),
        (Tally(0, 0, 5, 0, 8), BookingRefusal.ADDRESS_LIMIT),
        (Tally(0, 0, 0, 8, 8), BookingRefusal.ONLINE_FULL),
        (Tally(1, 3, 5, 8, 8), BookingRefusal.DUPLICATE),  # the one the visitor can act on
    ],
)
def test_the_limits_in_order(tally: Tally, refusal: BookingRefusal | None) -> None:
    assert tally_refusal(tally, LIMITS) is refusal


def test_failures_are_retried_until_the_attempts_run_out() -> None:
    assert after_failure(1, permanent=False) is DeliveryStatus.PENDING
    assert after_failure(MAX_ATTEMPTS, permanent=False) is DeliveryStatus.FAILED
    assert after_failure(1, permanent=True) is DeliveryStatus.FAILED


def test_calls_go_first_then_the_bookings_own_messages_then_reminders() -> None:
    from server.notifications import BOOKING_KINDS

    order = sorted([*BOOKING_KINDS, "called", "ahead"], key=delivery_priority)
    assert set(order[:2]) == {"called", "ahead"}
    assert order[-1] == "reminder"
    assert {delivery_priority(k) for k in BOOKING_KINDS if k != "reminder"} == {1}
    assert delivery_priority("something new") == 1  # not last, not ahead of a call
