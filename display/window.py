"""The hall board window: renders a `Board`; knows nothing about the network.

Landscape (1920×1080): the newest call large on the left with the previous calls beneath,
waiting counts per service on the right, the ticker along the bottom. Portrait stacks the
same panels. Every caption is Polish first with a second language beside it that rotates
(en → uk → ru), and switches to the caller's language while a new call blinks. Fonts scale
with the window so one layout serves a 55" TV and a laptop preview alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from display.board import Board, BoardCall, ServiceRow
from display.controller import DisplayController
from display.theme import THEME, current_panel_style, stylesheet
from display.widgets import Blinker, ClockWidget, FitLabel, TickerWidget, board_font
from kolejka.gui_gc import collector
from kolejka.i18n import LANGUAGES
from kolejka.i18n import board as labels
from kolejka.i18n.board import gettext

SECONDARY_LANGUAGES: tuple[str, ...] = ("en", "uk", "ru")
ROTATE_MS = 8000
ARROW = "➜"


class Connection(StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"
    REFUSED = "refused"


BANNER_TEXT: dict[Connection, str] = {
    Connection.CONNECTING: labels.CONNECTING,
    Connection.OFFLINE: labels.OFFLINE,
    Connection.REFUSED: labels.REFUSED,
}


class Caption(QWidget):
    """A caption in Polish with a second, smaller language beside it."""

    def __init__(self, message: str, parent: QWidget | None = None, *, center: bool = False):
        super().__init__(parent)
        self.message = message
        self.primary = QLabel(self)
        self.secondary = QLabel(self)
        self.secondary.setProperty("role", "muted")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        if center:
            layout.addStretch(1)
        layout.addWidget(self.primary, 0, Qt.AlignmentFlag.AlignBaseline)
        layout.addWidget(self.secondary, 0, Qt.AlignmentFlag.AlignBaseline)
        layout.addStretch(1)

    def set_language(self, language: str, primary: str = "pl") -> None:
        self.primary.setText(gettext(primary, self.message))
        other = gettext(language, self.message) if language != primary else ""
        self.secondary.setText(other)
        self.secondary.setVisible(bool(other))

    def set_scale(self, pixels: float) -> None:
        self.primary.setFont(board_font(pixels))
        self.secondary.setFont(board_font(pixels * 0.78, bold=False))


class CounterBox(FitLabel):
    """The counter number in a heavy frame: recognisable without colour. As wide as two
    digits at its full size; where the layout gives it less height, the digits shrink."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("counterBox")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_scale(self, pixels: float) -> None:
        self.setMinimumWidth(round(pixels * 1.5))
        self.set_max_pixels(pixels)

    def sizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), 0)


class CallRow(QFrame):
    """One previous call: A022 ➜ [3]."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recentRow")
        self.number = FitLabel(self)
        self.arrow = QLabel(ARROW, self)
        self.arrow.setProperty("role", "muted")
        self.counter = CounterBox(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        layout.addWidget(self.number, 1)
        layout.addWidget(self.arrow)
        layout.addWidget(self.counter)

    def show_call(self, call: BoardCall | None) -> None:
        self.number.setText(call.number if call else "")
        self.counter.setText(str(call.counter) if call else "")
        for widget in (self.number, self.arrow, self.counter):
            widget.setVisible(call is not None)

    def set_scale(self, pixels: float) -> None:
        self.number.set_max_pixels(pixels)
        self.arrow.setFont(board_font(pixels * 0.7))
        self.counter.set_scale(pixels * 0.85)


class ServiceRowWidget(QFrame):
    """A service: its letter, its Polish name, the rotating translation, the count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceRow")
        self.code = QLabel(self)
        self.code.setObjectName("serviceCode")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name = QLabel(self)
        self.name.setWordWrap(True)
        self.translation = QLabel(self)
        self.translation.setWordWrap(True)
        self.translation.setProperty("role", "muted")
        self.count = QLabel(self)
        self.count.setObjectName("serviceCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        names = QVBoxLayout()
        names.setSpacing(2)
        names.addWidget(self.name)
        names.addWidget(self.translation)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(20)
        layout.addWidget(self.code, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(names, 1)
        layout.addWidget(self.count)

    def show_service(self, row: ServiceRow, language: str, primary: str = "pl") -> None:
        self.code.setText(row.code)
        self.name.setText(row.name(primary))
        other = row.name(language) if language != primary else ""
        self.translation.setText(other if other != self.name.text() else "")
        self.count.setText(str(row.waiting))

    def set_scale(self, pixels: float) -> None:
        self.code.setFont(board_font(pixels * 1.3))
        self.code.setFixedSize(round(pixels * 2.1), round(pixels * 2.1))
        self.name.setFont(board_font(pixels))
        self.translation.setFont(board_font(pixels * 0.75, bold=False))
        count_font = board_font(pixels * 2.0)
        self.count.setFont(count_font)
        # Room for three digits, so the names do not jump when a count passes 9 or 99.
        self.count.setMinimumWidth(math.ceil(QFontMetricsF(count_font).horizontalAdvance("000")))


def _set_scales(rows: Iterable[ServiceRowWidget | CallRow], pixels: float) -> None:
    for row in rows:
        row.set_scale(pixels)


class DisplayWindow(QWidget):
    """The board. It follows its controller's signals (`follow`); on its own (tests,
    screenshots) call `refresh()` after the board changed and `flash(call)` for a new call."""

    closed = Signal()

    def __init__(
        self,
        board: Board,
        *,
        controller: DisplayController | None = None,
        portrait: bool | None = None,
        primary: str = "pl",
        languages: Sequence[str] = SECONDARY_LANGUAGES,
        ticker: dict[str, str] | None = None,
        now: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        unknown = [lang for lang in languages if lang not in LANGUAGES]
        if unknown:
            raise ValueError(f"unknown display languages: {', '.join(unknown)}")
        self.board = board
        if primary not in LANGUAGES:
            raise ValueError(f"unknown display language: {primary}")
        self.primary = primary
        self.languages = tuple(lang for lang in languages if lang != primary) or (primary,)
        self.language = self.languages[0]
        self.ticker_override = dict(ticker) if ticker else None
        self.connection = Connection.CONNECTING
        self._forced_portrait = portrait
        self.portrait = bool(portrait)
        self.scale = 1.0
        self._shutdown_hooks: list[Callable[[], None]] = []
        # Panels whose rows must all show shrink their rows' type to the room they have;
        # measured once the layout has settled (after resizes, new rows, a new language).
        self._fitter = QTimer(self)
        self._fitter.setSingleShot(True)
        self._fitter.setInterval(0)
        self._fitter.timeout.connect(self._fit_panels)
        self._fitting = False
        self.service_pixels = 34.0
        self.recent_pixels = 76.0
        self.controller: DisplayController | None = None
        self._closed = False
        # Worker threads must never run the cyclic collector over these widgets.
        collector().pin()
        self._unscaled = True

        self.setObjectName("displayWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(stylesheet())
        self.setWindowTitle(f"Kolejka — {gettext(primary, labels.TITLE)}")

        self._build(now)
        self.blinker = Blinker(self)
        self.blinker.toggled.connect(self._paint_current)
        self._paint_current(False)

        self._rotation = QTimer(self)
        self._rotation.setInterval(ROTATE_MS)
        self._rotation.timeout.connect(self.rotate_language)
        self._rotation.start()

        self.resize(1280, 720 if not portrait else 1280)
        self._apply_layout()
        self.set_connection(Connection.CONNECTING)
        self.refresh()
        if controller is not None:
            self.follow(controller)

    def follow(self, controller: DisplayController) -> None:
        """Show what `controller` reports: board changes, new calls, the connection."""
        self.controller = controller
        controller.boardChanged.connect(self.refresh)
        controller.callShown.connect(self.flash)
        controller.onlineChanged.connect(self.set_online)
        controller.refused.connect(self._refused)

    # --- construction ---------------------------------------------------------------

    def _build(self, now: Callable[[], datetime] | None) -> None:
        self.header = QFrame(self)
        self.header.setObjectName("header")
        self.site_name = QLabel(self.header)
        self.site_name.setObjectName("siteName")
        self.site_name.setWordWrap(True)
        self.clock = ClockWidget(self.header, now=now, locale=self.primary)
        header = QHBoxLayout(self.header)
        header.setContentsMargins(32, 10, 32, 10)
        header.addWidget(self.site_name, 1)
        header.addWidget(self.clock)

        self.banner = QLabel(self)
        self.banner.setObjectName("offlineBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setWordWrap(True)

        # The newest call.
        self.current_panel = QFrame(self)
        self.current_panel.setObjectName("currentPanel")
        self.now_caption = Caption(labels.NOW_CALLING, self.current_panel)
        # A recall takes the place of "Now calling", in type as large, on the same line: the
        # panel keeps its size (its font shrinks to the line's width where the words are
        # longer), so a recall never widens the panel nor pushes the number.
        self.recall_label = FitLabel(self.current_panel)
        self.recall_label.setObjectName("recallLabel")
        self.recall_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.number_caption = Caption(labels.NUMBER, self.current_panel)
        self.counter_caption = Caption(labels.COUNTER, self.current_panel, center=True)
        for caption in (self.now_caption, self.number_caption, self.counter_caption):
            caption.primary.setProperty("role", "caption")
            caption.secondary.setProperty("role", "caption")
        self.number_label = FitLabel(self.current_panel)
        self.number_label.setObjectName("currentNumber")
        self.arrow_label = QLabel(ARROW, self.current_panel)
        self.arrow_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.counter_label = CounterBox(self.current_panel)
        grid = QGridLayout(self.current_panel)
        grid.setContentsMargins(36, 20, 36, 24)
        grid.setHorizontalSpacing(24)
        top = QHBoxLayout()
        top.setSpacing(24)
        top.addWidget(self.now_caption, 1)
        top.addWidget(self.recall_label, 1)
        grid.addLayout(top, 0, 0, 1, 3)
        grid.addWidget(self.number_caption, 1, 0)
        grid.addWidget(self.counter_caption, 1, 2)
        grid.addWidget(self.number_label, 2, 0)
        grid.addWidget(self.arrow_label, 2, 1)
        grid.addWidget(self.counter_label, 2, 2, Qt.AlignmentFlag.AlignCenter)
        grid.setColumnStretch(0, 1)

        # Previous calls.
        self.recent_panel = QFrame(self)
        self.recent_panel.setObjectName("recentPanel")
        self.recent_caption = Caption(labels.PREVIOUS, self.recent_panel)
        self.recent_rows = [CallRow(self.recent_panel) for _ in range(self.board.history)]
        self.recent_grid = QGridLayout()
        self.recent_grid.setHorizontalSpacing(24)
        self.recent_grid.setVerticalSpacing(0)
        recent = QVBoxLayout(self.recent_panel)
        recent.setContentsMargins(20, 14, 20, 14)
        recent.addWidget(self.recent_caption)
        recent.addLayout(self.recent_grid)
        recent.addStretch(1)

        # Waiting per service.
        self.waiting_panel = QFrame(self)
        self.waiting_panel.setObjectName("waitingPanel")
        self.waiting_caption = Caption(labels.WAITING, self.waiting_panel)
        self.service_rows: dict[str, ServiceRowWidget] = {}
        self.services_box = QVBoxLayout()
        self.services_box.setSpacing(0)
        waiting = QVBoxLayout(self.waiting_panel)
        waiting.setContentsMargins(20, 14, 20, 14)
        waiting.addWidget(self.waiting_caption)
        waiting.addLayout(self.services_box)
        waiting.addStretch(1)

        calls_column = QVBoxLayout()
        calls_column.setSpacing(20)
        calls_column.addWidget(self.current_panel, 0)
        calls_column.addWidget(self.recent_panel, 1)
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setContentsMargins(24, 20, 24, 20)
        self.body.setSpacing(24)
        self.body.addLayout(calls_column, 62)
        self.body.addWidget(self.waiting_panel, 38)

        # Refit whenever a panel's real size changes: on a real display the window's final
        # size can arrive after the resize that asked for it.
        self.waiting_panel.installEventFilter(self)
        self.recent_panel.installEventFilter(self)

        self.ticker = TickerWidget(self)
        self.ticker.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        root = QVBoxLayout(self)
        # The fonts follow the window's size, so the window must not follow the fonts.
        root.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self.header)
        root.addWidget(self.banner)
        root.addLayout(self.body, 1)
        root.addWidget(self.ticker)

    # --- rendering ------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Show the board's current state (cheap: labels only change their text)."""
        board = self.board
        self.site_name.setText(board.site_name)
        self.clock.set_timezone(board.timezone)
        current = board.current
        self.number_label.setText(current.number if current else "—")
        self.counter_label.setText(str(current.counter) if current else "—")
        recall = bool(current and current.recall)
        self.recall_label.setVisible(recall)
        self.now_caption.setVisible(not recall)
        previous = board.previous
        for index, row in enumerate(self.recent_rows):
            row.show_call(previous[index] if index < len(previous) else None)
        self._show_services(board.services)
        self._show_ticker()
        self._fitter.start()

    def _show_services(self, rows: list[ServiceRow]) -> None:
        if [r.code for r in rows] != list(self.service_rows):
            for widget in self.service_rows.values():
                self.services_box.removeWidget(widget)
                widget.deleteLater()
            self.service_rows = {r.code: ServiceRowWidget(self.waiting_panel) for r in rows}
            for widget in self.service_rows.values():
                self.services_box.addWidget(widget)
            self._apply_scale()
        for row in rows:
            self.service_rows[row.code].show_service(row, self.language, self.primary)

    def _show_ticker(self) -> None:
        messages = self.ticker_override if self.ticker_override is not None else self.board.ticker
        order = [self.primary, *self.languages, *LANGUAGES]
        seen: list[str] = []
        for language in order:
            if language in messages and language not in seen:
                seen.append(language)
        self.ticker.set_messages([messages[lang] for lang in seen])

    @Slot(object)
    def flash(self, call: BoardCall) -> None:
        """Blink the newest call; show the captions in the caller's language meanwhile."""
        if call.language not in (self.primary, self.language):
            self.set_language(call.language)
            self._rotation.start()  # keep it for a full period
        self.blinker.start()

    @Slot(bool)
    def _paint_current(self, lit: bool) -> None:
        self.current_panel.setStyleSheet(current_panel_style(lit))

    @Slot()
    def rotate_language(self) -> None:
        index = self.languages.index(self.language) if self.language in self.languages else -1
        self.set_language(self.languages[(index + 1) % len(self.languages)])

    def set_language(self, language: str) -> None:
        self.language = language
        for caption in (
            self.now_caption,
            self.number_caption,
            self.counter_caption,
            self.recent_caption,
            self.waiting_caption,
        ):
            caption.set_language(language, self.primary)
        recall = gettext(self.primary, labels.RECALL)
        if language != self.primary:
            recall = f"{recall} · {gettext(language, labels.RECALL)}"
        self.recall_label.setText(f"↻ {recall}")
        self._show_services(self.board.services)
        self._show_banner()
        self._fitter.start()

    # --- connection state -----------------------------------------------------------

    def set_connection(self, state: Connection) -> None:
        self.connection = state
        self._show_banner()

    @Slot(bool)
    def set_online(self, online: bool) -> None:
        if self.connection is not Connection.REFUSED or online:
            self.set_connection(Connection.ONLINE if online else Connection.OFFLINE)

    @Slot()
    def _refused(self) -> None:
        self.set_connection(Connection.REFUSED)

    def _show_banner(self) -> None:
        message = BANNER_TEXT.get(self.connection)
        if message is None:
            self.banner.hide()
            return
        text = gettext(self.primary, message)
        if self.language != self.primary:
            text = f"{text}   ·   {gettext(self.language, message)}"
        self.banner.setText(f"⚠  {text}")
        background = THEME.panel_edge if self.connection is Connection.CONNECTING else None
        self.banner.setStyleSheet(f"background: {background};" if background else "")
        self.banner.show()

    # --- layout and scale -----------------------------------------------------------

    def set_portrait(self, portrait: bool | None) -> None:
        """Force portrait (True) or landscape (False); None follows the window's shape."""
        self._forced_portrait = portrait
        self._apply_layout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_layout()
        self._fitter.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self._fitting
            and event.type() == QEvent.Type.Resize
            and watched
            in (
                self.waiting_panel,
                self.recent_panel,
            )
        ):
            self._fitter.start()
        return super().eventFilter(watched, event)

    @Slot()
    def _fit_panels(self) -> None:
        """Every service and every previous call must show whole: where the panel is too
        short for its rows at the window's scale (long names in two languages, a small
        screen), their type shrinks step by step until the rows fit."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self._fitting = True  # the steps below resize the panels' rows, not the panels
        try:
            self._fit_all()
            # Lay the rows out with their final type now, not on a later pass of the loop
            # (a frame drawn in between would show them cut).
            for _ in range(3):
                QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        finally:
            self._fitting = False

    def _fit_all(self) -> None:
        self._fit_rows(
            self.waiting_panel,
            self.waiting_caption,
            list(self.service_rows.values()),
            34 * self.scale,
            lambda px: _set_scales(self.service_rows.values(), px),
            per_line=1,
        )
        columns = 1 if self.portrait else 2
        self._fit_rows(
            self.recent_panel,
            self.recent_caption,
            self.recent_rows,
            76 * self.scale,
            lambda px: _set_scales(self.recent_rows, px),
            per_line=columns,
        )

    @staticmethod
    def _fit_rows(
        panel: QWidget,
        caption: QWidget,
        rows: Sequence[QWidget],
        pixels: float,
        set_pixels: Callable[[float], None],
        *,
        per_line: int,
    ) -> None:
        if not rows:
            return
        panel_layout = panel.layout()
        assert panel_layout is not None
        margins = panel_layout.contentsMargins()
        room = (
            panel.contentsRect().height()
            - margins.top()
            - margins.bottom()
            - caption.sizeHint().height()
            - panel_layout.spacing()
        )
        width = (panel.contentsRect().width() - margins.left() - margins.right()) // per_line - (
            24 if per_line > 1 else 0
        )
        if room <= 0 or width <= 0:
            return
        floor = pixels * 0.45
        while True:
            set_pixels(pixels)
            heights = [
                row.heightForWidth(width) if row.hasHeightForWidth() else row.sizeHint().height()
                for row in rows
            ]
            lines = [max(heights[i : i + per_line]) for i in range(0, len(heights), per_line)]
            if per_line > 1:  # the grid fills column by column
                lines = [max(heights)] * math.ceil(len(heights) / per_line)
            if sum(lines) <= room or pixels <= floor:
                return
            pixels = max(floor, pixels * max(0.8, min(0.97, (room / sum(lines)) ** 0.7)))

    def _apply_layout(self) -> None:
        width, height = max(1, self.width()), max(1, self.height())
        portrait = self._forced_portrait
        if portrait is None:
            portrait = height > width
        scale = min(width / 1080, height / 1920) if portrait else min(width / 1920, height / 1080)
        turned = portrait != self.portrait or self._unscaled
        if turned:
            self.portrait = portrait
            self.body.setDirection(
                QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
            )
            self.body.setStretch(0, 60 if portrait else 62)
            self.body.setStretch(1, 40 if portrait else 38)
            columns = 1 if portrait else 2
            rows = math.ceil(len(self.recent_rows) / columns)
            for index, row in enumerate(self.recent_rows):
                self.recent_grid.removeWidget(row)
                self.recent_grid.addWidget(row, index % rows, index // rows)
        if turned or abs(scale - self.scale) > 1e-3:
            self._unscaled = False
            self.scale = scale
            self._apply_scale()

    def _apply_scale(self) -> None:
        s = self.scale
        self.site_name.setFont(board_font(30 * s, bold=False))
        self.clock.set_scale(s)
        self.banner.setFont(board_font(30 * s))
        self.banner.setContentsMargins(0, round(10 * s), 0, round(10 * s))
        self.now_caption.set_scale(42 * s)
        self.number_caption.set_scale(28 * s)
        self.counter_caption.set_scale(28 * s)
        self.recall_label.set_max_pixels(42 * s)
        big = 0.85 if self.portrait else 1.0
        self.number_label.set_max_pixels(240 * s * big)
        self.arrow_label.setFont(board_font(140 * s * big))
        self.counter_label.set_scale(180 * s * big)
        self.recent_caption.set_scale(32 * s)
        self.recent_pixels = 76 * s
        for row in self.recent_rows:
            row.set_scale(self.recent_pixels)
        self.waiting_caption.set_scale(32 * s)
        self.service_pixels = 34 * s
        for service in self.service_rows.values():
            service.set_scale(self.service_pixels)
        self.ticker.setFont(board_font(38 * s))
        self.ticker.scale = s
        self.ticker.setFixedHeight(round(72 * s))
        self.set_language(self.language)

    # --- shutdown -------------------------------------------------------------------

    def on_shutdown(self, hook: Callable[[], None]) -> None:
        """Run `hook` once when the window shuts down (stop threads, close the speaker)."""
        self._shutdown_hooks.append(hook)

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        collector().release()
        self._rotation.stop()
        self.blinker.stop()
        for hook in reversed(self._shutdown_hooks):
            hook()
        self.closed.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    # --- for tests and diagnostics ----------------------------------------------------

    def shown_calls(self) -> list[tuple[str, str]]:
        """(number, counter) of the newest call and the previous calls, as on screen."""
        shown = []
        if self.board.current is not None:
            shown.append((self.number_label.text(), self.counter_label.text()))
        shown += [(r.number.text(), r.counter.text()) for r in self.recent_rows if r.number.text()]
        return shown
