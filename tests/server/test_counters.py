"""The clerk's side over real HTTP: counters, calling, serving, transferring."""

import threading

import pytest

from kolejka.client import ConflictError, Refused
from kolejka.client.errors import AuthError


@pytest.fixture
def clerk1(live_server, clerk_client):
    return clerk_client(live_server, "clerk1", counter=1)


def test_full_visit_call_start_finish(live_server, kiosk, clerk1, clock):
    ticket = kiosk.issue_ticket("A", language="uk")
    called = clerk1.call_next(1)
    assert called.id == ticket.id and called.status == "called" and called.counter == 1
    clock.advance(seconds=30)
    assert clerk1.start_service(ticket.id).status == "serving"
    clock.advance(minutes=5)
    done = clerk1.finish_ticket(ticket.id)
    assert done.status == "done" and done.finished_at is not None
    counter = next(c for c in clerk1.list_counters().data if c.number == 1)
    assert counter.current is None and counter.state == "open"


def test_call_next_on_an_empty_queue_answers_none(clerk1):
    assert clerk1.call_next(1) is None


def test_counter_holds_one_client_at_a_time(kiosk, clerk1):
    kiosk.issue_ticket("A")
    kiosk.issue_ticket("A")
    clerk1.call_next(1)
    with pytest.raises(ConflictError) as info:
        clerk1.call_next(1)
    assert info.value.code == "counter_busy"


def test_routing_follows_priority_then_service_order_then_arrival(live_server, kiosk, clerk1):
    b_early = kiosk.issue_ticket("B")
    a_late = kiosk.issue_ticket("A")
    a_prio = kiosk.issue_ticket("A", priority="priority")
    order = []
    for _ in range(3):
        ticket = clerk1.call_next(1)
        order.append(ticket.id)
        clerk1.start_service(ticket.id)
        clerk1.finish_ticket(ticket.id)
    # counter 1 serves A before B; the priority ticket goes first.
    assert order == [a_prio.id, a_late.id, b_early.id]


def test_recall_then_limit_then_no_show(kiosk, clerk1):
    ticket = kiosk.issue_ticket("A")
    clerk1.call_next(1)
    assert clerk1.recall_ticket(ticket.id).recalls == 1
    assert clerk1.recall_ticket(ticket.id).recalls == 2
    with pytest.raises(ConflictError) as info:
        clerk1.recall_ticket(ticket.id)
    assert info.value.code == "recall_limit_reached"
    assert clerk1.mark_no_show(ticket.id).status == "no_show"


def test_impossible_transitions_are_409_and_change_nothing(kiosk, clerk1):
    ticket = kiosk.issue_ticket("A")
    clerk1.call_next(1)
    with pytest.raises(ConflictError) as info:
        clerk1.finish_ticket(ticket.id)  # called, not serving
    assert info.value.code == "invalid_transition"
    assert info.value.params == {"status": "called", "action": "finish"}
    assert kiosk.get_ticket(ticket.id).status == "called"
    clerk1.start_service(ticket.id)
    with pytest.raises(ConflictError):
        clerk1.mark_no_show(ticket.id)  # serving: too late for a no-show
    assert kiosk.get_ticket(ticket.id).status == "serving"


def test_transfer_keeps_number_and_arrival_and_joins_the_other_queue(
    live_server, kiosk, clerk1, clerk_client, clock
):
    moved = kiosk.issue_ticket("A")
    clock.advance(minutes=10)
    later_b = kiosk.issue_ticket("B")
    clerk1.call_next(1)
    clerk1.start_service(moved.id)
    clock.advance(minutes=3)
    transferred = clerk1.transfer_ticket(moved.id, service="B", note="needs form B")
    assert transferred.status == "waiting" and transferred.service == "B"
    assert transferred.number == moved.number and transferred.arrival_at == moved.arrival_at
    assert transferred.note == "needs form B"
    assert transferred.ahead == 0  # earlier arrival than the B ticket issued after it
    clerk2 = clerk_client(live_server, "clerk2", counter=2)  # counter 2 serves B first
    assert clerk2.call_next(2).id == moved.id
    snapshot = kiosk.queue_snapshot()
    assert [t.id for t in snapshot.waiting] == [later_b.id]


def test_transfer_to_a_specific_counter_is_offered_only_there(
    live_server, kiosk, clerk1, clerk_client
):
    ticket = kiosk.issue_ticket("A")
    clerk1.call_next(1)
    clerk1.start_service(ticket.id)
    with pytest.raises(ConflictError) as info:
        clerk1.transfer_ticket(ticket.id, service="C", counter=1)
    assert info.value.code == "counter_does_not_serve"
    assert clerk1.transfer_ticket(ticket.id, counter=4).target_counter == 4
    clerk2 = clerk_client(live_server, "clerk2", counter=2)
    assert clerk2.call_next(2) is None
    clerk4 = clerk_client(live_server, "clerk4", counter=4)
    assert clerk4.call_next(4).id == ticket.id


def test_paused_counter_cannot_call_until_resumed(kiosk, clerk1):
    kiosk.issue_ticket("A")
    assert clerk1.pause_counter(1).state == "paused"
    with pytest.raises(ConflictError) as info:
        clerk1.call_next(1)
    assert info.value.code == "counter_paused"
    assert clerk1.open_counter(1).state == "open"
    assert clerk1.call_next(1) is not None


def test_close_refuses_while_a_client_is_at_the_counter(kiosk, clerk1):
    ticket = kiosk.issue_ticket("A")
    clerk1.call_next(1)
    with pytest.raises(ConflictError) as info:
        clerk1.close_counter(1)
    assert info.value.code == "counter_busy"
    clerk1.mark_no_show(ticket.id)
    closed = clerk1.close_counter(1)
    assert closed.state == "closed" and closed.clerk is None


def test_clerk_cannot_act_at_another_clerks_counter(live_server, kiosk, clerk1, clerk_client):
    ticket = kiosk.issue_ticket("A")
    clerk1.call_next(1)
    intruder = clerk_client(live_server, "clerk2")
    with pytest.raises(Refused) as info:
        intruder.call_next(1)
    assert info.value.code == "not_your_counter"
    with pytest.raises(Refused):
        intruder.start_service(ticket.id)
    with pytest.raises(ConflictError) as held:  # signing in there: who holds it, a 409
        intruder.open_counter(1)
    assert held.value.status == 409 and held.value.code == "counter_held"
    assert held.value.params == {"counter": 1, "clerk": "clerk1"}
    boss = clerk_client(live_server, "boss")  # a supervisor may step in
    assert boss.start_service(ticket.id).status == "serving"


def test_a_clerk_holds_one_counter_at_a_time(clerk1):
    with pytest.raises(ConflictError) as info:
        clerk1.open_counter(2)
    assert info.value.code == "clerk_at_other_counter"


def test_kiosk_cannot_act_as_a_clerk(kiosk):
    with pytest.raises(Refused) as info:
        kiosk.open_counter(1)
    assert info.value.code == "clerk_required"


def test_wrong_password_is_401(live_server):
    from kolejka.client import KolejkaClient

    with KolejkaClient(live_server.url, "test") as client, pytest.raises(AuthError) as info:
        client.login("clerk1", "wrong")
    assert info.value.code == "invalid_credentials"


def test_expired_clerk_token_is_refused(live_server, clerk1, clock):
    clock.advance(hours=13)
    with pytest.raises(AuthError) as info:
        clerk1.list_counters()
    assert info.value.code == "invalid_token"


def test_two_clerks_clicking_at_once_never_get_the_same_client(live_server, kiosk, clerk_client):
    for _ in range(2):
        kiosk.issue_ticket("A")
    clerks = [clerk_client(live_server, f"clerk{n}", counter=n) for n in (1, 2)]
    barrier = threading.Barrier(2)
    got: dict[int, int | None] = {}

    def click(n: int) -> None:
        barrier.wait()
        ticket = clerks[n - 1].call_next(n)
        got[n] = ticket.id if ticket else None

    threads = [threading.Thread(target=click, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert None not in got.values()
    assert got[1] != got[2]


def test_daily_stats_per_service_and_counter(live_server, kiosk, clerk1, clock):
    for _ in range(3):
        kiosk.issue_ticket("A")
    cancelled = kiosk.issue_ticket("B")
    kiosk.cancel_ticket(cancelled.id)
    for minutes in (2, 4):
        ticket = clerk1.call_next(1)
        clerk1.start_service(ticket.id)
        clock.advance(minutes=minutes)
        clerk1.finish_ticket(ticket.id)
    no_show = clerk1.call_next(1)
    clerk1.mark_no_show(no_show.id)
    stats = clerk1.daily_stats()
    a = stats.services["A"]
    assert (a.issued, a.served, a.no_show) == (3, 2, 1)
    assert a.service_median_s == 180 and a.service_p90_s == pytest.approx(228)
    assert stats.services["B"].cancelled == 1
    assert stats.counters["1"].served == 2
