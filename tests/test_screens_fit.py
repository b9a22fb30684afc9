"""Every Qt screen, in all four languages, with the demo office's longest names: no visible
text elided, clipped by its widget or the window, or overlapping a sibling (tests/fit.py).

One demo server for the module (the real demo office, server/demo_site.toml, with a busy
morning played in), the real windows built as the apps build them, offscreen.
"""

from __future__ import annotations

import os
import re
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kolejka.client import KolejkaClient
from kolejka.demo_layout import BOARD_LEAST, COUNTER_COMPACT, KIOSK_COLUMN, demo_layout
from tests.fit import fit_problems
from tests.support import free_port

pytestmark = pytest.mark.gui

LANGS = ("pl", "en", "uk", "ru")
KIOSK_TOKEN = "demo-kiosk-token-0001"
OTHER_KIOSK = "demo-kiosk-token-0002"
DISPLAY_TOKEN = "demo-display-token-0001"
ZONE_TOKEN = "demo-display-token-0002"
MORNING = datetime(2026, 11, 24, 10, 20, tzinfo=UTC)  # a Tuesday, 11:20 in Warsaw


def pump(ms: int) -> None:
    # An event loop of our own: PySide6 6.12 leaks a reference to None per processEvents().
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settle(
    until: Callable[[], bool],
    what: str,
    timeout_s: float = 20,
    state: Callable[[], object] | None = None,
) -> None:
    deadline = time.monotonic() + timeout_s
    while not until():
        if time.monotonic() > deadline:
            seen = f" (state: {state()!r})" if state is not None else ""
            raise AssertionError(f"timed out waiting for {what}{seen}")
        pump(30)
    for _ in range(4):  # layouts, style sheets and height-for-width settle in a few passes
        pump(5)


class Demo:
    def __init__(self, url: str, clock: Any) -> None:
        self.url = url
        self.clock = clock


@pytest.fixture(scope="module")
def demo(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    from kolejka.demo import ServerThread
    from server.app import DEMO_CONFIG, create_app
    from server.clock import ManualClock
    from server.settings import Settings
    from server.siteconfig import parse_config

    data = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))
    for service in data["sites"][0]["services"]:
        if service["code"] == "D":  # one closed service, so its card shows a reason
            service["hours"] = {day: ["08:00-10:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    database = tmp_path_factory.mktemp("fit") / "demo.sqlite3"
    settings = Settings(database_url=f"sqlite:///{database}", kiosk_rate_per_minute=100_000)
    clock = ManualClock(MORNING)
    server = ServerThread(
        create_app(settings, clock=clock, site_config=parse_config(data)), free_port()
    )
    server.start()
    url = f"http://127.0.0.1:{server.server.config.port}"
    with KolejkaClient(url, "demo", OTHER_KIOSK) as kiosk:
        for index, code in enumerate("ABCEABCEABAB"):
            kiosk.issue_ticket(code, LANGS[index % 4])
    yield Demo(url, clock)
    server.stop()


def report(problems: dict[str, list[str]]) -> str:
    lines = []
    for where, found in problems.items():
        lines += [f"{where}: {problem}" for problem in found]
    return "\n".join(lines)


def check(problems: dict[str, list[str]], where: str, window: QWidget) -> None:
    shots = os.environ.get("KOLEJKA_FIT_SHOTS")  # a folder: keep what was checked, to look at
    if shots:
        name = re.sub(r"[^A-Za-z0-9+=-]+", "_", where)
        window.grab().save(str(Path(shots) / f"{name}.png"))
    found = fit_problems(window)
    if found:
        problems[where] = found


# --- kiosk -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kiosk_window(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from kiosk.app import build_kiosk_window
    from kiosk.controller import Timing
    from kolejka.gui_gc import collector
    from printers.config import PrinterConfig

    collector().pin()
    window = build_kiosk_window(
        demo.url,
        "demo",
        KIOSK_TOKEN,
        printer_config=PrinterConfig(
            kind="preview", preview_dir=tmp_path_factory.mktemp("tickets")
        ),
        clock=demo.clock.now,
        timing=Timing(idle_timeout_s=600, confirmation_s=600, refresh_s=600, retry_s=0.2),
    )
    window.show()
    settle(lambda: bool(window.controller.services), "the kiosk's services")
    yield window
    window.shutdown()
    window.close()
    window.deleteLater()
    pump(5)
    collector().release()


def walk_kiosk(window: Any, where: str, large: bool) -> dict[str, list[str]]:
    """Every screen of the kiosk in every language; `where` names the size and text. With
    `large`, the visitor turns larger text on once past the start screen (the start screen
    turns it off again for the next one)."""
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

    controller = window.controller
    problems: dict[str, list[str]] = {}

    def go(event: object) -> None:
        controller.dispatch(event)
        if large and not window.large_text and controller.state.screen is not Screen.LANGUAGE:
            window.set_large_text(True)

    def look(name: str) -> None:
        settle(lambda: True, name)
        check(problems, f"kiosk {where} {name}", window)

    go(TimedOut())
    window.set_large_text(large)
    look("start")
    for lang in LANGS:
        go(LanguageChosen(lang))
        look(f"services-{lang}")
        go(GroupOpened("residence"))
        look(f"group-{lang}")
        go(Back())
        go(AppointmentOpened())
        for key in "K7F3Q":
            button = window.findChild(QPushButton, f"key-{key}")
            assert button is not None
            button.click()
        look(f"appointment-{lang}")
        go(Back())
        controller.state = replace(controller.state, screen=Screen.WORKING, activity="issue")
        window._render()
        look(f"working-{lang}")
        controller.state = replace(controller.state, screen=Screen.SERVICES, activity=None)
        go(ServiceChosen("B"))
        settle(lambda: controller.state.screen is Screen.TICKET, "the ticket")
        look(f"ticket-{lang}")
        go(Back())
        go(LanguageChosen(lang))
        go(CodeEntered("NOT-A-BOOKING"))
        settle(lambda: controller.state.screen is Screen.NOTICE, "the refusal")
        look(f"notice-{lang}")
        go(TimedOut())
    go(LanguageChosen("pl"))
    go(PrinterFailed("paper_out"))
    for lang in LANGS:
        go(LanguageChosen(lang))
        look(f"printer-{lang}")
    go(PrinterRecovered())
    # On a loaded host the kiosk's background refresh can time out during the walk and mark
    # the server down; the kiosk then stays out of order until its next refresh answers,
    # which is the behaviour wanted, so ask for that refresh now rather than wait for it.
    if not controller.state.server_up:
        controller.refresh()
    settle(
        lambda: controller.state.screen is Screen.LANGUAGE,
        "back in order",
        timeout_s=90,
        state=lambda: controller.state,
    )
    return problems


# The kiosk's column in `kolejka demo` (kolejka/demo_layout.py): the least, and on full HD.
DEMO_KIOSK = list(
    dict.fromkeys([KIOSK_COLUMN, demo_layout((0, 0, 1920, 1080)).places["kiosk"][2:]])
)


@pytest.mark.parametrize(
    ("width", "height", "large"),
    [
        (1280, 800, False),
        (1280, 800, True),
        (1080, 1920, False),
        *((w, h, False) for w, h in DEMO_KIOSK),
    ],
    ids=[
        "1280x800",
        "1280x800-larger-text",
        "portrait-1080x1920",
        *(f"demo-{w}x{h}" for w, h in DEMO_KIOSK),
    ],
)
def test_every_kiosk_screen_fits(kiosk_window: Any, width: int, height: int, large: bool) -> None:
    if (width, height) in DEMO_KIOSK:  # as the demo opens it: at its own size, then placed
        kiosk_window.resize(1280, 800)
        settle(lambda: True, "the kiosk at its own size")
    kiosk_window.resize(width, height)
    try:
        problems = walk_kiosk(kiosk_window, f"{width}x{height}{' Aa+' if large else ''}", large)
    finally:
        kiosk_window.set_large_text(False)
    assert not problems, report(problems)


@pytest.mark.parametrize(
    ("width", "height", "large"),
    [(1280, 800, False), (1280, 800, True), (1080, 1920, False)],
    ids=["1280x800", "1280x800-larger-text", "portrait-1080x1920"],
)
def test_the_document_number_screen_fits(
    kiosk_window: Any, width: int, height: int, large: bool
) -> None:
    """The longest it gets: a wrong number said, and the longest number of the widest
    letter typed; then the locked booking's notice."""
    from kiosk.flow import LanguageChosen, Screen, TimedOut
    from kiosk.screens.document import MAX_DOCUMENT_LENGTH

    controller = kiosk_window.controller
    kiosk_window.resize(width, height)
    problems: dict[str, list[str]] = {}
    where = f"kiosk {width}x{height}{' Aa+' if large else ''}"
    try:
        for lang in LANGS:
            controller.dispatch(TimedOut())
            controller.dispatch(LanguageChosen(lang))
            kiosk_window.set_large_text(large)
            key = kiosk_window.findChild(QPushButton, "documentKey-W")
            assert key is not None
            for notice in ("appointment_document_required", "appointment_document_mismatch"):
                controller.state = replace(
                    controller.state,
                    screen=Screen.DOCUMENT,
                    booking_code="ABCDEF12",
                    notice=notice,
                    tries_left=4,
                )
                kiosk_window._render()
                for _ in range(MAX_DOCUMENT_LENGTH):
                    key.click()
                settle(lambda: True, "typed")
                check(problems, f"{where} document-{lang} {notice}", kiosk_window)
                kiosk_window.screens[Screen.DOCUMENT].clear()
            # the Cyrillic page: a row more, and the widest letter typed to the end
            document = kiosk_window.screens[Screen.DOCUMENT]
            document.keyboard.show_page(1)
            wide = kiosk_window.findChild(QPushButton, "documentKey-Щ")
            assert wide is not None
            for _ in range(MAX_DOCUMENT_LENGTH):
                wide.click()
            settle(lambda: True, "typed")
            check(problems, f"{where} document-cyrillic-{lang}", kiosk_window)
            document.clear()
            controller.state = replace(
                controller.state, screen=Screen.NOTICE, notice="appointment_document_locked"
            )
            kiosk_window._render()
            settle(lambda: True, "locked")
            check(problems, f"{where} document-locked-{lang}", kiosk_window)
    finally:
        kiosk_window.set_large_text(False)
        controller.dispatch(TimedOut())
    assert not problems, report(problems)


def test_larger_text_is_as_large_as_fits_and_ends_with_the_visitor(kiosk_window: Any) -> None:
    from kiosk.flow import Back, LanguageChosen, Screen, ServiceChosen, TimedOut
    from kiosk.theme import LARGE_TEXT_SCALE

    controller = kiosk_window.controller
    controller.dispatch(TimedOut())
    kiosk_window.resize(1920, 1080)  # the size the kiosk's type is made for: the full 1.3×
    controller.dispatch(LanguageChosen("uk"))
    kiosk_window.footer.large_text.click()  # the visitor taps "Aa+"
    settle(lambda: True, "larger text")
    assert kiosk_window.large_text and kiosk_window.text_scale == LARGE_TEXT_SCALE
    kiosk_window.resize(1280, 800)
    settle(lambda: 1.0 < kiosk_window.text_scale < LARGE_TEXT_SCALE, "the text fitted")
    controller.dispatch(ServiceChosen("A"))
    settle(lambda: controller.state.screen is Screen.TICKET, "the ticket")
    assert kiosk_window.large_text and kiosk_window.text_scale > 1.0
    controller.dispatch(Back())  # "Done": back to the start for the next visitor
    settle(lambda: controller.state.screen is Screen.LANGUAGE, "the start screen")
    assert not kiosk_window.large_text
    assert kiosk_window.text_scale == 1.0
    assert not kiosk_window.footer.large_text.isChecked()


# --- hall display ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def called(demo: Demo) -> Iterator[list[tuple[KolejkaClient, Any]]]:
    """Calls at four counters, the newest one recalled."""
    clerks = []
    for name, counter in (("anna", 1), ("piotr", 2), ("olena", 5), ("marek", 4)):
        clerk = KolejkaClient(demo.url, "demo")
        clerk.login(name, "demo1234")
        clerk.open_counter(counter)
        clerks.append((clerk, counter))
    calls = []
    for clerk, counter in clerks:
        ticket = clerk.call_next(counter)
        assert ticket is not None
        calls.append((clerk, ticket))
    yield calls
    for clerk, _ in clerks:
        clerk.close()


def open_board(demo: Demo, token: str) -> Any:
    from display.app import build_display_window
    from display.config import SpeechSettings
    from display.window import Connection

    window = build_display_window(
        demo.url, "demo", token, speech=SpeechSettings(engine="off"), now=demo.clock.now
    )
    window.show()
    settle(
        lambda: window.board.loaded and window.connection is Connection.ONLINE, "the board online"
    )
    window.blinker.stop()
    return window


def walk_board(window: Any, where: str, sizes: list[tuple[int, int]]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for width, height in sizes:
        window.resize(width, height)
        for lang in ("en", "uk", "ru"):
            window.set_language(lang)
            for lit in (False, True):  # the newest call blinks: solid amber, then framed
                window._paint_current(lit)
                settle(lambda: True, "the board")
                check(problems, f"display {where} {width}x{height} pl+{lang} lit={lit}", window)
    return problems


# The board's least size in `kolejka demo` (kolejka/demo_layout.py), and its size on full HD.
DEMO_BOARD = list(dict.fromkeys([BOARD_LEAST, demo_layout((0, 0, 1920, 1080)).places["board"][2:]]))
LANDSCAPE = [(1920, 1080), (1280, 720), *DEMO_BOARD]
PORTRAIT = [(1080, 1920)]


def test_the_hall_board_fits_landscape_portrait_and_with_a_recall(
    demo: Demo, called: list[tuple[KolejkaClient, Any]]
) -> None:
    window = open_board(demo, DISPLAY_TOKEN)
    try:
        problems = walk_board(window, "hall", LANDSCAPE + PORTRAIT)
        clerk, ticket = called[-1]
        clerk.recall_ticket(ticket.id)
        settle(lambda: window.recall_label.isVisible(), "the recall")
        window.blinker.stop()
        problems.update(walk_board(window, "hall recall", LANDSCAPE + PORTRAIT))
    finally:
        window.shutdown()
        window.close()
    assert not problems, report(problems)


def test_a_recall_does_not_widen_the_call_panel(
    demo: Demo, called: list[tuple[KolejkaClient, Any]]
) -> None:
    clerk, first = called[0]
    clerk.mark_no_show(first.id)
    fresh = clerk.call_next(1)
    assert fresh is not None
    window = open_board(demo, DISPLAY_TOKEN)
    try:
        settle(lambda: window.number_label.text() == fresh.number, "the fresh call")
        plain = {}
        for size in LANDSCAPE + PORTRAIT:
            window.resize(*size)
            settle(lambda: True, "no recall")
            plain[size] = window.current_panel.size()
        clerk.recall_ticket(fresh.id)
        settle(lambda: window.recall_label.isVisible(), "the recall")
        recalled = {}
        for size in LANDSCAPE + PORTRAIT:
            window.resize(*size)
            settle(lambda: True, "a recall")
            recalled[size] = window.current_panel.size()
    finally:
        window.shutdown()
        window.close()
    assert plain == recalled


def test_a_zone_board_fits(demo: Demo, called: list[tuple[KolejkaClient, Any]]) -> None:
    window = open_board(demo, ZONE_TOKEN)
    try:
        problems = walk_board(window, "zone 5-8", LANDSCAPE + PORTRAIT)
    finally:
        window.shutdown()
        window.close()
    assert not problems, report(problems)


# --- counter ---------------------------------------------------------------------------


def test_the_counter_app_fits_in_every_language(demo: Demo) -> None:
    """The sign-in (and its refusal of a held counter), the main window idle, serving, with
    a no-show waiting for its Undo, and every dialog: transfer, finish with an outcome,
    pause with a reason, serve without a ticket, call back a parked client, reactivate."""
    from counter.app import build_counter_window
    from counter.state import Action

    def finish(c: Any) -> None:
        if Action.START in c.enabled():
            c.act(Action.START)
            settle(lambda c=c: Action.FINISH in c.enabled(), "serving")
        c.act(Action.FINISH)
        settle(lambda c=c: c.current is None, "finished")

    def dialog_fits(window: Any, action: Action, where: str) -> None:
        dialog = window.open_dialog(action)
        assert dialog is not None, where
        dialog.show()
        settle(lambda: True, where)
        check(problems, where, dialog)
        dialog.reject()

    problems: dict[str, list[str]] = {}
    login = build_counter_window(demo.url, "demo", counter=3, language="pl")
    login.show()
    settle(lambda: True, "the sign-in")
    check(problems, "counter sign-in", login)
    login.shutdown()
    login.close()
    clerks = {"pl": ("anna", 1), "en": ("piotr", 2), "ru": ("olena", 5), "uk": ("marek", 4)}
    with KolejkaClient(demo.url, "demo", OTHER_KIOSK) as kiosk:
        for lang, (user, number) in clerks.items():
            code = "B" if number in (2, 4) else "C" if number == 5 else "A"
            kiosk.issue_ticket(code, "uk")
            kiosk.issue_ticket(code, "ru")
            shell = build_counter_window(
                demo.url, "demo", username=user, password="demo1234", counter=number, language=lang
            )
            try:
                settle(lambda s=shell: s.counter_window is not None, "the counter window")
                window = shell.counter_window
                window.show()
                c = window.controller
                c.undo_ms = 20
                settle(lambda c=c: c.snapshot is not None and c.tally is not None, "the queues")
                if c.current is not None:  # left from the board's calls: finish it
                    finish(c)
                settle(lambda c=c: Action.CALL_NEXT in c.enabled(), "call next enabled")
                check(problems, f"counter {lang} idle", window)
                dialog_fits(window, Action.PAUSE, f"counter {lang} pause")
                dialog_fits(window, Action.SERVE_WITHOUT_TICKET, f"counter {lang} walk-in")
                c.act(Action.CALL_NEXT)
                settle(lambda c=c: Action.START in c.enabled(), "the call")
                c.act(Action.START)
                settle(lambda c=c: Action.FINISH in c.enabled(), "serving")
                check(problems, f"counter {lang} serving", window)
                window.toggle_compact()
                settle(lambda: True, "the compact view")
                check(problems, f"counter {lang} compact", window)
                window.toggle_compact()
                settle(lambda: True, "the full view")
                dialog_fits(window, Action.TRANSFER, f"counter {lang} transfer")
                dialog_fits(window, Action.FINISH, f"counter {lang} finish")
                c.act(Action.PARK)
                settle(lambda c=c: Action.CALL_BACK in c.enabled(), "parked")
                dialog_fits(window, Action.CALL_BACK, f"counter {lang} call back")
                c.act(Action.CALL_BACK, ticket=c.parked_here()[0].id)
                settle(lambda c=c: Action.START in c.enabled(), "called back")
                finish(c)
                c.undo_ms = 60_000  # the no-show waits for its Undo while we look
                c.act(Action.CALL_NEXT)
                settle(lambda c=c: Action.NO_SHOW in c.enabled(), "the second call")
                c.act(Action.NO_SHOW)
                settle(lambda: True, "the undo")
                check(problems, f"counter {lang} no-show undo", window)
                c.act(Action.PAUSE, reason="technical")  # sends the no-show first
                settle(lambda c=c: Action.REACTIVATE in c.enabled(), "the no-show")
                settle(lambda c=c: Action.RESUME in c.enabled(), "the pause")
                check(problems, f"counter {lang} paused", window)
                dialog_fits(window, Action.REACTIVATE, f"counter {lang} reactivate")
                c.act(Action.RESUME)
                settle(lambda c=c: Action.CALL_NEXT in c.enabled(), "resumed")
            finally:
                shell.shutdown()
                if shell.counter_window is not None:
                    shell.counter_window.close()
                shell.close()
    for lang in LANGS:  # anna holds counter 1: olena is refused there, free ones offered
        shell = build_counter_window(
            demo.url, "demo", username="olena", password="demo1234", counter=1, language=lang
        )
        try:
            shell.show()
            settle(lambda s=shell: s.free.isVisibleTo(s), "the refusal")
            assert shell.counter_window is None
            check(problems, f"counter {lang} sign-in refused", shell)
        finally:
            shell.shutdown()
            shell.close()
    assert not problems, report(problems)


def test_the_checker_sees_a_cut_label(qapp: QApplication) -> None:
    """The check itself: a label narrower than its text, and two overlapping buttons."""
    from PySide6.QtWidgets import QHBoxLayout, QLabel

    window = QWidget()
    window.resize(300, 100)
    label = QLabel("Pobyt stały / rezydent długoterminowy UE", window)
    label.setGeometry(0, 0, 80, 20)
    layout = QHBoxLayout(window)
    first = QPushButton("One")
    second = QPushButton("Two")
    layout.addWidget(first)
    layout.addWidget(second)
    window.show()
    pump(5)
    second.setGeometry(first.geometry().translated(10, 0))
    found = fit_problems(window)
    window.close()
    assert any("clipped text" in p and "Pobyt" in p for p in found), found
    assert any(p.startswith("overlap:") for p in found), found


# --- the site's clock ------------------------------------------------------------------


@pytest.fixture
def utc_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine runs on UTC (as servers and many kiosks do); the office is in Warsaw."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_every_clock_shows_the_sites_time_on_a_utc_machine(
    demo: Demo, kiosk_window: Any, utc_process: None
) -> None:
    from counter.app import build_counter_window
    from counter.window import site_time
    from kiosk.flow import LanguageChosen, TimedOut

    assert datetime.now().astimezone().utcoffset() == timedelta(0)
    with KolejkaClient(demo.url, "demo", KIOSK_TOKEN) as kiosk:
        assert kiosk.list_services().timezone == "Europe/Warsaw"
        assert kiosk.queue_snapshot().timezone == "Europe/Warsaw"
    warsaw = "11:20"  # MORNING is 10:20 UTC, a winter day: UTC+1 in Warsaw

    board = open_board(demo, DISPLAY_TOKEN)
    try:
        assert board.board.timezone == "Europe/Warsaw"
        assert board.clock.time_label.text() == warsaw
    finally:
        board.shutdown()
        board.close()

    kiosk_window.controller.dispatch(TimedOut())
    kiosk_window.controller.dispatch(LanguageChosen("en"))
    settle(lambda: kiosk_window.controller.site_timezone is not None, "the kiosk's refresh")
    assert kiosk_window.header.clock.text() == warsaw

    shell = build_counter_window(
        demo.url, "demo", username="anna", password="demo1234", counter=1, language="en"
    )
    try:
        settle(lambda: shell.counter_window is not None, "the counter window")
        window = shell.counter_window
        settle(lambda: window.controller.snapshot is not None, "the queues")
        assert window._site_timezone() == "Europe/Warsaw"
        assert site_time(MORNING, window._site_timezone()) == warsaw
        assert site_time(MORNING, None) == "10:20"  # an older server: the machine's zone
    finally:
        shell.shutdown()
        if shell.counter_window is not None:
            shell.counter_window.close()
        shell.close()


COMPACT_MAX_WIDTH = 560  # a strip beside the clerk's case-management application


def test_the_compact_counter_is_a_narrow_strip_that_fits_in_every_language(demo: Demo) -> None:
    """Ctrl+M: the current ticket, the everyday buttons with their keys and the counter's
    state in a strip at most COMPACT_MAX_WIDTH wide; idle, called, serving, with a no-show
    waiting for its Undo, paused for the longest reason and with a kiosk's printer fault,
    with the demo's longest clerk name (Marek Wiśniewski) and service name; then back to the
    full view."""
    from counter.app import build_counter_window
    from counter.state import Action

    problems: dict[str, list[str]] = {}
    widths: dict[str, int] = {}
    heights: dict[str, int] = {}
    with KolejkaClient(demo.url, "demo", OTHER_KIOSK) as kiosk:
        for lang in LANGS:
            for _ in range(2):
                kiosk.issue_ticket("B", "uk")  # "Pobyt stały / rezydent długoterminowy UE"
            shell = build_counter_window(
                demo.url, "demo", username="marek", password="demo1234", counter=4, language=lang
            )
            try:
                settle(lambda s=shell: s.counter_window is not None, "the counter window")
                window = shell.counter_window
                window.show()
                c = window.controller
                settle(lambda c=c: c.snapshot is not None and c.tally is not None, "the queues")
                while c.current is not None:  # left by an earlier test: finish it
                    if Action.START in c.enabled():
                        c.act(Action.START)
                        settle(lambda c=c: Action.FINISH in c.enabled(), "serving")
                    c.act(Action.FINISH)
                    settle(lambda c=c: c.current is None, "finished")
                settle(lambda c=c: Action.CALL_NEXT in c.enabled(), "call next enabled")
                window.toggle_compact()
                settle(lambda: True, "the compact view")

                def look(state: str, window: Any = window, lang: str = lang) -> None:
                    settle(lambda: True, state)
                    where = f"counter {lang} compact {state}"
                    check(problems, where, window)
                    widths[where] = window.frameGeometry().width()
                    heights[where] = window.frameGeometry().height()

                look("idle")
                c.act(Action.CALL_NEXT)
                settle(lambda c=c: Action.START in c.enabled(), "the call")
                look("called")
                c.act(Action.START)
                settle(lambda c=c: Action.FINISH in c.enabled(), "serving")
                look("serving")
                c.act(Action.FINISH)
                settle(lambda c=c: Action.CALL_NEXT in c.enabled(), "finished")
                c.undo_ms = 60_000  # the no-show waits for its Undo while we look
                c.act(Action.CALL_NEXT)
                settle(lambda c=c: Action.NO_SHOW in c.enabled(), "the second call")
                c.act(Action.NO_SHOW)
                settle(lambda w=window: w.undo.isVisible(), "the undo")
                look("no-show undo")
                c.act(Action.PAUSE, reason="technical")  # sends the no-show first
                settle(lambda c=c: Action.RESUME in c.enabled(), "the pause")
                look("paused")
                kiosk.report_printer_status("offline")  # the longest fault, across the strip
                settle(lambda w=window: w.printers.isVisible(), "the printer fault")
                look("printer fault")
                kiosk.report_printer_status("online")
                settle(lambda w=window: not w.printers.isVisible(), "the printer back")
                c.act(Action.RESUME)
                settle(lambda c=c: Action.CALL_NEXT in c.enabled(), "resumed")
                window.compact_button.click()  # back to the full view, by its button
                settle(lambda: True, "the full view")
                assert not window.compact and window.side.isVisible()
                check(problems, f"counter {lang} full again", window)
            finally:
                shell.shutdown()
                if shell.counter_window is not None:
                    shell.counter_window.close()
                shell.close()
    assert not problems, report(problems)
    wide = {where: w for where, w in widths.items() if w > COMPACT_MAX_WIDTH}
    assert not wide, wide
    tall = {where: h for where, h in heights.items() if h > COUNTER_COMPACT[1]}
    assert not tall, f"taller than the demo's place for the counter: {tall}"
