"""Telling a barcode scanner's keystroke burst from stray key presses."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.scanner import ScanBuffer, ScannerFilter


def feed(buffer: ScanBuffer, text: str, start: float = 0.0, gap: float = 0.01) -> float:
    at = start
    for char in text:
        buffer.feed(char, at)
        at += gap
    return at


def test_a_fast_burst_ending_in_enter_is_a_code() -> None:
    buffer = ScanBuffer(max_gap_s=0.05)
    end = feed(buffer, "KOL-7F3Q-XY")
    assert buffer.enter(end) == "KOL-7F3Q-XY"
    assert buffer.enter(end + 0.01) is None  # the buffer starts empty again


def test_slow_typing_is_not_a_scan() -> None:
    buffer = ScanBuffer(max_gap_s=0.05)
    end = feed(buffer, "ABCDEF", gap=0.3)
    assert buffer.enter(end) is None


def test_a_pause_before_enter_drops_the_burst() -> None:
    buffer = ScanBuffer(max_gap_s=0.05)
    end = feed(buffer, "ABCDEF")
    assert buffer.enter(end + 1.0) is None


def test_stray_keys_before_a_scan_are_forgotten() -> None:
    buffer = ScanBuffer(max_gap_s=0.05)
    later = feed(buffer, "xx") + 2.0
    end = feed(buffer, "CODE1234", start=later)
    assert buffer.enter(end) == "CODE1234"


def test_too_short_a_burst_is_ignored() -> None:
    buffer = ScanBuffer(max_gap_s=0.05, min_length=4)
    assert buffer.enter(feed(buffer, "12")) is None


def test_an_endless_burst_does_not_grow_without_bound() -> None:
    buffer = ScanBuffer(max_gap_s=0.05, min_length=4, max_length=8)
    end = feed(buffer, "0123456789ABCDEF")
    assert buffer.enter(end) == "89ABCDEF"


@pytest.mark.parametrize(
    "kwargs", [{"max_gap_s": 0}, {"min_length": 0}, {"min_length": 9, "max_length": 8}]
)
def test_nonsense_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        ScanBuffer(**kwargs)  # type: ignore[arg-type]


class TickClock:
    """Each reading is 10 ms after the previous one: a scanner's pace, whatever the CPU does."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.01
        return self.now


def test_the_filter_turns_key_events_into_a_scan_and_presses_no_button(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication

    window = QWidget()
    qtbot.addWidget(window)
    pressed = QPushButton("tap", window)
    QVBoxLayout(window).addWidget(pressed)
    pressed.setFocus()  # even a focused button must not see the scanner's space
    clicks: list[bool] = []
    pressed.clicked.connect(lambda: clicks.append(True))
    scanner = ScannerFilter(window, ScanBuffer(max_gap_s=0.05), clock=TickClock())
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(scanner)
    try:
        with qtbot.waitSignal(scanner.scanned, timeout=2000) as signal:
            qtbot.keyClicks(pressed, "AB 12")
            qtbot.keyClick(pressed, Qt.Key.Key_Return)
    finally:
        app.removeEventFilter(scanner)
    assert signal.args == ["AB 12"]
    assert clicks == []


def test_the_filter_leaves_other_windows_alone(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication, QLineEdit

    kiosk, other = QWidget(), QLineEdit()
    qtbot.addWidget(kiosk)
    qtbot.addWidget(other)
    scanner = ScannerFilter(kiosk, ScanBuffer(max_gap_s=0.05), clock=TickClock())
    seen: list[str] = []
    scanner.scanned.connect(seen.append)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(scanner)
    try:
        qtbot.keyClicks(other, "typed by a clerk")
        qtbot.keyClick(other, Qt.Key.Key_Return)
    finally:
        app.removeEventFilter(scanner)
    assert other.text() == "typed by a clerk"
    assert seen == []
