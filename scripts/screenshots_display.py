"""Screenshots of the hall display: `python scripts/screenshots_display.py [OUT_DIR]`.

Starts the demo server in this process (a temporary SQLite file), makes a morning's worth
of tickets and calls, then grabs the Qt board (landscape 1920×1080, portrait 1080×1920,
offline) as the X server shows it: the script runs itself again on a private Xvfb with
Qt's xcb platform, the way the display runs on a real screen. The web board comes from
headless Chromium. Images go to docs/images/ scaled to at most 1280 px wide.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.xvfb import rerun_on_xvfb  # noqa: E402

if __name__ == "__main__":
    rerun_on_xvfb()

from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from display.app import build_display_window  # noqa: E402
from display.config import SpeechSettings  # noqa: E402
from display.window import Connection, DisplayWindow  # noqa: E402
from kolejka.client import KolejkaClient  # noqa: E402

SITE = "demo"
DISPLAY_TOKEN = "demo-display-token-0001"
NOW = datetime(2026, 11, 24, 10, 42, tzinfo=ZoneInfo("Europe/Warsaw"))
PORT = 8497


class DemoServer:
    def __init__(self, database: Path, port: int) -> None:
        import uvicorn

        from server.app import create_app
        from server.settings import Settings

        settings = Settings(database_url=f"sqlite:///{database}", kiosk_rate_per_minute=10_000)
        config = uvicorn.Config(
            create_app(settings, demo=True), host="127.0.0.1", port=port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def morning(url: str) -> None:
    """Tickets in four languages, counters open, a few calls done, one waiting call."""
    with KolejkaClient(url, SITE, "demo-kiosk-token-0001") as kiosk:
        plan = [
            "A:uk",
            "A:pl",
            "B:en",
            "C:ru",
            "E:pl",
            "A:en",
            "C:pl",
            "B:pl",
            "D:pl",
            "A:pl",
            "C:uk",
            "E:ru",
            "A:pl",
            "B:uk",
            "C:pl",
            "A:ru",
            "D:en",
            "E:pl",
            "A:uk",
            "C:pl",
        ]
        for item in plan:
            service, language = item.split(":")
            kiosk.issue_ticket(service, language, "normal")
    clerks = [("anna", 1), ("piotr", 2), ("olena", 5), ("marek", 4)]
    signed = []
    for name, counter in clerks:
        clerk = KolejkaClient(url, SITE)
        clerk.login(name, "demo1234")
        clerk.open_counter(counter)
        signed.append((clerk, counter))
    for round_ in range(2):
        for clerk, counter in signed:
            ticket = clerk.call_next(counter)
            if ticket is not None and round_ == 0:
                clerk.start_service(ticket.id)
                clerk.finish_ticket(ticket.id)


def wait_until(app: QCoreApplication, done: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError("the display did not catch up with the server")
        app.processEvents()
        time.sleep(0.02)


def grab(app: QCoreApplication, window: DisplayWindow, width: int, height: int, path: Path) -> None:
    window.resize(width, height)
    deadline = time.monotonic() + 0.5  # the board fits its rows after the resize settles
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    # What the X server shows in the window, not a rendering of the widgets on their own.
    image = window.screen().grabWindow(window.winId()).toImage()
    if image.width() != width or image.height() != height:
        raise RuntimeError(f"the window is {image.width()}×{image.height()}, not {width}×{height}")
    if image.width() > 1280 or width > height:
        target = min(1280, image.width()) if width > height else 720
        image = image.scaledToWidth(target, Qt.TransformationMode.SmoothTransformation)
    save_small(image, path)


def save_small(image: QImage, path: Path) -> None:
    """Save as a 96-colour PNG: a dark board with flat panels loses nothing visible."""
    from PIL import Image

    raw = path.with_suffix(".raw.png")
    image.convertToFormat(QImage.Format.Format_RGB888).save(str(raw))
    with Image.open(raw) as full:
        small = full.convert("RGB").quantize(
            colors=96, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        small.save(path, optimize=True)
    raw.unlink()
    print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def web_board(url: str, out: Path) -> None:
    """The web board as a 1920×1080 TV's browser shows it, through the tests' DevTools
    harness: it waits for the board to be online with its calls, then grabs the screen."""
    from tests.display.chromium import Browser

    if not Path("/usr/bin/chromium").exists():
        print("no chromium: skipping the web board screenshot")
        return
    raw = Path(tempfile.mkdtemp(prefix="kolejka-shot-")) / "web.png"
    try:
        with Browser() as tv:
            tv.viewport(1920, 1080)
            tv.open(f"{url}/display/{SITE}?token={DISPLAY_TOKEN}&languages=uk,en,ru")
            tv.wait_for(
                "document.body.dataset.connection === 'online'"
                " && document.getElementById('current-number').textContent !== '—'"
                " && !document.getElementById('current-panel').classList.contains('lit')"
            )
            tv.screenshot(raw)
        image = QImage(str(raw)).scaledToWidth(1280, Qt.TransformationMode.SmoothTransformation)
        save_small(image, out)
    finally:
        shutil.rmtree(raw.parent, ignore_errors=True)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    workdir = Path(tempfile.mkdtemp(prefix="kolejka-shots-"))
    server = DemoServer(workdir / "demo.sqlite3", PORT)
    server.start()
    try:
        morning(server.url)
        window = build_display_window(
            server.url, SITE, DISPLAY_TOKEN, speech=SpeechSettings(engine="off"), now=lambda: NOW
        )
        window.show()
        wait_until(app, lambda: window.board.loaded and window.connection is Connection.ONLINE)
        window.blinker.stop()
        window.set_language("uk")
        grab(app, window, 1920, 1080, out / "display-landscape-uk.png")
        window.set_language("en")
        grab(app, window, 1080, 1920, out / "display-portrait-en.png")
        web_board(server.url, out / "display-web-uk.png")

        server.stop()
        wait_until(app, lambda: window.connection is Connection.OFFLINE)
        window.set_language("ru")
        grab(app, window, 1920, 1080, out / "display-offline-ru.png")
        window.shutdown()
    finally:
        if server.thread.is_alive():
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
