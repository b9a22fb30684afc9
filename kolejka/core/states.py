"""The ticket's life as one transition table.

waiting ──call──▶ called ──start──▶ serving ──finish──▶ done
 ▲ │                │  ▲                 │
 │ │                │  └─recall          └──transfer──▶ waiting (another queue)
 │ │                ├──no_show──▶ no_show ──reactivate──▶ waiting (the visitor came back)
 │ └──cancel──▶ cancelled ◀──cancel──┘ (from called, and from parked)
 │
 called/serving ──park──▶ parked ──call_back──▶ called (the client went to fill in a form)

A ticket comes into being in one of two ways (CREATIONS): issued at a kiosk (waiting), or
served without a ticket at a counter (serving at once: issued and started in one step).

A supervisor may also move a waiting ticket to another service or raise its priority (it
stays waiting), and reinstate a ticket cancelled today (it waits again, in its place).
"""

from __future__ import annotations

from enum import StrEnum

from kolejka.core.errors import InvalidTransition


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    PARKED = "parked"  # sent off to fill in a form; the counter that parked it calls back


class TicketAction(StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    CANCEL = "cancel"
    PARK = "park"
    CALL_BACK = "call_back"
    REACTIVATE = "reactivate"
    ISSUE = "issue"  # creations: no state before
    SERVE_WITHOUT_TICKET = "serve_without_ticket"
    MOVE = "move"  # a supervisor: to another service, still waiting
    PRIORITISE = "prioritise"  # a supervisor: raise a waiting ticket's priority
    REINSTATE = "reinstate"  # a supervisor: a ticket cancelled today waits again


TRANSITIONS: dict[tuple[TicketStatus, TicketAction], TicketStatus] = {
    (TicketStatus.WAITING, TicketAction.CALL): TicketStatus.CALLED,
    (TicketStatus.WAITING, TicketAction.CANCEL): TicketStatus.CANCELLED,
    (TicketStatus.CALLED, TicketAction.RECALL): TicketStatus.CALLED,
    (TicketStatus.CALLED, TicketAction.START): TicketStatus.SERVING,
    (TicketStatus.CALLED, TicketAction.NO_SHOW): TicketStatus.NO_SHOW,
    (TicketStatus.CALLED, TicketAction.CANCEL): TicketStatus.CANCELLED,
    (TicketStatus.SERVING, TicketAction.FINISH): TicketStatus.DONE,
    (TicketStatus.SERVING, TicketAction.TRANSFER): TicketStatus.WAITING,
    (TicketStatus.CALLED, TicketAction.PARK): TicketStatus.PARKED,
    (TicketStatus.SERVING, TicketAction.PARK): TicketStatus.PARKED,
    (TicketStatus.PARKED, TicketAction.CALL_BACK): TicketStatus.CALLED,
    (TicketStatus.PARKED, TicketAction.CANCEL): TicketStatus.CANCELLED,
    (TicketStatus.NO_SHOW, TicketAction.REACTIVATE): TicketStatus.WAITING,
    (TicketStatus.WAITING, TicketAction.MOVE): TicketStatus.WAITING,
    (TicketStatus.WAITING, TicketAction.PRIORITISE): TicketStatus.WAITING,
    (TicketStatus.CANCELLED, TicketAction.REINSTATE): TicketStatus.WAITING,
}

# The actions that make a ticket, and the state it starts in.
CREATIONS: dict[TicketAction, TicketStatus] = {
    TicketAction.ISSUE: TicketStatus.WAITING,
    TicketAction.SERVE_WITHOUT_TICKET: TicketStatus.SERVING,
}

# Nothing happens to these any more, but a supervisor's undoing of a cancellation.
FINAL_STATES = frozenset({TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED})
# No-show is final for the day's count, though the office may let it be reactivated
# within a time it sets (RulesConfig.reactivate_within_min).
# States in which a ticket occupies a counter.
AT_COUNTER_STATES = frozenset({TicketStatus.CALLED, TicketStatus.SERVING})


def next_status(current: TicketStatus, action: TicketAction) -> TicketStatus:
    """The state after `action`, or InvalidTransition naming both."""
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise InvalidTransition(
            "invalid_transition", status=current.value, action=action.value
        ) from None


def created_status(action: TicketAction) -> TicketStatus:
    """The state a ticket made by `action` starts in (InvalidTransition for other actions)."""
    try:
        return CREATIONS[action]
    except KeyError:
        raise InvalidTransition("invalid_transition", status="new", action=action.value) from None


def allowed_actions(current: TicketStatus) -> frozenset[TicketAction]:
    return frozenset(action for (state, action) in TRANSITIONS if state == current)


class CounterState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


class Priority(StrEnum):
    """Priority classes, most urgent last so that the rank is the enum order."""

    NORMAL = "normal"
    PRIORITY = "priority"  # disability, pregnancy, a small child: the office decides

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.NORMAL: 0, Priority.PRIORITY: 1}
