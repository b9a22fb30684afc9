"""A kiosk reports its printer's state; a change is logged for staff and admins to see."""

from __future__ import annotations

from sqlmodel import col, select

from kolejka.core.errors import Conflict, Forbidden, NotFound
from kolejka.core.events import EventType
from kolejka.schemas import (
    DeviceKind,
    PrinterStatusPayload,
    PrinterStatusReport,
    ReprintRequested,
)
from server import repository as repo
from server.actors import Actor, require_supervisor
from server.eventlog import append_event
from server.models import Device, Ticket
from server.presenters import ticket_public
from server.transactions import Transaction, Write, WriteRunner


class PrinterStatusService:
    def __init__(self, writes: WriteRunner) -> None:
        self.writes = writes

    def report_printer_status(
        self, site_code: str, actor: Actor, report: PrinterStatusReport
    ) -> None:
        """Log a kiosk printer's state when it changes (staff and admins see the event)."""
        if actor.kind != DeviceKind.KIOSK:
            raise Forbidden("not_allowed", action="report_printer_status")
        self.writes.run_optional(Write(site_code, actor), PrinterStatusReport, self._record, report)

    @staticmethod
    def _record(tx: Transaction, report: PrinterStatusReport) -> None:
        device = tx.session.get(Device, tx.actor.id)
        if device is None or device.printer_status == report.status:
            return None
        device.printer_status = report.status
        tx.session.add(device)
        append_event(
            tx.session,
            tx.site,
            EventType.PRINTER_STATUS,
            PrinterStatusPayload(device=device.name, status=report.status, detail=report.detail),
            tx.now,
        )
        return None

    def request_reprint(
        self, site_code: str, actor: Actor, device_id: int, ticket_id: int | None = None
    ) -> ReprintRequested:
        """A supervisor (or the reception desk) asks a kiosk to print a ticket again: its
        last ticket of today, or `ticket_id`. The kiosk hears the `kiosk.reprint` event."""
        return self.writes.run(
            Write(site_code, actor), ReprintRequested, self._reprint, device_id, ticket_id
        )

    @staticmethod
    def _reprint(tx: Transaction, device_id: int, ticket_id: int | None) -> ReprintRequested:
        require_supervisor(tx.actor, "reprint_ticket")
        session = tx.session
        device = session.get(Device, device_id)
        if device is None or device.site_id != tx.site.id or device.kind != "kiosk":
            raise NotFound("device_not_found", device=device_id)
        if not device.active:
            raise Conflict("device_revoked", device=device.name)
        ticket: Ticket | None
        if ticket_id is not None:
            ticket = repo.ticket_by_id(session, tx.site, ticket_id)
        else:
            day = tx.now.astimezone(tx.site.zone).date()
            ticket = session.exec(
                select(Ticket)
                .where(
                    Ticket.site_id == tx.site.id, Ticket.device_id == device.id, Ticket.day == day
                )
                .order_by(col(Ticket.id).desc())
            ).first()
            if ticket is None:
                raise Conflict("nothing_to_reprint", device=device.name)
        view = ticket_public(session, tx.site, ticket, tx.now)
        answer = ReprintRequested(device=device.name, device_id=device.id, ticket=view)
        append_event(session, tx.site, EventType.KIOSK_REPRINT, answer, tx.now)
        return answer
