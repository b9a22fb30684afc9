"""The kiosk's Qt controller: runs the flow, its timers and its off-thread work.

It owns the `KioskState`, feeds events to `kiosk.flow.step`, and runs what comes back:
issuing and check-in go to a worker thread through `ApiCall`, as do the background
refresh of services (which doubles as the "is the server there?" probe) and the printer
status poll. Results come back as flow events in the GUI thread. Widgets only render the
state and send events; this class never touches a widget.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from kiosk.errors import PrinterUnavailable
from kiosk.flow import (
    CheckIn,
    Command,
    Event,
    Issue,
    KioskState,
    MoreTime,
    PrinterFailed,
    PrinterRecovered,
    Screen,
    ServerDown,
    ServerUp,
    TicketReady,
    TimedOut,
    WorkFailed,
    step,
)
from kiosk.issuing import FAULTS, Refreshed, TicketIssuer
from kolejka.client import ApiError, ServerUnreachable
from kolejka.client.qt import ApiCall, EventStreamThread
from kolejka.core.events import EventType
from kolejka.schemas import EventPublic, ServicePublic, TicketPublic
from printers.errors import PrinterError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timing:
    idle_timeout_s: float = 45.0
    confirmation_s: float = 10.0
    refresh_s: float = 15.0
    retry_s: float = 5.0
    printer_poll_s: float = 30.0


PATIENT_FACTOR = 3.0


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class KioskController(QObject):
    stateChanged = Signal(object)  # KioskState
    servicesChanged = Signal(object)  # tuple[ServicePublic, ...]
    siteNameChanged = Signal(str)
    timedOut = Signal()  # the visitor left: the next one gets the kiosk as configured

    def __init__(
        self,
        issuer: TicketIssuer,
        timing: Timing = Timing(),
        state: KioskState | None = None,
        parent: QObject | None = None,
        stream: EventStreamThread | None = None,
    ) -> None:
        super().__init__(parent)
        self.issuer = issuer
        # The site's events: a reprint the console asks for prints at once, a changed
        # configuration shows at once, not at the next refresh (which stays the backstop).
        self.stream = stream
        self.timing = timing
        self.state = state or KioskState()
        self.services: tuple[ServicePublic, ...] = ()
        self.site_name = ""
        self.site_timezone: str | None = None  # the office's zone, once the server told it
        self.site_priority = True  # does the office issue priority tickets at all?
        self._stopped = False
        self.patience = 1.0  # read aloud: every time-out lasts PATIENT_FACTOR times longer

        self._work = ApiCall(self)
        self._work.succeeded.connect(self._on_work_done)
        self._work.failed.connect(self._on_work_failed)
        self._refresh_call = ApiCall(self)
        self._refresh_call.succeeded.connect(self._on_refreshed)
        self._refresh_call.failed.connect(self._on_refresh_failed)
        self._printer_call = ApiCall(self)
        self._printer_call.succeeded.connect(self._on_printer_status)
        self._printer_call.failed.connect(self._on_printer_status_failed)
        self._reprint_call = ApiCall(self)
        self._reprint_call.succeeded.connect(self._on_reprinted)
        self._reprint_call.failed.connect(self._on_reprinted)
        self._reprint_again = False
        if stream is not None:
            stream.eventReceived.connect(self._on_event)
            stream.fatalError.connect(self._on_stream_refused)

        self._idle = self._timer(timing.idle_timeout_s, self._on_timeout)
        self._confirm = self._timer(timing.confirmation_s, self._on_timeout)
        self._refresh_timer = self._timer(timing.refresh_s, self.refresh)
        self._printer_timer = self._timer(timing.printer_poll_s, self.poll_printer)

    def _timer(self, seconds: float, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(_ms(seconds))
        timer.timeout.connect(slot)
        return timer

    # --- life ----------------------------------------------------------------------------

    def start(self) -> None:
        self.refresh()
        self.poll_printer()
        if self.stream is not None:
            self.stream.start()

    def stop(self, wait_ms: int = 10_000) -> None:
        """Stop the timers and let running work finish, so no result lands on a dead object."""
        self._stopped = True
        for timer in (self._idle, self._confirm, self._refresh_timer, self._printer_timer):
            timer.stop()
        if self.stream is not None:
            self.stream.stop()
        calls = (self._work, self._refresh_call, self._printer_call, self._reprint_call)
        if any(call.running for call in calls):
            QThreadPool.globalInstance().waitForDone(wait_ms)

    # --- the site's events ---------------------------------------------------------------

    @Slot(object)
    def _on_event(self, event: EventPublic) -> None:
        if self._stopped:
            return
        if event.type == EventType.SITE_CONFIGURED:
            self.refresh()  # names, hours, limits as the console left them
        elif event.type in (EventType.KIOSK_REPRINT, EventType.RESET):
            self.reprint()  # a reset: the stream was away; look what it missed

    def reprint(self) -> None:
        """Print what the console asked this kiosk to print again (off the GUI thread)."""
        if self._stopped:
            return
        if self._reprint_call.running:
            self._reprint_again = True  # the running look may have read the log already
            return
        self._reprint_call.run(self.issuer.reprint_requested)

    @Slot(object)
    def _on_reprinted(self, _result: object) -> None:
        if self._reprint_again:
            self._reprint_again = False
            self.reprint()

    @Slot(object)
    def _on_stream_refused(self, error: object) -> None:
        log.error("the server refused the kiosk's event stream: %s", error)

    # --- input ---------------------------------------------------------------------------

    @Slot(object)
    def dispatch(self, event: Event) -> None:
        if self._stopped:
            return
        if isinstance(event, MoreTime):
            self.more_time()
            return
        old = self.state
        self.state, commands = step(old, event)
        for command in commands:
            self._run(command)
        self._arm(old, self.state)
        if self.state != old:
            self.stateChanged.emit(self.state)

    @Slot()
    def touch(self) -> None:
        """The visitor did something: the idle countdown starts again."""
        if self._idle.isActive():
            self._idle.start()

    def remaining_s(self) -> int:
        """Seconds until the confirmation screen goes back to the start."""
        if not self._confirm.isActive():
            return 0
        return round(self._confirm.remainingTime() / 1000)

    def idle_remaining_s(self) -> int | None:
        """Seconds until an unattended screen goes back to the start (None: no countdown)."""
        if not self._idle.isActive():
            return None
        return round(self._idle.remainingTime() / 1000)

    @Slot()
    def more_time(self) -> None:
        """The visitor asked for more time: the running countdown starts again, doubled."""
        if self._confirm.isActive():
            self._confirm.start(_ms(2 * self.timing.confirmation_s * self.patience))
        if self._idle.isActive():
            self._idle.start(_ms(2 * self.timing.idle_timeout_s * self.patience))

    def set_patient(self, on: bool) -> None:
        """Longer time-outs for a visitor who listens to the screen instead of reading it."""
        self.patience = PATIENT_FACTOR if on else 1.0
        self._reset_intervals()
        if on:
            self.more_time()

    # --- commands ------------------------------------------------------------------------

    def _run(self, command: Command) -> None:
        match command:
            case Issue(service, language, priority):
                # A choice made before the office turned priority tickets off is not sent.
                priority = priority and self.site_priority
                self._work.run(self.issuer.issue, service, language, priority)
            case CheckIn(code, language, document):
                self._work.run(self.issuer.check_in, code, language, document)

    def _reset_intervals(self) -> None:
        """The countdowns' lengths as configured, times the read-aloud patience."""
        self._idle.setInterval(_ms(self.timing.idle_timeout_s * self.patience))
        self._confirm.setInterval(_ms(self.timing.confirmation_s * self.patience))

    def _arm(self, old: KioskState, new: KioskState) -> None:
        if new.screen is Screen.LANGUAGE and old.screen is not Screen.LANGUAGE:
            self._reset_intervals()  # time asked for by the last visitor does not carry over
        if new.screen is Screen.TICKET:
            if old.screen is not Screen.TICKET:
                self._confirm.start()
        else:
            self._confirm.stop()
        if new.screen in (Screen.WORKING, Screen.TICKET) or self._stopped:
            self._idle.stop()
        elif new != old or not self._idle.isActive():
            self._idle.start()

    @Slot()
    def _on_timeout(self) -> None:
        self.dispatch(TimedOut())
        self.timedOut.emit()

    # --- issuing and check-in ------------------------------------------------------------

    @Slot(object)
    def _on_work_done(self, ticket: TicketPublic) -> None:
        self.dispatch(TicketReady(ticket))
        self.refresh()  # the waiting counts just changed

    @Slot(object)
    def _on_work_failed(self, error: Exception) -> None:
        if isinstance(error, PrinterUnavailable):
            self.dispatch(WorkFailed("printer", error.reason))
            self._printer_timer.start(_ms(self.timing.retry_s))
        elif isinstance(error, ServerUnreachable):
            self.dispatch(WorkFailed("server", "server_unreachable"))
            self._refresh_timer.start(_ms(self.timing.retry_s))
        elif isinstance(error, ApiError):
            left = error.params.get("tries_left")
            tries_left = left if isinstance(left, int) and not isinstance(left, bool) else None
            self.dispatch(WorkFailed("refused", error.code, tries_left))
            self.refresh()  # the refusal (a limit, closing time) shows on the cards too
        else:
            log.error("ticket work failed unexpectedly: %r", error)
            self.dispatch(WorkFailed("refused", "error"))

    # --- background refresh: services, office name, server health ------------------------

    @Slot()
    def refresh(self) -> None:
        if self._stopped or self._refresh_call.running:
            return
        self._refresh_timer.stop()
        self._refresh_call.run(self.issuer.refresh)

    @Slot(object)
    def _on_refreshed(self, refreshed: Refreshed) -> None:
        if self._stopped:
            return
        if refreshed.timezone and known_zone(refreshed.timezone):
            self.site_timezone = refreshed.timezone
        if refreshed.site_name != self.site_name:
            self.site_name = refreshed.site_name
            self.siteNameChanged.emit(self.site_name)
        if (refreshed.services, refreshed.priority_enabled) != (self.services, self.site_priority):
            self.services = refreshed.services
            self.site_priority = refreshed.priority_enabled
            self.servicesChanged.emit(self.services)
        self.dispatch(ServerUp())
        self._refresh_timer.start(_ms(self.timing.refresh_s))

    @Slot(object)
    def _on_refresh_failed(self, error: Exception) -> None:
        if self._stopped:
            return
        if not isinstance(error, ServerUnreachable):
            # A wrong token or site: the visitor sees "ask at the desk", staff see the log.
            log.error("the server refused the kiosk's refresh: %s", error)
        self.dispatch(ServerDown())
        self._refresh_timer.start(_ms(self.timing.retry_s))

    # --- printer -------------------------------------------------------------------------

    @Slot()
    def poll_printer(self) -> None:
        if self._stopped or self._printer_call.running:
            return
        self._printer_timer.stop()
        self._printer_call.run(self.issuer.printer_status)

    @Slot(object)
    def _on_printer_status(self, status: str) -> None:
        if self._stopped:
            return
        if status in FAULTS:
            self.dispatch(PrinterFailed(status))
            self._printer_timer.start(_ms(self.timing.retry_s))
            return
        if self.state.printer_fault is not None:
            self.dispatch(PrinterRecovered())
        self._printer_timer.start(_ms(self.timing.printer_poll_s))

    @Slot(object)
    def _on_printer_status_failed(self, error: Exception) -> None:
        if self._stopped:
            return
        if isinstance(error, PrinterError):
            self.dispatch(PrinterFailed(error.reason_code))
        else:
            log.error("reading the printer status failed: %r", error)
        self._printer_timer.start(_ms(self.timing.retry_s))
