"""The counter's transition table (kolejka.core.counters) and the clerk's buttons drawn
from it (counter.state)."""

from __future__ import annotations

import pytest

from kolejka.core.counters import (
    COUNTER_TRANSITIONS,
    CounterAction,
    PauseReason,
    counter_actions,
    next_counter_state,
    pause_reason,
)
from kolejka.core.errors import Conflict
from kolejka.core.states import CounterState

CLOSED, OPEN, PAUSED = CounterState.CLOSED, CounterState.OPEN, CounterState.PAUSED
A = CounterAction


@pytest.mark.parametrize(
    ("state", "action", "after"),
    [
        (CLOSED, A.OPEN, OPEN),
        (PAUSED, A.OPEN, OPEN),
        (OPEN, A.OPEN, OPEN),
        (OPEN, A.PAUSE, PAUSED),
        (PAUSED, A.PAUSE, PAUSED),
        (OPEN, A.CLOSE, CLOSED),
        (PAUSED, A.CLOSE, CLOSED),
        (CLOSED, A.CLOSE, CLOSED),
        (OPEN, A.CALL_NEXT, OPEN),
        (OPEN, A.CALL_BACK, OPEN),
        (OPEN, A.SERVE_WITHOUT_TICKET, OPEN),
    ],
)
def test_the_table(state, action, after):
    assert next_counter_state(state, action, counter=3) is after


@pytest.mark.parametrize(
    ("state", "action", "code"),
    [
        (CLOSED, A.PAUSE, "counter_closed"),
        (CLOSED, A.CALL_NEXT, "counter_closed"),
        (PAUSED, A.CALL_NEXT, "counter_paused"),
        (PAUSED, A.CALL_BACK, "counter_paused"),
        (CLOSED, A.SERVE_WITHOUT_TICKET, "counter_closed"),
    ],
)
def test_what_the_state_refuses(state, action, code):
    with pytest.raises(Conflict) as refused:
        next_counter_state(state, action, counter=3)
    assert (refused.value.code, refused.value.params) == (code, {"counter": 3})


@pytest.mark.parametrize("action", [A.CLOSE, A.CALL_NEXT, A.CALL_BACK, A.SERVE_WITHOUT_TICKET])
def test_a_client_at_the_counter_keeps_it_from_closing_or_calling(action):
    with pytest.raises(Conflict) as refused:
        next_counter_state(OPEN, action, counter=3, client="A007")
    assert refused.value.code == "counter_busy"
    assert refused.value.params == {"counter": 3, "ticket": "A007"}


def test_a_paused_counter_refuses_calling_for_its_state_before_its_client():
    with pytest.raises(Conflict, match="counter_paused"):
        next_counter_state(PAUSED, A.CALL_NEXT, counter=3, client="A007")


def test_pausing_and_opening_do_not_care_about_the_client():
    assert next_counter_state(OPEN, A.PAUSE, client="A007") is PAUSED
    assert next_counter_state(PAUSED, A.OPEN, client="A007") is OPEN


def test_allowed_actions_agree_with_the_table():
    for state in CounterState:
        for has_client in (False, True):
            allowed = counter_actions(state, has_client=has_client)
            for action in CounterAction:
                client = "A001" if has_client else None
                try:
                    next_counter_state(state, action, client=client)
                except Conflict:
                    assert action not in allowed
                else:
                    assert action in allowed
    assert {s for s, _ in COUNTER_TRANSITIONS} == set(CounterState)


def test_a_pause_keeps_its_reason_a_break_when_none_is_given_and_none_once_open():
    assert pause_reason(PAUSED, PauseReason.TECHNICAL) is PauseReason.TECHNICAL
    assert pause_reason(PAUSED, None) is PauseReason.BREAK
    assert pause_reason(OPEN, PauseReason.TECHNICAL) is None
    assert pause_reason(CLOSED, None) is None
