"""The ticket's life as one transition table.

waiting ──call──▶ called ──start──▶ serving ──finish──▶ done
   │                │  ▲                 │
   │                │  └─recall          └──transfer──▶ waiting (another queue)
   │                ├──no_show──▶ no_show
   └──cancel──▶ cancelled ◀──cancel──┘ (from called)

A supervisor may also move a waiting ticket to another service or raise its priority (it
stays waiting), and reactivate a ticket cancelled today (it waits again, in its place).
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


class TicketAction(StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    CANCEL = "cancel"
    MOVE = "move"  # a supervisor: to another service, still waiting
    PRIORITISE = "prioritise"  # a supervisor: raise a waiting ticket's priority
    REACTIVATE = "reactivate"  # a supervisor: a cancelled ticket waits again


TRANSITIONS: dict[tuple[TicketStatus, TicketAction], TicketStatus] = {
    (TicketStatus.WAITING, TicketAction.CALL): TicketStatus.CALLED,
    (TicketStatus.WAITING, TicketAction.CANCEL): TicketStatus.CANCELLED,
    (TicketStatus.CALLED, TicketAction.RECALL): TicketStatus.CALLED,
    (TicketStatus.CALLED, TicketAction.START): TicketStatus.SERVING,
    (TicketStatus.CALLED, TicketAction.NO_SHOW): TicketStatus.NO_SHOW,
    (TicketStatus.CALLED, TicketAction.CANCEL): TicketStatus.CANCELLED,
    (TicketStatus.SERVING, TicketAction.FINISH): TicketStatus.DONE,
    (TicketStatus.SERVING, TicketAction.TRANSFER): TicketStatus.WAITING,
    (TicketStatus.WAITING, TicketAction.MOVE): TicketStatus.WAITING,
    (TicketStatus.WAITING, TicketAction.PRIORITISE): TicketStatus.WAITING,
    (TicketStatus.CANCELLED, TicketAction.REACTIVATE): TicketStatus.WAITING,
}

# Nothing happens to these any more, but a supervisor's undoing of a cancellation.
FINAL_STATES = frozenset({TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED})
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
