"""The on-screen keyboard of the screens that ask for letters and digits (a booking code,
a document number): no physical keyboard at a kiosk. Digits on top, then the letters in
the familiar QWERTY order, and a wide backspace; every key is a `key` for the read-aloud
cursor, which stays on a key after it is pressed, so the next letter is one step away.

A document's number may carry a Cyrillic series (an internal Ukrainian passport, "МК"):
that keyboard has a second page with the Ukrainian and Russian capitals in alphabetical
order (found by anyone, whichever layout they are used to), switched by a key in the
corner. It has no digits row: the 37 letters take the four rows, so both pages are the same
height and the screen fits as it did (the series comes first, the digits after it, back on
the first page). The server folds Cyrillic letters drawn like Latin ones to Latin, so
either page gives the same number for those."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QStackedLayout, QWidget

from kiosk.widgets import button

DIGITS = "1234567890"
LATIN_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
CYRILLIC_ROWS = ("АБВГҐДЕЄЁЖ", "ЗИІЇЙКЛМНО", "ПРСТУФХЦЧШ", "ЩЪЫЬЭЮЯ")
KEY_ROWS = (DIGITS, *LATIN_ROWS)
LATIN, CYRILLIC = 0, 1


class Keyboard(QWidget):
    typed = Signal(str)  # one character
    deleted = Signal()  # the last character

    def __init__(
        self, name: str = "key", parent: QWidget | None = None, cyrillic: bool = False
    ) -> None:
        """`name`: the keys' object names start with it ('key-A', 'key-delete'); the
        Cyrillic page's backspace and switch are '<name>-cyr-delete', '<name>-cyr-layout'."""
        super().__init__(parent)
        self.setObjectName(f"{name}board")
        self.name = name
        self.keys: dict[str, QPushButton] = {}
        self.deletes: list[QPushButton] = []
        self.switches: list[QPushButton] = []
        self.pages = QStackedLayout(self)
        self.pages.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(self._page((DIGITS, *LATIN_ROWS), "", cyrillic))
        if cyrillic:
            self.pages.addWidget(self._page(CYRILLIC_ROWS, "cyr-", True))

    def _page(self, rows: tuple[str, ...], prefix: str, switch: bool) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        for row, letters in enumerate(rows):
            # a short row is set in by a key, like a real keyboard's (and the corner's free)
            inset = 1 if len(letters) < len(DIGITS) else 0
            for col, letter in enumerate(letters):
                key = self._key(letter, f"{self.name}-{letter}")
                grid.addWidget(key, row, col + inset)
                self.keys[letter] = key
        last = len(rows) - 1
        delete = button("⌫", f"{self.name}-{prefix}delete", "key")
        delete.setProperty("typing", True)
        delete.clicked.connect(self.deleted)
        grid.addWidget(delete, last, 8, 1, 2)
        self.deletes.append(delete)
        if switch:
            other = CYRILLIC if prefix == "" else LATIN
            caption = "АБВ" if other == CYRILLIC else "ABC"
            key = button(caption, f"{self.name}-{prefix}layout", "key")
            key.setProperty("typing", True)
            key.setProperty("layoutKey", True)  # three letters on a one-letter key: smaller
            key.clicked.connect(lambda _checked=False, page=other: self.show_page(page))
            grid.addWidget(key, last, 0)
            self.switches.append(key)
        return page

    def _key(self, character: str, name: str) -> QPushButton:
        key = button(character, name, "key")
        key.setProperty("typing", True)
        key.clicked.connect(lambda _checked=False, ch=character: self.typed.emit(ch))
        return key

    def show_page(self, page: int) -> None:
        """Latin or Cyrillic letters; each screen starts on the Latin page."""
        if page < self.pages.count():
            self.pages.setCurrentIndex(page)

    @property
    def page(self) -> int:
        return self.pages.currentIndex()

    def set_can_delete(self, enabled: bool) -> None:
        for delete in self.deletes:
            delete.setEnabled(enabled)

    def show_language(self, _: Callable[[str], str]) -> None:
        for delete in self.deletes:
            delete.setAccessibleName(_("Delete"))
        for switch in self.switches:
            to_cyrillic = switch.text() == "АБВ"
            switch.setAccessibleName(_("Cyrillic letters") if to_cyrillic else _("Latin letters"))
