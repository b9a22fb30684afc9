"""`kolejka demo`: the server on SQLite with the demo office, and every app window.

The server runs in a background thread of the same process; the kiosk prints to the
preview backend (PNG files), the display speaks through espeak-ng when a sound device is
there (silently otherwise), and the counter is signed in as `anna` at counter 1. The
windows are placed without overlapping (kolejka/demo_layout.py): the kiosk in a tall column
on the left, the hall board top-right, the counter in its compact view below it; on a
screen too small for that they are cascaded, and the start-up text says so.

The QR code on a ticket leads to the ticket's page at the public URL: the machine's LAN
address when it has one (so a phone on the same network opens it; the server then listens
on every interface), else 127.0.0.1; `--public-url` names another (a proxy, a name).
"""

from __future__ import annotations

import argparse
import importlib
import ipaddress
import logging
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from kolejka import logs
from kolejka.demo_layout import DemoLayout, Rect, demo_layout, layout_note

log = logging.getLogger(__name__)

KIOSK_TOKEN = "demo-kiosk-token-0001"
DISPLAY_TOKEN = "demo-display-token-0001"
ZONE_DISPLAY_TOKEN = "demo-display-token-0002"
CLERKS = ("anna", "piotr", "olena", "marek")
CLERK_PASSWORD = "demo1234"
SUPERVISOR = ("kierownik", "demo1234")
ADMIN = ("admin", "demo-admin")
# Connecting a UDP socket sends nothing: it only picks the route, and so the local address
# the machine would use. A TEST-NET-1 address (RFC 5737) is never answered by anyone.
PROBE_ADDRESS = ("192.0.2.1", 9)


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
        "--public-url",
        metavar="URL",
        help="the address phones open from a ticket's QR code (default: this machine's LAN"
        " address, else 127.0.0.1)",
    )
    parser.add_argument(
        "--history-weeks",
        type=int,
        default=3,
        metavar="N",
        help="start with N weeks of past days, so the statistics have data (default 3; 0: none)",
    )
    parser.add_argument(
        "--quit-after",
        type=float,
        metavar="SECONDS",
        help="stop by itself (for smoke tests and screenshots)",
    )


def lan_address() -> str | None:
    """The machine's address on its local network (IPv4), or None (no network but loopback).

    No packet leaves: a UDP `connect` only asks the kernel which route and source address
    it would use."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE_ADDRESS)
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    ip = ipaddress.ip_address(address)
    return None if ip.is_loopback or ip.is_unspecified or ip.is_link_local else address


def public_url(asked: str | None, port: int, lan: str | None) -> str:
    """Where a ticket's QR code leads: `--public-url`, else the LAN address, else loopback."""
    if asked:
        return asked.rstrip("/")
    return f"http://{lan or '127.0.0.1'}:{port}"


def listen_host(public: str) -> str:
    """Every interface when phones are to reach the demo, else only the loopback."""
    host = public.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    return "127.0.0.1" if host in ("127.0.0.1", "localhost", "::1") else "0.0.0.0"


def startup_text(
    url: str,
    public: str,
    database: str,
    outbox: Path | None = None,
    prints: Path | None = None,
    extra: Sequence[str] = (),
    windows: str | None = None,
) -> str:
    """What the demo prints at start: where everything is, who can sign in, how to stop
    (last, where a newcomer's eye ends)."""
    lines = [
        f"Kolejka demo server on {url}  (database {database})",
        f"  front page {url}/   API documentation {url}/docs",
        f"  web board  {public}/display/demo?token={DISPLAY_TOKEN}",
        f"  zone board {public}/display/demo?token={ZONE_DISPLAY_TOKEN}  (counters 5-8)",
        f"  tickets' QR codes lead to {public}/t/…",
        f"  kiosk token {KIOSK_TOKEN}, display token {DISPLAY_TOKEN}",
        f"  clerks {'/'.join(CLERKS)} with password {CLERK_PASSWORD}",
        f"  supervisor {SUPERVISOR[0]} / {SUPERVISOR[1]},  admin {ADMIN[0]} / {ADMIN[1]}",
        f"  manager's console {url}/admin  (monitor, reception, configuration, statistics"
        " with weeks of history; sign in as the supervisor or the admin)",
        f"  public queue status {public}/status/demo   open feed {public}/api/open/v1/sites",
        f"  online booking {public}/book/demo",
    ]
    if outbox is not None:
        lines.append(f"  messages (e-mail, SMS) go to {outbox}")
    if prints is not None:
        lines.append(f"  printed tickets (PNG previews) go to {prints}")
    lines.extend(extra)
    if listen_host(public) != "127.0.0.1":
        lines.append(
            "  listening on every interface so that phones on this network reach it:"
            " the demo's passwords are public"
        )
    if windows is not None:
        lines.append(windows)
    lines.append("  to stop: press Ctrl+C here (or close the windows)")
    return "\n".join(lines)


def document_booking_text(services: Any) -> str:
    """A fresh booking bound to the demo's document number, and how to try it."""
    from kolejka.core.errors import DomainError
    from server.demo_booking import DEMO_DOCUMENT, demo_document_booking

    try:
        code = demo_document_booking(services, "demo")
    except DomainError as exc:  # a database whose office has no service D
        return f"  no booking bound to a document made: {exc.code}"
    return (
        f"  a booking bound to a document number: at the kiosk tap 'I have an appointment',"
        f" type {code}, then the document number {DEMO_DOCUMENT}"
    )


def screen_area() -> Rect | None:
    """The primary screen's free area (without panels and docks), once Qt runs."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return None
    area = screen.availableGeometry()
    return (area.x(), area.y(), area.width(), area.height())


def place_windows(windows: Mapping[str, Any]) -> DemoLayout | None:
    """Put the (shown) windows, by role, where `demo_layout` says: each frame, title bar
    and border included, in its place, never under the window's own minimum size."""
    area = screen_area()
    if area is None or not windows:
        return None
    minimums, frames = {}, {}
    for role, window in windows.items():
        least = window.minimumSize()
        frame = window.frameGeometry().size() - window.geometry().size()
        minimums[role] = (least.width(), least.height())
        frames[role] = (frame.width(), frame.height())
    layout = demo_layout(area, minimums, frames)
    for role, window in windows.items():
        x, y, w, h = layout.places[role]
        window.resize(max(1, w - frames[role][0]), max(1, h - frames[role][1]))
        window.move(x, y)  # the frame's corner
    return layout


class ServerThread:
    def __init__(self, app: Any, port: int, host: str = "127.0.0.1") -> None:
        import uvicorn

        from server.limits import uvicorn_options

        config = uvicorn.Config(app, host=host, port=port, log_level="warning", **uvicorn_options())
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="kolejka-server", daemon=True)

    def start(self, timeout: float = 120.0) -> None:
        # Only against a server that hangs: writing the weeks of history at start takes tens
        # of seconds on a slow or busy machine.
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


def _outbox_dir(database_url: str) -> Path:
    """`outbox/` beside the demo's SQLite file (else in the user's data directory)."""
    path = database_url.removeprefix("sqlite:///")
    if database_url.startswith("sqlite:///") and path and path != ":memory:":
        return Path(path).parent / "outbox"
    return Path(user_data_dir("kolejka", appauthor=False)) / "demo-outbox"


def _builder(module: str, name: str) -> Any:
    """An app's window builder, or None while that app is not part of this install."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        log.warning("not opening %s: %s", module, exc)
        return None


def open_windows(url: str, print_dir: Path, public: str | None = None) -> dict[str, Any]:
    """The apps' windows by role (kiosk, board, counter: the counter's sign-in window,
    which opens the counter window in its place)."""
    windows: dict[str, Any] = {}
    build_kiosk = _builder("kiosk.app", "build_kiosk_window")
    if build_kiosk is not None:
        from printers.config import PrinterConfig

        printer = PrinterConfig(kind="preview", preview_dir=print_dir)
        windows["kiosk"] = build_kiosk(
            url, "demo", KIOSK_TOKEN, printer_config=printer, public_url=public
        )
    build_display = _builder("display.app", "build_display_window")
    if build_display is not None:
        windows["board"] = build_display(url, "demo", DISPLAY_TOKEN)
    build_counter = _builder("counter.app", "build_counter_window")
    if build_counter is not None:
        windows["counter"] = build_counter(
            url, "demo", username=CLERKS[0], password=CLERK_PASSWORD, counter=1, compact=True
        )
    return windows


def run(args: argparse.Namespace) -> int:
    from server.app import create_app
    from server.settings import Settings

    logs.configure()
    database = _database_url(args)
    public = public_url(args.public_url, args.port, lan_address())
    # Notifications go to a folder beside the database, for a newcomer to read.
    outbox = _outbox_dir(database)
    settings = Settings(
        database_url=database, port=args.port, outbox_dir=outbox, public_base_url=public
    )
    app = create_app(settings, demo=True, history_weeks=args.history_weeks)
    server = ServerThread(app, args.port, listen_host(public))
    server.start()
    from server.sender_process import SenderProcess

    sender = SenderProcess(settings).start()  # writes the messages into the folder
    url = f"http://127.0.0.1:{args.port}"
    prints = note = qt = None
    if not args.no_gui:
        prints = args.print_dir or Path(tempfile.mkdtemp(prefix="kolejka-tickets-"))
        qt = _qt_app()  # kept: the screen's size is known once Qt runs
        area = screen_area()
        note = layout_note(demo_layout(area), area) if area is not None else None
    extra = [document_booking_text(app.state.services)]
    text = startup_text(url, public, settings.database_url, outbox, prints, extra, windows=note)
    print(text, flush=True)
    try:
        if args.no_gui:
            _wait(args.quit_after)
            return 0
        assert prints is not None and qt is not None
        return _run_gui(qt, url, public, args, prints)
    except KeyboardInterrupt:
        return 0
    finally:
        sender.stop()
        server.stop()


def _qt_app() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])


def _wait(seconds: float | None) -> None:
    deadline = None if seconds is None else time.monotonic() + seconds
    while deadline is None or time.monotonic() < deadline:
        time.sleep(0.2)


def _run_gui(app: Any, url: str, public: str, args: argparse.Namespace, print_dir: Path) -> int:
    from PySide6.QtCore import QTimer

    windows = open_windows(url, print_dir, public)
    for window in windows.values():
        window.show()
    place_windows(windows)
    # Ctrl+C quits: Qt's loop lets Python see the signal only when Python code runs.
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(200)
    if args.quit_after is not None:
        QTimer.singleShot(int(args.quit_after * 1000), app.quit)
    try:
        return int(app.exec())
    finally:
        for window in windows.values():
            shutdown = getattr(window, "shutdown", None)
            if shutdown is not None:
                shutdown()
