"""The matters to choose from, as large cards, optionally grouped in two levels.

A card shows how many are waiting and the expected wait; a matter that cannot be chosen
today says why and does not react. Below: back, "I have an appointment" and, where the
office offers it, the priority toggle.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.flow import AppointmentOpened, Back, GroupOpened, PriorityToggled, ServiceChosen
from kiosk.screens.base import ScreenBase, View, pick_name
from kiosk.texts import service_meta, unavailable_label, waiting_text
from kiosk.widgets import CardButton, ToggleButton, button, clear_layout, label
from kolejka.schemas import ServicePublic


@dataclass(frozen=True)
class Card:
    """One choice on the current level: a service, or a group that opens its services."""

    key: str
    title: str
    meta: str
    reason: str | None
    group: str | None = None  # a group card opens this group
    service: str | None = None  # a service card issues a ticket for this code


def cards_for(view: View) -> list[Card]:
    lang = view.language
    state = view.state
    services = sorted(view.services, key=lambda s: (s.position, s.code))
    if state.group is not None:
        services = [s for s in services if s.group == state.group]
    cards: list[Card] = []
    seen_groups: set[str] = set()
    for service in services:
        if state.group is None and service.group:
            if service.group in seen_groups:
                continue
            seen_groups.add(service.group)
            members = [s for s in services if s.group == service.group]
            waiting = sum(s.waiting for s in members)
            available = [s for s in members if s.available]
            cards.append(
                Card(
                    key=f"group-{service.group}",
                    title=pick_name(service.group_names, lang, service.group),
                    meta=waiting_text(lang, waiting),
                    reason=None
                    if available
                    else unavailable_label(lang, members[0].unavailable_reason),
                    group=service.group,
                )
            )
            continue
        cards.append(_service_card(service, lang))
    return cards


def _service_card(service: ServicePublic, lang: str) -> Card:
    meta = service_meta(lang, service.waiting, service.estimated_wait_s)
    reason = None if service.available else unavailable_label(lang, service.unavailable_reason)
    return Card(
        key=f"service-{service.code}",
        title=pick_name(service.names, lang, service.code),
        meta=meta,
        reason=reason,
        service=service.code,
    )


class ServicesScreen(ScreenBase):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("screen-services", parent)
        self.title = label(role="title")
        self.subtitle = label(role="subtitle")
        self.cards = QWidget()
        self.cards.setObjectName("kioskPage")
        self.grid = QGridLayout(self.cards)
        self.grid.setSpacing(20)
        self.grid.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.cards)
        # Take what is left, whatever the cards would like: they scroll, the buttons stay.
        scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        QScroller.grabGesture(scroll.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.back = button("", "back", "secondary")
        self.back.clicked.connect(lambda: self.intent.emit(Back()))
        self.appointment = button("", "appointment", "secondary")
        self.appointment.clicked.connect(lambda: self.intent.emit(AppointmentOpened()))
        self.priority = ToggleButton("priority")
        self.priority.clicked.connect(lambda: self.intent.emit(PriorityToggled()))
        bottom = QHBoxLayout()
        bottom.setSpacing(20)
        bottom.addWidget(self.back)
        bottom.addWidget(self.priority, 3)
        bottom.addWidget(self.appointment, 2)
        column = QVBoxLayout(self)
        column.setContentsMargins(48, 28, 48, 28)
        column.setSpacing(18)
        column.addWidget(self.title)
        column.addWidget(self.subtitle)
        column.addWidget(scroll, 1)
        column.addLayout(bottom)
        self._shown: tuple[object, ...] | None = None

    def _columns(self) -> int:
        return 2 if self.width() >= 1100 else 1

    def show_view(self, view: View) -> None:
        _ = view._
        state = view.state
        group_title = None
        if state.group is not None:
            member = next((s for s in view.services if s.group == state.group), None)
            if member is not None:
                group_title = pick_name(member.group_names, view.language, state.group)
        self.title.setText(group_title or _("What have you come for?"))
        self.subtitle.setText(_("Tap the matter you came for."))
        self.back.setText("‹  " + _("Back"))
        self.appointment.setText("▣  " + _("I have an appointment"))
        self.priority.setVisible(view.priority_enabled)
        self.priority.set_content(
            _("Priority ticket"), _("disability, pregnancy, a small child"), state.priority
        )
        cards = cards_for(view)
        shown = (tuple(cards), self._columns())
        if shown != self._shown:
            self._shown = shown
            self._fill(cards)

    def _fill(self, cards: list[Card]) -> None:
        clear_layout(self.grid)
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        columns = self._columns()
        for column in range(max(columns, self.grid.columnCount())):
            # Equal columns, whatever the titles: a long name must not squeeze its neighbour.
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        for index, card in enumerate(cards):
            widget = CardButton(card.key)
            widget.set_content(
                card.title, card.meta, reason=card.reason, opens_more=card.group is not None
            )
            event = GroupOpened(card.group) if card.group else ServiceChosen(card.service or "")
            widget.clicked.connect(lambda _checked=False, ev=event: self.intent.emit(ev))
            self.grid.addWidget(widget, index // columns, index % columns)
        # Cards keep their own height at the top; the room below stays empty.
        self.grid.setRowStretch((len(cards) + columns - 1) // columns, 1)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self._shown is not None and self._shown[1] != self._columns():
            cards = list(self._shown[0])  # type: ignore[call-overload]
            self._shown = (self._shown[0], self._columns())
            self._fill(cards)
