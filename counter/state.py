"""Which actions a clerk may take now: one pure function of the counter and its client."""

from __future__ import annotations

from enum import StrEnum


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


def enabled_actions(
    counter_state: str | None, ticket_status: str | None, busy: bool = False
) -> frozenset[Action]:
    """`counter_state`: closed | open | paused (None before sign-in); `ticket_status` of the
    client at the counter (None when there is none). While a request is on its way (`busy`)
    nothing is enabled, so a double click cannot send a second action."""
    if busy or counter_state is None or counter_state == "closed":
        return frozenset()
    actions: set[Action] = set()
    if ticket_status == "called":
        actions |= {Action.RECALL, Action.START, Action.NO_SHOW}
    elif ticket_status == "serving":
        actions |= {Action.FINISH, Action.TRANSFER}
    if counter_state == "open":
        if ticket_status is None:
            actions |= {Action.CALL_NEXT, Action.CLOSE}
        actions.add(Action.PAUSE)
    elif counter_state == "paused":
        actions.add(Action.RESUME)
        if ticket_status is None:
            actions.add(Action.CLOSE)
    return frozenset(actions)
