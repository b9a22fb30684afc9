"""Tell the server when the printer's state changes, and only then.

    reporter = StatusReporter(lambda s: client.report_printer_status(s.value, None))
    reporter.update(printer.status())     # reports the first reading
    reporter.update(printer.status())     # silent while nothing changed

A report that fails (the server is away) raises out of `update()` and is not remembered,
so the same state is reported again with the next reading.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from printers.base import TicketPrinter
from printers.status import PrinterStatus


class StatusReporter:
    def __init__(self, report: Callable[[PrinterStatus], object]) -> None:
        self._report = report
        self._last: PrinterStatus | None = None
        self._lock = threading.Lock()

    @property
    def last(self) -> PrinterStatus | None:
        """The state the server last heard of (None: nothing reported yet)."""
        return self._last

    def update(self, status: PrinterStatus) -> bool:
        """Report `status` if it differs from the last one reported; True if it did."""
        with self._lock:
            if status is self._last:
                return False
            self._report(status)
            self._last = status
            return True

    def poll(self, printer: TicketPrinter) -> PrinterStatus:
        """Read the printer and report a change; returns the reading."""
        status = printer.status()
        self.update(status)
        return status
