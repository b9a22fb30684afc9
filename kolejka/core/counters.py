"""The counter's states as one transition table, like the ticket's.

closed ──open──▶ open ──pause──▶ paused
  ▲               │ ▲──open (resume)─┘ │
  └────close──────┴──────close─────────┘   (close, call_next, call_back and
                                            serve_without_ticket: only with no client)

Opening an open counter (signing in again), pausing a paused one and closing a closed one
are allowed and change nothing but the clerk (a pause again may change its reason);
`call_next` keeps the counter open. A pause has a reason (PauseReason), kept with the
counter while it lasts and on its event, so the statistics count pauses by reason.
"""

from __future__ import annotations

from enum import StrEnum

from kolejka.core.errors import Conflict
from kolejka.core.states import CounterState


class PauseReason(StrEnum):
    BREAK = "break"
    BACK_OFFICE = "back_office"
    TECHNICAL = "technical"


def pause_reason(state: CounterState, reason: PauseReason | None) -> PauseReason | None:
    """The reason kept with a counter in `state` after a pause given `reason` (none given:
    a break, as old clients meant), and none once it is open or closed again."""
    if state is not CounterState.PAUSED:
        return None
    return reason or PauseReason.BREAK


class CounterAction(StrEnum):
    OPEN = "open"  # sign in, or resume after a pause
    PAUSE = "pause"
    CLOSE = "close"
    CALL_NEXT = "call_next"
    CALL_BACK = "call_back"  # a parked client, from the counter's parked list
    SERVE_WITHOUT_TICKET = "serve_without_ticket"  # a visitor who walked up to the desk


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
    (_O, CounterAction.CALL_BACK): _O,
    (_O, CounterAction.SERVE_WITHOUT_TICKET): _O,
}

# Refused while a client is at the counter: it must be served, sent on or let go first.
NEEDS_NO_CLIENT = frozenset(
    {
        CounterAction.CLOSE,
        CounterAction.CALL_NEXT,
        CounterAction.CALL_BACK,
        CounterAction.SERVE_WITHOUT_TICKET,
    }
)


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
