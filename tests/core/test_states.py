import pytest

from kolejka.core.errors import InvalidTransition
from kolejka.core.states import (
    CREATIONS,
    TRANSITIONS,
    TicketAction,
    TicketStatus,
    allowed_actions,
    created_status,
    next_status,
)

S, A = TicketStatus, TicketAction

ALLOWED = [
    (S.WAITING, A.CALL, S.CALLED),
    (S.WAITING, A.CANCEL, S.CANCELLED),
    (S.CALLED, A.RECALL, S.CALLED),
    (S.CALLED, A.START, S.SERVING),
    (S.CALLED, A.NO_SHOW, S.NO_SHOW),
    (S.CALLED, A.CANCEL, S.CANCELLED),
    (S.SERVING, A.FINISH, S.DONE),
    (S.SERVING, A.TRANSFER, S.WAITING),
    (S.CALLED, A.PARK, S.PARKED),
    (S.SERVING, A.PARK, S.PARKED),
    (S.PARKED, A.CALL_BACK, S.CALLED),
    (S.PARKED, A.CANCEL, S.CANCELLED),
    (S.NO_SHOW, A.REACTIVATE, S.WAITING),
    (S.WAITING, A.MOVE, S.WAITING),
    (S.WAITING, A.PRIORITISE, S.WAITING),
    (S.CANCELLED, A.REINSTATE, S.WAITING),
]


@pytest.mark.parametrize(("state", "action", "after"), ALLOWED)
def test_allowed_transition_gives_the_table_state(state, action, after):
    assert next_status(state, action) is after


@pytest.mark.parametrize(
    ("state", "action"),
    [(s, a) for s in S for a in A if (s, a) not in TRANSITIONS],
)
def test_every_other_transition_is_refused_with_both_names(state, action):
    with pytest.raises(InvalidTransition) as info:
        next_status(state, action)
    assert info.value.params == {"status": state.value, "action": action.value}
    assert info.value.status == 409


def test_final_states_allow_nothing_but_coming_back():
    assert allowed_actions(S.DONE) == frozenset()
    assert allowed_actions(S.NO_SHOW) == {A.REACTIVATE}  # the visitor came back
    assert allowed_actions(S.CANCELLED) == {A.REINSTATE}  # a supervisor undoes a mistake


def test_a_ticket_is_made_waiting_at_a_kiosk_or_serving_at_a_counter():
    assert created_status(A.ISSUE) is S.WAITING
    assert created_status(A.SERVE_WITHOUT_TICKET) is S.SERVING
    assert set(CREATIONS) == {A.ISSUE, A.SERVE_WITHOUT_TICKET}
    with pytest.raises(InvalidTransition) as info:
        created_status(A.CALL)
    assert info.value.params == {"status": "new", "action": "call"}


def test_table_is_exactly_the_documented_one():
    assert {(s, a): t for s, a, t in ALLOWED} == TRANSITIONS
