"""A kiosk reports its printer's state; a change is logged for staff and admins to see."""

from __future__ import annotations

from kolejka.core.errors import Forbidden
from kolejka.core.events import EventType
from kolejka.schemas import DeviceKind, PrinterStatusPayload, PrinterStatusReport
from server.actors import Actor
from server.eventlog import append_event
from server.models import Device
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
