import pytest

from kolejka.core.errors import InvalidTransition
from kolejka.core.states import (
    TRANSITIONS,
    TicketAction,
    TicketStatus,
    allowed_actions,
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
    (S.WAITING, A.MOVE, S.WAITING),
    (S.WAITING, A.PRIORITISE, S.WAITING),
    (S.CANCELLED, A.REACTIVATE, S.WAITING),
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


def test_final_states_allow_nothing_but_a_supervisors_reactivation():
    for state in (S.DONE, S.NO_SHOW):
        assert allowed_actions(state) == frozenset()
    assert allowed_actions(S.CANCELLED) == frozenset({A.REACTIVATE})


def test_table_is_exactly_the_documented_one():
    assert {(s, a): t for s, a, t in ALLOWED} == TRANSITIONS
