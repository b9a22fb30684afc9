"""The pure board model: events in, board state and announcement decisions out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from display.board import Board, BoardError, parse_zone
from kolejka.schemas import EventPublic
from tests.display.events import (
    T0,
    call_entry,
    call_payload,
    counter,
    event,
    reset,
    ticket,
)


def test_reset_loads_the_board_and_announces_nothing() -> None:
    board = Board()
    calls = [call_entry(2, "A002", 2, T0), call_entry(1, "A001", 1, T0 - timedelta(minutes=1))]
    update = board.apply(reset(7, calls=calls, waiting=[ticket(3, "A003"), ticket(4, "B001")]))
    assert update.reset and update.announce == ()
    assert board.loaded and board.seq == 7 and board.site_name == "Test Office"
    assert board.current is not None and board.current.number == "A002"
    assert [c.number for c in board.previous] == ["A001"]
    assert {s.code: s.waiting for s in board.services} == {"A": 1, "B": 1, "C": 0}
    assert board.ticker == {"pl": "Witamy", "en": "Welcome"}


def test_a_call_becomes_current_and_is_announced_once() -> None:
    board = Board()
    board.apply(reset(0, waiting=[ticket(1, "A001")]))
    first = board.apply(call_payload(1, "A001", 4, tid=1, language="uk"))
    assert [(c.number, c.counter, c.language, c.recall) for c in first.announce] == [
        ("A001", 4, "uk", False)
    ]
    assert board.current is not None and board.current.number == "A001"
    assert {s.code: s.waiting for s in board.services}["A"] == 0
    again = board.apply(call_payload(1, "A001", 4, tid=1))
    assert again.ignored and again.announce == ()


def test_a_burst_of_calls_is_announced_in_order_and_listed_newest_first() -> None:
    board = Board(history=3)
    board.apply(reset(0))
    said = board.apply_all([call_payload(i, f"A00{i}", i) for i in range(1, 6)])
    assert [c.number for c in said] == ["A001", "A002", "A003", "A004", "A005"]
    assert board.current is not None and board.current.number == "A005"
    assert [c.number for c in board.previous] == ["A004", "A003", "A002"]
    assert len(board.calls) == 4


def test_a_recall_is_announced_again_and_moves_back_to_the_top() -> None:
    board = Board()
    board.apply(reset(0))
    board.apply_all([call_payload(1, "A001", 1), call_payload(2, "B001", 2)])
    update = board.apply(call_payload(3, "A001", 1, tid=1, recall=True))
    assert [(c.number, c.recall) for c in update.announce] == [("A001", True)]
    assert [c.number for c in board.calls] == ["A001", "B001"]


def test_a_zone_shows_and_announces_only_its_counters_and_their_services() -> None:
    board = Board(zone=frozenset({5, 6}))
    board.apply(reset(0, calls=[call_entry(9, "A009", 1, T0), call_entry(8, "C001", 5, T0)]))
    assert [c.number for c in board.calls] == ["C001"]
    assert [s.code for s in board.services] == ["C"]
    assert board.apply(call_payload(1, "A010", 1)).announce == ()
    assert [c.number for c in board.apply(call_payload(2, "C002", 5)).announce] == ["C002"]


def test_reset_dedupes_a_recalled_ticket_and_keeps_history_plus_current() -> None:
    board = Board(history=2)
    calls = [call_entry(1, "A001", 1, T0, recall=True)] + [
        call_entry(n, f"A00{n}", n, T0 - timedelta(minutes=n)) for n in range(1, 6)
    ]
    board.apply(reset(9, calls=calls))
    assert [c.number for c in board.calls] == ["A001", "A002", "A003"]
    assert board.current is not None and board.current.recall


def test_waiting_counts_follow_issue_transfer_cancel_and_no_show() -> None:
    board = Board()
    board.apply(reset(0))
    board.apply(event(1, "ticket.issued", {"ticket": ticket(1, "A001")}))
    board.apply(event(2, "ticket.issued", {"ticket": ticket(2, "A002")}))
    board.apply(event(3, "ticket.cancelled", {"ticket": ticket(2, "A002", "cancelled")}))
    moved = {**ticket(1, "A001"), "service": "B"}
    board.apply(event(4, "ticket.transferred", {"ticket": moved, "from_service": "A"}))
    assert {s.code: s.waiting for s in board.services} == {"A": 0, "B": 1, "C": 0}
    board.apply(event(5, "ticket.called", {"ticket": {**moved, "status": "called", "counter": 2}}))
    board.apply(event(6, "ticket.no_show", {"ticket": {**moved, "status": "no_show"}}))
    assert {s.code: s.waiting for s in board.services} == {"A": 0, "B": 0, "C": 0}


@pytest.mark.parametrize(
    ("kind", "status"),
    [("ticket.transferred", "waiting"), ("ticket.parked", "parked")],
)
def test_a_call_whose_client_went_back_in_line_is_no_longer_now_calling(
    kind: str, status: str
) -> None:
    board = Board()
    board.apply(reset(0))
    board.apply_all([call_payload(1, "A001", 1), call_payload(2, "B001", 2)])
    moved = {**ticket(2, "B001", status), "service": "A"}
    update = board.apply(event(3, kind, {"ticket": moved, "from_service": "B"}))
    assert update.announce == ()
    assert [c.number for c in board.calls] == ["A001"]
    assert board.current is not None and board.current.number == "A001"


def test_finished_calls_stay_on_the_board_as_history() -> None:
    board = Board()
    board.apply(reset(0))
    board.apply(call_payload(1, "A001", 1))
    board.apply(event(2, "ticket.done", {"ticket": ticket(1, "A001", "done", counter=1)}))
    assert [c.number for c in board.calls] == ["A001"]


def test_counter_events_change_which_services_a_zone_shows() -> None:
    board = Board(zone=frozenset({2}))
    board.apply(reset(0))
    assert [s.code for s in board.services] == ["B"]
    board.apply(event(1, "counter.opened", {"counter": counter(2, ["A", "B"])}))
    assert [s.code for s in board.services] == ["A", "B"]
    assert board.counter_states[2] == "open"


def test_a_new_epoch_event_is_applied_even_with_a_lower_sequence_number() -> None:
    board = Board()
    board.apply(reset(50))
    update = board.apply(
        EventPublic(
            seq=1,
            epoch="e2",
            site="test",
            type="ticket.called",
            at=T0,
            payload={"ticket": ticket(1, "A001", "called", 1)},
        )
    )
    assert len(update.announce) == 1 and board.epoch == "e2" and board.seq == 1


def test_unrelated_events_only_advance_the_sequence() -> None:
    board = Board()
    board.apply(reset(0))
    update = board.apply(event(1, "printer.status", {"device": "k1", "status": "paper_low"}))
    assert not update.ignored and update.announce == () and board.seq == 1


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({}, "payload has no 'ticket' object"),
        ({"ticket": "A001"}, "payload has no 'ticket' object"),
        ({"ticket": {**ticket(1, "A001"), "status": "lost"}}, "status"),
    ],
)
def test_a_malformed_ticket_event_raises_a_board_error(
    payload: dict[str, Any], reason: str
) -> None:
    board = Board()
    board.apply(reset(0))
    with pytest.raises(BoardError, match=reason) as info:
        board.apply(event(1, "ticket.called", payload))
    assert info.value.seq == 1 and board.seq == 0


def test_a_malformed_snapshot_raises_a_board_error() -> None:
    with pytest.raises(BoardError, match="site_name: Field required"):
        Board().apply(
            EventPublic(seq=0, epoch="e", site="t", type="reset", at=T0, payload={"site": "t"})
        )


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("5,6,7,8", {5, 6, 7, 8}),
        ("5-8", {5, 6, 7, 8}),
        (" 1, 3-4 ,", {1, 3, 4}),
        ("", None),
        (None, None),
        ([2, 3], {2, 3}),
    ],
)
def test_parse_zone(text: Any, zone: set[int] | None) -> None:
    assert parse_zone(text) == (frozenset(zone) if zone else None)


@pytest.mark.parametrize(
    ("text", "message"),
    [("a", "not a counter number"), ("8-5", "backwards"), ("0,1", "start at 1")],
)
def test_parse_zone_refuses_bad_input(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_zone(text)


def test_negative_history_is_refused() -> None:
    with pytest.raises(ValueError, match="history"):
        Board(history=-1)


def test_a_configured_site_renames_services_and_changes_the_ticker_at_once() -> None:
    board = Board(zone=frozenset({2}))
    board.apply(reset(0, waiting=[ticket(3, "A003")]))
    configured = {
        "change": "update_service",
        "target": "B",
        "board": {
            "site_name": "Urząd — sala główna",
            "ticker": {"pl": "Dziś do 15:00"},
            "services": [
                {"code": "A", "names": {"pl": "Pobyt"}},
                {"code": "B", "names": {"pl": "Pobyt stały (nowa nazwa)"}},
            ],
            "counters": [{"number": 2, "services": ["A", "B"]}],
        },
    }
    update = board.apply(event(1, "site.configured", configured))
    assert not update.ignored and update.announce == ()
    assert board.site_name == "Urząd — sala główna" and board.ticker == {"pl": "Dziś do 15:00"}
    rows = {s.code: (s.name("pl"), s.waiting) for s in board.services}
    assert rows == {"A": ("Pobyt", 1), "B": ("Pobyt stały (nowa nazwa)", 0)}
    board.apply(event(2, "site.configured", {"board": {"services": "garbage", "ticker": 3}}))
    assert board.ticker == {"pl": "Dziś do 15:00"} and len(board.services) == 2
