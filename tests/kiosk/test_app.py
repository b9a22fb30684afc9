"""The real kiosk window, offscreen, against a real server on a free port.

Each test drives the widgets as a visitor would (taps, scanner keystrokes) and checks what
the server recorded and what the printer produced.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.app import KioskWindow, build_kiosk_window
from kiosk.collector import collector
from kiosk.controller import Timing
from kiosk.flow import Screen
from kiosk.theme import MIN_TOUCH_MM, mm_to_px
from kolejka.client import KolejkaClient
from printers.config import PrinterConfig
from tests.conftest import KIOSK_TOKEN, PASSWORD, T0, LiveServer

pytestmark = pytest.mark.gui

FAST = Timing(idle_timeout_s=60, confirmation_s=60, refresh_s=60, retry_s=0.2,
              printer_poll_s=60)
MakeKiosk = Callable[..., KioskWindow]


@pytest.fixture
def make_kiosk(qtbot: QtBot, sqlite_server: LiveServer, tmp_path: Path) -> Iterator[MakeKiosk]:
    windows: list[KioskWindow] = []
    collector().pin()  # held until the windows are gone, see below

    def make(**options: Any) -> KioskWindow:
        options.setdefault("printer_config",
                           PrinterConfig(kind="preview", preview_dir=tmp_path / "tickets"))
        options.setdefault("timing", FAST)
        window = build_kiosk_window(sqlite_server.url, "test", KIOSK_TOKEN, **options)
        windows.append(window)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: bool(window.controller.services), timeout=10_000)
        return window

    yield make
    for window in windows:
        window.shutdown()
    # A window's Python side holds reference cycles (slots that close over the screens).
    # Free them here, in the GUI thread: left to chance, the collector may run in the
    # server's thread during the next test and destroy the widgets there, which crashes.
    windows.clear()
    gc.collect()
    collector().release()


def tap(qtbot: QtBot, window: KioskWindow, name: str) -> None:
    target = window.findChild(QPushButton, name)
    assert target is not None, f"no button {name!r}"
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)


def text_of(window: KioskWindow, name: str) -> str:
    widget = window.findChild(QLabel, name)
    assert widget is not None, f"no label {name!r}"
    return widget.text()


def on_screen(qtbot: QtBot, window: KioskWindow, screen: Screen) -> None:
    qtbot.waitUntil(lambda: window.state.screen is screen, timeout=10_000)


def visible_buttons(window: KioskWindow) -> list[QPushButton]:
    return [b for b in window.findChildren(QPushButton) if b.isVisibleTo(window)]


def test_a_visitor_picks_a_language_and_a_service_and_takes_one_printed_ticket(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer, tmp_path: Path
) -> None:
    window = make_kiosk()
    tap(qtbot, window, "language-uk")
    assert window.state.screen is Screen.SERVICES
    card = window.findChild(QPushButton, "service-A")
    assert card is not None and "Temporary residence (uk)" in card.accessibleName()
    closed = window.findChild(QPushButton, "service-D")  # opens 08-09 only
    assert closed is not None and not closed.isEnabled()
    assert all(b.height() >= mm_to_px(MIN_TOUCH_MM) for b in visible_buttons(window))

    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)  # an impatient double tap
    on_screen(qtbot, window, Screen.TICKET)

    assert text_of(window, "ticketNumber") == "A001"
    assert text_of(window, "ticketAhead") == "Перед вами нікого немає."
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        waiting = client.queue_snapshot().waiting
    assert [(t.number, t.language) for t in waiting] == [("A001", "uk")]
    printed = list((tmp_path / "tickets").glob("*.png"))
    assert len(printed) == 1


def test_an_appointment_checks_in_by_scanner_and_refusals_are_explained(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer
) -> None:
    with KolejkaClient(sqlite_server.url, "test") as boss:
        boss.login("boss", PASSWORD)
        now = boss.create_appointment("A", T0 + timedelta(minutes=15), "ru")
        later = boss.create_appointment("B", T0 + timedelta(hours=3), "ru")
    window = make_kiosk()
    tap(qtbot, window, "language-ru")

    qtbot.keyClicks(window, now.token)  # the scanner types the QR payload…
    qtbot.keyClick(window, Qt.Key.Key_Return)  # …and ends it with Enter
    on_screen(qtbot, window, Screen.TICKET)
    assert text_of(window, "ticketNumber") == "A001"
    assert window.state.ticket is not None
    assert window.state.ticket.appointment_at == now.start

    tap(qtbot, window, "done")
    tap(qtbot, window, "language-ru")
    tap(qtbot, window, "appointment")
    for key in later.code.replace("-", ""):
        tap(qtbot, window, f"key-{key}")
    tap(qtbot, window, "checkIn")
    on_screen(qtbot, window, Screen.NOTICE)
    assert text_of(window, "noticeBody").startswith("Регистрироваться ещё рано.")

    tap(qtbot, window, "noticeOk")
    qtbot.keyClicks(window, now.token)  # the same booking again
    qtbot.keyClick(window, Qt.Key.Key_Return)
    on_screen(qtbot, window, Screen.NOTICE)
    assert window.state.notice == "appointment_used"
    assert text_of(window, "noticeBody") == "По этой записи талон уже получен."


def test_the_server_going_away_is_said_and_the_kiosk_comes_back_by_itself(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer, tmp_path: Path
) -> None:
    window = make_kiosk()
    tap(qtbot, window, "language-pl")
    sqlite_server.stop()
    tap(qtbot, window, "service-A")
    on_screen(qtbot, window, Screen.UNAVAILABLE)
    assert text_of(window, "unavailableReason") == "Brak połączenia z systemem kolejkowym."
    assert not list((tmp_path / "tickets").glob("*.png"))  # nothing printed

    sqlite_server.start()
    on_screen(qtbot, window, Screen.LANGUAGE)
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        assert client.queue_snapshot().waiting == []  # and nothing issued


def test_an_idle_kiosk_returns_to_the_start_and_forgets_the_visitor(
    qtbot: QtBot, make_kiosk: MakeKiosk
) -> None:
    window = make_kiosk(timing=Timing(idle_timeout_s=0.3, confirmation_s=0.3, refresh_s=60,
                                      retry_s=0.2, printer_poll_s=60))
    tap(qtbot, window, "language-en")
    tap(qtbot, window, "priority")
    assert window.state.priority
    on_screen(qtbot, window, Screen.LANGUAGE)
    assert (window.state.language, window.state.priority) == (None, False)

    tap(qtbot, window, "language-en")
    tap(qtbot, window, "service-B")
    on_screen(qtbot, window, Screen.TICKET)
    on_screen(qtbot, window, Screen.LANGUAGE)  # the confirmation leaves by itself
