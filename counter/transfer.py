"""Transfer the client to another service's queue or to one counter, with a note. Each
counter is listed with its state, its clerk and the services it serves."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from counter.controller import CounterController
from counter.texts import COUNTER_STATE_LABELS, PAUSED_BADGES
from kolejka.i18n import translator
from kolejka.schemas import CounterPublic


class TransferDialog(QDialog):
    def __init__(
        self, controller: CounterController, language: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        _ = translator(language).gettext
        self._ = _
        self.setWindowTitle(_("Transfer the client"))
        self.controller = controller
        self.language = language
        layout = QFormLayout(self)
        self.service = QComboBox()
        snapshot = controller.snapshot
        current = controller.current
        for queue in snapshot.services if snapshot else []:
            name = queue.names.get(language) or queue.names.get("pl", queue.code)
            self.service.addItem(f"{queue.code} — {name}", queue.code)
        if current is not None:
            self.service.setCurrentIndex(max(0, self.service.findData(current.service)))
        self.counter = QComboBox()
        self.service.currentIndexChanged.connect(self._fill_counters)
        self.note = QLineEdit()
        self.note.setMaxLength(500)
        self.note.setPlaceholderText(_("e.g. needs the form for a family member"))
        layout.addRow(_("Service"), self.service)
        layout.addRow(_("Counter"), self.counter)
        layout.addRow(_("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Transfer"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self._any = _("Any counter")
        self._fill_counters()

    def _fill_counters(self) -> None:
        code = self.service.currentData()
        self.counter.clear()
        self.counter.addItem(self._any, None)
        snapshot = self.controller.snapshot
        for counter in snapshot.counters if snapshot else []:
            if counter.number == self.controller.number:
                continue  # this one: park the client instead
            if any(link.service == code for link in counter.services):
                self.counter.addItem(self.describe(counter), counter.number)

    def describe(self, counter: CounterPublic) -> str:
        """ "4 · open, Anna Nowak · A, B, C": where the client would go, and who is there."""
        _ = self._
        state = counter.state.value
        if state == "paused":
            label = _(PAUSED_BADGES.get(counter.pause_reason or "break", PAUSED_BADGES["break"]))
        else:
            label = _(COUNTER_STATE_LABELS[state])
        if counter.clerk:
            label += f", {counter.clerk}"
        services = ", ".join(link.service for link in counter.services)
        return f"{counter.number}  ·  {label}  ·  {services}"

    def choice(self) -> dict[str, Any]:
        return {
            "service": self.service.currentData(),
            "counter": self.counter.currentData(),
            "note": self.note.text().strip() or None,
        }
