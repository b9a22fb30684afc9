"""The clerk's main window: the current client, the actions, the queues, today's tally."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter.controller import CounterController
from counter.dialogs import FinishDialog, PauseDialog, ServeWithoutTicketDialog, TicketListDialog
from counter.models import QueueTableModel, minutes
from counter.state import Action
from counter.texts import (
    ACTION_LABELS,
    COUNTER_STATE_LABELS,
    NO_SHOW_PENDING,
    PAUSED_BADGES,
    PRINTER_FAULTS,
    PRIORITY_LABELS,
    SHORTCUTS,
    STATUS_LABELS,
)
from counter.theme import COMPACT_STYLESHEET, STYLESHEET, named
from counter.transfer import TransferDialog
from kolejka.gui_gc import collector
from kolejka.i18n import N_, NATIVE_NAMES, translator

# Wide enough for the queue table's longest service name (the Ukrainian "довгостроковий")
# beside three columns of action buttons.
FULL_SIZE = (1280, 720)
BUTTON_HEIGHT = 52
COMPACT_BUTTON_HEIGHT = 30  # one line of 13 px type and the padding
BODY_MARGIN = 12
COMPACT_MARGIN = 6

# The buttons' grid, row by row; Pause and Resume share a place (one shows at a time).
ACTION_GRID: tuple[tuple[tuple[Action, ...], ...], ...] = (
    ((Action.CALL_NEXT,), (Action.RECALL,), (Action.START,)),
    ((Action.FINISH,), (Action.NO_SHOW,), (Action.TRANSFER,)),
    ((Action.PARK,), (Action.CALL_BACK,), (Action.SERVE_WITHOUT_TICKET,)),
    ((Action.REACTIVATE,), (Action.PAUSE, Action.RESUME), (Action.CLOSE,)),
)
ACTION_ORDER = tuple(a for row in ACTION_GRID for cell in row for a in cell)
# The compact view keeps the everyday buttons, two a row, and the way back to the full view
# (the grid's last cell); the others still answer to their keys.
COMPACT_GRID: tuple[tuple[tuple[Action, ...], ...], ...] = (
    ((Action.CALL_NEXT,), (Action.RECALL,)),
    ((Action.START,), (Action.FINISH,)),
    ((Action.NO_SHOW,), (Action.TRANSFER,)),
    ((Action.PAUSE, Action.RESUME),),
)
COMPACT_HIDDEN = frozenset(ACTION_ORDER) - {a for row in COMPACT_GRID for c in row for a in c}
# The ticket's fields the compact view keeps (the others are in the full view), by
# (row, column, columns spanned) in the card's grid of six columns.
COMPACT_FIELD_PLACES = {
    "service": (1, 0, 6),
    "status": (3, 0, 2),
    "waited": (3, 2, 2),
    "language": (3, 4, 2),
}
COMPACT_FIELDS = tuple(COMPACT_FIELD_PLACES)
# A strip beside the clerk's case-management application: never wider than this unless a
# language's words need it (the compact view's fit test says they do not).
COMPACT_WIDTH = 480


def site_time(at: datetime, timezone: str | None) -> str:
    """HH:MM in the site's time zone (the server tells it), the machine's if unknown."""
    try:
        zone = ZoneInfo(timezone) if timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    return (at.astimezone(zone) if zone is not None else at.astimezone()).strftime("%H:%M")


def _card() -> QFrame:
    frame = QFrame()
    frame.setObjectName("card")
    return frame


class CounterWindow(QMainWindow):
    def __init__(
        self,
        controller: CounterController,
        clerk_name: str,
        language: str = "pl",
        *,
        compact: bool = False,
    ):
        super().__init__()
        self.controller = controller
        self.clerk_name = clerk_name
        self.language = language
        self._ = translator(language).gettext
        self.compact = False
        # Worker threads must never run the cyclic collector over these widgets.
        collector().pin()
        self._pinned = True
        self.setStyleSheet(STYLESHEET)
        self.resize(*FULL_SIZE)
        self.buttons: dict[Action, QPushButton] = {}
        self.actions_: dict[Action, QAction] = {}
        self._build()
        controller.changed.connect(self.refresh_view)
        controller.message.connect(self.show_message)
        controller.notice.connect(self.show_notice)
        controller.connectionChanged.connect(self._connection)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._tick_second)
        self._tick.start()
        self.refresh_view()
        if compact:
            self.set_compact(True)

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        _ = self._
        root = QWidget()
        layout = QVBoxLayout(root)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QFrame()
        header.setObjectName("headerBar")
        hl = QHBoxLayout(header)
        self.header = named(QLabel(), "header")
        self.state_badge = named(QLabel(), "badge")
        hl.addWidget(self.header, 1)
        hl.addWidget(self.state_badge)
        layout.addWidget(header)

        body = QHBoxLayout()
        body.setContentsMargins(*(BODY_MARGIN,) * 4)
        body.setSpacing(12)
        self.body = body
        layout.addLayout(body, 1)

        left = QVBoxLayout()
        body.addLayout(left, 3)
        client = _card()
        cl = QGridLayout(client)
        self.client_grid = cl
        self._card_margins = cl.contentsMargins()
        self.number = named(QLabel(), "number")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cl.addWidget(self.number, 0, 0, 1, 6)
        self.fields: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for key, caption in [
            ("service", N_("Service")),
            ("status", N_("Status")),
            ("waited", N_("Waiting")),
            ("language", N_("Language")),
            ("priority", N_("Priority")),
            ("appointment", N_("Appointment")),
        ]:
            cap = named(QLabel(_(caption)), "caption")
            val = named(QLabel(), "value")
            val.setWordWrap(True)
            self.fields[key] = val
            self.captions[key] = cap
        self._place_fields(compact=False)
        for column in range(6):
            cl.setColumnStretch(column, 1)
        self.note = named(QLabel(), "note")
        self.note.setWordWrap(True)
        cl.addWidget(self.note, 8, 0, 1, 6)
        left.addWidget(client, 1)
        self.message = named(QLabel(), "message")
        self.message.setWordWrap(True)
        self.message.hide()
        left.addWidget(self.message)
        self.left = left

        self.grid = QGridLayout()
        for action in ACTION_ORDER:
            self._button(action)
        left.addLayout(self.grid)

        self.side = QWidget()
        right = QVBoxLayout(self.side)
        right.setContentsMargins(0, 0, 0, 0)
        queues = _card()
        ql = QVBoxLayout(queues)
        ql.addWidget(named(QLabel(_("Queues at this counter")), "caption"))
        self.queue_model = QueueTableModel(self.language)
        self.queue_view = QTableView()
        self.queue_view.setModel(self.queue_model)
        self.queue_view.verticalHeader().hide()
        # Long service names wrap onto more lines rather than end in "…".
        self.queue_view.setWordWrap(True)
        self.queue_view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.queue_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        header = self.queue_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.queue_view.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.queue_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        ql.addWidget(self.queue_view)
        right.addWidget(queues, 1)
        tally = _card()
        tl = QGridLayout(tally)
        tl.addWidget(named(QLabel(_("Today at this counter")), "caption"), 0, 0, 1, 2)
        self.served = named(QLabel(), "value")
        self.service_time = named(QLabel(), "value")
        tl.addWidget(QLabel(_("Served")), 1, 0)
        tl.addWidget(self.served, 1, 1)
        tl.addWidget(QLabel(_("Typical service time")), 2, 0)
        tl.addWidget(self.service_time, 2, 1)
        right.addWidget(tally)
        body.addWidget(self.side, 2)

        self.setCentralWidget(root)
        self.connection = QLabel()
        self.statusBar().addPermanentWidget(self.connection)
        compact = QAction(self)
        compact.setShortcut(QKeySequence("Ctrl+M"))
        compact.triggered.connect(self.toggle_compact)
        self.addAction(compact)
        self.compact_button = named(QPushButton(), "viewToggle")
        self.compact_button.clicked.connect(self.toggle_compact)
        self.printers = named(QLabel(), "printerWarning")
        self.printers.hide()
        self.statusBar().addWidget(self.printers)
        # What the last action did ("A023 transferred to B"), and the no-show's Undo.
        self.notice = named(QLabel(), "notice")
        self.notice.setWordWrap(True)
        self.statusBar().addWidget(self.notice, 1)
        self.undo = self._button(Action.UNDO)
        self.undo.setMinimumHeight(0)
        self.statusBar().addWidget(self.undo)
        self._arrange(compact=False)

    def _button_text(self, action: Action, compact: bool) -> str:
        # The key under the label: twelve buttons in three columns leave the queues room.
        # The compact strip's two columns have room for it beside the label, on one line.
        sep = "\t" if compact or action is Action.UNDO else "\n"
        return f"{self._(ACTION_LABELS[action])}{sep}{SHORTCUTS[action]}"

    def _button(self, action: Action) -> QPushButton:
        button = QPushButton(self._button_text(action, compact=False))
        button.setMinimumHeight(BUTTON_HEIGHT)
        if action is Action.CALL_NEXT:
            button.setObjectName("primary")
        button.clicked.connect(lambda _c=False, a=action: self.trigger(a))
        self.buttons[action] = button
        qaction = QAction(self)
        qaction.setShortcut(QKeySequence(SHORTCUTS[action]))
        qaction.triggered.connect(lambda _c=False, a=action: self.trigger(a))
        self.addAction(qaction)
        self.actions_[action] = qaction
        return button

    # --- behaviour ----------------------------------------------------------------------

    @Slot()
    def trigger(self, action: Action) -> None:
        if action in self._dialogs:
            self.open_dialog(action)
            return
        if action is Action.FINISH and self._has_outcomes():
            self.open_dialog(action)
            return
        self.message.hide()
        self.controller.act(action)

    @property
    def _dialogs(self) -> frozenset[Action]:
        """The actions that ask something first (Finish too, where the service has outcomes)."""
        return frozenset(
            {
                Action.TRANSFER,
                Action.PAUSE,
                Action.CALL_BACK,
                Action.REACTIVATE,
                Action.SERVE_WITHOUT_TICKET,
            }
        )

    def _has_outcomes(self) -> bool:
        ticket = self.controller.current
        queue = self.controller.service_queue(ticket.service) if ticket else None
        return bool(queue and queue.outcomes)

    def open_dialog(self, action: Action) -> QDialog | None:
        """The dialog that asks what `action` needs; on OK, the action with its answer."""
        c, _ = self.controller, self._
        if action not in c.enabled():
            return None
        dialog: QDialog
        if action is Action.TRANSFER:
            dialog = TransferDialog(c, self.language, self)
        elif action is Action.PAUSE:
            dialog = PauseDialog(self.language, self)
        elif action is Action.FINISH:
            dialog = FinishDialog(c, self.language, self)
        elif action is Action.SERVE_WITHOUT_TICKET:
            dialog = ServeWithoutTicketDialog(c, self.language, self)
        elif action is Action.CALL_BACK:
            dialog = TicketListDialog(
                c,
                c.parked_here(),
                title=_("Call back a parked client"),
                ok=_("Call back"),
                language=self.language,
                parent=self,
            )
        elif action is Action.REACTIVATE:
            dialog = TicketListDialog(
                c,
                c.no_shows_here(),
                title=_("Reactivate a client who did not come"),
                ok=_("Back in line"),
                language=self.language,
                parent=self,
            )
        else:
            return None
        dialog.setStyleSheet(self.styleSheet())
        dialog.accepted.connect(lambda: c.act(action, **dialog.choice()))
        dialog.open()
        return dialog

    def open_transfer(self) -> TransferDialog | None:
        dialog = self.open_dialog(Action.TRANSFER)
        return dialog if isinstance(dialog, TransferDialog) else None

    @Slot(str)
    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        if self.compact:  # under the buttons: no empty line while there is nothing to say
            self.notice.setVisible(bool(text))

    def _place_fields(self, *, compact: bool) -> None:
        """The full view: the ticket's fields two a row. The compact view: the service across
        the strip (a long name wraps onto fewer lines), its status, wait and language under
        it three a row."""
        places = (
            COMPACT_FIELD_PLACES
            if compact
            else {key: (i // 2 * 2 + 1, i % 2 * 3, 3) for i, key in enumerate(self.fields)}
        )
        for key, (row, column, span) in places.items():
            for offset, label in enumerate((self.captions[key], self.fields[key])):
                self.client_grid.removeWidget(label)
                self.client_grid.addWidget(label, row + offset, column, 1, span)

    def _arrange(self, *, compact: bool) -> None:
        """The full view: the buttons in its grid, the view's switch, the printers' warning
        and the last action's notice in the status bar. The compact view: the buttons two a
        row with the switch in the last cell, the warning and the notice under them across
        the strip's width (the status bar keeps the connection and the Undo)."""
        bar = self.statusBar()
        for widget in (*self.buttons.values(), self.compact_button):
            self.grid.removeWidget(widget)
        moving: tuple[QWidget, ...] = (self.compact_button, self.printers, self.notice)
        for moved in moving:
            bar.removeWidget(moved)
            self.left.removeWidget(moved)
        for row, cells in enumerate(COMPACT_GRID if compact else ACTION_GRID):
            for column, cell in enumerate(cells):
                for action in cell:
                    self.grid.addWidget(self.buttons[action], row, column)
                    self.buttons[action].setText(self._button_text(action, compact))
        if compact:
            self.grid.addWidget(self.compact_button, len(COMPACT_GRID) - 1, 1)
            self.compact_button.setText(self._("Full view") + "\t" + "Ctrl+M")
            self.left.addWidget(self.printers)
            self.left.addWidget(self.notice)
        else:
            bar.insertWidget(0, self.compact_button)
            bar.insertWidget(1, self.printers)
            bar.insertWidget(2, self.notice, 1)
            self.compact_button.setText(self._("Compact view") + "\tCtrl+M")
        self.compact_button.show()
        self.printers.setWordWrap(compact)  # across the strip it may need two lines
        self.notice.setVisible(not compact or bool(self.notice.text()))
        for column in range(3):
            self.grid.setColumnStretch(column, 0 if compact and column == 2 else 1)

    def set_compact(self, on: bool) -> None:
        """The compact view: a strip with the current ticket, the everyday buttons and the
        counter's state, as narrow as its words allow; the full view at its usual size."""
        self.compact = on
        self.side.setVisible(not on)
        for key in self.fields:
            shown = not on or key in COMPACT_FIELDS
            self.fields[key].setVisible(shown)
            self.captions[key].setVisible(shown)
        self._arrange(compact=on)
        self._place_fields(compact=on)
        self.body.setContentsMargins(*(COMPACT_MARGIN if on else BODY_MARGIN,) * 4)
        self.grid.setVerticalSpacing(COMPACT_MARGIN if on else -1)
        self.client_grid.setVerticalSpacing(2 if on else -1)
        if on:
            self.client_grid.setContentsMargins(*(COMPACT_MARGIN,) * 4)
        else:
            self.client_grid.setContentsMargins(self._card_margins)
        self.left.setSpacing(COMPACT_MARGIN if on else -1)
        self.setStyleSheet(COMPACT_STYLESHEET if on else STYLESHEET)
        for action, button in self.buttons.items():
            if action is not Action.UNDO:
                button.setMinimumHeight(COMPACT_BUTTON_HEIGHT if on else BUTTON_HEIGHT)
        self.refresh_view()
        self._activate_layouts()
        if on:
            hint = self.minimumSizeHint()
            self.resize(max(COMPACT_WIDTH, hint.width()), hint.height())
        else:
            self.resize(*FULL_SIZE)

    def _activate_layouts(self) -> None:
        """The window's minimum size from the widgets shown now, not from the view before:
        the layouts recompute it here rather than when the event loop runs (a wrapped line
        found taller later is added by _fit_compact_height)."""
        central = self.centralWidget()
        for layout in (central.layout() if central is not None else None, self.layout()):
            if layout is not None:
                layout.invalidate()
                layout.activate()

    @Slot()
    def toggle_compact(self) -> None:
        # The compact strip stays above the application the clerk works in beside it.
        shown = self.isVisible()
        self.set_compact(not self.compact)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, self.compact)
        if shown:
            self.show()  # a change of the window's flags hides it

    @Slot(str, str)
    def show_message(self, text: str, level: str) -> None:
        self.message.setText(text)
        self.message.setProperty("level", level)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    @Slot(bool)
    def _connection(self, _connected: bool) -> None:
        self.refresh_view()

    @Slot()
    def refresh_view(self) -> None:
        _ = self._
        c = self.controller
        state = c.counter.state.value if c.counter else None
        title = _("Counter {number}").format(number=c.number)
        self.setWindowTitle(f"Kolejka — {title} — {self.clerk_name}")
        # The compact strip says the counter and its state; the window's title says who.
        site = c.snapshot.site_name if c.snapshot and not self.compact else ""
        clerk = "" if self.compact else self.clerk_name
        self.header.setText("  ·  ".join(p for p in (title, clerk, site) if p))
        if state == "paused" and c.counter is not None:
            reason = c.counter.pause_reason.value if c.counter.pause_reason else "break"
            self.state_badge.setText(_(PAUSED_BADGES[reason]))
        else:
            self.state_badge.setText(_(COUNTER_STATE_LABELS[state]) if state else "…")
        enabled = c.enabled()
        for action, button in self.buttons.items():
            button.setEnabled(action in enabled)
            self.actions_[action].setEnabled(action in enabled)
            button.setVisible(
                not (action is Action.RESUME and state != "paused")
                and not (action is Action.PAUSE and state == "paused")
                and not (action is Action.UNDO and c.pending_no_show is None)
                and not (self.compact and action in COMPACT_HIDDEN)
            )
        ticket = c.current
        if ticket is None:
            self.number.setObjectName("numberIdle")
            self.number.setText(_("No client at the counter"))
            for label in self.fields.values():
                label.setText("—")
            self.captions["waited"].setText(_("Waiting"))
            self.note.hide()
        else:
            self.number.setObjectName("number")
            self.number.setText(ticket.number)
            self.fields["service"].setText(self._service_name(ticket.service))
            status = "no_show" if c.pending_no_show is not None else ticket.status.value
            self.fields["status"].setText(_(STATUS_LABELS[status]))
            self.fields["language"].setText(
                f"{NATIVE_NAMES.get(ticket.language, ticket.language)} ({ticket.language})"
            )
            self.fields["priority"].setText(_(PRIORITY_LABELS[ticket.priority.value]))
            self.fields["appointment"].setText(
                site_time(ticket.appointment_at, self._site_timezone())
                if ticket.appointment_at
                else "—"
            )
            self.note.setVisible(bool(ticket.note))
            self.note.setText(_("Note: {note}").format(note=ticket.note or ""))
        self._tick_second()
        self.number.style().unpolish(self.number)
        self.number.style().polish(self.number)
        self.queue_model.set_rows(c.queues())
        tally = c.tally
        self.served.setText(str(tally.served) if tally else "—")
        self.service_time.setText(
            minutes(round(tally.service_median_s))
            if tally and tally.service_median_s is not None
            else "—"
        )
        self.connection.setText(
            ("● " + _("Connected")) if c.connected else ("○ " + _("Reconnecting…"))
        )
        faults = [
            f"⚠ {p.device}: {_(PRINTER_FAULTS[p.status])}"
            for p in (c.snapshot.printers if c.snapshot else [])
            if p.status in PRINTER_FAULTS
        ]
        self.printers.setText("   ".join(faults))
        self.printers.setVisible(bool(faults))
        if self.compact:
            QTimer.singleShot(0, self._fit_compact_height)

    @Slot()
    def _fit_compact_height(self) -> None:
        """Taller when the strip's wrapped lines (a long service name, a notice) need it:
        a top-level window grows to its layout's minimum, not to its height for its width."""
        central = self.centralWidget()
        if not self.compact or central is None:
            return
        need = central.minimumSizeHint().height()
        if central.hasHeightForWidth():
            need = max(need, central.heightForWidth(central.width()))
        target = need + self.height() - central.height()
        if target > self.height():
            self.resize(self.width(), target)

    def _service_name(self, code: str) -> str:
        snapshot = self.controller.snapshot
        for queue in snapshot.services if snapshot else []:
            if queue.code == code:
                return f"{code} — {queue.names.get(self.language) or queue.names.get('pl', code)}"
        return code

    @Slot()
    def _site_timezone(self) -> str | None:
        snapshot = self.controller.snapshot
        return snapshot.timezone if snapshot is not None else None

    @Slot()
    def _tick_second(self) -> None:
        self._update_waited()
        c = self.controller
        if c.pending_no_show is not None:
            self.show_notice(
                self._(NO_SHOW_PENDING).format(
                    number=c.pending_no_show.number, seconds=c.no_show_left_s()
                )
            )

    def _update_waited(self) -> None:
        """While called: how long the client waited (running); once served: the service's
        time (running), and the wait stops."""
        now = datetime.now(UTC)
        served = self.controller.served_s(now)
        if served is not None:
            self.captions["waited"].setText(self._("Service time"))
            self.fields["waited"].setText(minutes(max(0, served)))
            return
        self.captions["waited"].setText(self._("Waiting"))
        waited = self.controller.waited_s(now)
        self.fields["waited"].setText(minutes(max(0, waited)) if waited is not None else "—")

    def shutdown(self) -> None:
        self._tick.stop()
        self.controller.shutdown()
        if self._pinned:
            self._pinned = False
            collector().release()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
