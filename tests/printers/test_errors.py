from __future__ import annotations

import pytest

from printers.errors import (
    CoverOpen,
    PaperOut,
    PrinterConfigError,
    PrinterError,
    PrinterOffline,
    PrintFailed,
    TextNotPrintable,
)
from printers.status import PrinterStatus


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (PrinterConfigError, "printer_config"),
        (PrinterOffline, "offline"),
        (PaperOut, "paper_out"),
        (CoverOpen, "cover_open"),
        (TextNotPrintable, "text_not_printable"),
        (PrintFailed, "print_failed"),
    ],
)
def test_each_error_has_a_stable_reason_code(error, code):
    exc = error("details for the log")
    assert isinstance(exc, PrinterError)
    assert exc.reason_code == code
    assert str(exc) == exc.message == "details for the log"


def test_the_base_error_takes_its_code():
    exc = PrinterError("jammed", "the cutter is jammed")
    assert (exc.reason_code, str(exc)) == ("jammed", "the cutter is jammed")
    assert exc.describe("pl") == "Drukarka biletów nie działa."


def test_fault_codes_match_the_status_codes():
    for error, status in [
        (PrinterOffline, PrinterStatus.OFFLINE),
        (PaperOut, PrinterStatus.PAPER_OUT),
        (CoverOpen, PrinterStatus.COVER_OPEN),
    ]:
        assert error("x").reason_code == status.value
        for language in ("pl", "en", "ru", "uk"):
            assert error("x").describe(language) == status.describe(language)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Drukarka biletów jest nieprawidłowo skonfigurowana."),
        ("en", "The ticket printer is not set up correctly."),
        ("ru", "Принтер талонов настроен неправильно."),
        ("uk", "Принтер талонів налаштовано неправильно."),
    ],
)
def test_errors_are_described_for_people(language, expected):
    assert PrinterConfigError("no such profile").describe(language) == expected
