"""Which actions a clerk may take now: one pure function of the counter and its client.

The rules are the core's (kolejka.core.states for the ticket, kolejka.core.counters for the
counter); this only says which button stands for which of their actions."""

from __future__ import annotations

from enum import StrEnum

from kolejka.core.counters import CounterAction, counter_actions, next_counter_state
from kolejka.core.states import CounterState, TicketAction, TicketStatus, allowed_actions


class Action(StrEnum):
    CALL_NEXT = "call_next"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"


# The clerk's buttons for the client at the counter (a clerk does not cancel a ticket).
_TICKET_BUTTONS = {
    TicketAction.RECALL: Action.RECALL,
    TicketAction.START: Action.START,
    TicketAction.FINISH: Action.FINISH,
    TicketAction.NO_SHOW: Action.NO_SHOW,
    TicketAction.TRANSFER: Action.TRANSFER,
}
_COUNTER_BUTTONS = {
    CounterAction.CALL_NEXT: Action.CALL_NEXT,
    CounterAction.PAUSE: Action.PAUSE,
    CounterAction.OPEN: Action.RESUME,
    CounterAction.CLOSE: Action.CLOSE,
}


def enabled_actions(
    counter_state: str | None, ticket_status: str | None, busy: bool = False
) -> frozenset[Action]:
    """`counter_state`: closed | open | paused (None before sign-in); `ticket_status` of the
    client at the counter (None when there is none). While a request is on its way (`busy`)
    nothing is enabled, so a double click cannot send a second action. A closed counter is
    opened by signing in, not by a button."""
    if busy or counter_state is None or counter_state == CounterState.CLOSED:
        return frozenset()
    state = CounterState(counter_state)
    actions: set[Action] = set()
    if ticket_status is not None:
        for action in allowed_actions(TicketStatus(ticket_status)):
            if action in _TICKET_BUTTONS:
                actions.add(_TICKET_BUTTONS[action])
    for counter_action in counter_actions(state, has_client=ticket_status is not None):
        # A button for what changes the counter (no "pause" while paused); calling does.
        changes = next_counter_state(state, counter_action) is not state
        if changes or counter_action is CounterAction.CALL_NEXT:
            actions.add(_COUNTER_BUTTONS[counter_action])
    return frozenset(actions)
