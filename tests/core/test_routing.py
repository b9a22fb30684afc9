from datetime import UTC, datetime, timedelta

from kolejka.core.routing import (
    Candidate,
    CounterRouting,
    RoutingMode,
    ServiceLink,
    ahead_of,
    choose_next,
)
from kolejka.core.states import Priority

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def t(i, service="A", minutes_ago=0, priority=Priority.NORMAL, appointment=None, target=None):
    return Candidate(
        ticket_id=i,
        service=service,
        priority=priority,
        arrival_at=NOW - timedelta(minutes=minutes_ago),
        appointment_at=appointment,
        target_counter=target,
    )


COUNTER = CounterRouting(1, (ServiceLink("A", order=1), ServiceLink("B", order=2)))


def test_nothing_waiting_gives_none():
    assert choose_next([], COUNTER, NOW) is None


def test_earliest_arrival_first_within_a_service():
    assert choose_next([t(1, minutes_ago=5), t(2, minutes_ago=10)], COUNTER, NOW).ticket_id == 2


def test_service_order_beats_arrival():
    chosen = choose_next([t(1, "B", minutes_ago=60), t(2, "A", minutes_ago=1)], COUNTER, NOW)
    assert chosen.ticket_id == 2


def test_priority_beats_service_order():
    chosen = choose_next(
        [t(1, "A", minutes_ago=60), t(2, "B", minutes_ago=1, priority=Priority.PRIORITY)],
        COUNTER,
        NOW,
    )
    assert chosen.ticket_id == 2


def test_due_appointment_beats_priority():
    due = t(3, "B", appointment=NOW - timedelta(minutes=1))
    prio = t(2, "A", minutes_ago=30, priority=Priority.PRIORITY)
    assert choose_next([prio, due], COUNTER, NOW).ticket_id == 3


def test_appointment_not_yet_due_waits_like_a_walk_in():
    later = t(3, "A", minutes_ago=0, appointment=NOW + timedelta(minutes=20))
    walk_in = t(2, "A", minutes_ago=5)
    assert choose_next([later, walk_in], COUNTER, NOW).ticket_id == 2


def test_earlier_slot_first_among_due_appointments():
    a = t(1, appointment=NOW - timedelta(minutes=5))
    b = t(2, appointment=NOW - timedelta(minutes=15))
    assert choose_next([a, b], COUNTER, NOW).ticket_id == 2


def test_services_the_counter_does_not_serve_are_ignored():
    assert choose_next([t(1, "C", minutes_ago=99)], COUNTER, NOW) is None


def test_ticket_transferred_to_another_counter_is_not_offered_here():
    assert choose_next([t(1, target=2)], COUNTER, NOW) is None
    assert choose_next([t(1, target=1)], COUNTER, NOW).ticket_id == 1


def test_weighted_mode_prefers_longer_weighted_wait():
    counter = CounterRouting(
        3, (ServiceLink("A", weight=1.0), ServiceLink("B", weight=3.0)), RoutingMode.WEIGHTED
    )
    # A waited 20 min (weight 1 → 20), B waited 10 min (weight 3 → 30): B first.
    assert choose_next([t(1, "A", 20), t(2, "B", 10)], counter, NOW).ticket_id == 2
    # A waited 40 min (→ 40) beats B 10 min (→ 30).
    assert choose_next([t(1, "A", 40), t(2, "B", 10)], counter, NOW).ticket_id == 1


def test_ahead_counts_only_earlier_tickets_of_the_same_service():
    queue = [t(1, "A", 30), t(2, "A", 20), t(3, "B", 25), t(4, "A", 10)]
    assert ahead_of(queue[3], queue, NOW) == 2
    assert ahead_of(queue[0], queue, NOW) == 0
    urgent = t(5, "A", 0, priority=Priority.PRIORITY)
    assert ahead_of(urgent, [*queue, urgent], NOW) == 0
