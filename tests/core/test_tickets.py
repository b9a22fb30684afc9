"""What each clerk action does to a ticket (kolejka.core.tickets), without a server."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kolejka.core import tickets
from kolejka.core.errors import Conflict, InvalidTransition
from kolejka.core.states import TicketAction, TicketStatus
from kolejka.core.tickets import TicketProgress

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=3)
WAITING = TicketProgress(number="A001", status=TicketStatus.WAITING, service_id=1, queued_at=T0)


def called(recalls: int = 0) -> TicketProgress:
    return replace(tickets.call(WAITING, counter_id=7, now=T0), recalls=recalls)


def test_a_call_puts_the_ticket_at_the_counter_and_starts_its_recalls_again():
    ticket = replace(WAITING, recalls=2, target_counter_id=3)
    after = tickets.call(ticket, counter_id=7, now=LATER)
    assert (after.status, after.counter_id, after.called_at) == (TicketStatus.CALLED, 7, LATER)
    assert (after.recalls, after.target_counter_id) == (0, None)
    assert after.at_counter and not WAITING.at_counter


def test_a_recall_counts_and_calls_again_up_to_the_limit():
    after = tickets.recall(called(1), now=LATER, max_recalls=2, no_show_after_max_recalls=False)
    assert (after.status, after.recalls, after.called_at) == (TicketStatus.CALLED, 2, LATER)


def test_a_recall_past_the_limit_is_refused_with_the_limit():
    with pytest.raises(Conflict) as refused:
        tickets.recall(called(2), now=LATER, max_recalls=2, no_show_after_max_recalls=False)
    assert (refused.value.code, refused.value.params) == (
        "recall_limit_reached",
        {"max_recalls": 2},
    )


def test_a_recall_past_the_limit_is_a_no_show_where_the_office_says_so():
    after = tickets.recall(called(2), now=LATER, max_recalls=2, no_show_after_max_recalls=True)
    assert (after.status, after.finished_at, after.recalls) == (TicketStatus.NO_SHOW, LATER, 2)


def test_no_recall_limit_means_the_first_recall_already_decides():
    with pytest.raises(Conflict):
        tickets.recall(called(), now=LATER, max_recalls=0, no_show_after_max_recalls=False)


def test_only_a_called_ticket_can_be_recalled():
    with pytest.raises(InvalidTransition):
        tickets.recall(WAITING, now=LATER, max_recalls=2, no_show_after_max_recalls=True)


def test_start_finish_and_no_show_stamp_their_moment():
    serving = tickets.start(called(), now=LATER)
    assert (serving.status, serving.started_at) == (TicketStatus.SERVING, LATER)
    done = tickets.finish(serving, now=LATER + timedelta(minutes=5))
    assert (done.status, done.finished_at) == (TicketStatus.DONE, LATER + timedelta(minutes=5))
    assert done.counter_id == 7  # who served it stays known
    gone = tickets.no_show(called(), now=LATER)
    assert (gone.status, gone.finished_at) == (TicketStatus.NO_SHOW, LATER)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (lambda t: tickets.start(t, now=LATER), TicketStatus.WAITING),
        (lambda t: tickets.finish(t, now=LATER), TicketStatus.CALLED),
        (lambda t: tickets.no_show(t, now=LATER), TicketStatus.SERVING),
        (lambda t: tickets.call(t, counter_id=1, now=LATER), TicketStatus.DONE),
        (lambda t: tickets.cancel(t, now=LATER), TicketStatus.SERVING),
    ],
)
def test_an_action_the_state_does_not_allow_is_an_invalid_transition(action, status):
    with pytest.raises(InvalidTransition) as refused:
        action(replace(WAITING, status=status))
    assert refused.value.params["status"] == status.value


def test_a_transfer_queues_the_ticket_again_from_now():
    serving = replace(tickets.start(called(1), now=T0), note="old")
    after = tickets.transfer(serving, now=LATER, service_id=2, counter_id=None, note="ask B")
    assert (after.status, after.service_id, after.queued_at) == (TicketStatus.WAITING, 2, LATER)
    assert (after.counter_id, after.called_at, after.started_at, after.recalls) == (
        None,
        None,
        None,
        0,
    )
    assert after.note == "ask B"
    to_counter = tickets.transfer(serving, now=LATER, service_id=None, counter_id=4, note=None)
    assert (to_counter.service_id, to_counter.target_counter_id) == (1, 4)


def test_a_transfer_needs_a_target_and_a_ticket_being_served():
    serving = tickets.start(called(), now=T0)
    with pytest.raises(Conflict, match="transfer_target_missing"):
        tickets.transfer(serving, now=LATER, service_id=None, counter_id=None, note=None)
    with pytest.raises(InvalidTransition):
        tickets.transfer(called(), now=LATER, service_id=None, counter_id=None, note=None)


def test_check_refuses_without_changing_anything():
    tickets.check(called(), TicketAction.START)
    with pytest.raises(InvalidTransition):
        tickets.check(WAITING, TicketAction.START)


def test_a_cancel_ends_a_waiting_or_called_ticket():
    assert tickets.cancel(WAITING, now=LATER).status is TicketStatus.CANCELLED
    assert tickets.cancel(called(), now=LATER).finished_at == LATER


def test_a_kiosk_takes_back_only_a_ticket_still_waiting():
    assert tickets.cancel(WAITING, now=LATER, by_kiosk=True).status is TicketStatus.CANCELLED
    for at_counter in (called(), tickets.start(called(), now=T0)):
        with pytest.raises(Conflict) as refused:
            tickets.cancel(at_counter, now=LATER, by_kiosk=True)
        assert (refused.value.code, refused.value.params) == (
            "ticket_at_counter",
            {"ticket": "A001"},
        )
    done = tickets.finish(tickets.start(called(), now=T0), now=LATER)
    with pytest.raises(InvalidTransition):  # over is over, for anyone
        tickets.cancel(done, now=LATER, by_kiosk=True)
