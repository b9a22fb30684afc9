import pytest

from counter.state import Action, enabled_actions

A = Action


@pytest.mark.parametrize(
    ("counter", "ticket", "expected"),
    [
        (None, None, set()),
        ("closed", None, set()),
        ("open", None, {A.CALL_NEXT, A.PAUSE, A.CLOSE}),
        ("open", "called", {A.RECALL, A.START, A.NO_SHOW, A.PAUSE}),
        ("open", "serving", {A.FINISH, A.TRANSFER, A.PAUSE}),
        ("paused", None, {A.RESUME, A.CLOSE}),
        ("paused", "serving", {A.FINISH, A.TRANSFER, A.RESUME}),
        ("paused", "called", {A.RECALL, A.START, A.NO_SHOW, A.RESUME}),
    ],
)
def test_enabled_actions_follow_counter_and_client(counter, ticket, expected):
    assert enabled_actions(counter, ticket) == expected


def test_nothing_is_enabled_while_a_request_is_on_its_way():
    assert enabled_actions("open", None, busy=True) == frozenset()
    assert enabled_actions("open", "serving", busy=True) == frozenset()
