"""What each clerk action does to a ticket (kolejka.core.tickets), without a server."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kolejka.core import tickets
from kolejka.core.errors import Conflict, Invalid, InvalidTransition
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


# --- the clerk's further verbs: park and call back, reactivate, outcome, walk-in --------


def serving() -> TicketProgress:
    return tickets.start(called(), now=T0)


@pytest.mark.parametrize("before", [called(), serving()], ids=["called", "serving"])
def test_park_frees_the_counter_and_keeps_the_counter_that_parked_it(before):
    after = tickets.park(before, now=LATER, note="form for a family member")
    assert after.status is TicketStatus.PARKED and not after.at_counter
    assert (after.counter_id, after.note) == (7, "form for a family member")


def test_a_parked_ticket_is_called_back_to_its_counter_only():
    parked = tickets.park(serving(), now=T0)
    back = tickets.call_back(parked, counter_id=7, now=LATER)
    assert (back.status, back.counter_id, back.called_at, back.recalls) == (
        TicketStatus.CALLED,
        7,
        LATER,
        0,
    )
    with pytest.raises(Conflict) as refused:
        tickets.call_back(parked, counter_id=8, now=LATER)
    assert refused.value.code == "parked_elsewhere"


def test_only_a_ticket_at_a_counter_can_be_parked_and_only_a_parked_one_called_back():
    with pytest.raises(InvalidTransition):
        tickets.park(WAITING, now=T0)
    with pytest.raises(InvalidTransition):
        tickets.call_back(called(), counter_id=7, now=T0)


def test_a_no_show_is_reactivated_within_the_offices_time_in_its_first_place():
    gone = tickets.no_show(called(), now=T0)
    back = tickets.reactivate(gone, now=T0 + timedelta(minutes=10), within=timedelta(minutes=15))
    assert back.status is TicketStatus.WAITING
    assert (back.counter_id, back.called_at, back.finished_at) == (None, None, None)
    assert back.queued_at == T0 + timedelta(minutes=10)


@pytest.mark.parametrize("within", [timedelta(minutes=15), timedelta(0)], ids=["late", "off"])
def test_a_reactivation_after_the_time_or_where_the_office_allows_none_is_refused(within):
    gone = tickets.no_show(called(), now=T0)
    with pytest.raises(Conflict) as refused:
        tickets.reactivate(gone, now=T0 + timedelta(minutes=16), within=within)
    assert refused.value.code == "reactivate_too_late"
    assert refused.value.params["minutes"] == within.total_seconds() // 60


def test_only_a_no_show_can_be_reactivated():
    with pytest.raises(InvalidTransition):
        tickets.reactivate(tickets.finish(serving(), now=T0), now=T0, within=timedelta(hours=1))


OUTCOMES = ("complete", "missing_document")


def test_finish_keeps_an_outcome_from_the_services_list():
    after = tickets.finish(serving(), now=LATER, outcome="complete", outcomes=OUTCOMES)
    assert (after.status, after.outcome) == (TicketStatus.DONE, "complete")


def test_an_optional_outcome_may_be_left_out():
    assert tickets.finish(serving(), now=LATER, outcomes=OUTCOMES).outcome is None


def test_an_outcome_not_in_the_list_or_a_required_one_missing_is_invalid():
    with pytest.raises(Invalid) as unknown:
        tickets.finish(serving(), now=LATER, outcome="lunch", outcomes=OUTCOMES)
    assert (unknown.value.code, unknown.value.status) == ("outcome_unknown", 422)
    with pytest.raises(Invalid) as missing:
        tickets.finish(serving(), now=LATER, outcomes=OUTCOMES, outcome_required=True)
    assert missing.value.code == "outcome_required"
    with pytest.raises(Invalid):  # a service without a list takes no outcome
        tickets.finish(serving(), now=LATER, outcome="complete")


def test_the_state_is_refused_before_the_outcome():
    with pytest.raises(InvalidTransition):
        tickets.finish(called(), now=LATER, outcome="lunch", outcomes=OUTCOMES)


def test_serve_without_a_ticket_is_issued_and_started_in_one_step():
    ticket = tickets.serve_without_ticket(number="A031", service_id=1, counter_id=7, now=T0)
    assert (ticket.status, ticket.counter_id, ticket.called_at, ticket.started_at) == (
        TicketStatus.SERVING,
        7,
        T0,
        T0,
    )
    assert tickets.finish(ticket, now=LATER).status is TicketStatus.DONE
