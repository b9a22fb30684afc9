"""The on-screen keyboard of the screens that ask for letters and digits (a booking code,
a document number): no physical keyboard at a kiosk. Digits on top, then the letters in
the familiar QWERTY order, and a wide backspace; every key is a `key` for the read-aloud
cursor, which stays on a key after it is pressed, so the next letter is one step away."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from kiosk.widgets import button

KEY_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")


class Keyboard(QWidget):
    typed = Signal(str)  # one character
    deleted = Signal()  # the last character

    def __init__(self, name: str = "key", parent: QWidget | None = None) -> None:
        """`name`: the keys' object names start with it ('key-A', 'key-delete')."""
        super().__init__(parent)
        self.setObjectName(f"{name}board")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        self.keys: dict[str, QPushButton] = {}
        for row, letters in enumerate(KEY_ROWS):
            for col, letter in enumerate(letters):
                key = button(letter, f"{name}-{letter}", "key")
                key.setProperty("typing", True)
                key.clicked.connect(lambda _checked=False, ch=letter: self.typed.emit(ch))
                grid.addWidget(key, row, col + (1 if row >= 2 else 0))
                self.keys[letter] = key
        self.delete = button("⌫", f"{name}-delete", "key")
        self.delete.setProperty("typing", True)
        self.delete.clicked.connect(self.deleted)
        grid.addWidget(self.delete, 3, 8, 1, 2)

    def show_language(self, _: Callable[[str], str]) -> None:
        self.delete.setAccessibleName(_("Delete"))
