from datetime import UTC, datetime, timedelta

import pytest

from kolejka.core.stats import TicketEvent, daily_stats, percentile, segments_from_events

T = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def ev(kind, minute, ticket, service="A", counter=None, to=None):
    return TicketEvent(
        f"ticket.{kind}", T + timedelta(minutes=minute), ticket, service, counter, to
    )


def test_percentile_interpolates_like_numpy():
    assert percentile([], 50) is None
    assert percentile([10], 90) == 10
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)


def test_served_ticket_gives_wait_and_service_time():
    events = [
        ev("issued", 0, 1),
        ev("called", 10, 1, counter=2),
        ev("serving", 11, 1, counter=2),
        ev("done", 16, 1, counter=2),
    ]
    services, counters = daily_stats(segments_from_events(events))
    assert services["A"]["issued"] == 1 and services["A"]["served"] == 1
    assert services["A"]["wait_median_s"] == 600
    assert services["A"]["service_median_s"] == 300
    assert counters[2]["served"] == 1


def test_recall_does_not_restart_the_wait():
    events = [
        ev("issued", 0, 1),
        ev("called", 5, 1, counter=1),
        ev("recalled", 7, 1, counter=1),
        ev("no_show", 9, 1, counter=1),
    ]
    services, _ = daily_stats(segments_from_events(events))
    assert services["A"]["wait_median_s"] == 300
    assert services["A"]["no_show"] == 1 and services["A"]["served"] == 0


def test_transfer_opens_a_segment_in_the_new_service():
    events = [
        ev("issued", 0, 1),
        ev("called", 2, 1, counter=1),
        ev("serving", 3, 1, counter=1),
        ev("transferred", 8, 1, counter=1, to="B"),
        ev("called", 20, 1, "B", counter=4),
        ev("serving", 21, 1, "B", counter=4),
        ev("done", 31, 1, "B", counter=4),
    ]
    services, counters = daily_stats(segments_from_events(events))
    assert services["A"]["transferred_out"] == 1 and services["A"]["served"] == 0
    assert services["A"]["service_median_s"] == 300
    assert services["B"]["transferred_in"] == 1 and services["B"]["issued"] == 0
    assert services["B"]["wait_median_s"] == 12 * 60
    assert counters[4]["served"] == 1


def test_cancelled_and_still_waiting_are_counted():
    events = [ev("issued", 0, 1), ev("cancelled", 1, 1), ev("issued", 2, 2)]
    services, _ = daily_stats(segments_from_events(events))
    assert services["A"]["cancelled"] == 1
    assert services["A"]["waiting"] == 1
    assert services["A"]["wait_median_s"] is None
