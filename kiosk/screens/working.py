"""While the ticket is being issued and printed (or the booking checked)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.screens.base import ScreenBase, View
from kiosk.widgets import label

CENTER = Qt.AlignmentFlag.AlignHCenter


class WorkingScreen(ScreenBase):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("screen-working", parent)
        self.icon = label("⎙", "icon", align=CENTER)
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
