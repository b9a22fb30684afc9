from __future__ import annotations

from typing import get_args

import pytest

from kolejka.schemas import PrinterStatusReport
from printers.status import PrinterStatus, decode_status

OK = b"\x12"  # fixed bits only: nothing to report
OFFLINE = b"\x1a"  # bit 3
COVER = b"\x16"  # n=2 bit 2
PAPER_STOP = b"\x32"  # n=2 bit 5
ERROR = b"\x52"  # n=2 bit 6
NEAR_END = b"\x1e"  # n=4 bits 2-3
END = b"\x72"  # n=4 bits 5-6


@pytest.mark.parametrize(
    ("printer", "cause", "paper", "expected"),
    [
        (OK, OK, OK, PrinterStatus.ONLINE),
        (OK, OK, NEAR_END, PrinterStatus.PAPER_LOW),
        (OK, OK, END, PrinterStatus.PAPER_OUT),
        (OFFLINE, PAPER_STOP, END, PrinterStatus.PAPER_OUT),
        (OFFLINE, PAPER_STOP, b"", PrinterStatus.PAPER_OUT),
        (OFFLINE, COVER, OK, PrinterStatus.COVER_OPEN),
        (OFFLINE, COVER, END, PrinterStatus.COVER_OPEN),
        (OFFLINE, ERROR, OK, PrinterStatus.OFFLINE),
        (OFFLINE, b"", b"", PrinterStatus.OFFLINE),
        # No answer, or an answer that is not a status byte: unknown, never "fine".
        (b"", b"", b"", PrinterStatus.UNKNOWN),
        (b"", OK, OK, PrinterStatus.UNKNOWN),
        (b"\x00", OK, OK, PrinterStatus.UNKNOWN),
        (b"\xff", OK, OK, PrinterStatus.UNKNOWN),
        (OK, OK, b"", PrinterStatus.UNKNOWN),
        (OK, OK, b"\x41", PrinterStatus.UNKNOWN),
        (OK + b"\x1a", OK, OK, PrinterStatus.ONLINE),  # only the first byte counts
    ],
)
def test_status_bytes_decode(printer, cause, paper, expected):
    assert decode_status(printer, cause, paper) is expected


def test_status_values_are_the_servers_codes():
    server_codes = set(get_args(PrinterStatusReport.model_fields["status"].annotation))
    assert {s.value for s in PrinterStatus} == server_codes
    assert PrinterStatus.PAPER_OUT.code == "paper_out"
    assert str(PrinterStatus.ONLINE) == "online"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "W drukarce biletów kończy się papier."),
        ("en", "The ticket printer is running out of paper."),
        ("ru", "В принтере талонов заканчивается бумага."),
        ("uk", "У принтері талонів закінчується папір."),
    ],
)
def test_status_is_described_in_each_language(language, expected):
    assert PrinterStatus.PAPER_LOW.describe(language) == expected


def test_every_status_has_its_own_message():
    messages = {s.message for s in PrinterStatus}
    assert len(messages) == len(PrinterStatus)
    assert PrinterStatus.UNKNOWN.describe("pl") == "Stan drukarki biletów jest nieznany."


def test_only_faults_stop_printing():
    assert {s for s in PrinterStatus if not s.can_print} == {
        PrinterStatus.PAPER_OUT,
        PrinterStatus.COVER_OPEN,
        PrinterStatus.OFFLINE,
    }
