"""Small widgets of the hall board: the scrolling ticker, the clock, the blink timer.

Everything moves on QTimers owned by the widget (no sleeps), and animation stops while a
widget is hidden so an idle board costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from PySide6.QtCore import QElapsedTimer, QObject, QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHideEvent,
    QPainter,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from display.theme import FONT_FAMILY, THEME

TICK_MS = 33
SEPARATOR = "   •   "


def board_font(pixels: float, *, bold: bool = True) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(max(8, round(pixels)))
    font.setBold(bold)
    return font


class TickerWidget(QWidget):
    """A marquee: the office's messages, one language after another, right to left."""

    def __init__(self, parent: QWidget | None = None, *, speed: float = 140.0) -> None:
        super().__init__(parent)
        self.speed = speed  # pixels per second at scale 1
        self.scale = 1.0
        self.offset = 0.0
        self._text = ""
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._step)
        self._clock = QElapsedTimer()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    @property
    def text(self) -> str:
        return self._text

    def set_messages(self, messages: Sequence[str]) -> None:
        text = SEPARATOR.join(m.strip() for m in messages if m.strip())
        if text != self._text:
            self._text = text
            self.offset = 0.0
            self.update()
        self.setVisible(bool(text))

    @property
    def animating(self) -> bool:
        return self._timer.isActive()

    def showEvent(self, event: QShowEvent) -> None:
        self._clock.start()
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    @Slot()
    def _step(self) -> None:
        elapsed_ms = self._clock.restart()
        cycle = self._cycle_width()
        if cycle <= 0:
            return
        self.offset -= self.speed * self.scale * elapsed_ms / 1000
        if self.offset <= -cycle:
            self.offset += cycle
        self.update()

    def _cycle_width(self) -> float:
        if not self._text:
            return 0.0
        metrics = QFontMetricsF(self.font())
        return metrics.horizontalAdvance(self._text + SEPARATOR)

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(THEME.ticker_bg))
        if not self._text:
            return
        painter.setFont(self.font())
        painter.setPen(QColor(THEME.ticker_fg))
        cycle = self._cycle_width()
        x = self.offset
        height = float(self.height())
        while x < self.width():
            rect = QRectF(x, 0.0, cycle, height)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter), self._text + SEPARATOR)
            x += cycle
        painter.end()


class ClockWidget(QWidget):
    """Hours and minutes, large, with the date beneath in Polish, in the site's time zone
    once the board knows it (`set_timezone`), the machine's until then."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] | None = None,
        locale: str = "pl",
    ) -> None:
        super().__init__(parent)
        self._now = now or (lambda: datetime.now(UTC))
        self.zone: ZoneInfo | None = None
        self.date_locale = locale
        self.time_label = QLabel(self)
        self.time_label.setObjectName("clockTime")
        self.date_label = QLabel(self)
        self.date_label.setObjectName("clockDate")
        for label in (self.time_label, self.date_label):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.time_label)
        layout.addWidget(self.date_label)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.tick()

    def set_scale(self, scale: float) -> None:
        self.time_label.setFont(board_font(64 * scale))
        self.date_label.setFont(board_font(24 * scale, bold=False))

    def set_timezone(self, name: str | None) -> None:
        zone = _zone(name)
        if zone != self.zone:
            self.zone = zone
            self.tick()

    @Slot()
    def tick(self) -> None:
        now = self._now()
        now = now.astimezone(self.zone) if self.zone is not None else now.astimezone()
        self.time_label.setText(now.strftime("%H:%M"))
        self.date_label.setText(format_date(now.date(), format="full", locale=self.date_locale))


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # an unknown zone: the machine's clock rather than none


class Blinker(QObject):
    """Toggles `lit` a number of times, then settles unlit: the newest call's blink."""

    toggled = Signal(bool)
    finished = Signal()

    def __init__(
        self, parent: QObject | None = None, *, interval_ms: int = 500, flashes: int = 8
    ) -> None:
        super().__init__(parent)
        self.flashes = flashes
        self.lit = False
        self._left = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._toggle)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self._left = self.flashes * 2 - 1
        self._set(True)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._set(False)

    @Slot()
    def _toggle(self) -> None:
        self._left -= 1
        self._set(not self.lit)
        if self._left <= 0:
            self._timer.stop()
            self._set(False)
            self.finished.emit()

    def _set(self, lit: bool) -> None:
        if lit != self.lit:
            self.lit = lit
            self.toggled.emit(lit)


class FitLabel(QLabel):
    """A label whose font shrinks below `max_pixels` when its text would not fit its box.

    Its width comes from the layout (horizontal policy Ignored), never from the font, so a
    long number ("ABC123") shrinks to fit instead of pushing the counter off the screen. It
    asks for the height of a line at `max_pixels` (not at the font it shrank to, which would
    ratchet it down) and fits the font to the height it gets as well.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_pixels = 100.0
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_max_pixels(self, pixels: float) -> None:
        self.max_pixels = pixels
        self.updateGeometry()
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        line = QFontMetricsF(board_font(self.max_pixels)).height()
        return QSize(0, math.ceil(line) + margins.top() + margins.bottom())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        pixels = self.max_pixels
        box = self.contentsRect()
        if box.width() > 0 and box.height() > 0 and self.text():
            metrics = QFontMetricsF(board_font(pixels))
            advance = metrics.horizontalAdvance(self.text())
            ratio = min(box.width() / advance, box.height() / metrics.height(), 1.0)
            if ratio < 1.0:
                pixels = max(8.0, math.floor(pixels * ratio * 0.98))
        if round(pixels) != self.font().pixelSize():
            self.setFont(board_font(pixels))
