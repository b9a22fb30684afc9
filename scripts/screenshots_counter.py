"""Screenshots of the counter app against a demo server this script starts.

    .venv/bin/python scripts/screenshots_counter.py [OUT_DIR]

Writes docs/images/counter-main-<lang>.png (a client being served), counter-login.png,
counter-login-held.png (a counter another clerk holds: refused, free ones offered),
counter-transfer.png (each counter with its state, clerk and services),
counter-no-show-undo.png (a no-show waiting for its Undo), counter-pause.png and
counter-finish.png (a pause's reason, the visit's outcome): what the X server shows in
each window, at the size the app opens it, the script running itself on a private Xvfb
with Qt's xcb platform.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.xvfb import rerun_on_xvfb  # noqa: E402

if __name__ == "__main__":
    rerun_on_xvfb()

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from counter.app import build_counter_window  # noqa: E402
from counter.state import Action  # noqa: E402
from kolejka.client import KolejkaClient  # noqa: E402
from kolejka.demo import ServerThread  # noqa: E402
from server.app import create_app  # noqa: E402
from server.settings import Settings  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/images")
CLERKS = {"pl": ("anna", 1), "en": ("piotr", 2), "ru": ("olena", 4), "uk": ("marek", 5)}
VISITOR = {"pl": ("A", "uk"), "en": ("B", "en"), "ru": ("A", "ru"), "uk": ("C", "uk")}


def pump(seconds: float) -> None:
    # A short event loop rather than processEvents() in a loop: PySide6 6.12 drops a
    # reference to None on every processEvents() call, and enough of them abort Python.
    loop = QEventLoop()
    QTimer.singleShot(max(1, round(seconds * 1000)), loop.quit)
    loop.exec()


def wait_for(condition, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the counter app did not get there")
        pump(0.05)


def shot(window: QWidget, path: Path) -> None:
    """What the X server shows in the window."""
    pump(0.3)
    window.screen().grabWindow(window.winId()).save(str(path))
    print("wrote", path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    port = 8460
    db = Path(tempfile.mkdtemp()) / "shots.sqlite3"
    settings = Settings(database_url=f"sqlite:///{db}", kiosk_rate_per_minute=1000)
    server = ServerThread(create_app(settings, demo=True), port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    app = QApplication.instance() or QApplication(sys.argv[:1])
    kiosk = KolejkaClient(url, "demo", "demo-kiosk-token-0001")
    for service, language in zip(
        "AABBCCEA", ["uk", "en", "ru", "pl", "uk", "en", "ru", "pl"], strict=True
    ):
        kiosk.issue_ticket(service, language=language)
    login = build_counter_window(url, "demo", counter=3, language="pl")
    login.show()
    pump(0.3)
    shot(login, OUT / "counter-login.png")
    login.close()
    windows = []
    kiosk.report_printer_status("paper_out")  # the Polish clerk sees a kiosk out of paper
    for lang, (user, number) in CLERKS.items():
        service, visitor_language = VISITOR[lang]
        kiosk.issue_ticket(service, language=visitor_language)
        shell = build_counter_window(
            url, "demo", username=user, password="demo1234", counter=number, language=lang
        )
        wait_for(lambda s=shell: s.counter_window is not None)
        window = shell.counter_window
        assert window is not None
        windows.append(shell)
        c = window.controller
        wait_for(lambda c=c: Action.CALL_NEXT in c.enabled() and c.snapshot is not None)
        c.act(Action.CALL_NEXT)
        wait_for(lambda c=c: Action.START in c.enabled())
        c.act(Action.START)
        wait_for(lambda c=c: Action.FINISH in c.enabled() and c.tally is not None)
        pump(1.2)
        window.show()
        window.raise_()
        shot(window, OUT / f"counter-main-{lang}.png")
        if lang == "pl":
            kiosk.report_printer_status("online")
    # Anna's counter, every clerk signed in: the transfer lists the others with their state.
    pl_window = windows[0].counter_window
    assert pl_window is not None
    c = pl_window.controller
    c.refresh()
    wait_for(
        lambda: c.snapshot is not None and len([x for x in c.snapshot.counters if x.clerk]) == 4
    )
    pump(0.5)
    dialog = pl_window.open_transfer()
    assert dialog is not None
    dialog.service.setCurrentIndex(dialog.service.findData("B"))
    dialog.counter.setCurrentIndex(dialog.counter.findData(4))
    dialog.note.setText("Potrzebny formularz dla członka rodziny")
    pump(0.3)
    shot(dialog, OUT / "counter-transfer.png")
    dialog.reject()
    finish = pl_window.open_dialog(Action.FINISH)
    assert finish is not None
    finish.outcome.setCurrentIndex(2)  # type: ignore[attr-defined]
    pump(0.3)
    shot(finish, OUT / "counter-finish.png")
    finish.reject()
    c.act(Action.FINISH, outcome="missing_document")
    wait_for(lambda: Action.CALL_NEXT in c.enabled())
    c.undo_ms = 60_000
    c.act(Action.CALL_NEXT)
    wait_for(lambda: Action.NO_SHOW in c.enabled())
    c.act(Action.NO_SHOW)
    pl_window.raise_()  # the other clerks' windows lie over it on the one screen
    pl_window.activateWindow()
    pump(1.2)
    shot(pl_window, OUT / "counter-no-show-undo.png")
    c.act(Action.UNDO)
    wait_for(lambda: Action.PAUSE in c.enabled())
    pause = pl_window.open_dialog(Action.PAUSE)
    assert pause is not None
    pause.reasons["back_office"].setChecked(True)  # type: ignore[attr-defined]
    pump(0.3)
    shot(pause, OUT / "counter-pause.png")
    pause.reject()
    held = build_counter_window(url, "demo", username="olena", password="demo1234", counter=1)
    wait_for(lambda: held.free.isVisibleTo(held))
    held.show()
    pump(0.3)
    shot(held, OUT / "counter-login-held.png")
    held.shutdown()
    held.close()
    for shell in windows:
        shell.shutdown()
    kiosk.close()
    server.stop()
    QTimer.singleShot(0, app.quit)
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
