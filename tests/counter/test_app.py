"""The counter app's real widgets against a real server (offscreen)."""

import gc
import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from counter.app import build_counter_window
from counter.state import Action
from kolejka.client import KolejkaClient
from kolejka.gui_gc import collector
from tests.support import KIOSK_TOKEN, PASSWORD

pytestmark = pytest.mark.gui


@pytest.fixture
def kiosk(sqlite_server):
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        yield client


@pytest.fixture
def open_app(qtbot, sqlite_server):
    shells = []
    collector().pin()  # held until the windows are gone, as for the kiosk's (see there)

    def make(username="clerk1", counter=1, language="en", password=PASSWORD):
        shell = build_counter_window(
            sqlite_server.url,
            "test",
            username=username,
            password=password,
            counter=counter,
            language=language,
        )
        qtbot.addWidget(shell)
        shells.append(shell)
        return shell

    yield make
    for shell in shells:
        shell.shutdown()
    # The windows' reference cycles are freed here, in the GUI thread: a collection in the
    # server's thread during the next test would destroy their widgets there and crash.
    shells.clear()
    gc.collect()
    collector().release()


def signed_in(qtbot, shell):
    qtbot.waitUntil(lambda: shell.counter_window is not None, timeout=10_000)
    window = shell.counter_window
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.controller.counter is not None, timeout=10_000)
    return window


def click(qtbot, window, action, until):
    button = window.buttons[action]
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(until, timeout=10_000)


def test_sign_in_call_recall_start_finish(qtbot, open_app, kiosk):
    ticket = kiosk.issue_ticket("A", language="uk")
    window = signed_in(qtbot, open_app())
    c = window.controller
    assert "Counter 1" in window.windowTitle() and "clerk1" in window.windowTitle()
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    assert window.number.text() == ticket.number
    assert "Українська" in window.fields["language"].text()
    click(qtbot, window, Action.RECALL, lambda: c.current is not None and c.current.recalls == 1)
    click(
        qtbot, window, Action.START, lambda: c.current is not None and c.current.status == "serving"
    )
    click(qtbot, window, Action.FINISH, lambda: c.current is None)
    assert kiosk.get_ticket(ticket.id).status == "done"
    qtbot.waitUntil(lambda: c.tally is not None and c.tally.served == 1, timeout=10_000)


@pytest.fixture
def quick_undo(monkeypatch):
    """A no-show's undo window of 50 ms instead of 5 s."""
    monkeypatch.setattr("counter.controller.NO_SHOW_UNDO_MS", 50)


def test_keyboard_shortcut_calls_next_and_no_show_frees_the_counter(
    qtbot, open_app, kiosk, quick_undo
):
    ticket = kiosk.issue_ticket("B")
    window = signed_in(qtbot, open_app())
    c = window.controller
    qtbot.waitUntil(lambda: Action.CALL_NEXT in c.enabled(), timeout=10_000)
    window.actions_[Action.CALL_NEXT].trigger()  # what F5 does
    qtbot.waitUntil(lambda: c.current is not None, timeout=10_000)
    click(qtbot, window, Action.NO_SHOW, lambda: c.current is None)
    assert kiosk.get_ticket(ticket.id).status == "no_show"
    assert window.notice.text() == f"{ticket.number} marked as not come."


def test_a_no_show_waits_with_an_undo_before_it_is_sent(qtbot, open_app, kiosk):
    ticket = kiosk.issue_ticket("A")
    window = signed_in(qtbot, open_app())
    c = window.controller
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    window.actions_[Action.NO_SHOW].trigger()  # F9, next to Finish
    assert c.pending_no_show is not None and window.undo.isVisibleTo(window)
    assert "will be marked as not come" in window.notice.text()
    assert kiosk.get_ticket(ticket.id).status == "called"  # nothing sent yet
    window.actions_[Action.UNDO].trigger()  # Ctrl+Z
    assert c.pending_no_show is None and not window.undo.isVisibleTo(window)
    assert "undone" in window.notice.text()
    assert Action.START in c.enabled() and kiosk.get_ticket(ticket.id).status == "called"


def test_calling_the_next_during_the_undo_sends_the_no_show_first(qtbot, open_app, kiosk):
    gone, next_one = kiosk.issue_ticket("A"), kiosk.issue_ticket("A")
    window = signed_in(qtbot, open_app())
    c = window.controller
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    window.actions_[Action.NO_SHOW].trigger()
    assert Action.CALL_NEXT in c.enabled()
    window.actions_[Action.CALL_NEXT].trigger()
    qtbot.waitUntil(lambda: c.current is not None and c.current.id == next_one.id, timeout=10_000)
    assert kiosk.get_ticket(gone.id).status == "no_show"


def test_the_wait_stops_when_service_starts_and_the_service_time_shows(qtbot, open_app, kiosk):
    kiosk.issue_ticket("A")
    window = signed_in(qtbot, open_app())
    c = window.controller
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    assert window.captions["waited"].text() == "Waiting"
    click(qtbot, window, Action.START, lambda: window.captions["waited"].text() == "Service time")
    started = c.current.started_at
    later = started + timedelta(minutes=7)
    assert c.served_s(later) == 7 * 60
    assert c.waited_s(later) == c.waited_s(started)  # the wait no longer runs


def test_transfer_to_another_service_keeps_the_number(qtbot, open_app, kiosk):
    ticket = kiosk.issue_ticket("A")
    window = signed_in(qtbot, open_app())
    c = window.controller
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    click(
        qtbot, window, Action.START, lambda: c.current is not None and c.current.status == "serving"
    )
    qtbot.waitUntil(lambda: c.snapshot is not None, timeout=10_000)
    dialog = window.open_transfer()
    dialog.service.setCurrentIndex(dialog.service.findData("C"))
    dialog.note.setText("card ready")
    dialog.accept()
    qtbot.waitUntil(lambda: c.current is None, timeout=10_000)
    waiting = kiosk.queue_snapshot().waiting
    assert [(t.number, t.service, t.note) for t in waiting] == [(ticket.number, "C", "card ready")]
    assert window.notice.text() == f"{ticket.number} transferred to C — Card pick-up."


def test_the_transfer_dialog_shows_each_counters_state_clerk_and_services(qtbot, open_app, kiosk):
    kiosk.issue_ticket("A")
    signed_in(qtbot, open_app("clerk2", 2))
    window = signed_in(qtbot, open_app())
    c = window.controller
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    click(qtbot, window, Action.START, lambda: Action.TRANSFER in c.enabled())
    qtbot.waitUntil(
        lambda: (
            c.snapshot is not None
            and any(x.number == 2 and x.state == "open" for x in c.snapshot.counters)
        ),
        timeout=10_000,
    )
    dialog = window.open_transfer()
    lines = [dialog.counter.itemText(i) for i in range(dialog.counter.count())]
    assert lines[0] == "Any counter"
    assert "2  ·  open, clerk2  ·  B, A" in lines and "4  ·  closed  ·  A, B, C" in lines
    assert not any(line.startswith("1 ") for line in lines)  # not this counter
    dialog.reject()


def test_park_then_call_back_from_the_parked_list(qtbot, open_app, kiosk):
    parked, other = kiosk.issue_ticket("A"), kiosk.issue_ticket("A")
    window = signed_in(qtbot, open_app())
    c = window.controller
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    click(qtbot, window, Action.START, lambda: Action.PARK in c.enabled())
    window.actions_[Action.PARK].trigger()  # F4
    qtbot.waitUntil(lambda: c.current is None and len(c.parked_here()) == 1, timeout=10_000)
    assert "parked" in window.notice.text()
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    assert c.current.id == other.id
    click(qtbot, window, Action.START, lambda: Action.FINISH in c.enabled())
    click(qtbot, window, Action.FINISH, lambda: Action.CALL_BACK in c.enabled())
    dialog = window.open_dialog(Action.CALL_BACK)
    assert dialog.list.count() == 1 and dialog.list.item(0).text().startswith(parked.number)
    dialog.accept()
    qtbot.waitUntil(lambda: c.current is not None and c.current.id == parked.id, timeout=10_000)
    assert c.current.status == "called"
    qtbot.waitUntil(lambda: c.parked_here() == [], timeout=10_000)  # the snapshot reloads


def test_a_no_show_is_reactivated_from_the_counter(qtbot, open_app, kiosk, quick_undo):
    ticket = kiosk.issue_ticket("A")
    window = signed_in(qtbot, open_app())
    c = window.controller
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    click(qtbot, window, Action.NO_SHOW, lambda: Action.REACTIVATE in c.enabled())
    dialog = window.open_dialog(Action.REACTIVATE)
    dialog.accept()
    qtbot.waitUntil(lambda: "back in line" in window.notice.text(), timeout=10_000)
    assert kiosk.get_ticket(ticket.id).status == "waiting"
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    assert c.current.id == ticket.id


def test_serve_without_a_ticket_from_the_counter(qtbot, open_app, kiosk):
    window = signed_in(qtbot, open_app())
    c = window.controller
    qtbot.waitUntil(lambda: Action.SERVE_WITHOUT_TICKET in c.enabled(), timeout=10_000)
    dialog = window.open_dialog(Action.SERVE_WITHOUT_TICKET)
    assert [dialog.service.itemData(i) for i in range(dialog.service.count())] == ["A", "B"]
    dialog.service.setCurrentIndex(1)
    dialog.visitor_language.setCurrentIndex(dialog.visitor_language.findData("ru"))
    dialog.accept()
    qtbot.waitUntil(lambda: c.current is not None, timeout=10_000)
    assert (c.current.number, c.current.status, c.current.language) == ("B001", "serving", "ru")
    assert Action.FINISH in c.enabled()


def test_pause_blocks_calling_until_resumed(qtbot, open_app, kiosk):
    kiosk.issue_ticket("A")
    window = signed_in(qtbot, open_app())
    c = window.controller
    qtbot.waitUntil(lambda: Action.PAUSE in c.enabled(), timeout=10_000)
    place = window.buttons[Action.PAUSE].geometry()
    dialog = window.open_dialog(Action.PAUSE)
    dialog.reasons["technical"].setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: c.counter is not None and c.counter.state == "paused", timeout=10_000)
    assert c.counter.pause_reason == "technical"
    assert window.state_badge.text() == "paused: technical problem"
    assert not window.buttons[Action.CALL_NEXT].isEnabled()
    assert window.buttons[Action.RESUME].isVisible()
    assert window.buttons[Action.RESUME].geometry() == place  # Resume in Pause's place
    click(qtbot, window, Action.RESUME, lambda: c.counter is not None and c.counter.state == "open")
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)


def test_two_counter_apps_calling_at_once_get_different_clients(qtbot, open_app, kiosk):
    for _ in range(2):
        kiosk.issue_ticket("A")
    first = signed_in(qtbot, open_app("clerk1", 1))
    second = signed_in(qtbot, open_app("clerk2", 2))
    for w in (first, second):
        qtbot.waitUntil(lambda w=w: Action.CALL_NEXT in w.controller.enabled(), timeout=10_000)
    first.controller.act(Action.CALL_NEXT)
    second.controller.act(Action.CALL_NEXT)
    qtbot.waitUntil(
        lambda: first.controller.current is not None and second.controller.current is not None,
        timeout=10_000,
    )
    assert first.controller.current.id != second.controller.current.id


def test_wrong_password_is_shown_and_nothing_opens(qtbot, open_app):
    shell = open_app(password="wrong-password")
    qtbot.waitUntil(lambda: shell.error.isVisibleTo(shell), timeout=10_000)
    assert "password" in shell.error.text().lower()
    assert shell.counter_window is None


def test_a_counter_held_by_another_clerk_is_refused_with_the_holder_and_free_ones_offered(
    qtbot, open_app, kiosk
):
    signed_in(qtbot, open_app("clerk1", 1))
    shell = open_app("clerk2", 1, language="pl")
    qtbot.waitUntil(lambda: shell.error.isVisibleTo(shell), timeout=10_000)
    assert shell.counter_window is None  # no window with Call next for someone else's
    assert "clerk1" in shell.error.text() and "Stanowisko 1" in shell.error.text()
    qtbot.waitUntil(lambda: shell.free.isVisibleTo(shell), timeout=10_000)
    offered = [shell.free.itemData(i) for i in range(shell.free.count())]
    assert 1 not in offered and offered[:3] == [2, 3, 4]
    assert shell.counter.value() == 2
    qtbot.mouseClick(shell.submit, Qt.MouseButton.LeftButton)  # signed in: only opens it
    window = signed_in(qtbot, shell)
    assert window.controller.number == 2 and window.controller.counter.state == "open"


def test_the_sign_in_says_which_office_and_server_it_is(qtbot, open_app, sqlite_server):
    shell = open_app(password="wrong-password")
    assert "test" in shell.server.text() and sqlite_server.url in shell.server.text()


def test_server_restart_mid_service_reconnects_and_finishes_once(
    qtbot, open_app, kiosk, sqlite_server
):
    ticket = kiosk.issue_ticket("A")
    window = signed_in(qtbot, open_app())
    c = window.controller
    qtbot.waitUntil(lambda: c.connected, timeout=10_000)
    click(qtbot, window, Action.CALL_NEXT, lambda: c.current is not None)
    click(
        qtbot, window, Action.START, lambda: c.current is not None and c.current.status == "serving"
    )
    restart = threading.Thread(target=sqlite_server.restart)
    restart.start()
    qtbot.waitUntil(lambda: not c.connected, timeout=20_000)
    restart.join()
    qtbot.waitUntil(lambda: c.connected, timeout=20_000)
    assert "Connected" in window.connection.text()
    click(qtbot, window, Action.FINISH, lambda: c.current is None)
    assert kiosk.get_ticket(ticket.id).status == "done"
    done = [e for e in kiosk.list_events().data if e.type == "ticket.done"]
    assert len(done) == 1


def test_unreachable_server_is_shown_plainly(qtbot, open_app, kiosk, sqlite_server):
    kiosk.issue_ticket("A")
    window = signed_in(qtbot, open_app())
    c = window.controller
    qtbot.waitUntil(lambda: Action.CALL_NEXT in c.enabled(), timeout=10_000)
    sqlite_server.stop()
    c.act(Action.CALL_NEXT)
    qtbot.waitUntil(lambda: window.message.isVisibleTo(window), timeout=20_000)
    assert "does not answer" in window.message.text()
    sqlite_server.start()
    qtbot.waitUntil(lambda: Action.CALL_NEXT in c.enabled(), timeout=20_000)


def test_a_kiosk_printer_fault_is_shown_to_the_clerk_until_it_is_fixed(qtbot, open_app, kiosk):
    # A fault from before the clerk signed in shows too: it comes with the snapshot.
    kiosk.report_printer_status("paper_out", "roll empty")
    window = signed_in(qtbot, open_app(language="pl"))
    qtbot.waitUntil(window.printers.isVisible, timeout=10_000)
    assert window.printers.text() == "⚠ k1: W drukarce biletów skończył się papier."

    kiosk.report_printer_status("online")
    qtbot.waitUntil(lambda: not window.printers.isVisible(), timeout=10_000)
    kiosk.report_printer_status("cover_open")
    qtbot.waitUntil(window.printers.isVisible, timeout=10_000)
    assert window.printers.text() == "⚠ k1: Pokrywa drukarki biletów jest otwarta."
