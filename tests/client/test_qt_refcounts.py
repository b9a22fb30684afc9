"""The Qt binding must not leak references: PySide6 6.12.0 dropped one reference to None
on every call of a method that returns nothing, and the apps, which make such calls all
day (a clock's setText every second, a layout pass per text fit), died with "none_dealloc"
within hours. pyproject.toml keeps that release out; this tells whether another is safe."""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.gui


def test_calls_that_return_nothing_keep_none_alive() -> None:
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication([])
    label = QLabel()
    calls = [
        lambda: label.setText("A 023"),
        label.update,
        label.adjustSize,
        lambda: QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest),
    ]
    for call in calls:
        before = sys.getrefcount(None)
        for _ in range(200):
            call()
        assert sys.getrefcount(None) - before > -50, call  # 200 calls: none lost each
    assert app is not None
