"""The counter's state and its conversation with the server, apart from any widget.

Every action is one API call under the clerk's identity, run off the GUI thread. While it
is on its way every action is disabled (no double clicks); the client library retries a
lost answer with the same idempotency key, and after any failure the controller reloads
the counter from the server, so what the clerk sees is what the server holds.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from counter.state import Action, enabled_actions
from counter.texts import (
    CALLED_BACK,
    NO_SHOW_SENT,
    NO_SHOW_UNDONE,
    NOBODY_WAITING,
    PARKED,
    REACTIVATED,
    TRANSFERRED_TO_COUNTER,
    TRANSFERRED_TO_SERVICE,
    UNREACHABLE,
    WALK_IN,
)
from kolejka.client import ApiError, EventStream, KolejkaClient, ServerUnreachable
from kolejka.client.errors import ClientError
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
# A no-show waits this long before it is sent, with an Undo: F9 sits next to Finish (F8).
NO_SHOW_UNDO_MS = 5000


class CounterController(QObject):
    changed = Signal()
    message = Signal(str, str)  # text, level: info | warning | error
    notice = Signal(str)  # what an action did, for the status bar ("A023 transferred to B")
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
        # Bumped when an action's answer lands: a snapshot asked for before it is stale.
        self._generation = 0
        # After shutdown() answers still in flight change nothing: the window may be gone.
        self.closed = False
        self._stream: EventStreamThread | None = None
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_DELAY_MS)
        self._refresh.timeout.connect(self.refresh)
        self.undo_ms = NO_SHOW_UNDO_MS
        self.pending_no_show: TicketPublic | None = None
        self._no_show_due = 0.0
        self._no_show_timer = QTimer(self)
        self._no_show_timer.setSingleShot(True)
        self._no_show_timer.timeout.connect(self._send_no_show)

    # --- what the window shows ----------------------------------------------------------

    @property
    def current(self) -> TicketPublic | None:
        return self.counter.current if self.counter else None

    def enabled(self) -> frozenset[Action]:
        status = self.current.status.value if self.current else None
        state = self.counter.state.value if self.counter else None
        return enabled_actions(
            state,
            status,
            self.busy,
            parked=len(self.parked_here()),
            no_shows=len(self.no_shows_here()),
            undo=self.pending_no_show is not None,
        )

    def parked_here(self) -> list[TicketPublic]:
        """The clients this counter parked, to call back."""
        parked = self.snapshot.parked if self.snapshot else []
        return [t for t in parked if t.counter == self.number]

    def no_shows_here(self) -> list[TicketPublic]:
        """This counter's no-shows that the office still lets it reactivate."""
        gone = self.snapshot.reactivatable if self.snapshot else []
        return [t for t in gone if t.counter == self.number]

    def service_queue(self, code: str) -> ServiceQueue | None:
        for queue in self.snapshot.services if self.snapshot else []:
            if queue.code == code:
                return queue
        return None

    def service_name(self, code: str) -> str:
        queue = self.service_queue(code)
        if queue is None:
            return code
        return f"{code} — {queue.names.get(self.language) or queue.names.get('pl', code)}"

    def no_show_left_s(self) -> int:
        """Whole seconds before the pending no-show is sent."""
        if self.pending_no_show is None:
            return 0
        return max(0, round(self._no_show_due - time.monotonic()))

    def queues(self) -> list[ServiceQueue]:
        """The queues this counter serves, in its own service order."""
        if self.snapshot is None or self.counter is None:
            return []
        by_code = {q.code: q for q in self.snapshot.services}
        return [by_code[s.service] for s in self.counter.services if s.service in by_code]

    def waited_s(self, now: datetime | None = None) -> int | None:
        """How long the client at the counter has waited: until now while called, and no
        more once their service started (then `served_s` runs)."""
        ticket = self.current
        if ticket is None:
            return None
        until = ticket.started_at or now or datetime.now(UTC)
        return int((until - ticket.arrival_at).total_seconds())

    def served_s(self, now: datetime | None = None) -> int | None:
        """How long the client's service has lasted (None before it started)."""
        ticket = self.current
        if ticket is None or ticket.started_at is None:
            return None
        return int(((now or datetime.now(UTC)) - ticket.started_at).total_seconds())

    # --- lifecycle ----------------------------------------------------------------------

    def start(self, opened: CounterPublic | None = None) -> None:
        """Sign in at the counter (opens it; `opened`: the sign-in did already), then
        follow the site's events."""
        if opened is not None:
            self._took_counter(opened)
        else:
            self._run(lambda: self.client.open_counter(self.number), self._took_counter)
        token = self.client.token or ""
        stream = EventStream(self.client.base_url, self.client.site, token)
        self._stream = EventStreamThread(stream, self)
        self._stream.eventReceived.connect(self._on_event)
        self._stream.connectionChanged.connect(self._on_connection)
        self._stream.start()

    def shutdown(self) -> None:
        self.closed = True
        self._refresh.stop()
        if self.pending_no_show is not None:  # closing the app sends what it was told
            self._no_show_timer.stop()
            ticket, self.pending_no_show = self.pending_no_show, None
            # Unsent, the server keeps the client called; the clerk sees it on return.
            with contextlib.suppress(ClientError):
                self.client.mark_no_show(ticket.id)
        if self._stream is not None:
            self._stream.stop()
            self._stream = None

    # --- actions ------------------------------------------------------------------------

    def act(self, action: Action, **options: Any) -> bool:
        """Send `action` if it is enabled now; False (and nothing sent) otherwise.

        Options: `outcome` (finish), `reason` (pause), `ticket` (call back, reactivate:
        its id), `service` and `language` (serve without ticket), `service`, `counter`
        and `note` (transfer). A no-show waits `undo_ms` before it is sent (UNDO takes it
        back); any other action meanwhile sends it first."""
        if action not in self.enabled():
            return False
        if action is Action.UNDO:
            self._undo()
            return True
        if action is Action.NO_SHOW:
            self.pending_no_show = self.current
            self._no_show_due = time.monotonic() + self.undo_ms / 1000
            self._no_show_timer.start(self.undo_ms)
            self.changed.emit()
            return True
        if self.pending_no_show is not None:
            self._no_show_timer.stop()
            self._send_no_show(then=lambda: self._send(action, options))
            return True
        self._send(action, options)
        return True

    def _send(self, action: Action, options: dict[str, Any]) -> None:
        ticket = self.current
        c, n = self.client, self.number
        chosen = options.get("ticket")
        calls: dict[Action, Callable[[], Any]] = {
            Action.CALL_NEXT: lambda: c.call_next(n),
            Action.PAUSE: lambda: c.pause_counter(n, options.get("reason")),
            Action.RESUME: lambda: c.open_counter(n),
            Action.CLOSE: lambda: c.close_counter(n),
            Action.SERVE_WITHOUT_TICKET: lambda: c.serve_without_ticket(
                n, options["service"], language=options.get("language", "pl")
            ),
        }
        if chosen is not None:
            calls |= {
                Action.CALL_BACK: lambda: c.call_back_ticket(chosen),
                Action.REACTIVATE: lambda: c.reactivate_ticket(chosen),
            }
        if ticket is not None:
            t = ticket.id
            calls |= {
                Action.RECALL: lambda: c.recall_ticket(t),
                Action.START: lambda: c.start_service(t),
                Action.FINISH: lambda: c.finish_ticket(t, options.get("outcome")),
                Action.PARK: lambda: c.park_ticket(t, options.get("note")),
                Action.TRANSFER: lambda: c.transfer_ticket(
                    t,
                    service=options.get("service"),
                    counter=options.get("counter"),
                    note=options.get("note"),
                ),
            }
        if action not in calls:
            return  # e.g. a call back without a ticket chosen
        self._run(calls[action], lambda result: self._after(action, result))

    def _undo(self) -> None:
        ticket = self.pending_no_show
        self._no_show_timer.stop()
        self.pending_no_show = None
        if ticket is not None:
            self._notify(NO_SHOW_UNDONE, number=ticket.number)
        self.changed.emit()

    @Slot()
    def _send_no_show(self, then: Callable[[], None] | None = None) -> None:
        ticket = self.pending_no_show
        if ticket is None:
            return
        self.pending_no_show = None

        def sent(result: Any) -> None:
            self._after(Action.NO_SHOW, result)
            if then is not None:
                then()

        self._run(lambda: self.client.mark_no_show(ticket.id), sent)

    def _notify(self, text: str, **params: Any) -> None:
        self.notice.emit(translator(self.language).gettext(text).format(**params))

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
        if isinstance(result, TicketPublic):
            self._confirm(action, result)
        if action in (Action.FINISH, Action.NO_SHOW, Action.TRANSFER, Action.PARK):
            self._load_tally()
        if action in (Action.NO_SHOW, Action.PARK, Action.CALL_BACK, Action.REACTIVATE):
            self.refresh()  # the parked and no-show lists
        self.changed.emit()

    def _confirm(self, action: Action, ticket: TicketPublic) -> None:
        """Say in the status bar what the action did."""
        number = ticket.number
        if action is Action.TRANSFER:
            service = self.service_name(ticket.service)
            if ticket.target_counter is not None:
                self._notify(
                    TRANSFERRED_TO_COUNTER,
                    number=number,
                    service=service,
                    counter=ticket.target_counter,
                )
            else:
                self._notify(TRANSFERRED_TO_SERVICE, number=number, service=service)
        elif action is Action.NO_SHOW:
            self._notify(NO_SHOW_SENT, number=number)
        elif action is Action.PARK:
            self._notify(PARKED, number=number)
        elif action is Action.CALL_BACK:
            self._notify(CALLED_BACK, number=number)
        elif action is Action.REACTIVATE:
            self._notify(REACTIVATED, number=number)
        elif action is Action.SERVE_WITHOUT_TICKET:
            self._notify(WALK_IN, number=number)

    # --- plumbing -----------------------------------------------------------------------

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.busy = True
        self.changed.emit()
        call = ApiCall(self)
        self._calls.add(call)

        def finished(ok: bool, value: object) -> None:
            self._calls.discard(call)
            call.deleteLater()
            if self.closed:
                return
            self.busy = False
            self._generation += 1
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
        if self.closed:
            return
        call = ApiCall(self)
        self._calls.add(call)
        asked = self._generation

        def loaded(snapshot: object) -> None:
            self._calls.discard(call)
            call.deleteLater()
            assert isinstance(snapshot, QueueSnapshot)
            if self.closed:
                return
            if asked != self._generation:  # an action answered meanwhile: ask again
                self._refresh.start()
                return
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
        if self.closed:
            return
        call = ApiCall(self)
        self._calls.add(call)

        def loaded(stats: object) -> None:
            self._calls.discard(call)
            call.deleteLater()
            assert isinstance(stats, DailyStats)
            if self.closed:
                return
            self.tally = stats.counters.get(str(self.number), StatsRow())
            self.changed.emit()

        call.succeeded.connect(loaded)
        call.failed.connect(lambda _exc: self._calls.discard(call))
        call.run(self.client.daily_stats)

    @Slot(object)
    def _on_event(self, _event: object) -> None:
        if self.closed:
            return
        self._refresh.start()  # coalesces a burst of events into one reload

    @Slot(bool)
    def _on_connection(self, connected: bool) -> None:
        self.connected = connected
        self.connectionChanged.emit(connected)
        if connected:
            self._refresh.start()
        self.changed.emit()
