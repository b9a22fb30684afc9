"""Tickets on a real ESC/POS printer (or the in-memory dummy), over any connection."""

from __future__ import annotations

from printers.base import PrintResult, TicketPrinter
from printers.config import PrinterConfig
from printers.connections import CONNECTIONS, Connection
from printers.escpos_writer import build_job
from printers.fonts import find_fonts
from printers.layout import ticket_layout
from printers.profiles import columns_for, printable_dots
from printers.status import PrinterStatus
from printers.ticket import TicketPrint


class EscposTicketPrinter(TicketPrinter):
    def __init__(self, config: PrinterConfig, connection: Connection | None = None) -> None:
        super().__init__()
        self.config = config
        self.connection = connection or CONNECTIONS[config.kind](config)
        self.columns = columns_for(printable_dots(config.profile, config.dots))
        if config.text_mode != "codepage":
            # Raster text needs the font: say so at start, not in the middle of a ticket.
            find_fonts(config.font_dir)

    def render(self, ticket: TicketPrint) -> bytes:
        """The ESC/POS job for `ticket`, without sending it."""
        layout = ticket_layout(ticket, self.config.width_mm, columns=self.columns)
        return build_job(
            layout,
            profile=self.config.profile,
            text_mode=self.config.text_mode,
            font_dir=self.config.font_dir,
        )

    def _print(self, ticket: TicketPrint) -> PrintResult:
        job = self.render(ticket)
        self.connection.print_job(job)
        return PrintResult(ticket.number, data=job)

    def _status(self) -> PrinterStatus:
        return self.connection.status()

    def _close(self) -> None:
        self.connection.close()
