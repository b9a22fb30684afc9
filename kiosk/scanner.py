"""Reading a USB barcode scanner that presents itself as a keyboard.

Such a scanner "types" the code as a fast burst of keystrokes and ends it with Enter.
`ScanBuffer` tells that burst from stray key presses (someone leaning on a service
keyboard): characters must follow each other within `max_gap_s`, and the burst must be at
least `min_length` long. `ScannerFilter` feeds it from Qt key events aimed at one window and
swallows them, so a scanned space or Enter never presses a button.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

ENTER_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})
# Keys of a kiosk's audio keypad (read aloud): never part of a scan.
NAVIGATION_KEYS = frozenset(
    {
        Qt.Key.Key_F1,
        Qt.Key.Key_Tab,
        Qt.Key.Key_Backtab,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
    }
)


class ScanBuffer:
    def __init__(self, *, max_gap_s: float = 0.08, min_length: int = 4, max_length: int = 512):
        if max_gap_s <= 0 or min_length < 1 or max_length < min_length:
            raise ValueError("ScanBuffer needs max_gap_s > 0 and 1 <= min_length <= max_length")
        self.max_gap_s = max_gap_s
        self.min_length = min_length
        self.max_length = max_length
        self._chars: list[str] = []
        self._last: float | None = None

    def reset(self) -> None:
        self._chars.clear()
        self._last = None

    def _stale(self, at: float) -> bool:
        return self._last is not None and at - self._last > self.max_gap_s

    def feed(self, text: str, at: float) -> None:
        """A printable key arrived at monotonic time `at`."""
        if self._stale(at) or len(self._chars) + len(text) > self.max_length:
            self.reset()
        self._chars.extend(text)
        self._last = at

    def enter(self, at: float) -> str | None:
        """Enter arrived: the code if a whole burst came before it, else None."""
        code = "".join(self._chars).strip()
        complete = not self._stale(at) and len(code) >= self.min_length
        self.reset()
        return code if complete else None


class ScannerFilter(QObject):
    """Application event filter: key presses aimed at `window` become `scanned(code)`."""

    scanned = Signal(str)
    navigated = Signal(int)  # a NAVIGATION_KEYS key (Qt.Key value)
    entered = Signal()  # Enter that ended no scan: a visitor pressed it

    def __init__(
        self,
        window: QWidget,
        buffer: ScanBuffer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.buffer = buffer or ScanBuffer()
        self.clock = clock

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self.window:
            return False  # another app window in the same process (kolejka demo)
        assert isinstance(event, QKeyEvent)
        if event.isAutoRepeat():
            return True
        now = self.clock()
        if event.key() in NAVIGATION_KEYS:
            self.navigated.emit(int(event.key()))
        elif event.key() in ENTER_KEYS:
            code = self.buffer.enter(now)
            if code is not None:
                self.scanned.emit(code)
            else:
                self.entered.emit()
        elif event.text() and event.text().isprintable():
            self.buffer.feed(event.text(), now)
        return True
