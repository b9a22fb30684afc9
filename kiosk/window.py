"""The kiosk's window: header, the visitor's screens, footer; the scanner and the idle
watch as application event filters.

It renders the controller's state and sends the visitor's intents to it as flow events;
the controller never touches a widget. Built by `kiosk.app`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QResizeEvent
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

from kiosk.config import KioskConfig
from kiosk.controller import KioskController
from kiosk.fit import overflows, settle_layouts
from kiosk.flow import INTERACTIVE, CodeEntered, KioskState, LanguageChosen, Screen
from kiosk.read_aloud import LongPress, ReadAloud
from kiosk.reading import Reader
from kiosk.scanner import ScanBuffer, ScannerFilter
from kiosk.screens import (
    AnyScreen,
    AppointmentScreen,
    DocumentScreen,
    LanguageScreen,
    NoticeScreen,
    ServicesScreen,
    TicketScreen,
    UnavailableScreen,
    View,
    WorkingScreen,
)
from kiosk.texts import gettext, local_time
from kiosk.theme import HIGH_CONTRAST, LARGE_TEXT_SCALE, PALETTE, Palette, stylesheet
from kiosk.widgets import Footer, Header, label
from kolejka.gui_gc import collector

Clock = Callable[[], datetime]
# An unattended screen says it will go back to the start this many seconds before it does.
WARN_BEFORE_S = 15

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
        make_reader: Callable[[], Reader] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("kioskWindow")
        self.setWindowTitle("Kolejka — kiosk")
        self.config = config
        self.controller = controller
        self.clock = clock or (lambda: datetime.now(UTC))
        self.large_text = False
        self.high_contrast = False
        self.palette_now: Palette = PALETTE
        self.text_scale = 1.0
        self._fitted_for: tuple[object, ...] | None = None
        # Worker threads must never run the cyclic collector over these widgets.
        collector().pin()
        self._pinned = True

        self.header = Header()
        self.header.site.setText(config.site_name or "")
        self.footer = Footer(config.languages)
        self.footer.languageChosen.connect(self._footer_language)
        self.footer.largeTextToggled.connect(self.set_large_text)
        self.footer.contrastToggled.connect(self.set_high_contrast)
        self.screens: dict[Screen, AnyScreen] = {
            Screen.LANGUAGE: LanguageScreen(config.languages),
            Screen.SERVICES: ServicesScreen(),
            Screen.APPOINTMENT: AppointmentScreen(),
            Screen.DOCUMENT: DocumentScreen(),
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
        self.screen_area = scrolling(self.stack)
        column.addWidget(self.screen_area, 1)
        self.time_notice = label(role="banner", align=Qt.AlignmentFlag.AlignCenter)
        self.time_notice.setObjectName("timeNotice")
        self.time_notice.hide()
        column.addWidget(self.time_notice)
        column.addWidget(self.footer)
        self.setCentralWidget(page)

        controller.stateChanged.connect(self._render)
        controller.servicesChanged.connect(self._render)
        controller.siteNameChanged.connect(self._site_name)

        self.scanner = ScannerFilter(self, ScanBuffer(max_gap_s=config.scanner_gap_ms / 1000))
        self.scanner.scanned.connect(self._scanned)
        self.activity = ActivityFilter(self)
        self.activity.active.connect(controller.touch)
        self.read_aloud = ReadAloud(
            make_reader or (lambda: default_reader(config)),
            self.current_screen,
            self.footer,
            lambda: self.controller.state,
            config.languages,
            self,
        )
        self.read_aloud.toggled.connect(controller.set_patient)
        self.scanner.navigated.connect(self.read_aloud.navigate)
        self.scanner.entered.connect(self.read_aloud.enter)
        controller.timedOut.connect(self._next_visitor)
        self.long_press = LongPress(self)
        self.long_press.held.connect(self._long_press)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.scanner)
            app.installEventFilter(self.activity)
            app.installEventFilter(self.long_press)

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

    @property
    def timezone(self) -> str:
        """The office's time zone: the server's word once it came, the configured one before."""
        return self.controller.site_timezone or self.config.timezone

    def current_screen(self) -> AnyScreen:
        return self.screens[self.state.screen]

    def view(self) -> View:
        return View(
            state=self.state,
            services=self.controller.services,
            languages=self.config.languages,
            priority_enabled=self.config.priority_enabled and self.controller.site_priority,
            timezone=self.timezone,
            status_base=self.config.status_base,
            now=self.clock(),
            remaining_s=self.controller.remaining_s(),
        )

    @Slot()
    def _render(self) -> None:
        view = self.view()
        screen = self.screens[view.state.screen]
        if view.state.screen is Screen.LANGUAGE and self.stack.currentWidget() is not screen:
            # Back at the start: the next visitor gets the kiosk as configured.
            if self.large_text != self.config.large_text:
                self.set_large_text(self.config.large_text)
            if self.high_contrast:
                self.set_high_contrast(False)
        # What a visitor typed and left is gone before anyone else sees the kiosk.
        for typed in (Screen.APPOINTMENT, Screen.DOCUMENT):
            if view.state.screen is not typed:
                keyed = self.screens[typed]
                assert isinstance(keyed, AppointmentScreen | DocumentScreen)
                keyed.clear()
        screen.show_view(view)
        if self.stack.currentWidget() is not screen:
            self.stack.setCurrentWidget(screen)
            self.stack.updateGeometry()
        self._show_footer(view)
        self._tick()
        if self.large_text:
            # After the event loop showed the widgets this render added (new cards).
            QTimer.singleShot(0, self._fit_text)
        if self.read_aloud.on:
            QTimer.singleShot(0, self.read_aloud.screen_shown)

    def _show_footer(self, view: View) -> None:
        # The start screen is all languages already; everywhere else they can be switched.
        mark = "☑" if self.high_contrast else "☐"
        contrast = f"{mark} ◐"
        if view.state.language is not None:
            contrast += f"  {gettext(view.language, 'Contrast')}"
        self.footer.show_language(
            view.state.language,
            self._large_text_label(view),
            switcher=view.state.screen is not Screen.LANGUAGE,
            contrast_label=contrast,
        )

    def _large_text_label(self, view: View) -> str:
        mark = "☑" if self.large_text else "☐"
        if view.state.language is None:
            return f"{mark} Aa+"
        return f"{mark} Aa+  {gettext(view.language, 'Larger text')}"

    @Slot()
    def _tick(self) -> None:
        self.header.clock.setText(local_time(self.clock(), self.timezone))
        if self.state.screen is Screen.TICKET:
            self.screens[Screen.TICKET].show_view(self.view())
        self._warn_of_time_out()

    def _warn_of_time_out(self) -> None:
        """Before an unattended screen goes back to the start, say so and how to stay."""
        left = self.controller.idle_remaining_s()
        warn = (
            self.state.screen in INTERACTIVE
            and self.state.screen is not Screen.LANGUAGE
            and left is not None
            and left <= WARN_BEFORE_S
        )
        if warn:
            text = gettext(
                self.view().language,
                "The screen goes back to the start in {seconds} s. "
                "Touch the screen or press a key for more time.",
            ).format(seconds=left)
            if not self.time_notice.isVisible():
                self.read_aloud.say_text(text)
            self.time_notice.setText(text)
        if warn != self.time_notice.isVisible():
            self.time_notice.setVisible(warn)

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
        self._fitted_for = None
        self._set_text_scale(LARGE_TEXT_SCALE if on else 1.0)
        if self.footer.large_text.isChecked() != on:
            self.footer.large_text.setChecked(on)
        self._show_footer(self.view())
        if on:
            QTimer.singleShot(0, self._fit_text)

    def _set_text_scale(self, scale: float) -> None:
        if scale != self.text_scale or not self.styleSheet():
            self.text_scale = scale
            self.setStyleSheet(stylesheet(scale, self.palette_now))

    @Slot(bool)
    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = on
        self.palette_now = HIGH_CONTRAST if on else PALETTE
        self.setStyleSheet(stylesheet(self.text_scale, self.palette_now))
        if self.footer.contrast.isChecked() != on:
            self.footer.contrast.setChecked(on)
        self._show_footer(self.view())

    @Slot()
    def _long_press(self) -> None:
        if self.state.screen is Screen.LANGUAGE:
            self.read_aloud.start()

    @Slot()
    def _next_visitor(self) -> None:
        """The visitor left (a time-out): the next one does not find the kiosk talking."""
        self.read_aloud.set_on(False)

    def _fit_text(self) -> None:
        """With larger text, the largest type (up to LARGE_TEXT_SCALE, never below the
        normal size) with which the screen shown shows whole; measured again when the
        screen, its language, its content or the window's size change."""
        if not self.large_text or not self.isVisible():
            return
        screen = self.stack.currentWidget()
        key = (
            self.state.screen,
            self.state.language,
            self.state.group,
            len(self.controller.services),
            self.width(),
            self.height(),
        )
        if key == self._fitted_for or screen is None:
            return
        self._fitted_for = key
        low, high = 1.0, LARGE_TEXT_SCALE
        self._set_text_scale(high)
        settle_layouts()
        if not overflows(screen):
            return
        for _ in range(4):  # halve the interval: about 0.02 from the largest that fits
            middle = round((low + high) / 2, 3)
            self._set_text_scale(middle)
            settle_layouts()
            if overflows(screen):
                high = middle
            else:
                low = middle
        self._set_text_scale(low)
        settle_layouts()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.large_text:
            QTimer.singleShot(0, self._fit_text)

    # --- life ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop timers, filters and background work; close the connection. Idempotent."""
        self.ticker.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scanner)
            app.removeEventFilter(self.activity)
            app.removeEventFilter(self.long_press)
        self.controller.stop()
        self.read_aloud.close()
        self.controller.issuer.client.close()
        if self._pinned:
            self._pinned = False
            collector().release()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


def default_reader(config: KioskConfig) -> Reader:
    """The read-aloud voice: espeak-ng's, to the kiosk's sound output (`read_aloud_sink`)."""
    from display.speech.engines import Pyttsx3Engine
    from display.speech.sinks import make_sink

    return Reader(Pyttsx3Engine(), make_sink(config.read_aloud_sink))
