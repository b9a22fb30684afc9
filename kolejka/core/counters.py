"""The counter's states as one transition table, like the ticket's.

closed ──open──▶ open ──pause──▶ paused
  ▲               │ ▲──open (resume)─┘ │
  └────close──────┴──────close─────────┘   (close and call_next: only with no client)

Opening an open counter (signing in again), pausing a paused one and closing a closed one
are allowed and change nothing but the clerk; `call_next` keeps the counter open.
"""

from __future__ import annotations

from enum import StrEnum

from kolejka.core.errors import Conflict
from kolejka.core.states import CounterState


class CounterAction(StrEnum):
    OPEN = "open"  # sign in, or resume after a pause
    PAUSE = "pause"
    CLOSE = "close"
    CALL_NEXT = "call_next"


_C, _O, _P = CounterState.CLOSED, CounterState.OPEN, CounterState.PAUSED

COUNTER_TRANSITIONS: dict[tuple[CounterState, CounterAction], CounterState] = {
    (_C, CounterAction.OPEN): _O,
    (_O, CounterAction.OPEN): _O,
    (_P, CounterAction.OPEN): _O,
    (_O, CounterAction.PAUSE): _P,
    (_P, CounterAction.PAUSE): _P,
    (_C, CounterAction.CLOSE): _C,
    (_O, CounterAction.CLOSE): _C,
    (_P, CounterAction.CLOSE): _C,
    (_O, CounterAction.CALL_NEXT): _O,
}

# Refused while a client is at the counter: it must be served, sent on or let go first.
NEEDS_NO_CLIENT = frozenset({CounterAction.CLOSE, CounterAction.CALL_NEXT})


def next_counter_state(
    state: CounterState,
    action: CounterAction,
    *,
    counter: int | None = None,
    client: str | None = None,
) -> CounterState:
    """The state after `action`; Conflict `counter_busy` while `client` (its number) is at
    the counter, `counter_paused` / `counter_closed` where the state does not allow it."""
    after = COUNTER_TRANSITIONS.get((state, action))
    if after is None:
        code = "counter_paused" if state is CounterState.PAUSED else "counter_closed"
        raise Conflict(code, counter=counter)
    if client is not None and action in NEEDS_NO_CLIENT:
        raise Conflict("counter_busy", counter=counter, ticket=client)
    return after


def counter_actions(state: CounterState, *, has_client: bool) -> frozenset[CounterAction]:
    """What the counter allows now (the clerk's buttons are the ones that change something)."""
    return frozenset(
        action
        for (from_state, action) in COUNTER_TRANSITIONS
        if from_state is state and not (has_client and action in NEEDS_NO_CLIENT)
    )
