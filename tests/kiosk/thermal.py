"""The kiosk's ticket printer at the hardware edge: the network printer emulator of
tests/printers, whose paper roll can run out at a chosen moment."""

from __future__ import annotations

from collections.abc import Callable

from printers.config import PrinterConfig
from printers.status import QUERY_PAPER
from tests.printers.emulator import OK, NetworkPrinter
from tests.printers.escpos_reader import read_job

# The real-time status bytes (DLE EOT 1, 2, 4) of an empty printer and of a ready one.
PAPER_OUT = {
    "printer": bytes([OK | 0x08]),
    "cause": bytes([OK | 0x20]),
    "paper": bytes([OK | 0x60]),
}
READY = {"printer": bytes([OK]), "cause": bytes([OK]), "paper": bytes([OK])}


class RollRunsOut(NetworkPrinter):
    """A network ticket printer whose roll ends once it has answered `empty_after` paper
    status reads: from then on it says "paper end" (and, like a real one, goes offline).
    `on_empty` runs, in the printer's thread, just before it first says so."""

    def __init__(self) -> None:
        super().__init__()
        self.paper_reads = 0
        self.empty_after: int | None = None
        self.on_empty: Callable[[], None] | None = None

    def feed(self, data: bytes) -> bytes:
        reply = super().feed(data)
        if QUERY_PAPER in data:
            self.paper_reads += 1
            if PAPER_OUT["paper"] in reply and self.on_empty is not None:
                on_empty, self.on_empty = self.on_empty, None
                on_empty()
            if self.paper_reads == self.empty_after:
                self.set(**PAPER_OUT)
        return reply


def network(printer: NetworkPrinter) -> PrinterConfig:
    return PrinterConfig(kind="network", host="127.0.0.1", port=printer.port, status_timeout_s=2.0)


def printed_numbers(printer: NetworkPrinter) -> list[str]:
    """The ticket numbers that reached paper (the number line of each job)."""
    job = read_job(printer.job_bytes())
    texts = [line.text.strip() for line in job.lines]
    return [t for t in texts if len(t) >= 2 and t[0] in "ABCDE" and t[1:].isdigit()]
