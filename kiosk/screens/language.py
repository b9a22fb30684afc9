"""The start screen: the four languages, each in its own words.

No flags: a language is not a country (Russian is spoken by visitors from many states,
English by most of the world), and a flag would greet some visitors with the wrong one.
Everything on this screen is written in every language at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk.flow import LanguageChosen
from kiosk.screens.base import ScreenBase, View
from kiosk.texts import gettext
from kiosk.widgets import LanguageButton, label

CENTER = Qt.AlignmentFlag.AlignHCenter


def in_pairs(languages: tuple[str, ...], message: str) -> str:
    """The message in every language, two to a line."""
    texts = [gettext(language, message) for language in languages]
    return "\n".join("  ·  ".join(texts[i : i + 2]) for i in range(0, len(texts), 2))


class LanguageScreen(ScreenBase):
    def __init__(self, languages: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__("screen-language", parent)
        self.languages = languages
        self.title = label(role="title", align=CENTER)
        self.title.setText(in_pairs(languages, "Choose your language"))
        self.banner = label(role="banner", align=CENTER)
        self.banner.setObjectName("pendingCode")
        self.banner.setText(in_pairs(languages, "Code read. Now choose your language."))
        self.hint = label(role="hint", align=CENTER)
        self.hint.setText(
            "\n".join(
                gettext(lang, "Have a booking? Scan its QR code at any time.") for lang in languages
            )
        )
        self.grid = QGridLayout()
        self.grid.setSpacing(28)
        self.buttons: list[LanguageButton] = []
        for language in languages:
            choice = LanguageButton(language, gettext(language, "Welcome"))
            choice.clicked.connect(
                lambda _checked=False, lang=language: self.intent.emit(LanguageChosen(lang))
            )
            self.buttons.append(choice)
        self._columns = 0
        column = QVBoxLayout(self)
        column.setContentsMargins(48, 32, 48, 32)
        column.setSpacing(24)
        column.addWidget(self.title)
        column.addWidget(self.banner)
        column.addLayout(self.grid, 1)
        column.addWidget(self.hint)
        self._arrange(2)

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for index, choice in enumerate(self.buttons):
            self.grid.addWidget(choice, index // columns, index % columns)

    def resizeEvent(self, event: object) -> None:
        # A portrait kiosk gets one column of wide buttons, a landscape one a 2x2 grid.
        self._arrange(1 if self.height() > self.width() * 1.2 else 2)
        super().resizeEvent(event)  # type: ignore[arg-type]

    def show_view(self, view: View) -> None:
        scanned = view.state.pending_code is not None
        self.banner.setVisible(scanned)
        self.hint.setVisible(not scanned)
