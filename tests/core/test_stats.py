from datetime import UTC, datetime, timedelta

import pytest

from kolejka.core.stats import (
    CounterEvent,
    TicketEvent,
    daily_stats,
    pauses_from_events,
    percentile,
    segments_from_events,
)

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


def test_a_walk_in_is_served_and_counted_without_a_wait():
    events = [
        TicketEvent("ticket.served_without_ticket", T, 1, "A", counter=3),
        TicketEvent("ticket.done", T + timedelta(minutes=4), 1, "A", counter=3, outcome="complete"),
    ]
    services, counters = daily_stats(segments_from_events(events))
    row = services["A"]
    assert (row["issued"], row["walk_ins"], row["served"], row["called"]) == (1, 1, 1, 0)
    assert row["wait_median_s"] is None and row["service_median_s"] == 240
    assert counters[3]["walk_ins"] == 1 and counters[3]["outcomes"] == {"complete": 1}


def test_outcomes_are_counted_per_code():
    events = []
    for ticket, outcome in enumerate(["complete", "missing_document", "complete", None]):
        events += [ev("issued", 0, ticket), ev("called", 1, ticket, counter=1)]
        events += [ev("serving", 2, ticket, counter=1)]
        events.append(TicketEvent("ticket.done", T, ticket, "A", 1, outcome=outcome))
    services, _ = daily_stats(segments_from_events(events))
    assert services["A"]["outcomes"] == {"complete": 2, "missing_document": 1}


def test_parking_goes_on_in_the_same_segment_and_is_counted():
    events = [
        ev("issued", 0, 1),
        ev("called", 1, 1, counter=2),
        ev("serving", 2, 1, counter=2),
        ev("parked", 4, 1, counter=2),
        ev("called", 15, 1, counter=2),
        ev("done", 20, 1, counter=2),
    ]
    services, counters = daily_stats(segments_from_events(events))
    assert services["A"]["parked"] == 1 and services["A"]["served"] == 1
    assert services["A"]["wait_median_s"] == 60  # the call back is no new wait
    assert counters[2]["parked"] == 1


def test_a_reactivated_no_show_is_no_longer_one():
    events = [
        ev("issued", 0, 1),
        ev("called", 5, 1, counter=1),
        ev("no_show", 7, 1, counter=1),
        ev("reactivated", 9, 1),
        ev("called", 10, 1, counter=1),
        ev("serving", 11, 1, counter=1),
        ev("done", 14, 1, counter=1),
    ]
    services, _ = daily_stats(segments_from_events(events))
    row = services["A"]
    assert (row["no_show"], row["served"], row["reactivated"]) == (0, 1, 1)


def test_pauses_are_counted_per_counter_and_reason_with_their_time():
    def cev(kind, minute, counter, reason=None):
        return CounterEvent(f"counter.{kind}", T + timedelta(minutes=minute), counter, reason)

    events = [
        cev("opened", 0, 1),
        cev("paused", 10, 1, "break"),
        cev("opened", 25, 1),
        cev("paused", 30, 1, "technical"),
        cev("paused", 31, 1, "technical"),  # the same pause, sent again
        cev("paused", 40, 1, "back_office"),  # another reason: another pause
        cev("closed", 50, 1),
        cev("paused", 55, 2),  # an old client: no reason, a break; still on at the end
    ]
    pauses = pauses_from_events(events, until=T + timedelta(minutes=60))
    seen = {c: {r: (t.count, t.seconds) for r, t in by.items()} for c, by in pauses.items()}
    assert seen == {
        1: {"break": (1, 900.0), "technical": (1, 600.0), "back_office": (1, 600.0)},
        2: {"break": (1, 300.0)},
    }
