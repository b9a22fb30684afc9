"""Feeds the live event stream to the board and the announcer; tells the window by signals.

Runs in the GUI thread: `EventStreamThread` delivers events through queued signals, the
board decides what changed and what to say, every call to announce goes to `speak` in
order (the announcer queues them, never overlapping), and the signals below tell the
window to redraw, blink or show the connection. This class never touches a widget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from display.board import Board, BoardCall, BoardError
from kolejka.client.qt import EventStreamThread
from kolejka.schemas import EventPublic

log = logging.getLogger(__name__)


class DisplayController(QObject):
    boardChanged = Signal()  # the board's state changed: redraw it
    callAnnounced = Signal(object)  # a BoardCall, once per call, in order
    callShown = Signal(object)  # the newest BoardCall of an update: make it stand out
    boardReset = Signal()
    onlineChanged = Signal(bool)  # the stream is connected, or lost and retrying
    refused = Signal()  # the server refused the stream (token, site): it will not retry

    def __init__(
        self,
        board: Board,
        stream: EventStreamThread | None,
        *,
        speak: Callable[[BoardCall], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.board = board
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
        self.boardChanged.emit()
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
            self.callShown.emit(update.announce[-1])

    @Slot(bool)
    def on_connection(self, online: bool) -> None:
        self.onlineChanged.emit(online)

    @Slot(object)
    def on_fatal(self, error: object) -> None:
        log.error("display: the server refused the event stream: %s", error)
        self.refused.emit()
