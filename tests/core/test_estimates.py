import pytest

from kolejka.core.estimates import estimate_wait_s


def test_no_data_means_unknown_not_a_guess():
    assert estimate_wait_s(5, [], 2) is None
    assert estimate_wait_s(5, [300, 300], 2) is None  # too few samples


def test_no_open_counter_means_unknown():
    assert estimate_wait_s(5, [300, 300, 300], 0) is None


@pytest.mark.parametrize(
    ("ahead", "durations", "counters", "expected"),
    [
        (0, [300, 300, 300], 1, 0),
        (4, [300, 300, 300], 1, 1200),
        (4, [300, 300, 300], 2, 600),
        (3, [100, 200, 900], 2, 300),  # median, not mean: one long case does not skew it
    ],
)
def test_estimate_from_median_duration_and_open_counters(ahead, durations, counters, expected):
    assert estimate_wait_s(ahead, durations, counters) == expected


def test_observed_rate_needs_enough_calls():
    from kolejka.core.estimates import observed_rate

    assert observed_rate(2, 600) is None
    assert observed_rate(3, 600) == pytest.approx(0.005)


def test_a_queue_that_moves_slower_than_its_counters_could_wins():
    # 2 counters and 5-minute services could take 24 tickets/hour, but the counters also
    # serve other queues and only 6 of this queue's tickets were called in the last hour.
    durations = [300, 300, 300]
    assert estimate_wait_s(6, durations, 2) == 900
    assert estimate_wait_s(6, durations, 2, queue_rate_per_s=6 / 3600) == 3600
    # An observed rate faster than capacity (a burst of quick no-shows) does not shorten it.
    assert estimate_wait_s(6, durations, 2, queue_rate_per_s=1.0) == 900
