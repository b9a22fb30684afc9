from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import build_kiosk_window
from kiosk.window import KioskWindow
from kolejka.gui_gc import collector
from printers.config import PrinterConfig
from tests.kiosk.support import FAST, MakeKiosk
from tests.kiosk.thermal import RollRunsOut
from tests.support import KIOSK_TOKEN, LiveServer


@pytest.fixture
def thermal_printer() -> Iterator[RollRunsOut]:
    printer = RollRunsOut()
    yield printer
    printer.stop()


@pytest.fixture
def make_kiosk(qtbot: QtBot, sqlite_server: LiveServer, tmp_path: Path) -> Iterator[MakeKiosk]:
    windows: list[KioskWindow] = []
    collector().pin()  # held until the windows are gone, see below

    def make(server: LiveServer | None = None, **options: Any) -> KioskWindow:
        options.setdefault(
            "printer_config", PrinterConfig(kind="preview", preview_dir=tmp_path / "tickets")
        )
        options.setdefault("timing", FAST)
        url = (server or sqlite_server).url
        window = build_kiosk_window(url, "test", KIOSK_TOKEN, **options)
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
