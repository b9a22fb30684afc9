"""A printer's state, and how the ESC/POS real-time status bytes map onto it.

`PrinterStatus` values are the server's printer status codes (`PrinterStatusReport`), so
`status.value` goes to the server as it is. `describe(language)` gives the words for staff.

The printer answers `DLE EOT n` with one byte. Bits 1 and 4 of every answer are 1 and bits
0 and 7 are 0; a byte that breaks that is not a status answer (line noise, a printer in
another mode) and is read as "unknown", like no answer at all. python-escpos's own
`paper_status()` reports "paper adequate" when the printer said nothing, so it is not used.
"""

from __future__ import annotations

from enum import StrEnum

from kolejka.i18n import N_, translator

# DLE EOT n: transmit real-time status.
QUERY_PRINTER = b"\x10\x04\x01"  # n=1: printer status (bit 3: offline)
QUERY_OFFLINE_CAUSE = b"\x10\x04\x02"  # n=2: bit 2 cover open, bit 5 paper end, bit 6 error
QUERY_PAPER = b"\x10\x04\x04"  # n=4: bits 2-3 paper near end, bits 5-6 paper end

_FIXED_MASK = 0x93  # bits 0, 1, 4, 7
_FIXED_BITS = 0x12  # bits 1 and 4 set, 0 and 7 clear

_OFFLINE = 0x08
_COVER_OPEN = 0x04
_STOPPED_PAPER_END = 0x20
_PAPER_END = 0x60
_PAPER_NEAR_END = 0x0C


class PrinterStatus(StrEnum):
    ONLINE = "online"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"

    @property
    def code(self) -> str:
        """The machine code (the server's and the kiosk's word for this state)."""
        return self.value

    @property
    def message(self) -> str:
        """The untranslated message; translate with `describe(language)`."""
        return _MESSAGES[self]

    @property
    def can_print(self) -> bool:
        """False where a job would certainly not come out of the printer."""
        return self not in (
            PrinterStatus.PAPER_OUT,
            PrinterStatus.COVER_OPEN,
            PrinterStatus.OFFLINE,
        )

    def describe(self, language: str) -> str:
        return translator(language).gettext(self.message)


_MESSAGES: dict[PrinterStatus, str] = {
    PrinterStatus.ONLINE: N_("The ticket printer is ready."),
    PrinterStatus.PAPER_LOW: N_("The ticket printer is running out of paper."),
    PrinterStatus.PAPER_OUT: N_("The ticket printer is out of paper."),
    PrinterStatus.COVER_OPEN: N_("The ticket printer's cover is open."),
    PrinterStatus.OFFLINE: N_("The ticket printer is not responding."),
    PrinterStatus.UNKNOWN: N_("The state of the ticket printer is unknown."),
}


def _valid(answer: bytes) -> bool:
    return len(answer) >= 1 and answer[0] & _FIXED_MASK == _FIXED_BITS


def decode_status(printer: bytes, offline_cause: bytes, paper: bytes) -> PrinterStatus:
    """The state from the answers to DLE EOT 1, 2 and 4 (empty bytes: no answer).

    Only the first byte of each answer counts. The printer's own word decides; where it
    said nothing usable, the state is unknown rather than assumed fine.
    """
    if not _valid(printer):
        return PrinterStatus.UNKNOWN
    cause = offline_cause[0] if _valid(offline_cause) else None
    roll = paper[0] if _valid(paper) else None
    if cause is not None and cause & _COVER_OPEN:
        return PrinterStatus.COVER_OPEN
    if (roll is not None and roll & _PAPER_END) or (
        cause is not None and cause & _STOPPED_PAPER_END
    ):
        return PrinterStatus.PAPER_OUT
    if printer[0] & _OFFLINE:
        return PrinterStatus.OFFLINE
    if roll is None:
        # Online, but the paper sensor did not answer: it may be empty for all we know.
        return PrinterStatus.UNKNOWN
    if roll & _PAPER_NEAR_END:
        return PrinterStatus.PAPER_LOW
    return PrinterStatus.ONLINE
