"""'I have an appointment': scan the booking's QR code, or type its short code.

The scanner works on every screen (see kiosk.scanner); this screen explains it and offers
an on-screen keyboard for the code printed under the QR, in the familiar QWERTY order.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kiosk.flow import Back, CodeEntered
from kiosk.keyboard import Keyboard
from kiosk.screens.base import ScreenBase, View
from kiosk.theme import PALETTE
from kiosk.widgets import button, label
from kolejka.i18n import translator

MAX_CODE_LENGTH = 16
MIN_CODE_LENGTH = 8  # the booking's short code: 8 characters, printed as ABCD-EF12
NARROW_PX = 1200  # under this width the keyboard needs the whole width


def scan_picture(size: int = 160) -> QPixmap:
    """A QR code under a scanner's beam: the gesture the visitor should make."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = QColor(PALETTE.text)
    cell = size / 11
    pattern = (
        "1111101111",
        "1000101001",
        "1010100111",
        "1000101010",
        "1111101011",
        "0000000110",
        "1101011011",
        "0110110100",
        "1011011101",
        "1100101011",
    )
    painter.fillRect(QRectF(0, 0, size, size), QColor(PALETTE.card))
    for row, bits in enumerate(pattern):
        for col, bit in enumerate(bits):
            if bit == "1":
                painter.fillRect(QRectF((col + 0.5) * cell, (row + 0.5) * cell, cell, cell), ink)
    beam = QColor(PALETTE.alert)
    beam.setAlpha(200)
    painter.fillRect(QRectF(0, size / 2 - 4, size, 8), beam)
    painter.end()
    return pixmap


def grouped(code: str) -> str:
    """'ABCDEF12' as 'ABCD-EF12', the way the confirmation prints it."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class AppointmentScreen(ScreenBase):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("screen-appointment", parent)
        self.code = ""
        self.language = "pl"
        self.title = label(role="title")
        picture = QLabel()
        picture.setPixmap(scan_picture())
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scan_hint = label(role="big", align=Qt.AlignmentFlag.AlignHCenter)
        self.scan_hint.setMinimumWidth(200)  # wraps; the keyboard beside it needs the room
        self.type_hint = label(role="subtitle")
        self.field = label(role="codeField", wrap=False)
        self.field.setObjectName("codeField")
        self.keyboard = Keyboard()
        self.keyboard.typed.connect(self.type)
        self.keyboard.deleted.connect(self.delete_last)
        self.back = button("", "back", "secondary")
        self.back.clicked.connect(lambda: self.intent.emit(Back()))
        self.submit = button("", "checkIn")
        self.submit.clicked.connect(self.submit_code)

        left = QVBoxLayout()
        left.setSpacing(24)
        left.addStretch(1)
        left.addWidget(picture)
        left.addWidget(self.scan_hint)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addWidget(self.type_hint)
        right.addWidget(self.field)
        right.addWidget(self.keyboard)
        right.addStretch(1)
        # Side by side on a wide screen; on a narrow one (a portrait kiosk) the keyboard
        # takes the whole width and the scanner's picture sits above it.
        self.middle = middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        middle.setSpacing(48)
        middle.addLayout(left, 2)
        middle.addLayout(right, 3)
        bottom = QHBoxLayout()
        bottom.addWidget(self.back)
        bottom.addStretch(1)
        bottom.addWidget(self.submit)
        column = QVBoxLayout(self)
        column.setContentsMargins(48, 16, 48, 20)
        column.setSpacing(12)
        column.addWidget(self.title)
        column.addLayout(middle, 1)
        column.addLayout(bottom)
        self._show_code()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = self.width() < NARROW_PX
        direction = QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        if self.middle.direction() != direction:
            self.middle.setDirection(direction)

    def type(self, character: str) -> None:
        if len(self.code) < MAX_CODE_LENGTH:
            self.code += character
            self._show_code()

    def delete_last(self) -> None:
        self.code = self.code[:-1]
        self._show_code()

    def submit_code(self) -> None:
        if len(self.code) >= MIN_CODE_LENGTH:
            code, self.code = self.code, ""
            self._show_code()
            self.intent.emit(CodeEntered(code))

    def _show_code(self) -> None:
        self.field.setText(grouped(self.code) if self.code else "____-____")
        self.submit.setEnabled(len(self.code) >= MIN_CODE_LENGTH)

    def typed_words(self) -> str:
        """What read aloud says after a key: the code so far, character by character."""
        _ = translator(self.language).gettext
        if not self.code:
            return _("Nothing typed yet.")
        return _("Typed: {characters}.").format(characters=" ".join(self.code))

    def show_view(self, view: View) -> None:
        _ = view._
        self.language = view.language
        self.title.setText(_("I have an appointment"))
        self.scan_hint.setText(_("Show the QR code of your booking confirmation to the scanner."))
        self.type_hint.setText(_("Or type the booking code printed under the QR code:"))
        self.back.setText("‹  " + _("Back"))
        self.submit.setText(_("Check in") + "  ›")
        self.keyboard.show_language(_)

    def clear(self) -> None:
        """Forget a half-typed code (the next visitor must not see it)."""
        self.code = ""
        self._show_code()
