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

# The buttons' grid, row by row; Pause and Resume share a place (one shows at a time).
ACTION_GRID: tuple[tuple[tuple[Action, ...], ...], ...] = (
    ((Action.CALL_NEXT,), (Action.RECALL,), (Action.START,)),
    ((Action.FINISH,), (Action.NO_SHOW,), (Action.TRANSFER,)),
    ((Action.PARK,), (Action.CALL_BACK,), (Action.SERVE_WITHOUT_TICKET,)),
    ((Action.REACTIVATE,), (Action.PAUSE, Action.RESUME), (Action.CLOSE,)),
)
ACTION_ORDER = tuple(a for row in ACTION_GRID for cell in row for a in cell)
# The compact view keeps the everyday buttons; the others still answer to their keys.
COMPACT_HIDDEN = frozenset(
    {Action.PARK, Action.CALL_BACK, Action.SERVE_WITHOUT_TICKET, Action.REACTIVATE, Action.CLOSE}
)


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
    def __init__(self, controller: CounterController, clerk_name: str, language: str = "pl"):
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
        body.setContentsMargins(12, 12, 12, 12)
        body.setSpacing(12)
        layout.addLayout(body, 1)

        left = QVBoxLayout()
        body.addLayout(left, 3)
        client = _card()
        cl = QGridLayout(client)
        self.number = named(QLabel(), "number")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cl.addWidget(self.number, 0, 0, 1, 4)
        self.fields: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for i, (key, caption) in enumerate(
            [
                ("service", N_("Service")),
                ("status", N_("Status")),
                ("waited", N_("Waiting")),
                ("language", N_("Language")),
                ("priority", N_("Priority")),
                ("appointment", N_("Appointment")),
            ]
        ):
            cap = named(QLabel(_(caption)), "caption")
            val = named(QLabel(), "value")
            val.setWordWrap(True)
            cl.addWidget(cap, 1 + (i // 2) * 2, (i % 2) * 2, 1, 2)
            cl.addWidget(val, 2 + (i // 2) * 2, (i % 2) * 2, 1, 2)
            self.fields[key] = val
            self.captions[key] = cap
        self.note = named(QLabel(), "note")
        self.note.setWordWrap(True)
        cl.addWidget(self.note, 8, 0, 1, 4)
        left.addWidget(client, 1)
        self.message = named(QLabel(), "message")
        self.message.setWordWrap(True)
        self.message.hide()
        left.addWidget(self.message)

        grid = QGridLayout()
        for row, cells in enumerate(ACTION_GRID):
            for column, cell in enumerate(cells):
                for action in cell:
                    grid.addWidget(self._button(action), row, column)
        left.addLayout(grid)

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
        self.compact_button = QPushButton(_("Compact view") + "\tCtrl+M")
        self.compact_button.clicked.connect(self.toggle_compact)
        self.statusBar().addWidget(self.compact_button)
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

    def _button(self, action: Action) -> QPushButton:
        # The key under the label: twelve buttons in three columns leave the queues room.
        sep = "\t" if action is Action.UNDO else "\n"
        label = f"{self._(ACTION_LABELS[action])}{sep}{SHORTCUTS[action]}"
        button = QPushButton(label)
        button.setMinimumHeight(52)
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

    @Slot()
    def toggle_compact(self) -> None:
        self.compact = not self.compact
        self.side.setVisible(not self.compact)
        self.setStyleSheet(COMPACT_STYLESHEET if self.compact else STYLESHEET)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, self.compact)
        if self.compact:
            self.resize(560, 420)
        else:
            self.resize(*FULL_SIZE)
        self.refresh_view()
        self.show()

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
        site = c.snapshot.site_name if c.snapshot and not self.compact else ""
        self.header.setText("  ·  ".join(p for p in (title, self.clerk_name, site) if p))
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
            self.notice.setText(
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
