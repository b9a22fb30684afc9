"""Kiosk errors, one tree:

KioskError
├── KioskConfigError        the configuration file or options are wrong (refused at start-up)
└── PrinterUnavailable      the printer cannot print now (`reason`: a printer status code such
    │                       as paper_out, cover_open, offline); no ticket was asked for
    └── TicketNotPrinted    the server issued `ticket` but printing it failed; `cancelled`
                            says whether the kiosk took it back, so no number that never
                            reached paper stays in the queue

Network trouble and server refusals stay `kolejka.client` errors (ServerUnreachable,
ApiError with its `.code`): the kiosk maps each to a screen, it does not re-wrap them.
"""

from __future__ import annotations

from kolejka.schemas import TicketPublic


class KioskError(Exception):
    pass


class KioskConfigError(KioskError):
    pass


class PrinterUnavailable(KioskError):
    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message or f"the ticket printer cannot print: {reason}")
        self.reason = reason


class TicketNotPrinted(PrinterUnavailable):
    def __init__(self, reason: str, ticket: TicketPublic, cancelled: bool) -> None:
        state = "cancelled" if cancelled else "NOT cancelled yet"
        super().__init__(reason, f"ticket {ticket.number} not printed ({reason}); {state}")
        self.ticket = ticket
        self.cancelled = cancelled
