"""Run `kolejka demo` on the X display in $DISPLAY and say where its windows are and what
does not fit in them: `python -m tests.xcb_demo PORT PRINT_DIR`.

Run by tests/test_xcb.py in a process of its own (Qt's xcb platform, one X screen). The
demo runs as `kolejka demo --fresh` runs it (kolejka.demo.run); once its windows are up
(the kiosk has its services, the board is online, the counter window opened in its
sign-in's place), one JSON line says, for every shown window, its frame on the screen, its
content's widest scroll area against that area's viewport, and the fit check's problems
(tests/fit.py); then the demo quits. `--quit-after` bounds it if they never come up.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QScrollArea, QWidget

from tests.fit import fit_problems

DEADLINE_S = 200.0  # a bound for a busy machine, not a measure


def shown_windows(app: QApplication) -> list[QWidget]:
    return [w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()]


def by_class(app: QApplication, name: str) -> Any:
    return next((w for w in shown_windows(app) if type(w).__name__ == name), None)


def ready(app: QApplication) -> bool:
    from display.window import Connection

    kiosk = by_class(app, "KioskWindow")
    board = by_class(app, "DisplayWindow")
    counter = by_class(app, "CounterWindow")
    return (
        kiosk is not None
        and bool(kiosk.controller.services)
        and board is not None
        and board.connection is Connection.ONLINE
        and counter is not None
        and counter.controller.counter is not None
        and by_class(app, "LoginWindow") is None
    )


def scroll_overflow(window: QWidget) -> list[str]:
    """Scroll areas whose content is wider than what they show (a horizontal scroll bar)."""
    found = []
    for area in window.findChildren(QAbstractScrollArea):
        if not area.isVisible():
            continue
        bar = area.horizontalScrollBar()
        if bar.isVisible() and bar.maximum() > 0:
            found.append(f"{area.objectName() or type(area).__name__}: horizontal scroll bar")
        if isinstance(area, QScrollArea) and area.widget() is not None:
            content, viewport = area.widget().width(), area.viewport().width()
            if content > viewport + 1:
                found.append(f"{area.objectName()}: content {content} px, shows {viewport} px")
    return found


def report(app: QApplication) -> dict[str, Any]:
    windows = {}
    for window in shown_windows(app):
        frame = window.frameGeometry()
        windows[type(window).__name__] = {
            "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
            "scrolls": scroll_overflow(window),
            "problems": fit_problems(window),
        }
    screen = app.primaryScreen().availableGeometry()
    return {
        "platform": QApplication.platformName(),
        "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
        "windows": windows,
    }


def main(port: str, print_dir: str) -> int:
    from kolejka import demo

    app = QApplication(sys.argv[:1])
    started = time.monotonic()
    result: dict[str, Any] = {}

    def probe() -> None:
        if ready(app):
            QTimer.singleShot(500, look)  # the layouts settle, the X server maps the frames
        elif time.monotonic() - started < DEADLINE_S:
            QTimer.singleShot(100, probe)
        else:
            result["timeout"] = [type(w).__name__ for w in shown_windows(app)]
            login = by_class(app, "LoginWindow")
            if login is not None:
                result["sign_in"] = login.error.text()
            app.quit()

    def look() -> None:
        result.update(report(app))
        app.quit()

    QTimer.singleShot(100, probe)
    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    args = parser.parse_args(
        ["--fresh", "--port", port, "--print-dir", print_dir, "--quit-after", str(DEADLINE_S + 30)]
    )
    status = demo.run(args)
    print(json.dumps(result), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
