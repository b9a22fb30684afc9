"""`open_printer(config)`: the configured kind of printer, ready to print."""

from __future__ import annotations

from printers.base import TicketPrinter
from printers.config import PrinterConfig
from printers.escpos_printer import EscposTicketPrinter
from printers.preview import PreviewTicketPrinter


def open_printer(config: PrinterConfig) -> TicketPrinter:
    """A printer for `config`. Raises `PrinterConfigError` where the configuration cannot
    work on this machine (a driver library, command or font missing); a printer that is
    merely switched off is not an error here: its status says offline, its prints raise
    `PrinterOffline`, and it works again once it is back."""
    if config.kind == "preview":
        return PreviewTicketPrinter(config)
    return EscposTicketPrinter(config)
