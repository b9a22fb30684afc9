"""The confirmation: the number, the matter, the wait; back to the start by itself."""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.flow import Back, MoreTime
from kiosk.screens.base import ScreenBase, View, pick_name
from kiosk.texts import ahead_text, local_time, ticket_wait_text
from kiosk.widgets import button, label

CENTER = Qt.AlignmentFlag.AlignHCenter


def qr_pixmap(text: str, size: int = 240) -> QPixmap:
    """The ticket's status link as a QR code, drawn from the code's own module matrix."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("#ffffff"))
    painter = QPainter(pixmap)
    ink = QColor("#000000")
    for row, bits in enumerate(matrix):
        for col, bit in enumerate(bits):
            if bit:
                painter.fillRect(QRectF(col * cell, row * cell, cell + 0.5, cell + 0.5), ink)
    painter.end()
    return pixmap


def status_url(base: str, public_id: str) -> str:
    return f"{base.rstrip('/')}/t/{public_id}"


class TicketScreen(ScreenBase):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("screen-ticket", parent)
        self.take = label(role="title", align=CENTER)
        self.caption = label(role="subtitle", align=CENTER)
        self.number = label(role="number", wrap=False, align=CENTER)
        self.number.setObjectName("ticketNumber")
        self.service = label(role="big", align=CENTER)
        self.service.setObjectName("ticketService")
        self.badge = label(role="banner", align=CENTER)
        self.ahead = label(role="big", align=CENTER)
        self.ahead.setObjectName("ticketAhead")
        self.wait = label(role="subtitle", align=CENTER)
        self.wait.setObjectName("ticketWait")
        card = QFrame()
        card.setObjectName("ticketCard")
        inside = QVBoxLayout(card)
        inside.setContentsMargins(32, 12, 32, 16)
        inside.setSpacing(4)
        for widget in (self.caption, self.number, self.service, self.badge, self.ahead, self.wait):
            inside.addWidget(widget)
        self.qr = QLabel()
        self.qr.setObjectName("ticketQr")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_hint = label(role="hint", align=CENTER)
        self.watch = label(role="subtitle")
        side = QVBoxLayout()
        side.setSpacing(16)
        side.addStretch(1)
        side.addWidget(self.qr)
        side.addWidget(self.qr_hint)
        side.addSpacing(24)
        side.addWidget(self.watch)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.setSpacing(48)
        middle.addWidget(card, 3)
        middle.addLayout(side, 2)
        self.countdown = label(role="hint")
        self.done = button("", "done")
        self.done.clicked.connect(lambda: self.intent.emit(Back()))
        self.more = button("", "moreTime", role="secondary")
        self.more.clicked.connect(lambda: self.intent.emit(MoreTime()))
        bottom = QHBoxLayout()
        bottom.setSpacing(16)
        bottom.addWidget(self.countdown, 1)
        bottom.addWidget(self.more)
        bottom.addWidget(self.done)
        column = QVBoxLayout(self)
        column.setContentsMargins(48, 16, 48, 20)
        column.setSpacing(12)
        column.addWidget(self.take)
        column.addLayout(middle, 1)
        column.addLayout(bottom)
        self._qr_for: str | None = None

    def show_view(self, view: View) -> None:
        ticket = view.state.ticket
        if ticket is None:
            return
        _ = view._
        lang = view.language
        self.take.setText(_("Please take your ticket from the printer."))
        self.caption.setText(_("Your number"))
        self.number.setText(ticket.number)
        service = view.service(ticket.service)
        self.service.setText(
            pick_name(service.names, lang, ticket.service) if service else ticket.service
        )
        badges = []
        if ticket.appointment_at is not None:
            badges.append(
                _("Appointment at {time}").format(
                    time=local_time(ticket.appointment_at, view.timezone)
                )
            )
        if ticket.priority == "priority":
            badges.append(_("Priority ticket"))
        self.badge.setText("  ·  ".join(badges))
        self.badge.setVisible(bool(badges))
        self.ahead.setText(ahead_text(lang, ticket.ahead))
        self.wait.setText(
            _("Estimated wait: {wait}").format(wait=ticket_wait_text(lang, ticket.estimated_wait_s))
        )
        self.wait.setVisible(bool(ticket.ahead))
        link = status_url(view.status_base, ticket.public_id)
        if link != self._qr_for:
            self._qr_for = link
            self.qr.setPixmap(qr_pixmap(link))
        self.qr_hint.setText(_("Scan to follow your place in the queue on your phone."))
        self.watch.setText(
            _("Watch the screen: your number and counter will be shown and announced.")
        )
        self.countdown.setText(
            _("Back to the start in {seconds} s").format(seconds=max(0, view.remaining_s))
        )
        self.done.setText(_("Done") + "  ✓")
        self.more.setText(_("More time"))
