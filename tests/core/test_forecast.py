"""The forecast plays the counters forward under their routing: shared counters, weights,
refilling queues, closing hours and daily limits."""

from __future__ import annotations

import pytest

from kolejka.core.estimates import estimate_wait_s
from kolejka.core.forecast import (
    Office,
    OpenCounter,
    QueueLoad,
    RunOut,
    SellOut,
    sell_out,
    wait_s,
    waits_s,
)
from kolejka.core.routing import CounterRouting, RoutingMode, ServiceLink


def counter(number: int, *services: str, weights: tuple[float, ...] = (), busy: float = 0.0):
    if weights:
        links = tuple(ServiceLink(s, weight=w) for s, w in zip(services, weights, strict=True))
        return OpenCounter(CounterRouting(number, links, RoutingMode.WEIGHTED), busy)
    links = tuple(ServiceLink(s, order=i + 1) for i, s in enumerate(services))
    return OpenCounter(CounterRouting(number, links), busy)


def test_a_dedicated_counter_takes_one_ticket_per_cycle():
    office = Office({"A": QueueLoad(waiting=4, cycle_s=300)}, (counter(1, "A"),))
    assert waits_s(office, "A", 6) == [0, 300, 600, 900, 1200, 1500]
    assert wait_s(office, "A", 4) == 1200


def test_a_busy_counter_calls_when_its_client_is_done():
    office = Office({"A": QueueLoad(waiting=1, cycle_s=300)}, (counter(1, "A", busy=120),))
    assert waits_s(office, "A", 2) == [120, 420]


def test_two_counters_share_the_line():
    office = Office({"A": QueueLoad(waiting=4, cycle_s=300)}, (counter(1, "A"), counter(2, "A")))
    assert waits_s(office, "A", 4) == [0, 0, 300, 300]


def test_second_in_order_at_idle_counters_waits_little_where_capacity_says_much():
    """Service E is second at both counters that serve it; their first services have
    nobody waiting and few arrivals, so E is taken almost at once. The capacity estimate
    (and the observed call rate, which is only E's own arrival rate) say minutes."""
    queues = {
        "A": QueueLoad(waiting=0, cycle_s=540, arrivals_per_s=1 / 600),
        "C": QueueLoad(waiting=0, cycle_s=180, arrivals_per_s=1 / 400),
        "E": QueueLoad(waiting=1, cycle_s=120, arrivals_per_s=1 / 600),
    }
    office = Office(queues, (counter(1, "A", "E"), counter(5, "C", "E")))
    assert wait_s(office, "E", 1) == 0  # the second counter is free too
    assert estimate_wait_s(1, [120, 120, 120], 2, queue_rate_per_s=1 / 600) == 600


def test_second_in_order_waits_for_the_first_line_to_empty():
    queues = {"A": QueueLoad(waiting=3, cycle_s=600), "E": QueueLoad(waiting=0, cycle_s=60)}
    office = Office(queues, (counter(1, "A", "E"),))
    assert wait_s(office, "E", 0) == 1800
    assert wait_s(office, "E", 1) == 1860


def test_a_first_line_that_refills_as_fast_as_it_is_served_starves_the_second():
    queues = {
        "A": QueueLoad(waiting=1, cycle_s=600, arrivals_per_s=1 / 300),
        "E": QueueLoad(waiting=0, cycle_s=60),
    }
    office = Office(queues, (counter(1, "A", "E"),))
    assert wait_s(office, "E", 0) is None  # never reached today: unknown, not a number


def test_arrivals_of_the_first_service_push_the_second_back():
    queues = {
        "A": QueueLoad(waiting=0, cycle_s=600, arrivals_per_s=1 / 1000),
        "E": QueueLoad(waiting=2, cycle_s=600),
    }
    office = Office(queues, (counter(1, "A", "E", busy=500),))
    # Free at 500: E; at 1100 an A has come (at 1000) and goes first; E again at 1700.
    assert waits_s(office, "E", 2) == [500, 1700]


def test_weights_decide_by_waited_time_times_weight():
    queues = {
        "A": QueueLoad(waiting=1, oldest_wait_s=300, cycle_s=100),
        "B": QueueLoad(waiting=1, oldest_wait_s=200, cycle_s=100),
    }
    plain = Office(queues, (counter(3, "A", "B", weights=(1.0, 1.0)),))
    heavy_b = Office(queues, (counter(3, "A", "B", weights=(1.0, 2.0)),))
    assert wait_s(plain, "B", 0) == 100  # A waited longer
    assert wait_s(heavy_b, "B", 0) == 0  # 200 s × 2 beats 300 s × 1


def test_no_history_or_no_open_counter_is_unknown():
    served = Office({"A": QueueLoad(waiting=2, cycle_s=None)}, (counter(1, "A"),))
    assert wait_s(served, "A", 0) is None
    nobody = Office({"A": QueueLoad(waiting=2, cycle_s=300)}, (counter(1, "B"),))
    assert wait_s(nobody, "A", 0) is None
    assert nobody.open_counters("A") == 0


def test_a_service_without_history_borrows_the_sites_typical_time():
    queues = {"A": QueueLoad(waiting=2, cycle_s=None), "E": QueueLoad(waiting=0, cycle_s=300)}
    office = Office(queues, (counter(1, "A", "E"),))
    assert wait_s(office, "E", 0) == 600


def test_a_long_line_is_extrapolated_at_the_simulated_pace():
    office = Office({"A": QueueLoad(waiting=20_000, cycle_s=60)}, (counter(1, "A"),))
    assert wait_s(office, "A", 19_999) == pytest.approx(19_999 * 60, rel=0.01)


def test_tickets_run_out_at_the_daily_limit_at_the_recent_pace():
    office = Office({"C": QueueLoad(cycle_s=60, arrivals_per_s=1 / 60)}, (counter(1, "C"),))
    assert sell_out(office, "C", closing_in_s=None, tickets_left=10) == SellOut(
        600, RunOut.DAILY_LIMIT
    )
    assert sell_out(office, "C", closing_in_s=None, tickets_left=0) == SellOut(
        0, RunOut.DAILY_LIMIT
    )
    assert sell_out(office, "C", closing_in_s=300, tickets_left=10) is None  # closes first


def test_tickets_run_out_when_a_new_one_would_not_be_called_before_closing():
    # One counter, 5 minutes a ticket, tickets coming every 150 s: calls at 0, 300, 600 …
    # for the tickets of 0, 150, 300 …; the 37th (j = 36) is called at 10,800 s, closing.
    office = Office({"A": QueueLoad(cycle_s=300, arrivals_per_s=1 / 150)}, (counter(1, "A"),))
    assert sell_out(office, "A", closing_in_s=10_800, tickets_left=None) == SellOut(
        5550, RunOut.CLOSING
    )


def test_a_line_already_longer_than_the_day_has_run_out_now():
    office = Office({"A": QueueLoad(waiting=20, cycle_s=600)}, (counter(1, "A"),))
    assert sell_out(office, "A", closing_in_s=3600, tickets_left=None) == SellOut(0, RunOut.CLOSING)
    short = Office({"A": QueueLoad(waiting=2, cycle_s=600)}, (counter(1, "A"),))
    assert sell_out(short, "A", closing_in_s=3600, tickets_left=None) is None  # nobody comes
