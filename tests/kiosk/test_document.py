"""A booking bound to a document number, at the real kiosk against a real server: the
kiosk asks for the number on its own keyboard, says a wrong one and lets the visitor try
again, sends them to the information desk when the booking locks, works by keys and voice,
and keeps the number off the screen, out of the logs and off the ticket."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.flow import (
    Back,
    CheckIn,
    CodeEntered,
    DocumentEntered,
    KioskState,
    LanguageChosen,
    Screen,
    TimedOut,
    WorkFailed,
    step,
)
from kiosk.screens import DocumentScreen
from kolejka.core.appointments import DOCUMENT_TRIES
from kolejka.core.documents import normalize_document
from tests.document_booking import DOCUMENT, bound_booking, check_in, failures
from tests.kiosk.support import MakeKiosk, on_screen, tap, text_of
from tests.support import LiveServer

pytestmark = pytest.mark.gui


# --- the flow, without Qt ------------------------------------------------------------------


def test_the_flow_asks_for_the_number_and_sends_it_with_the_same_code() -> None:
    state, commands = step(KioskState(language="en", screen=Screen.SERVICES), CodeEntered("C0DE"))
    assert commands == [CheckIn("C0DE", "en")]
    state, _ = step(state, WorkFailed("refused", "appointment_document_required"))
    assert state.screen is Screen.DOCUMENT and state.booking_code == "C0DE"
    assert step(state, DocumentEntered(""))[1] == []  # nothing typed: nothing sent
    state, commands = step(state, DocumentEntered("AB1"))
    assert commands == [CheckIn("C0DE", "en", "AB1")]
    assert "AB1" not in repr(commands) and "AB1" not in repr(state)  # never in a log line
    state, _ = step(state, WorkFailed("refused", "appointment_document_mismatch", 3))
    assert (state.screen, state.notice, state.tries_left) == (
        Screen.DOCUMENT,
        "appointment_document_mismatch",
        3,
    )
    state, _ = step(state, LanguageChosen("uk"))  # switched in place, still asked
    assert state.screen is Screen.DOCUMENT and state.booking_code == "C0DE"
    _, commands = step(state, DocumentEntered("AB2"))
    locked, _ = step(
        replace(state, screen=Screen.WORKING),
        WorkFailed("refused", "appointment_document_locked"),
    )
    assert locked.screen is Screen.NOTICE and locked.booking_code is None
    back, _ = step(state, Back())
    assert back.screen is Screen.SERVICES and back.booking_code is None
    gone, _ = step(state, TimedOut())
    assert gone.screen is Screen.LANGUAGE and gone.booking_code is None


# --- the real kiosk ------------------------------------------------------------------------


def type_on(qtbot: QtBot, window: object, text: str) -> None:
    for character in text:
        tap(qtbot, window, f"documentKey-{character}")  # type: ignore[arg-type]


def test_a_wrong_number_is_said_the_right_one_checks_in_and_nothing_keeps_it(
    qtbot: QtBot,
    make_kiosk: MakeKiosk,
    sqlite_server: LiveServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    code = bound_booking(sqlite_server)
    window = make_kiosk()
    tap(qtbot, window, "language-pl")
    tap(qtbot, window, "appointment")
    for key in code.replace("-", ""):
        tap(qtbot, window, f"key-{key}")
    tap(qtbot, window, "checkIn")
    on_screen(qtbot, window, Screen.DOCUMENT)
    assert text_of(window, "documentTitle") == "Numer dokumentu"
    screen = window.screens[Screen.DOCUMENT]
    assert isinstance(screen, DocumentScreen)
    assert not screen.problem.isVisible()
    assert not screen.submit.isEnabled()  # nothing typed: no try spent

    type_on(qtbot, window, "AB1234")
    assert text_of(window, "documentField") == "AB1234"  # shown, to check against the document
    tap(qtbot, window, "documentKey-delete")
    tap(qtbot, window, "documentClear")
    assert text_of(window, "documentField") == "_" * 9
    type_on(qtbot, window, "AB7654321")
    tap(qtbot, window, "documentCheckIn")
    qtbot.waitUntil(lambda: window.state.tries_left == DOCUMENT_TRIES - 1, timeout=10_000)
    assert window.state.screen is Screen.DOCUMENT
    assert screen.problem.isVisible()
    assert "Numer nie zgadza się z rezerwacją" in screen.problem.text()
    assert f"Pozostałe próby: {DOCUMENT_TRIES - 1}." in screen.problem.text()
    assert text_of(window, "documentField") == "_" * 9  # sent: gone from the screen
    assert failures(sqlite_server, code) == 1

    type_on(qtbot, window, DOCUMENT)
    tap(qtbot, window, "documentCheckIn")
    on_screen(qtbot, window, Screen.TICKET)
    assert window.state.ticket is not None and window.state.ticket.appointment_at is not None
    assert text_of(window, "documentField") == "_" * 9
    ticket = window.state.ticket.model_dump_json()
    for secret in ("7654321", "1234567"):
        assert secret not in ticket
        assert secret not in caplog.text
    assert len(list((tmp_path / "tickets").glob("*.png"))) == 1


def test_the_last_wrong_try_sends_the_visitor_to_the_information_desk(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer
) -> None:
    code = bound_booking(sqlite_server)
    window = make_kiosk()
    tap(qtbot, window, "language-en")
    qtbot.keyClicks(window, code)  # scanned, as from the QR code
    qtbot.keyClick(window, Qt.Key.Key_Return)
    on_screen(qtbot, window, Screen.DOCUMENT)
    for attempt in range(1, DOCUMENT_TRIES):
        type_on(qtbot, window, f"XX{attempt}0000")
        tap(qtbot, window, "documentCheckIn")
        qtbot.waitUntil(
            lambda attempt=attempt: window.state.tries_left == DOCUMENT_TRIES - attempt,
            timeout=10_000,
        )
    type_on(qtbot, window, "XX99999")
    tap(qtbot, window, "documentCheckIn")
    on_screen(qtbot, window, Screen.NOTICE)
    assert window.state.notice == "appointment_document_locked"
    assert "information desk" in text_of(window, "noticeBody")
    # Scanning the booking again goes straight to the same answer, no number asked.
    tap(qtbot, window, "noticeOk")
    qtbot.keyClicks(window, code)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.state.notice == "appointment_document_locked", timeout=10_000)
    assert window.state.screen is Screen.NOTICE
    assert failures(sqlite_server, code) == DOCUMENT_TRIES


def test_a_number_left_half_typed_is_gone_for_the_next_visitor(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer
) -> None:
    code = bound_booking(sqlite_server)
    window = make_kiosk()
    tap(qtbot, window, "language-uk")
    qtbot.keyClicks(window, code)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    on_screen(qtbot, window, Screen.DOCUMENT)
    type_on(qtbot, window, "AB12")
    window.controller.dispatch(TimedOut())  # the visitor walked away
    on_screen(qtbot, window, Screen.LANGUAGE)
    assert text_of(window, "documentField") == "_" * 9
    assert window.state.booking_code is None


def test_by_keys_and_voice_the_cursor_stays_on_the_keyboard_and_the_number_is_spelled(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer, tmp_path: Path
) -> None:
    code = bound_booking(sqlite_server)
    window = make_kiosk(read_aloud_sink=f"wav:{tmp_path / 'voice'}")
    window.activateWindow()
    tap(qtbot, window, "language-en")
    qtbot.keyClicks(window, code)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    on_screen(qtbot, window, Screen.DOCUMENT)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    reader = window.read_aloud.reader
    assert reader is not None
    qtbot.waitUntil(
        lambda: any("Your document number" in u.text for u in reader.said), timeout=60_000
    )
    said = " ".join(u.text for u in reader.said)
    assert "Q. W. E" not in said  # the keys are not read out with the screen
    for _ in range(40):  # to the first key of the keyboard
        qtbot.keyClick(window, Qt.Key.Key_Tab)
        cursor = window.read_aloud.cursor
        if cursor is not None and cursor.objectName() == "documentKey-1":
            break
    assert cursor is not None and cursor.objectName() == "documentKey-1"
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_Return)  # the cursor stayed: the same key again
    assert window.read_aloud.cursor is cursor
    screen = window.screens[Screen.DOCUMENT]
    assert isinstance(screen, DocumentScreen)
    assert screen.document == "11"
    assert screen.typed_words() == "Typed: 1 1."
    qtbot.waitUntil(lambda: reader.wait_idle(0), timeout=60_000)
    # Said into the headphones, but not kept in what the reader lists (nor logged).
    assert any(u.private for u in reader.said)
    assert all("1 1" not in u.text for u in reader.said)
    qtbot.keyClick(window, Qt.Key.Key_F1)


def test_a_booking_hashed_in_cyrillic_before_the_folding_still_checks_in(
    sqlite_server: LiveServer,
) -> None:
    """Stored before look-alikes were folded: the hash of the Cyrillic form itself."""
    code = bound_booking(sqlite_server, document="МК123456")
    assert check_in(sqlite_server, code, document="мк 123456").status_code == 201


def test_a_cyrillic_series_is_typed_on_the_keyboards_second_page_and_checks_in(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer
) -> None:
    """Ж and Я have no Latin twin: only the Cyrillic page can type this series. The
    next visitor finds the Latin letters again."""
    code = bound_booking(sqlite_server, document=normalize_document("жя 123456"))  # as booked
    window = make_kiosk()
    tap(qtbot, window, "language-uk")
    qtbot.keyClicks(window, code)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    on_screen(qtbot, window, Screen.DOCUMENT)
    screen = window.screens[Screen.DOCUMENT]
    assert isinstance(screen, DocumentScreen)
    assert not screen.keyboard.keys["Ж"].isVisible()  # the Latin page first
    tap(qtbot, window, "documentKey-layout")
    assert screen.keyboard.keys["Ж"].isVisible() and not screen.keyboard.keys["Q"].isVisible()
    assert screen.keyboard.switches[1].accessibleName() == "Латинські літери"
    type_on(qtbot, window, "ЖЯЖ")
    tap(qtbot, window, "documentKey-cyr-delete")
    tap(qtbot, window, "documentKey-cyr-layout")  # the digits are on the first page
    type_on(qtbot, window, "123456")
    assert text_of(window, "documentField") == "ЖЯ123456"
    tap(qtbot, window, "documentCheckIn")
    on_screen(qtbot, window, Screen.TICKET)
    assert failures(sqlite_server, code) == 0
    window.controller.dispatch(TimedOut())
    on_screen(qtbot, window, Screen.LANGUAGE)
    assert screen.keyboard.page == 0  # the Latin letters for whoever comes next
