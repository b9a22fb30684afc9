"""The clerk's small dialogs: a pause's reason, the outcome at finish, a visitor served
without a ticket, and a list to call back a parked client or reactivate a no-show."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from counter.controller import CounterController
from counter.texts import PAUSE_REASONS
from kolejka.i18n import LANGUAGES, NATIVE_NAMES, translator
from kolejka.schemas import TicketPublic


def _buttons(dialog: QDialog, ok: str, cancel: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class PauseDialog(QDialog):
    """Why the counter pauses (counted in the statistics); Enter takes a break."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = translator(language).gettext
        self.setWindowTitle(_("Pause the counter"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Why is the counter pausing?")))
        self.reasons: dict[str, QRadioButton] = {}
        for i, (code, label) in enumerate(PAUSE_REASONS.items()):
            button = QRadioButton(f"&{i + 1}  {_(label)}")
            button.setChecked(i == 0)
            layout.addWidget(button)
            self.reasons[code] = button
        layout.addWidget(_buttons(self, _("Pause"), _("Cancel")))

    def choice(self) -> dict[str, Any]:
        reason = next(code for code, button in self.reasons.items() if button.isChecked())
        return {"reason": reason}


class FinishDialog(QDialog):
    """How the visit ended, from the service's list (the office's site configuration)."""

    def __init__(
        self, controller: CounterController, language: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        _ = translator(language).gettext
        self.setWindowTitle(_("Finish the visit"))
        ticket = controller.current
        queue = controller.service_queue(ticket.service) if ticket else None
        layout = QFormLayout(self)
        self.outcome = QComboBox()
        self.required = bool(queue and queue.outcome_required)
        if not self.required:
            self.outcome.addItem(_("— not given —"), None)
        for option in queue.outcomes if queue else []:
            name = option.names.get(language) or option.names.get("pl", option.code)
            self.outcome.addItem(name, option.code)
        layout.addRow(_("Outcome"), self.outcome)
        layout.addRow(_buttons(self, _("Finish"), _("Cancel")))

    def choice(self) -> dict[str, Any]:
        return {"outcome": self.outcome.currentData()}


class ServeWithoutTicketDialog(QDialog):
    """A visitor at the desk without a ticket: which service, which language."""

    def __init__(
        self, controller: CounterController, language: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        _ = translator(language).gettext
        self.setWindowTitle(_("Serve without a ticket"))
        layout = QFormLayout(self)
        self.service = QComboBox()
        for link in controller.counter.services if controller.counter else []:
            self.service.addItem(controller.service_name(link.service), link.service)
        self.visitor_language = QComboBox()
        for code in LANGUAGES:
            self.visitor_language.addItem(NATIVE_NAMES[code], code)
        layout.addRow(_("Service"), self.service)
        layout.addRow(_("Visitor's language"), self.visitor_language)
        layout.addRow(_buttons(self, _("Issue and serve"), _("Cancel")))

    def choice(self) -> dict[str, Any]:
        return {
            "service": self.service.currentData(),
            "language": self.visitor_language.currentData(),
        }


class TicketListDialog(QDialog):
    """Choose one of this counter's parked clients (call back) or no-shows (reactivate)."""

    def __init__(
        self,
        controller: CounterController,
        tickets: list[TicketPublic],
        *,
        title: str,
        ok: str,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        _ = translator(language).gettext
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        for ticket in tickets:
            line = f"{ticket.number}  ·  {controller.service_name(ticket.service)}"
            if ticket.note:
                line += f"  ·  {ticket.note}"
            item = QListWidgetItem(line)
            item.setData(256, ticket.id)  # Qt.UserRole
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        # As wide as the longest line, as tall as the list (up to eight lines): no scrolling.
        frame = 2 * self.list.frameWidth()
        self.list.setMinimumWidth(self.list.sizeHintForColumn(0) + frame + 24)
        rows = max(1, min(8, len(tickets)))
        self.list.setFixedHeight(rows * max(1, self.list.sizeHintForRow(0)) + frame + 8)
        layout.addWidget(self.list)
        layout.addWidget(_buttons(self, ok, _("Cancel")))

    def choice(self) -> dict[str, Any]:
        item = self.list.currentItem()
        return {"ticket": item.data(256) if item is not None else None}
