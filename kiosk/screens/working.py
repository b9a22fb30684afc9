"""While the ticket is being issued and printed (or the booking checked)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.screens.base import ScreenBase, View
from kiosk.theme import PALETTE
from kiosk.widgets import label

CENTER = Qt.AlignmentFlag.AlignHCenter


def printer_picture(size: int = 140) -> QPixmap:
    """A ticket coming out of a printer. Drawn, not a font glyph: the kiosk's font has no
    printer sign, and a missing glyph would show as an empty box."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = QColor(PALETTE.primary)
    unit = size / 14
    painter.setPen(QPen(ink, unit * 0.8))
    painter.setBrush(QColor(PALETTE.card))
    painter.drawRoundedRect(QRectF(3.5 * unit, 1 * unit, 7 * unit, 5 * unit), unit, unit)
    painter.setBrush(ink)
    painter.drawRoundedRect(QRectF(1 * unit, 5 * unit, 12 * unit, 5 * unit), unit, unit)
    painter.setBrush(QColor(PALETTE.card))
    painter.drawRect(QRectF(3.5 * unit, 8.5 * unit, 7 * unit, 4.5 * unit))  # the ticket
    painter.setPen(QPen(ink, unit * 0.6))
    for row in (10.2, 11.6):
        painter.drawLine(QPointF(5 * unit, row * unit), QPointF(9 * unit, row * unit))
    painter.end()
    return pixmap


class WorkingScreen(ScreenBase):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("screen-working", parent)
        self.icon = QLabel()
        self.icon.setPixmap(printer_picture())
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = label(role="title", align=CENTER)
        self.hint = label(role="subtitle", align=CENTER)
        column = QVBoxLayout(self)
        column.setContentsMargins(48, 28, 48, 28)
        column.addStretch(1)
        column.addWidget(self.icon)
        column.addWidget(self.title)
        column.addWidget(self.hint)
        column.addStretch(2)

    def show_view(self, view: View) -> None:
        _ = view._
        checking = view.state.activity == "check_in"
        self.title.setText(_("Checking your booking…") if checking else _("Printing your ticket…"))
        self.hint.setText(_("Please wait a moment."))
