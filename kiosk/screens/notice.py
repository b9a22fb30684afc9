"""A refusal explained in the visitor's language, with the way back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.flow import Back
from kiosk.screens.base import ScreenBase, View
from kiosk.texts import notice_text
from kiosk.widgets import button, label

CENTER = Qt.AlignmentFlag.AlignHCenter


class NoticeScreen(ScreenBase):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("screen-notice", parent)
        self.icon = label("!", "icon", align=CENTER)
        self.title = label(role="title", align=CENTER)
        self.title.setObjectName("noticeTitle")
        self.body = label(role="big", align=CENTER)
        self.body.setObjectName("noticeBody")
        self.ok = button("", "noticeOk")
        self.ok.clicked.connect(lambda: self.intent.emit(Back()))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.ok, 1)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(96, 28, 96, 48)
        column.setSpacing(28)
        column.addStretch(1)
        column.addWidget(self.icon)
        column.addWidget(self.title)
        column.addWidget(self.body)
        column.addStretch(1)
        column.addLayout(row)

    def show_view(self, view: View) -> None:
        title, body = notice_text(view.language, view.state.notice or "")
        self.title.setText(title)
        self.body.setText(body)
        self.ok.setText(view._("OK"))
