"""The one interface the kiosk holds: print a ticket, read the status, close."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from printers.status import PrinterStatus
from printers.ticket import TicketPrint


@dataclass(frozen=True)
class PrintResult:
    """What a print produced: the ESC/POS job sent (`data`) or, from the preview backend,
    the picture of the ticket (`image_path`)."""

    number: str
    data: bytes = b""
    image_path: Path | None = None


class TicketPrinter(ABC):
    """A ticket printer. Calls may come from several threads; one runs at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def print_ticket(self, ticket: TicketPrint) -> PrintResult:
        """Print and cut one ticket, or raise a `PrinterError` saying why not."""
        with self._lock:
            return self._print(ticket)

    def status(self) -> PrinterStatus:
        """The printer's state as it reports it now; UNKNOWN where it cannot say."""
        with self._lock:
            return self._status()

    def close(self) -> None:
        with self._lock:
            self._close()

    @abstractmethod
    def _print(self, ticket: TicketPrint) -> PrintResult:
        """Print under the lock."""

    @abstractmethod
    def _status(self) -> PrinterStatus:
        """Read the status under the lock."""

    @abstractmethod
    def _close(self) -> None:
        """Let go of the printer under the lock."""

    def __enter__(self) -> TicketPrinter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
