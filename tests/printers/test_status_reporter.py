from __future__ import annotations

import pytest

from printers import PrinterConfig, PrinterStatus, StatusReporter, open_printer
from tests.printers.emulator import NetworkPrinter


def test_reports_the_first_reading_and_then_only_changes():
    heard: list[PrinterStatus] = []
    reporter = StatusReporter(heard.append)
    readings = [
        PrinterStatus.ONLINE,
        PrinterStatus.ONLINE,
        PrinterStatus.PAPER_LOW,
        PrinterStatus.PAPER_LOW,
        PrinterStatus.PAPER_OUT,
        PrinterStatus.ONLINE,
    ]
    changed = [reporter.update(status) for status in readings]
    assert heard == [
        PrinterStatus.ONLINE,
        PrinterStatus.PAPER_LOW,
        PrinterStatus.PAPER_OUT,
        PrinterStatus.ONLINE,
    ]
    assert changed == [True, False, True, False, True, True]
    assert reporter.last is PrinterStatus.ONLINE


def test_a_failed_report_is_tried_again_with_the_next_reading():
    heard: list[PrinterStatus] = []
    failing = True

    def report(status: PrinterStatus) -> None:
        if failing:
            raise ConnectionError("server away")
        heard.append(status)

    reporter = StatusReporter(report)
    with pytest.raises(ConnectionError):
        reporter.update(PrinterStatus.COVER_OPEN)
    assert reporter.last is None
    failing = False
    assert reporter.update(PrinterStatus.COVER_OPEN)
    assert heard == [PrinterStatus.COVER_OPEN]


def test_poll_reads_the_printer_and_reports_its_changes(network_printer: NetworkPrinter):
    printer = open_printer(
        PrinterConfig(
            kind="network", host="127.0.0.1", port=network_printer.port, status_timeout_s=0.3
        )
    )
    heard: list[str] = []
    reporter = StatusReporter(lambda status: heard.append(status.value))
    reporter.poll(printer)
    network_printer.set(printer=b"\x1a", cause=b"\x16", paper=b"\x12")  # cover opened
    reporter.poll(printer)
    reporter.poll(printer)
    network_printer.set(printer=None, cause=None, paper=None)  # it stopped answering
    assert reporter.poll(printer) is PrinterStatus.UNKNOWN
    assert heard == ["online", "cover_open", "unknown"]
