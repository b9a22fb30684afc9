"""`kolejka demo`: the server on SQLite with the demo office, and every app window.

The server runs in a background thread of the same process; the kiosk prints to the
preview backend (PNG files), the display speaks through espeak-ng when a sound device is
there (silently otherwise), and the counter is signed in as `anna` at counter 1.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

log = logging.getLogger(__name__)

KIOSK_TOKEN = "demo-kiosk-token-0001"
DISPLAY_TOKEN = "demo-display-token-0001"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8420, help="server port (default 8420)")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: SQLite file in the user's data dir)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="start from an empty database (a new temporary file)"
    )
    parser.add_argument("--no-gui", action="store_true", help="run only the server")
    parser.add_argument("--print-dir", type=Path, help="where the kiosk's ticket previews go (PNG)")
    parser.add_argument(
        "--quit-after",
        type=float,
        metavar="SECONDS",
        help="stop by itself (for smoke tests and screenshots)",
    )


class ServerThread:
    def __init__(self, app: Any, port: int) -> None:
        import uvicorn

        from server.limits import uvicorn_options

        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", **uvicorn_options()
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="kolejka-server", daemon=True)

    def start(self, timeout: float = 30.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the demo server did not start (is the port free?)")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _database_url(args: argparse.Namespace) -> str:
    if args.database:
        return str(args.database)
    if args.fresh:
        return f"sqlite:///{tempfile.mkdtemp(prefix='kolejka-demo-')}/demo.sqlite3"
    return f"sqlite:///{Path(user_data_dir('kolejka', appauthor=False)) / 'demo.sqlite3'}"


def _builder(module: str, name: str) -> Any:
    """An app's window builder, or None while that app is not part of this install."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        log.warning("not opening %s: %s", module, exc)
        return None


def open_windows(url: str, print_dir: Path) -> list[Any]:
    windows = []
    build_kiosk = _builder("kiosk.app", "build_kiosk_window")
    if build_kiosk is not None:
        from printers.config import PrinterConfig

        printer = PrinterConfig(kind="preview", preview_dir=print_dir)
        windows.append(build_kiosk(url, "demo", KIOSK_TOKEN, printer_config=printer))
    build_display = _builder("display.app", "build_display_window")
    if build_display is not None:
        windows.append(build_display(url, "demo", DISPLAY_TOKEN))
    build_counter = _builder("counter.app", "build_counter_window")
    if build_counter is not None:
        windows.append(build_counter(url, "demo", username="anna", password="demo1234", counter=1))
    return windows


def run(args: argparse.Namespace) -> int:
    from server.app import create_app
    from server.settings import Settings

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings(database_url=_database_url(args), port=args.port)
    server = ServerThread(create_app(settings, demo=True), args.port)
    server.start()
    url = f"http://127.0.0.1:{args.port}"
    print(f"Kolejka demo server on {url}  (database {settings.database_url})", flush=True)
    print(
        "  kiosk token demo-kiosk-token-0001, display token demo-display-token-0001,",
        "clerks anna/piotr/olena/marek with password demo1234",
        flush=True,
    )
    try:
        if args.no_gui:
            _wait(args.quit_after)
            return 0
        return _run_gui(url, args)
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


def _wait(seconds: float | None) -> None:
    deadline = None if seconds is None else time.monotonic() + seconds
    while deadline is None or time.monotonic() < deadline:
        time.sleep(0.2)


def _run_gui(url: str, args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    print_dir = args.print_dir or Path(tempfile.mkdtemp(prefix="kolejka-tickets-"))
    print(f"  printed tickets (PNG previews) go to {print_dir}", flush=True)
    windows = open_windows(url, print_dir)
    for window in windows:
        window.show()
    if args.quit_after is not None:
        QTimer.singleShot(int(args.quit_after * 1000), app.quit)
    try:
        return int(app.exec())
    finally:
        for window in windows:
            shutdown = getattr(window, "shutdown", None)
            if shutdown is not None:
                shutdown()
