"""The blocking work behind a tap, run in a worker thread: ask, issue, print, or take back.

`TicketIssuer.issue()` and `.check_in()` look at the printer first (a known fault means no
ticket is asked for), then ask the server, then print. When printing fails after the server
issued the ticket, the kiosk cancels that ticket (a kiosk may cancel its own), so no number
that never reached paper waits in the queue; if even that fails, the ticket id is kept and
the cancellation retried with the next refresh. Nothing here touches Qt.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from kiosk.errors import PrinterUnavailable, TicketNotPrinted
from kolejka.client import ApiError, ClientError, KolejkaClient, ServerUnreachable
from kolejka.schemas import ServicePublic, TicketPublic
from printers import TicketPrint, TicketPrinter
from printers.errors import PrinterError
from printers.status import PrinterStatus

log = logging.getLogger(__name__)

# Printer states in which no ticket is asked for (the server's PrinterStatusReport values).
FAULTS = frozenset(status.value for status in PrinterStatus if not status.can_print)
# What the server may hear about a printer; other printer error codes report as unknown.
REPORTABLE = frozenset(status.value for status in PrinterStatus)


@dataclass(frozen=True)
class Unanswered:
    """An issue request whose answer never came: the server may have issued the ticket."""

    service: str
    language: str
    priority: str
    key: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class Refreshed:
    """What a background refresh learnt: the services now, and the office's name."""

    services: tuple[ServicePublic, ...]
    site_name: str
    priority_enabled: bool = True  # the office's rule; the kiosk's own setting comes on top
    timezone: str | None = None  # the office's, as the server tells it


class TicketIssuer:
    def __init__(
        self,
        client: KolejkaClient,
        printer: TicketPrinter,
        *,
        status_base: str,
        timezone: str = "Europe/Warsaw",
        site_name: str | None = None,
        read_status: Callable[[TicketPrinter], str] | None = None,
    ) -> None:
        self.client = client
        self.printer = printer
        self.status_base = status_base.rstrip("/")
        self.zone = ZoneInfo(timezone)
        self._site_name = site_name
        self._read_status = read_status or printer_status_code
        self._printer_lock = threading.Lock()  # one job at a time talks to the printer
        self._lock = threading.Lock()
        self._services: dict[str, ServicePublic] = {}
        self._reported: str | None = None  # the printer status the server last heard
        self._uncancelled: list[int] = []  # unprinted tickets still to take back
        self._unanswered: list[Unanswered] = []  # issued perhaps, answer lost on the way
        self._device_id: int | None = None  # this kiosk, as the server knows it
        self._events_seen: int | None = None  # the event log read up to here (reprints)
        # The refresh and the event stream's nudge may both look for reprints at once.
        self._reprint_lock = threading.Lock()

    # --- what the controller runs off the GUI thread -------------------------------------

    def refresh(self) -> Refreshed:
        """Services and office name; also retries leftover cancellations."""
        listing = self.client.list_services()
        services = tuple(listing.data)
        with self._lock:
            self._services = {s.code: s for s in services}
        site_name = self._site_name
        if site_name is None:
            site_name = self._site_name = self.client.queue_snapshot().site_name
        if listing.timezone:
            try:  # the printed times follow the office's zone as the server tells it
                self.zone = ZoneInfo(listing.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                log.warning("unknown time zone from the server: %r", listing.timezone)
        self._retry_cancellations()
        self._take_back_unanswered()
        self.reprint_requested()
        return Refreshed(services, site_name, listing.priority_enabled, listing.timezone)

    def printer_status(self) -> str:
        """Read the printer; tell the server when its state changed. Returns the status code."""
        with self._printer_lock:
            status = self._read_status(self.printer)
        self._report(status)
        return status

    def issue(self, service: str, language: str, priority: bool) -> TicketPublic:
        self._preflight()
        request = Unanswered(service, language, "priority" if priority else "normal")
        try:
            ticket = self.client.issue_ticket(
                request.service,
                request.language,
                request.priority,
                idempotency_key=request.key,
            )
        except ServerUnreachable as exc:
            # Refused connections never reached the server; any other loss may have come
            # after the server issued the ticket, which nobody will print.
            if not isinstance(exc.__cause__, httpx.ConnectError):
                with self._lock:
                    self._unanswered.append(request)
            raise
        return self._print(ticket)

    def check_in(self, code: str, language: str, document: str | None = None) -> TicketPublic:
        self._preflight()
        ticket = self.client.check_in(code, language, document)
        return self._print(ticket)

    def reprint_requested(self) -> list[str]:
        """Print the tickets the console asked this kiosk to print again (`kiosk.reprint`
        events since the last look; the first look only notes where the log stands).
        Runs with every refresh and whenever the event stream brings a `kiosk.reprint`;
        answers the numbers printed."""
        with self._reprint_lock:
            return self._reprint_requested()

    def _reprint_requested(self) -> list[str]:
        printed: list[str] = []
        try:
            if self._device_id is None or self._events_seen is None:
                self._device_id = self.client.who_am_i().id
                self._events_seen = self.client.list_events(after=0, limit=1).last_seq
                return printed
            while True:
                page = self.client.list_events(after=self._events_seen)
                for event in page.data:
                    self._events_seen = event.seq
                    if event.type != "kiosk.reprint":
                        continue
                    if event.payload.get("device_id") != self._device_id:
                        continue
                    ticket = TicketPublic.model_validate(event.payload["ticket"])
                    with self._printer_lock:
                        self.printer.print_ticket(self._job(ticket))
                    printed.append(ticket.number)
                if not page.data or page.last_seq <= self._events_seen:
                    return printed
        except (ClientError, PrinterError, ValueError) as exc:
            log.warning("reprint requests not handled now: %s", exc)
            return printed

    # --- steps ---------------------------------------------------------------------------

    def _preflight(self) -> None:
        status = self.printer_status()
        if status in FAULTS:
            raise PrinterUnavailable(status)

    def _job(self, ticket: TicketPublic) -> TicketPrint:
        return TicketPrint(
            site_name=self.site_name(),
            number=ticket.number,
            service_name=self.service_name(ticket.service, ticket.language),
            language=ticket.language,
            issued_at=ticket.issued_at.astimezone(self.zone),
            ahead=ticket.ahead,
            estimated_wait_s=ticket.estimated_wait_s,
            status_url=f"{self.status_base}/t/{ticket.public_id}",
            appointment_at=(
                ticket.appointment_at.astimezone(self.zone) if ticket.appointment_at else None
            ),
            priority=ticket.priority == "priority",
        )

    def _print(self, ticket: TicketPublic) -> TicketPublic:
        job = self._job(ticket)
        try:
            with self._printer_lock:
                self.printer.print_ticket(job)
        except PrinterError as exc:
            log.warning("ticket %s not printed: %s", ticket.number, exc)
            cancelled = self._cancel(ticket.id)
            self._report(exc.reason_code, str(exc))
            raise TicketNotPrinted(exc.reason_code, ticket, cancelled) from exc
        return ticket

    def site_name(self) -> str:
        if self._site_name is None:
            self._site_name = self.client.queue_snapshot().site_name
        return self._site_name

    def service_name(self, code: str, language: str) -> str:
        with self._lock:
            service = self._services.get(code)
        if service is None:  # a check-in for a service this kiosk has not listed yet
            services = self.client.list_services().data
            with self._lock:
                self._services = {s.code: s for s in services}
                service = self._services.get(code)
        if service is None:
            return code
        return service.names.get(language) or service.names.get("pl") or code

    def _cancel(self, ticket_id: int) -> bool:
        try:
            self.client.cancel_ticket(ticket_id)
        except ClientError as exc:
            log.error("could not cancel unprinted ticket %s (will retry): %s", ticket_id, exc)
            with self._lock:
                self._uncancelled.append(ticket_id)
            return False
        return True

    def _take_back_unanswered(self) -> None:
        """Ask again, with the same key, for each ticket whose answer was lost: the server
        answers the ticket it issued then (or issues one now), and the kiosk cancels it."""
        with self._lock:
            pending, self._unanswered = self._unanswered, []
        for request in pending:
            try:
                ticket = self.client.issue_ticket(
                    request.service,
                    request.language,
                    request.priority,
                    idempotency_key=request.key,
                )
            except ServerUnreachable:
                with self._lock:
                    self._unanswered.append(request)
                continue
            except ApiError as exc:  # refused now, so the first request issued nothing
                if exc.status == 429:
                    with self._lock:
                        self._unanswered.append(request)
                continue
            log.warning("taking back ticket %s whose answer was lost", ticket.number)
            self._cancel(ticket.id)

    def _retry_cancellations(self) -> None:
        with self._lock:
            pending, self._uncancelled = self._uncancelled, []
        for ticket_id in pending:
            self._cancel(ticket_id)

    def _report(self, status: str, detail: str | None = None) -> None:
        if status not in REPORTABLE:  # e.g. print_failed: the printer's state is not known
            status, detail = "unknown", f"{status}: {detail}" if detail else status
        with self._lock:
            if status == self._reported:
                return
        try:
            self.client.report_printer_status(status, detail[:500] if detail else None)
        except ClientError as exc:
            log.info("printer status %s not reported yet: %s", status, exc)
            return
        with self._lock:
            self._reported = status


def printer_status_code(printer: TicketPrinter) -> str:
    """The printer's state as one of the server's printer status codes."""
    return printer.status().value
