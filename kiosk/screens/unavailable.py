"""The kiosk cannot issue tickets (no server, printer fault): say so, in every language.

The visitor's language comes first and largest; the others follow, because the next
visitor may not read it. The screen leaves by itself when the fault clears.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.screens.base import ScreenBase, View
from kiosk.texts import gettext, out_of_order_text
from kiosk.widgets import label

CENTER = Qt.AlignmentFlag.AlignHCenter


class UnavailableScreen(ScreenBase):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("screen-unavailable", parent)
        self.icon = label("⚠", "icon", align=CENTER)
        self.title = label(role="title", align=CENTER)
        self.title.setObjectName("unavailableTitle")
        self.reason = label(role="alert", align=CENTER)
        self.reason.setObjectName("unavailableReason")
        self.ask = label(role="big", align=CENTER)
        self.retry = label(role="subtitle", align=CENTER)
        self.others = label(role="hint", align=CENTER)
        column = QVBoxLayout(self)
        column.setContentsMargins(64, 24, 64, 24)
        column.setSpacing(18)
        column.addStretch(1)
        for widget in (self.icon, self.title, self.reason, self.ask, self.retry):
            column.addWidget(widget)
        column.addStretch(1)
        column.addWidget(self.others)

    def show_view(self, view: View) -> None:
        state = view.state
        lang = view.language
        self.title.setText(gettext(lang, "Tickets cannot be issued right now."))
        self.reason.setText(
            out_of_order_text(lang, server_up=state.server_up, printer_fault=state.printer_fault)
        )
        self.ask.setText(gettext(lang, "Please ask at the information desk."))
        self.retry.setText(gettext(lang, "We are trying again automatically."))
        self.others.setText(
            "\n".join(
                gettext(other, "Tickets cannot be issued right now.")
                + " "
                + gettext(other, "Please ask at the information desk.")
                for other in view.languages
                if other != lang
            )
        )
