import pytest

from counter.state import Action, enabled_actions

A = Action
IDLE = {A.CALL_NEXT, A.SERVE_WITHOUT_TICKET, A.PAUSE, A.CLOSE}


@pytest.mark.parametrize(
    ("counter", "ticket", "expected"),
    [
        (None, None, set()),
        ("closed", None, set()),
        ("open", None, IDLE),
        ("open", "called", {A.RECALL, A.START, A.NO_SHOW, A.PARK, A.PAUSE}),
        ("open", "serving", {A.FINISH, A.TRANSFER, A.PARK, A.PAUSE}),
        ("paused", None, {A.RESUME, A.CLOSE}),
        ("paused", "serving", {A.FINISH, A.TRANSFER, A.PARK, A.RESUME}),
        ("paused", "called", {A.RECALL, A.START, A.NO_SHOW, A.PARK, A.RESUME}),
    ],
)
def test_enabled_actions_follow_counter_and_client(counter, ticket, expected):
    assert enabled_actions(counter, ticket) == expected


def test_nothing_is_enabled_while_a_request_is_on_its_way():
    assert enabled_actions("open", None, busy=True) == frozenset()
    assert enabled_actions("open", "serving", busy=True) == frozenset()


def test_a_parked_client_is_called_back_only_by_a_free_open_counter():
    assert A.CALL_BACK in enabled_actions("open", None, parked=1)
    assert A.CALL_BACK not in enabled_actions("open", "serving", parked=1)
    assert A.CALL_BACK not in enabled_actions("paused", None, parked=1)


def test_a_no_show_may_be_reactivated_while_the_counter_is_not_closed():
    assert A.REACTIVATE in enabled_actions("open", "serving", no_shows=1)
    assert A.REACTIVATE in enabled_actions("paused", None, no_shows=1)
    assert A.REACTIVATE not in enabled_actions("open", None)
    assert enabled_actions("closed", None, no_shows=1) == frozenset()


def test_a_no_show_waiting_to_be_sent_leaves_the_counter_free_with_an_undo():
    pending = enabled_actions("open", "called", undo=True)
    assert pending == {A.UNDO, A.CALL_NEXT, A.PAUSE, A.CLOSE}
