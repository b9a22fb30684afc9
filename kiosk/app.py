"""The kiosk window and its builder (`kolejka kiosk`, `kolejka demo`).

    window = build_kiosk_window("http://127.0.0.1:8420", "demo", "demo-kiosk-token-0001",
                                printer_config=PrinterConfig(kind="preview", preview_dir=d))
    window.show()
    ...
    window.shutdown()

The builder does not create a QApplication, so several apps can share one process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QMainWindow,
    QScrollArea,
    QScroller,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import KioskConfig, make_config
from kiosk.controller import KioskController, Timing
from kiosk.flow import CodeEntered, KioskState, LanguageChosen, Screen
from kiosk.issuing import TicketIssuer
from kiosk.scanner import ScanBuffer, ScannerFilter
from kiosk.screens import (
    AnyScreen,
    AppointmentScreen,
    LanguageScreen,
    NoticeScreen,
    ServicesScreen,
    TicketScreen,
    UnavailableScreen,
    View,
    WorkingScreen,
)
from kiosk.texts import gettext, local_time
from kiosk.theme import LARGE_TEXT_SCALE, stylesheet
from kiosk.widgets import Footer, Header
from kolejka.client import KolejkaClient
from kolejka.gui_gc import collector
from kolejka.i18n import normalize_language
from printers import TicketPrinter, open_printer
from printers.config import PrinterConfig

Clock = Callable[[], datetime]

# What counts as the visitor doing something (restarts the idle countdown).
ACTIVITY = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.KeyPress,
    }
)


class ActivityFilter(QObject):
    """Application event filter: any press aimed at `window` emits `active`."""

    active = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in ACTIVITY
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            self.active.emit()
        return False


class CurrentPageStack(QStackedWidget):
    """A stack as large as the screen shown now, not as the largest of all screens."""

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        page = self.currentWidget()
        return page.hasHeightForWidth() if page is not None else False

    def heightForWidth(self, width: int) -> int:
        page = self.currentWidget()
        return page.heightForWidth(width) if page is not None else -1


def scrolling(page: QWidget) -> QScrollArea:
    """The screens fill the window; on a screen too small for them (larger text on a small
    kiosk) they scroll by touch instead of being cut off."""
    area = QScrollArea()
    area.setObjectName("screenArea")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return area


class KioskWindow(QMainWindow):
    def __init__(
        self,
        config: KioskConfig,
        controller: KioskController,
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("kioskWindow")
        self.setWindowTitle("Kolejka — kiosk")
        self.config = config
        self.controller = controller
        self.clock = clock or (lambda: datetime.now(UTC))
        self.large_text = False
        # Worker threads must never run the cyclic collector over these widgets.
        collector().pin()
        self._pinned = True

        self.header = Header()
        self.header.site.setText(config.site_name or "")
        self.footer = Footer(config.languages)
        self.footer.languageChosen.connect(self._footer_language)
        self.footer.largeTextToggled.connect(self.set_large_text)
        self.screens: dict[Screen, AnyScreen] = {
            Screen.LANGUAGE: LanguageScreen(config.languages),
            Screen.SERVICES: ServicesScreen(),
            Screen.APPOINTMENT: AppointmentScreen(),
            Screen.WORKING: WorkingScreen(),
            Screen.TICKET: TicketScreen(),
            Screen.NOTICE: NoticeScreen(),
            Screen.UNAVAILABLE: UnavailableScreen(),
        }
        self.stack = CurrentPageStack()
        for screen in self.screens.values():
            screen.intent.connect(controller.dispatch)
            self.stack.addWidget(screen)
        page = QWidget()
        page.setObjectName("kioskPage")
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(scrolling(self.stack), 1)
        column.addWidget(self.footer)
        self.setCentralWidget(page)

        controller.stateChanged.connect(self._render)
        controller.servicesChanged.connect(self._render)
        controller.siteNameChanged.connect(self._site_name)

        self.scanner = ScannerFilter(self, ScanBuffer(max_gap_s=config.scanner_gap_ms / 1000))
        self.scanner.scanned.connect(self._scanned)
        self.activity = ActivityFilter(self)
        self.activity.active.connect(controller.touch)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.scanner)
            app.installEventFilter(self.activity)

        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()

        self.resize(1280, 800)
        self.set_large_text(config.large_text)
        self._render()

    # --- the visitor's view --------------------------------------------------------------

    @property
    def state(self) -> KioskState:
        return self.controller.state

    def current_screen(self) -> AnyScreen:
        return self.screens[self.state.screen]

    def view(self) -> View:
        return View(
            state=self.state,
            services=self.controller.services,
            languages=self.config.languages,
            priority_enabled=self.config.priority_enabled and self.controller.site_priority,
            timezone=self.config.timezone,
            status_base=self.config.status_base,
            now=self.clock(),
            remaining_s=self.controller.remaining_s(),
        )

    @Slot()
    def _render(self) -> None:
        view = self.view()
        screen = self.screens[view.state.screen]
        if view.state.screen is not Screen.APPOINTMENT:
            appointment = self.screens[Screen.APPOINTMENT]
            assert isinstance(appointment, AppointmentScreen)
            appointment.clear()
        screen.show_view(view)
        if self.stack.currentWidget() is not screen:
            self.stack.setCurrentWidget(screen)
            self.stack.updateGeometry()
        self._show_footer(view)
        self._tick()

    def _show_footer(self, view: View) -> None:
        # The start screen is all languages already; everywhere else they can be switched.
        self.footer.show_language(
            view.state.language,
            self._large_text_label(view),
            switcher=view.state.screen is not Screen.LANGUAGE,
        )

    def _large_text_label(self, view: View) -> str:
        mark = "☑" if self.large_text else "☐"
        if view.state.language is None:
            return f"{mark} Aa+"
        return f"{mark} Aa+  {gettext(view.language, 'Larger text')}"

    @Slot()
    def _tick(self) -> None:
        self.header.clock.setText(local_time(self.clock(), self.config.timezone))
        if self.state.screen is Screen.TICKET:
            self.screens[Screen.TICKET].show_view(self.view())

    @Slot(str)
    def _site_name(self, name: str) -> None:
        self.header.site.setText(self.config.site_name or name)

    @Slot(str)
    def _footer_language(self, language: str) -> None:
        self.controller.dispatch(LanguageChosen(language))

    @Slot(str)
    def _scanned(self, code: str) -> None:
        self.controller.dispatch(CodeEntered(code))

    @Slot(bool)
    def set_large_text(self, on: bool) -> None:
        self.large_text = on
        self.setStyleSheet(stylesheet(LARGE_TEXT_SCALE if on else 1.0))
        if self.footer.large_text.isChecked() != on:
            self.footer.large_text.setChecked(on)
        self._show_footer(self.view())

    # --- life ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop timers, filters and background work; close the connection. Idempotent."""
        self.ticker.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scanner)
            app.removeEventFilter(self.activity)
        self.controller.stop()
        self.controller.issuer.client.close()
        if self._pinned:
            self._pinned = False
            collector().release()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


def build_kiosk_window(
    server_url: str,
    site: str,
    token: str,
    *,
    printer_config: PrinterConfig | None = None,
    printer: TicketPrinter | None = None,
    language: str | None = None,
    fullscreen: bool = False,
    idle_timeout_s: float = 45.0,
    clock: Clock | None = None,
    timing: Timing | None = None,
    **options: Any,
) -> KioskWindow:
    """The kiosk's main window, connected and polling; call `.show()`, later `.shutdown()`.

    `printer_config` opens the printer (default: the preview backend); `printer` passes an
    already open one instead. `language` opens directly on the matters in that language
    (instead of the start screen). `options` are further `KioskConfig` fields
    (public_url, priority_enabled, confirmation_s, refresh_s, retry_s, printer_poll_s,
    scanner_gap_ms, languages, large_text, site_name, timezone). `timing` replaces all the
    timers at once, below the limits a configuration file may set (tests, demos).
    """
    config = make_config(
        {
            "server": server_url,
            "site": site,
            "token": token,
            "fullscreen": fullscreen,
            "idle_timeout_s": idle_timeout_s,
            **options,
        }
    )
    return window_from_config(
        config,
        printer_config=printer_config,
        printer=printer,
        language=language,
        clock=clock,
        timing=timing,
    )


def window_from_config(
    config: KioskConfig,
    *,
    printer_config: PrinterConfig | None = None,
    printer: TicketPrinter | None = None,
    language: str | None = None,
    clock: Clock | None = None,
    timing: Timing | None = None,
) -> KioskWindow:
    if printer is None:
        printer = open_printer(printer_config or PrinterConfig.model_validate(config.printer))
    client = KolejkaClient(config.server, config.site, config.token, language="en")
    issuer = TicketIssuer(
        client,
        printer,
        status_base=config.status_base,
        timezone=config.timezone,
        site_name=config.site_name,
    )
    timing = timing or Timing(
        idle_timeout_s=config.idle_timeout_s,
        confirmation_s=config.confirmation_s,
        refresh_s=config.refresh_s,
        retry_s=config.retry_s,
        printer_poll_s=config.printer_poll_s,
    )
    state = None
    if language is not None:
        state = KioskState(screen=Screen.SERVICES, language=normalize_language(language))
    controller = KioskController(issuer, timing, state)
    window = KioskWindow(config, controller, clock)
    controller.setParent(window)
    if config.fullscreen:
        window.setWindowState(Qt.WindowState.WindowFullScreen)
        window.setCursor(Qt.CursorShape.BlankCursor)  # a touch screen needs no pointer
    controller.start()
    return window
