"""The counter app's real widgets against a real server (offscreen)."""

import threading

import pytest
from PySide6.QtCore import Qt

from counter.app import build_counter_window
from counter.state import Action
from kolejka.client import KolejkaClient
from tests.support import KIOSK_TOKEN, PASSWORD

pytestmark = pytest.mark.gui


@pytest.fixture
def kiosk(sqlite_server):
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        yield client


@pytest.fixture
def open_app(qtbot, sqlite_server):
    shells = []

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


def test_keyboard_shortcut_calls_next_and_no_show_frees_the_counter(qtbot, open_app, kiosk):
    ticket = kiosk.issue_ticket("B")
    window = signed_in(qtbot, open_app())
    c = window.controller
    qtbot.waitUntil(lambda: Action.CALL_NEXT in c.enabled(), timeout=10_000)
    window.actions_[Action.CALL_NEXT].trigger()  # what F5 does
    qtbot.waitUntil(lambda: c.current is not None, timeout=10_000)
    click(qtbot, window, Action.NO_SHOW, lambda: c.current is None)
    assert kiosk.get_ticket(ticket.id).status == "no_show"


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


def test_pause_blocks_calling_until_resumed(qtbot, open_app, kiosk):
    kiosk.issue_ticket("A")
    window = signed_in(qtbot, open_app())
    c = window.controller
    click(
        qtbot, window, Action.PAUSE, lambda: c.counter is not None and c.counter.state == "paused"
    )
    assert not window.buttons[Action.CALL_NEXT].isEnabled()
    assert window.buttons[Action.RESUME].isVisible()
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


def test_a_counter_held_by_another_clerk_refuses_and_stays_disabled(qtbot, open_app, kiosk):
    signed_in(qtbot, open_app("clerk1", 1))
    shell = open_app("clerk2", 1)
    qtbot.waitUntil(lambda: shell.counter_window is not None, timeout=10_000)
    window = shell.counter_window
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.message.isVisibleTo(window), timeout=10_000)
    assert "someone else" in window.message.text()
    assert window.controller.enabled() == frozenset()


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
