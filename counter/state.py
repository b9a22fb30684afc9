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
    PARK = "park"
    CALL_BACK = "call_back"
    SERVE_WITHOUT_TICKET = "serve_without_ticket"
    REACTIVATE = "reactivate"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    UNDO = "undo"  # a no-show not yet sent (counter.controller.NO_SHOW_UNDO_MS)


# The clerk's buttons for the client at the counter (a clerk does not cancel a ticket).
_TICKET_BUTTONS = {
    TicketAction.RECALL: Action.RECALL,
    TicketAction.START: Action.START,
    TicketAction.FINISH: Action.FINISH,
    TicketAction.NO_SHOW: Action.NO_SHOW,
    TicketAction.TRANSFER: Action.TRANSFER,
    TicketAction.PARK: Action.PARK,
}
_COUNTER_BUTTONS = {
    CounterAction.CALL_NEXT: Action.CALL_NEXT,
    CounterAction.CALL_BACK: Action.CALL_BACK,
    CounterAction.SERVE_WITHOUT_TICKET: Action.SERVE_WITHOUT_TICKET,
    CounterAction.PAUSE: Action.PAUSE,
    CounterAction.OPEN: Action.RESUME,
    CounterAction.CLOSE: Action.CLOSE,
}
# Counter actions that are buttons although they leave the counter's state as it is.
_KEEP_STATE = frozenset(
    {CounterAction.CALL_NEXT, CounterAction.CALL_BACK, CounterAction.SERVE_WITHOUT_TICKET}
)


def enabled_actions(
    counter_state: str | None,
    ticket_status: str | None,
    busy: bool = False,
    *,
    parked: int = 0,
    no_shows: int = 0,
    undo: bool = False,
) -> frozenset[Action]:
    """`counter_state`: closed | open | paused (None before sign-in); `ticket_status` of the
    client at the counter (None when there is none); `parked`: this counter's parked
    clients (to call back); `no_shows`: its no-shows that may still be reactivated;
    `undo`: a no-show waits to be sent (the client counts as gone; any action sends it
    first). While a request is on its way (`busy`) nothing is enabled, so a double click
    cannot send a second action. A closed counter is opened by signing in, not a button."""
    if busy or counter_state is None or counter_state == CounterState.CLOSED:
        return frozenset()
    state = CounterState(counter_state)
    actions: set[Action] = {Action.UNDO} if undo else set()
    if undo:
        ticket_status = None
    if ticket_status is not None:
        for action in allowed_actions(TicketStatus(ticket_status)):
            if action in _TICKET_BUTTONS:
                actions.add(_TICKET_BUTTONS[action])
    for counter_action in counter_actions(state, has_client=ticket_status is not None):
        # A button for what changes the counter (no "pause" while paused); calling does.
        changes = next_counter_state(state, counter_action) is not state
        if changes or counter_action in _KEEP_STATE:
            actions.add(_COUNTER_BUTTONS[counter_action])
    if not parked:
        actions.discard(Action.CALL_BACK)
    if no_shows and TicketAction.REACTIVATE in allowed_actions(TicketStatus.NO_SHOW):
        actions.add(Action.REACTIVATE)
    if undo:  # a no-show waits: transferring, parking or serving another would be news
        actions.discard(Action.SERVE_WITHOUT_TICKET)
    return frozenset(actions)
