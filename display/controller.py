"""Wires the live event stream to the board, the window and the announcer.

Runs in the GUI thread: `EventStreamThread` delivers events through queued signals, the
board decides what changed and what to say, the window redraws and blinks, and every
call to announce goes to `speak` in order (the announcer queues them, never overlapping).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from display.board import Board, BoardCall, BoardError
from display.window import Connection, DisplayWindow
from kolejka.client.qt import EventStreamThread
from kolejka.schemas import EventPublic

log = logging.getLogger(__name__)


class DisplayController(QObject):
    callAnnounced = Signal(object)  # a BoardCall, once per call, in order
    boardReset = Signal()

    def __init__(
        self,
        board: Board,
        window: DisplayWindow,
        stream: EventStreamThread | None,
        *,
        speak: Callable[[BoardCall], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.board = board
        self.window = window
        self.stream = stream
        self.speak = speak
        self.errors: list[BoardError] = []
        if stream is not None:
            stream.eventReceived.connect(self.on_event)
            stream.connectionChanged.connect(self.on_connection)
            stream.fatalError.connect(self.on_fatal)

    def start(self) -> None:
        if self.stream is not None and not self.stream.isRunning():
            self.stream.start()

    def stop(self) -> None:
        if self.stream is not None:
            self.stream.stop()

    @Slot(object)
    def on_event(self, event: EventPublic) -> None:
        try:
            update = self.board.apply(event)
        except BoardError as exc:
            # One unreadable event must not take the hall's board down with it.
            log.warning("display: skipped %s", exc)
            self.errors.append(exc)
            return
        if update.ignored:
            return
        self.window.refresh()
        if update.reset:
            self.boardReset.emit()
        for call in update.announce:
            if self.speak is not None:
                try:
                    self.speak(call)
                except Exception:  # the board keeps running when the speaker fails
                    log.exception("display: could not announce %s", call.number)
            self.callAnnounced.emit(call)
        if update.announce:
            self.window.flash(update.announce[-1])

    @Slot(bool)
    def on_connection(self, online: bool) -> None:
        self.window.set_online(online)

    @Slot(object)
    def on_fatal(self, error: object) -> None:
        log.error("display: the server refused the event stream: %s", error)
        self.window.set_connection(Connection.REFUSED)
