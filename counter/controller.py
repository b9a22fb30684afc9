"""The counter's state and its conversation with the server, apart from any widget.

Every action is one API call under the clerk's identity, run off the GUI thread. While it
is on its way every action is disabled (no double clicks); the client library retries a
lost answer with the same idempotency key, and after any failure the controller reloads
the counter from the server, so what the clerk sees is what the server holds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from counter.state import Action, enabled_actions
from counter.texts import NOBODY_WAITING, UNREACHABLE
from kolejka.client import ApiError, EventStream, KolejkaClient, ServerUnreachable
from kolejka.client.qt import ApiCall, EventStreamThread
from kolejka.i18n import translator
from kolejka.schemas import (
    CounterPublic,
    DailyStats,
    QueueSnapshot,
    ServiceQueue,
    StatsRow,
    TicketPublic,
)

REFRESH_DELAY_MS = 250


class CounterController(QObject):
    changed = Signal()
    message = Signal(str, str)  # text, level: info | warning | error
    connectionChanged = Signal(bool)

    def __init__(
        self,
        client: KolejkaClient,
        counter: int,
        language: str = "pl",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.number = counter
        self.language = language
        self.counter: CounterPublic | None = None
        self.snapshot: QueueSnapshot | None = None
        self.tally: StatsRow | None = None
        self.connected = False
        self.busy = False
        self._calls: set[ApiCall] = set()
        self._stream: EventStreamThread | None = None
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_DELAY_MS)
        self._refresh.timeout.connect(self.refresh)

    # --- what the window shows ----------------------------------------------------------

    @property
    def current(self) -> TicketPublic | None:
        return self.counter.current if self.counter else None

    def enabled(self) -> frozenset[Action]:
        status = self.current.status.value if self.current else None
        state = self.counter.state.value if self.counter else None
        return enabled_actions(state, status, self.busy)

    def queues(self) -> list[ServiceQueue]:
        """The queues this counter serves, in its own service order."""
        if self.snapshot is None or self.counter is None:
            return []
        by_code = {q.code: q for q in self.snapshot.services}
        return [by_code[s.service] for s in self.counter.services if s.service in by_code]

    def waited_s(self, now: datetime | None = None) -> int | None:
        ticket = self.current
        if ticket is None:
            return None
        return int(((now or datetime.now(UTC)) - ticket.arrival_at).total_seconds())

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Sign in at the counter (opens it), then follow the site's events."""
        self._run(lambda: self.client.open_counter(self.number), self._took_counter)
        token = self.client.token or ""
        stream = EventStream(self.client.base_url, self.client.site, token)
        self._stream = EventStreamThread(stream, self)
        self._stream.eventReceived.connect(self._on_event)
        self._stream.connectionChanged.connect(self._on_connection)
        self._stream.start()

    def shutdown(self) -> None:
        self._refresh.stop()
        if self._stream is not None:
            self._stream.stop()
            self._stream = None

    # --- actions ------------------------------------------------------------------------

    def act(self, action: Action, **options: Any) -> bool:
        """Send `action` if it is enabled now; False (and nothing sent) otherwise."""
        if action not in self.enabled():
            return False
        ticket = self.current
        c, n = self.client, self.number
        calls: dict[Action, Callable[[], Any]] = {
            Action.CALL_NEXT: lambda: c.call_next(n),
            Action.PAUSE: lambda: c.pause_counter(n),
            Action.RESUME: lambda: c.open_counter(n),
            Action.CLOSE: lambda: c.close_counter(n),
        }
        if ticket is not None:
            t = ticket.id
            calls |= {
                Action.RECALL: lambda: c.recall_ticket(t),
                Action.START: lambda: c.start_service(t),
                Action.FINISH: lambda: c.finish_ticket(t),
                Action.NO_SHOW: lambda: c.mark_no_show(t),
                Action.TRANSFER: lambda: c.transfer_ticket(
                    t,
                    service=options.get("service"),
                    counter=options.get("counter"),
                    note=options.get("note"),
                ),
            }
        self._run(calls[action], lambda result: self._after(action, result))
        return True

    def _after(self, action: Action, result: Any) -> None:
        if isinstance(result, CounterPublic):
            self._took_counter(result)
            return
        assert self.counter is not None
        if action is Action.CALL_NEXT and result is None:
            self.message.emit(translator(self.language).gettext(NOBODY_WAITING), "info")
        at_counter = (
            isinstance(result, TicketPublic)
            and result.status.value in ("called", "serving")
            and result.counter == self.number
        )
        self.counter = self.counter.model_copy(update={"current": result if at_counter else None})
        if action in (Action.FINISH, Action.NO_SHOW, Action.TRANSFER):
            self._load_tally()
        self.changed.emit()

    # --- plumbing -----------------------------------------------------------------------

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.busy = True
        self.changed.emit()
        call = ApiCall(self)
        self._calls.add(call)

        def finished(ok: bool, value: object) -> None:
            self._calls.discard(call)
            call.deleteLater()
            self.busy = False
            if ok:
                done(value)
            else:
                self._failed(value)
            self.changed.emit()

        call.succeeded.connect(lambda value: finished(True, value))
        call.failed.connect(lambda exc: finished(False, exc))
        call.run(fn)

    def _failed(self, exc: object) -> None:
        if isinstance(exc, ApiError):
            self.message.emit(exc.detail or exc.code, "warning")
        elif isinstance(exc, ServerUnreachable):
            self.message.emit(translator(self.language).gettext(UNREACHABLE), "error")
        else:
            self.message.emit(str(exc), "error")
        self._refresh.start()  # show what the server holds, whatever happened

    def _took_counter(self, counter: CounterPublic) -> None:
        self.counter = counter
        self.changed.emit()
        self.refresh()
        self._load_tally()

    @Slot()
    def refresh(self) -> None:
        """Reload the queues and this counter from the server (off the GUI thread)."""
        call = ApiCall(self)
        self._calls.add(call)

        def loaded(snapshot: object) -> None:
            self._calls.discard(call)
            call.deleteLater()
            assert isinstance(snapshot, QueueSnapshot)
            self.snapshot = snapshot
            mine = next((c for c in snapshot.counters if c.number == self.number), None)
            if mine is not None and not self.busy:
                self.counter = mine
            self.changed.emit()

        def failed(_exc: object) -> None:
            self._calls.discard(call)
            call.deleteLater()

        call.succeeded.connect(loaded)
        call.failed.connect(failed)
        call.run(self.client.queue_snapshot)

    def _load_tally(self) -> None:
        call = ApiCall(self)
        self._calls.add(call)

        def loaded(stats: object) -> None:
            self._calls.discard(call)
            call.deleteLater()
            assert isinstance(stats, DailyStats)
            self.tally = stats.counters.get(str(self.number), StatsRow())
            self.changed.emit()

        call.succeeded.connect(loaded)
        call.failed.connect(lambda _exc: self._calls.discard(call))
        call.run(self.client.daily_stats)

    @Slot(object)
    def _on_event(self, _event: object) -> None:
        self._refresh.start()  # coalesces a burst of events into one reload

    @Slot(bool)
    def _on_connection(self, connected: bool) -> None:
        self.connected = connected
        self.connectionChanged.emit(connected)
        if connected:
            self._refresh.start()
        self.changed.emit()
