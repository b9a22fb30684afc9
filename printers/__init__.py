"""Ticket printing: from "the server issued ticket A007" to a cut paper ticket.

    from printers import PrinterConfig, TicketPrint, open_printer

    printer = open_printer(PrinterConfig(kind="network", host="10.0.0.7", width_mm=80))
    printer.status()                       # PrinterStatus.ONLINE / PAPER_LOW / ... / UNKNOWN
    printer.print_ticket(TicketPrint(...)) # PrintResult; or raises a PrinterError
    printer.close()

How it is built: `layout.ticket_layout()` turns the ticket into a `Layout` (pure data:
lines with size, weight and alignment, a QR code, rules, the cut), translated through the
shared catalogues. `escpos_writer` turns a layout into ESC/POS bytes with python-escpos
for the configured printer profile, `raster` draws it as the printer's dot picture for the
preview backend and for text the printer has no code page for, and `connections` carries
the bytes over USB, TCP 9100, serial, a CUPS queue or into a file. `status` reads the
printer's real-time status bytes; `status_reporter` passes changes on. Errors:
`printers.errors`.
"""

from printers import profiles as profiles  # first: tames python-escpos's import-time logging
from printers.base import PrintResult, TicketPrinter
from printers.config import PrinterConfig
from printers.errors import (
    CoverOpen,
    PaperOut,
    PrinterConfigError,
    PrinterError,
    PrinterOffline,
    PrintFailed,
    TextNotPrintable,
)
from printers.factory import open_printer
from printers.status import PrinterStatus
from printers.status_reporter import StatusReporter
from printers.ticket import TicketPrint

__all__ = [
    "CoverOpen",
    "PaperOut",
    "PrintFailed",
    "PrintResult",
    "PrinterConfig",
    "PrinterConfigError",
    "PrinterError",
    "PrinterOffline",
    "PrinterStatus",
    "StatusReporter",
    "TextNotPrintable",
    "TicketPrint",
    "TicketPrinter",
    "open_printer",
]
