"""Erlang C against published values and an independent formula."""

import math

import pytest

from kolejka.core.staffing import (
    counters_needed,
    erlang_c,
    forecast,
    mean_wait_s,
    needed_in_all,
    service_level,
    shared_forecast,
    sharing_groups,
)


def erlang_c_direct(c: int, a: float) -> float:
    """The textbook sum, written out (fine for small c)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


# The call-centre example everyone uses: 100 calls in 30 minutes, 3 minutes each
# (10 Erlangs), answer within 20 seconds: P(wait) and service level per agent count.
@pytest.mark.parametrize(
    ("c", "p_wait", "level"),
    [(11, 0.6821, 0.3896), (12, 0.4494, 0.6402), (13, 0.2853, 0.7956), (14, 0.1741, 0.8884)],
)
def test_known_values(c, p_wait, level):
    assert erlang_c(c, 10) == pytest.approx(p_wait, abs=5e-5)
    assert service_level(c, 200, 180, 20) == pytest.approx(level, abs=5e-5)


def test_fourteen_agents_for_eighty_twenty():
    assert counters_needed(200, 180, 20, goal=0.8) == 14


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (2, 1.5), (5, 3.2), (9, 8.9), (20, 12.0)])
def test_matches_the_direct_sum(c, a):
    assert erlang_c(c, a) == pytest.approx(erlang_c_direct(c, a), rel=1e-9)


def test_single_counter_is_m_m_1():
    # M/M/1: P(wait) = ρ, mean wait = ρ/(1−ρ) · service time
    assert erlang_c(1, 0.6) == pytest.approx(0.6)
    assert mean_wait_s(1, 36, 60) == pytest.approx(0.6 / 0.4 * 60)


def test_overload_and_no_load():
    assert erlang_c(3, 3.0) == 1.0
    assert service_level(3, 10, 3600, 60) == 0.0
    assert mean_wait_s(2, 10, 3600) == math.inf
    assert counters_needed(0, 300, 600) == 0
    assert service_level(1, 0, 300, 0) == 1.0


def test_more_counters_never_worse():
    levels = [service_level(c, 40, 540, 900) for c in range(7, 15)]
    assert levels == sorted(levels)


def test_forecast_per_hour_and_unknown_service_time():
    result = forecast(
        {"A": [0, 12, 40], "B": [5, 5, 5]}, {"A": 540.0, "B": None}, {"A": 1800, "B": 1800}
    )
    a, b = result
    assert a.counters[0] == 0
    assert a.counters[2] == counters_needed(40, 540, 1800)
    assert a.counters[1] < a.counters[2]
    assert b.counters == [0, 0, 0]


def test_sharing_groups_follow_chains_of_counters():
    # 1: A+B, 2: B+C, 3: D alone, 4: E+F, 5: A (again)
    served = [["A", "B"], ["B", "C"], ["D"], ["F", "E"], ["A"]]
    assert sharing_groups(served) == [("A", "B", "C"), ("E", "F")]
    assert sharing_groups([["A"], ["B"]]) == []


def _own(code, rates, mean, target):
    return forecast({code: rates}, {code: mean}, {code: target})[0]


def test_two_quiet_services_on_shared_counters_need_one_counter():
    # one visitor an hour each: alone each counts as a whole counter; together still one
    a = _own("A", [1.0, 0.0], 300, 600)
    b = _own("B", [1.0, 0.0], 300, 600)
    assert a.counters == [1, 0] and b.counters == [1, 0]
    (group,) = shared_forecast([a, b], [("A", "B")])
    assert group.services == ("A", "B")
    assert group.counters == [1, 0]
    assert needed_in_all([a, b], [group]) == [1, 0]


def test_reckoned_together_is_erlang_c_of_the_summed_stream():
    a = _own("A", [40.0], 300, 900)
    b = _own("B", [20.0], 600, 600)
    (group,) = shared_forecast([a, b], [("A", "B")])
    mean = (40 * 300 + 20 * 600) / 60
    assert group.counters == [min(a.counters[0] + b.counters[0], counters_needed(60, mean, 600))]
    assert group.counters[0] <= a.counters[0] + b.counters[0]


def test_never_more_than_the_services_own_figures():
    # a strict target on a trickle would make the heavy lenient service look worse together
    strict = _own("A", [1.0], 60, 30)
    lenient = _own("B", [50.0], 600, 3600)
    (group,) = shared_forecast([strict, lenient], [("A", "B")])
    assert group.counters[0] <= strict.counters[0] + lenient.counters[0]


def test_services_without_service_time_and_strangers_are_left_out():
    a = _own("A", [10.0], 300, 600)
    b = _own("B", [10.0], None, 600)
    assert shared_forecast([a, b], [("A", "B")]) == []
    assert shared_forecast([a], [("A", "Z")]) == []
    c = _own("C", [5.0], 300, 600)
    assert needed_in_all([a, b, c], []) == [a.counters[0] + c.counters[0]]
