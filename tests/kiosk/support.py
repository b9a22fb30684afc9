"""Helpers for tests that drive the real kiosk window (the fixture is in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.controller import Timing
from kiosk.flow import Screen
from kiosk.window import KioskWindow

FAST = Timing(idle_timeout_s=60, confirmation_s=60, refresh_s=60, retry_s=0.2, printer_poll_s=60)
MakeKiosk = Callable[..., KioskWindow]


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
