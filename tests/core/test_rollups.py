"""Roll-ups: exact percentiles from histograms, a ticket's segments on its own day."""

from array import array
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from kolejka.core import rollups
from kolejka.core.rollups import Roll, RollKey, Scope, Values, range_figures, roll_up
from kolejka.core.stats import TicketEvent, percentile, segments_from_events

WARSAW = ZoneInfo("Europe/Warsaw")


@given(
    st.lists(st.lists(st.integers(-5000, 5000), max_size=20), max_size=5),
    st.sampled_from([0, 10, 50, 90, 99, 100]),
)
def test_percentile_of_many_rolls_is_exact(parts, p):
    flat = [float(v) for part in parts for v in part]
    arrays = [array("i", part) for part in parts]
    assert Values(arrays).percentile(p) == percentile(flat, p)
    assert Values(arrays, absolute=True).percentile(p) == percentile([abs(v) for v in flat], p)
    assert Values(arrays).at_most(100) == sum(1 for v in flat if v <= 100)


def test_without_numpy_the_same(monkeypatch):
    arrays = [array("i", [5, 1, 9]), array("i", [3, 3])]
    with_np = Values(arrays)
    monkeypatch.setattr(rollups, "_np", None)
    without = Values(arrays)
    assert without.percentile(50) == with_np.percentile(50) == 3
    assert without.at_most(3) == with_np.at_most(3) == 3
    assert without.mean() == with_np.mean() == 4.2


def _day(events):
    return segments_from_events(events)


def test_transfer_counts_one_issue_and_one_service():
    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    m = timedelta(minutes=1)
    events = [
        TicketEvent("ticket.issued", t0, 1, "A", estimate_s=300),
        TicketEvent("ticket.called", t0 + 4 * m, 1, "A", counter=2, clerk=7),
        TicketEvent("ticket.serving", t0 + 5 * m, 1, "A", counter=2, clerk=7),
        TicketEvent("ticket.transferred", t0 + 9 * m, 1, "A", counter=2, to_service="B"),
        TicketEvent("ticket.called", t0 + 20 * m, 1, "B", counter=3, clerk=8),
        TicketEvent("ticket.serving", t0 + 21 * m, 1, "B", counter=3, clerk=8),
        TicketEvent("ticket.done", t0 + 30 * m, 1, "B", counter=3),
    ]
    rolls = roll_up(_day(events), t0.date(), WARSAW)
    figures = range_figures(rolls.items(), t0.date(), t0.date())
    assert figures.total.issued == 1
    assert figures.total.transferred_in == 1
    assert figures.total.served == 1
    assert figures.by_service["A"].transferred_out == 1
    assert figures.by_service["B"].served == 1
    assert set(figures.by_clerk) == {7, 8}
    assert figures.total.estimates == 1
    assert figures.total.estimate_error_median_s == 4 * 60 - 300
    assert figures.arrivals[0][9] == 1  # Monday, 09:00 in Warsaw (08:00 UTC in winter)
    only_b = range_figures(rolls.items(), t0.date(), t0.date(), scope=Scope(service="B"))
    assert only_b.total.issued == 0 and only_b.total.served == 1


def test_row_round_trip():
    roll = Roll(issued=3, served=2)
    roll.wait.extend([60, 60, 120])
    roll.estimate_error.extend([-30])
    roll.arrivals[9] = 3
    assert Roll.from_row(roll.counts(), roll.blobs()) == roll


def test_target_per_service_and_empty_days():
    d = date(2026, 3, 2)
    a, b = Roll(called=2), Roll(called=2)
    a.wait.extend([600, 1500])
    b.wait.extend([600, 1500])
    rolls = [(RollKey(d, "A"), a), (RollKey(d, "B"), b)]
    figures = range_figures(rolls, d, d + timedelta(days=6), targets={"A": 1000})
    assert figures.by_service["A"].within_target == 1
    assert figures.by_service["B"].within_target == 2  # default 30 minutes
    assert figures.total.within_target_share == 0.75
    assert len(figures.by_day) == 7 and figures.by_day[d + timedelta(days=1)].issued == 0
    assert figures.weekdays == [1] * 7


# --- today carried forward: a replay fed in batches equals the whole replay -------------

_KINDS = (
    "ticket.issued",
    "ticket.called",
    "ticket.serving",
    "ticket.done",
    "ticket.no_show",
    "ticket.reactivated",
    "ticket.transferred",
    "ticket.parked",
    "ticket.cancelled",
    "ticket.served_without_ticket",
)


@st.composite
def _logs(draw):
    """A log of a few tickets' events, in any order a clerk could (or could not) cause,
    some after the day's end; and where to cut it into batches."""
    t0 = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
    n = draw(st.integers(0, 40))
    events = []
    for i in range(n):
        kind = draw(st.sampled_from(_KINDS))
        ticket = draw(st.integers(1, 6))
        events.append(
            TicketEvent(
                kind,
                t0 + timedelta(minutes=3 * i),
                ticket,
                draw(st.sampled_from("AB")),
                counter=draw(st.sampled_from([None, 1, 2])),
                to_service="B" if kind == "ticket.transferred" else None,
                clerk=draw(st.sampled_from([None, 7])),
                estimate_s=300 if kind == "ticket.issued" else None,
            )
        )
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=4)))
    return events, cuts


@settings(max_examples=150, deadline=None)
@given(_logs())
def test_a_replay_fed_in_batches_is_the_whole_replay(log):
    from kolejka.core.stats import SegmentReplay

    events, cuts = log
    end = datetime(
        2026, 11, 24, 23, 0, tzinfo=UTC
    )  # midnight in Warsaw: later tickets are not this day's
    whole = roll_up(segments_from_events(events, begins_before=end), date(2026, 11, 24), WARSAW)
    replay = SegmentReplay(begins_before=end)
    for a, b in zip([0, *cuts], [*cuts, len(events)], strict=True):
        replay.feed(events[a:b])
        roll_up(replay.segments, date(2026, 11, 24), WARSAW)  # read between the batches
    assert roll_up(replay.segments, date(2026, 11, 24), WARSAW) == whole
