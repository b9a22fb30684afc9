"""Screenshots of every kiosk screen in every language: docs/images/kiosk-<screen>-<lang>.png

    .venv/bin/python scripts/screenshots_kiosk.py [OUT_DIR]

Runs itself on a private Xvfb with Qt's xcb platform and saves what the X server shows in
the window (1280×800, the larger text at 1920×1080, portrait 1080×1920): the kiosk as it
runs on a real screen, not the offscreen platform's rendering.

Starts its own demo server (temporary SQLite, a manual clock at a Tuesday late morning),
plays a busy morning into it so the cards show real waiting counts and estimates, then
drives the real kiosk window through its screens and grabs each one. The demo office is
changed in one way: fingerprints (D) close at 10:00, so a closed service is shown too.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.xvfb import rerun_on_xvfb  # noqa: E402

if __name__ == "__main__":
    rerun_on_xvfb()

KIOSK_TOKEN = "demo-kiosk-token-0001"
OTHER_KIOSK = "demo-kiosk-token-0002"
LANGS = ("pl", "en", "uk", "ru")
# Tuesday 24 November 2026, 11:20 in Warsaw.
MORNING = datetime(2026, 11, 24, 10, 20, tzinfo=UTC)


def start_server(database: Path, clock: Any) -> tuple[Any, str]:
    import uvicorn

    from server.app import DEMO_CONFIG, create_app
    from server.settings import Settings
    from server.siteconfig import parse_config
    from tests.support import free_port

    data = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))
    for service in data["sites"][0]["services"]:
        if service["code"] == "D":
            service["hours"] = {day: ["08:00-10:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    settings = Settings(database_url=f"sqlite:///{database}", kiosk_rate_per_minute=100_000)
    app = create_app(settings, clock=clock, site_config=parse_config(data))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("demo server did not start")
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def busy_morning(url: str, clock: Any) -> None:
    """Clerks at counters 1, 2, 4, 5 serve a stream of visitors; some are left waiting."""
    from kolejka.client import KolejkaClient

    kiosk = KolejkaClient(url, "demo", OTHER_KIOSK)
    clerks = []
    for name, counter in (("anna", 1), ("piotr", 2), ("marek", 4), ("olena", 5)):
        clerk = KolejkaClient(url, "demo")
        clerk.login(name, "demo1234")
        clerk.open_counter(counter)
        clerks.append((clerk, counter))
    mix = "AABACAEBACAAECBA"
    for index, code in enumerate(mix * 2):
        kiosk.issue_ticket(code, LANGS[index % 4])
    for _round in range(5):
        for clerk, counter in clerks:
            ticket = clerk.call_next(counter)
            if ticket is None:
                continue
            clerk.start_service(ticket.id)
            clock.advance(minutes=3)
            clerk.finish_ticket(ticket.id)
        clock.advance(minutes=2)
    for index, code in enumerate("AABCBAE"):
        kiosk.issue_ticket(code, LANGS[index % 4])
    for client, _ in clerks:
        client.close()
    kiosk.close()


def main(out: Path) -> int:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QPushButton

    from kiosk.app import build_kiosk_window
    from kiosk.flow import (
        AppointmentOpened,
        Back,
        CodeEntered,
        GroupOpened,
        LanguageChosen,
        PrinterFailed,
        PrinterRecovered,
        Screen,
        ServiceChosen,
        TimedOut,
    )
    from printers.config import PrinterConfig
    from server.clock import ManualClock
    from server.demo_booking import demo_document_booking

    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kolejka-kiosk-shots-"))
    clock = ManualClock(MORNING)
    server, url = start_server(work / "demo.sqlite3", clock)
    busy_morning(url, clock)

    _app = QApplication.instance() or QApplication(sys.argv[:1])  # alive till the end
    window = build_kiosk_window(
        url,
        "demo",
        KIOSK_TOKEN,
        printer_config=PrinterConfig(kind="preview", preview_dir=work / "tickets"),
        clock=clock.now,
        idle_timeout_s=600,
    )
    window.resize(1280, 800)
    window.show()
    controller = window.controller

    def pump(ms: int) -> None:
        # An event loop of our own, not QApplication.processEvents(): in PySide6 6.12 each
        # call of that drops a reference to None, and a few hundred thousand calls later
        # the interpreter aborts ("deallocating None").
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def settle(until: Callable[[], bool], what: str, timeout_s: float = 20) -> None:
        deadline = time.monotonic() + timeout_s
        while not until():
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {what}")
            pump(50)
        for _ in range(5):  # let layouts and style sheets apply
            pump(5)

    def shot(name: str) -> None:
        settle(lambda: True, name)
        path = out / f"kiosk-{name}.png"
        settle(lambda: True, name)  # the larger text fits itself after the screen settled
        image = window.screen().grabWindow(window.winId())
        if image.width() > 1280 or image.height() > 1280:
            image = image.scaled(
                1280,
                1280,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        image.save(str(path))
        print("saved", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    def go(event: object) -> None:
        controller.dispatch(event)  # type: ignore[arg-type]

    services = server.config.app.state.services

    def type_document(text: str) -> None:
        for character in text:
            key = window.findChild(QPushButton, f"documentKey-{character}")
            assert key is not None
            key.click()

    def document_asked(lang: str) -> None:
        """A booking bound to a document number, scanned: the kiosk asks for the number."""
        go(TimedOut())
        go(LanguageChosen(lang))
        go(CodeEntered(demo_document_booking(services, "demo")))
        settle(lambda: controller.state.screen is Screen.DOCUMENT, "the document screen")

    def wrong_document(text: str = "AB7654321") -> None:
        type_document(text)
        sent = window.findChild(QPushButton, "documentCheckIn")
        assert sent is not None
        sent.click()
        settle(lambda: controller.state.screen is not Screen.WORKING, "the answer")

    settle(lambda: bool(controller.services) and bool(controller.site_name), "services")
    shot("start")
    go(CodeEntered("QR-DEMO-0001"))
    shot("start-scanned")
    go(TimedOut())

    for lang in LANGS:
        go(LanguageChosen(lang))
        shot(f"services-{lang}")
        go(GroupOpened("residence"))
        shot(f"group-{lang}")
        go(Back())
        go(AppointmentOpened())
        for key in "K7F3Q":
            key_button = window.findChild(QPushButton, f"key-{key}")
            assert key_button is not None
            key_button.click()
        shot(f"appointment-{lang}")
        go(Back())
        controller.state = replace(controller.state, screen=Screen.WORKING, activity="issue")
        window._render()
        shot(f"working-{lang}")
        controller.state = replace(controller.state, screen=Screen.SERVICES, activity=None)
        go(ServiceChosen("A"))
        settle(lambda: controller.state.screen is Screen.TICKET, "the ticket")
        shot(f"ticket-{lang}")
        go(Back())
        go(LanguageChosen(lang))
        go(CodeEntered("NOT-A-BOOKING"))
        settle(lambda: controller.state.screen is Screen.NOTICE, "the refusal")
        shot(f"notice-{lang}")
        go(TimedOut())

    # A booking bound to a document number: asked, a wrong number said, locked at the limit.
    for lang in LANGS:
        document_asked(lang)
        if lang == "uk":  # a Ukrainian internal passport's series, on the Cyrillic page
            window.findChild(QPushButton, "documentKey-layout").click()
            type_document("МК12345")
            shot(f"document-{lang}")
            window.findChild(QPushButton, "documentKey-cyr-layout").click()
        else:
            type_document("AB12345")
            shot(f"document-{lang}")
        window.findChild(QPushButton, "documentClear").click()
        wrong_document()
        type_document("AB12")
        shot(f"document-wrong-{lang}")
    for _ in range(4):
        wrong_document("XX000000")
    wrong_document("XX999999")
    settle(lambda: controller.state.notice == "appointment_document_locked", "the lock")
    for lang in LANGS:
        go(LanguageChosen(lang))
        shot(f"document-locked-{lang}")
    document_asked("uk")  # portrait, then high contrast with the read-aloud cursor on a key
    type_document("FA0123")
    window.resize(1080, 1920)  # a portrait kiosk, saved scaled down
    shot("document-uk-portrait")
    window.resize(1280, 800)
    window.set_high_contrast(True)
    window.read_aloud.on = True
    key = window.findChild(QPushButton, "documentKey-4")
    window.read_aloud._move_cursor(key)
    shot("document-uk-contrast")
    window.read_aloud.on = False
    window.read_aloud._move_cursor(None)
    window.set_high_contrast(False)
    go(TimedOut())

    # The printer reports an empty roll (as its status poll would): out of order, in the
    # language of the visitor who was there, the others below.
    go(LanguageChosen("pl"))
    go(PrinterFailed("paper_out"))
    for lang in LANGS:
        go(LanguageChosen(lang))
        shot(f"printer-{lang}")
    go(PrinterRecovered())
    settle(lambda: controller.state.screen is Screen.LANGUAGE, "back in order")

    go(LanguageChosen("uk"))
    # Larger text on the kiosk the sizes are made for (21.5", full HD), saved scaled down;
    # on a smaller screen the cards scroll instead.
    window.resize(1920, 1080)
    window.set_large_text(True)
    shot("services-uk-large")
    window.set_large_text(False)
    settle(lambda: True, "normal text")
    window.resize(1080, 1920)  # a portrait kiosk, saved scaled down
    shot("services-uk-portrait")
    window.resize(1280, 800)
    # High contrast, with the read-aloud keypad's cursor on a matter (silent: no reader).
    window.set_high_contrast(True)
    window.read_aloud.on = True
    choices = [b for b in window.read_aloud.choices() if b.objectName().startswith("service-")]
    window.read_aloud._move_cursor(choices[0])
    shot("services-uk-contrast")
    window.read_aloud.on = False
    window.read_aloud._move_cursor(None)
    window.set_high_contrast(False)
    go(TimedOut())

    server.should_exit = True  # the server goes away: the kiosk says so by itself
    controller.refresh()
    settle(lambda: controller.state.screen is Screen.UNAVAILABLE, "out of order", 30)
    shot("unavailable")
    for lang in LANGS:
        go(LanguageChosen(lang))
        shot(f"unavailable-{lang}")
    window.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"))
