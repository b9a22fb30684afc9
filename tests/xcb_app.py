"""Open one app's window on the X display in $DISPLAY, as `kolejka demo` opens it, and say
what the X server shows: `python -m tests.xcb_app kiosk|display|counter URL SITE OUT.png`.

Run by tests/test_xcb.py in a process of its own (a Qt process has one platform). Prints
one JSON line: the platform Qt used, the window's size on screen, and how many colours the
X server's copy of the window has (a blank window has one), and what does not fit in it
as the X server laid it out (tests/fit.py).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from tests.fit import fit_problems
from tests.support import DISPLAY_TOKEN, KIOSK_TOKEN, PASSWORD


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def until(done: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        pump(50)


def open_app(app: str, url: str, site: str) -> tuple[Any, Any]:
    """(window to look at, object to shut down)."""
    if app == "kiosk":
        from kiosk.app import build_kiosk_window
        from printers.config import PrinterConfig

        printer = PrinterConfig(kind="preview", preview_dir=Path(tempfile.mkdtemp()))
        kiosk = build_kiosk_window(url, site, KIOSK_TOKEN, printer_config=printer)
        kiosk.show()
        until(lambda: bool(kiosk.controller.services), "the kiosk's services")
        return kiosk, kiosk
    if app == "display":
        from display.app import build_display_window
        from display.config import SpeechSettings
        from display.window import Connection

        board = build_display_window(url, site, DISPLAY_TOKEN, speech=SpeechSettings(engine="off"))
        board.show()
        until(lambda: board.connection is Connection.ONLINE, "the board online")
        return board, board
    if app == "counter":
        from counter.app import build_counter_window

        shell = build_counter_window(url, site, username="clerk1", password=PASSWORD, counter=1)
        until(lambda: shell.counter_window is not None, "the counter window")
        shell.counter_window.show()
        until(lambda: shell.counter_window.controller.counter is not None, "the counter open")
        return shell.counter_window, shell
    raise SystemExit(f"unknown app {app!r}")


def main(app: str, url: str, site: str, out: str) -> int:
    qt = QApplication(sys.argv[:1])
    window, owner = open_app(app, url, site)
    until(window.isVisible, "the window mapped")
    pump(300)  # the X server paints what the window drew
    screen = window.screen()
    shot = screen.grabWindow(window.winId())
    shot.save(out)
    image = shot.toImage()
    step = max(1, image.width() // 64)
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }
    print(
        json.dumps(
            {
                "platform": QGuiApplication.platformName(),
                "width": shot.width(),
                "height": shot.height(),
                "colours": len(colours),
                "problems": fit_problems(window),
            }
        ),
        flush=True,
    )
    owner.shutdown()
    window.close()
    qt.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
