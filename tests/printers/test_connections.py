"""Each connection against a printer at the hardware edge: a TCP listener on 127.0.0.1,
a pseudo-terminal for the serial port, stand-in lp/lpstat commands for CUPS, a file."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from printers import (
    CoverOpen,
    PaperOut,
    PrinterConfig,
    PrinterConfigError,
    PrinterOffline,
    PrinterStatus,
    open_printer,
)
from printers.connections import DummyConnection, queue_status
from printers.escpos_printer import EscposTicketPrinter
from tests.printers.emulator import NetworkPrinter, SerialPrinter
from tests.printers.escpos_reader import read_job
from tests.printers.support import STATUS_URL, ticket

OK, OFFLINE, COVER, PAPER_STOP, NEAR_END, END = b"\x12", b"\x1a", b"\x16", b"\x32", b"\x1e", b"\x72"
STATES = [
    ({"printer": OK, "cause": OK, "paper": OK}, PrinterStatus.ONLINE),
    ({"printer": OK, "cause": OK, "paper": NEAR_END}, PrinterStatus.PAPER_LOW),
    ({"printer": OFFLINE, "cause": PAPER_STOP, "paper": END}, PrinterStatus.PAPER_OUT),
    ({"printer": OFFLINE, "cause": COVER, "paper": OK}, PrinterStatus.COVER_OPEN),
    ({"printer": OFFLINE, "cause": OK, "paper": OK}, PrinterStatus.OFFLINE),
    ({"printer": None, "cause": None, "paper": None}, PrinterStatus.UNKNOWN),
]


def network(printer: NetworkPrinter, **options: object) -> EscposTicketPrinter:
    config = PrinterConfig(
        kind="network", host="127.0.0.1", port=printer.port, status_timeout_s=0.3, **options
    )
    opened = open_printer(config)
    assert isinstance(opened, EscposTicketPrinter)
    return opened


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- network (TCP 9100) ----------------------------------------------------------------


def test_network_printer_receives_the_job_byte_for_byte(network_printer):
    printer = network(network_printer)
    result = printer.print_ticket(ticket())
    received = network_printer.wait_for_bytes(len(result.data))
    assert received == result.data
    job = read_job(received)
    assert "A007" in job.texts and job.qr_codes == [STATUS_URL] and job.cuts


@pytest.mark.parametrize(("answers", "expected"), STATES)
def test_network_printer_status(network_printer, answers, expected):
    network_printer.set(**answers)
    assert network(network_printer).status() is expected


def test_network_printer_that_answers_garbage_is_unknown(network_printer):
    network_printer.set(printer=b"\x00", cause=OK, paper=OK)
    assert network(network_printer).status() is PrinterStatus.UNKNOWN


def test_each_job_and_status_read_opens_its_own_connection(network_printer):
    printer = network(network_printer)
    printer.status()
    printer.print_ticket(ticket())
    printer.status()
    assert network_printer.connections == 3


@pytest.mark.parametrize(
    ("answers", "error", "code"),
    [
        ({"printer": OFFLINE, "cause": PAPER_STOP, "paper": END}, PaperOut, "paper_out"),
        ({"printer": OFFLINE, "cause": COVER, "paper": OK}, CoverOpen, "cover_open"),
        ({"printer": OFFLINE, "cause": OK, "paper": OK}, PrinterOffline, "offline"),
    ],
)
def test_a_printer_that_cannot_print_gets_no_job(network_printer, answers, error, code):
    network_printer.set(**answers)
    with pytest.raises(error) as caught:
        network(network_printer).print_ticket(ticket())
    assert caught.value.reason_code == code
    assert network_printer.job_bytes() == b""


def test_a_printer_that_does_not_answer_still_gets_the_job(network_printer):
    network_printer.set(printer=None, cause=None, paper=None)
    result = network(network_printer).print_ticket(ticket())
    assert network_printer.wait_for_bytes(len(result.data)) == result.data


def test_paper_low_still_prints(network_printer):
    network_printer.set(printer=OK, cause=OK, paper=NEAR_END)
    result = network(network_printer).print_ticket(ticket())
    assert network_printer.wait_for_bytes(len(result.data)) == result.data


def test_nobody_listening_is_offline():
    config = PrinterConfig(kind="network", host="127.0.0.1", port=free_port(), timeout_s=1)
    printer = open_printer(config)
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterOffline) as caught:
        printer.print_ticket(ticket())
    assert caught.value.reason_code == "offline"
    assert "127.0.0.1" in str(caught.value)


def test_printer_back_after_a_fault_prints_again():
    port = free_port()
    printer = open_printer(
        PrinterConfig(
            kind="network", host="127.0.0.1", port=port, timeout_s=1, status_timeout_s=0.3
        )
    )
    with pytest.raises(PrinterOffline):
        printer.print_ticket(ticket())
    emulator = NetworkPrinter(port=port)
    try:
        result = printer.print_ticket(ticket())
        assert emulator.wait_for_bytes(len(result.data)) == result.data
    finally:
        emulator.stop()


# --- serial ----------------------------------------------------------------------------


def serial(printer: SerialPrinter) -> EscposTicketPrinter:
    opened = open_printer(
        PrinterConfig(kind="serial", device=printer.device, baudrate=115200, status_timeout_s=0.3)
    )
    assert isinstance(opened, EscposTicketPrinter)
    return opened


def test_serial_printer_receives_the_job(serial_printer):
    printer = serial(serial_printer)
    result = printer.print_ticket(ticket(language="ru"))
    assert serial_printer.wait_for_bytes(len(result.data)) == result.data
    assert "Ваш номер" in read_job(result.data).texts
    printer.close()


@pytest.mark.parametrize(("answers", "expected"), STATES)
def test_serial_printer_status(serial_printer, answers, expected):
    serial_printer.set(**answers)
    printer = serial(serial_printer)
    assert printer.status() is expected
    printer.close()


def test_serial_port_that_does_not_exist_is_offline(tmp_path):
    printer = open_printer(PrinterConfig(kind="serial", device=str(tmp_path / "ttyUSB9")))
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterOffline):
        printer.print_ticket(ticket())


# --- usb -------------------------------------------------------------------------------


def test_usb_printer_that_is_not_plugged_in_is_offline():
    # No device has vendor 0xFFFE (reserved); with no USB bus at all the answer is the same.
    printer = open_printer(PrinterConfig(kind="usb", vendor_id=0xFFFE, product_id=0x0001))
    try:
        assert printer.status() is PrinterStatus.OFFLINE
        with pytest.raises(PrinterOffline) as caught:
            printer.print_ticket(ticket())
        assert "fffe:0001" in str(caught.value)
    except PrinterConfigError as exc:  # a machine without libusb says so, by type
        assert "libusb" in str(exc)


# --- cups (lp) -------------------------------------------------------------------------

LPSTAT = """#!/bin/sh
case "$1" in
  -e) echo kiosk ;;
  -v) echo "device for kiosk: usb://EPSON/TM-T20II" ;;
  -d) echo "system default destination: kiosk" ;;
  -p) if [ "$2" != kiosk ]; then
        echo "lpstat: Invalid destination name in list \\"$2\\"." >&2; exit 1
      fi
      if [ -e "$SPOOL/disabled" ]; then
        echo "printer kiosk disabled since Tue 24 Nov 2026 10:00:00 -"; echo "	Paused"
      else
        echo "printer kiosk is idle.  enabled since Tue 24 Nov 2026 10:00:00"
      fi ;;
esac
"""
LP = """#!/bin/sh
n=$(ls "$SPOOL" | wc -l)
cat > "$SPOOL/job-$n.bin"
echo "$@" > "$SPOOL/args-$n.txt"
"""


@pytest.fixture
def cups(tmp_path, monkeypatch):
    bin_dir, spool = tmp_path / "bin", tmp_path / "spool"
    bin_dir.mkdir()
    spool.mkdir()
    for name, script in (("lpstat", LPSTAT), ("lp", LP)):
        path = bin_dir / name
        path.write_text(script)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("SPOOL", str(spool))
    return spool


def test_cups_queue_gets_the_raw_job(cups: Path):
    printer = open_printer(PrinterConfig(kind="cups", queue="kiosk"))
    result = printer.print_ticket(ticket())
    jobs = sorted(cups.glob("job-*.bin"))
    assert len(jobs) == 1
    assert jobs[0].read_bytes().startswith(result.data)
    assert "-d kiosk" in (cups / "args-0.txt").read_text()
    assert "-o raw" in (cups / "args-0.txt").read_text()


def test_cups_default_queue_is_used_when_none_is_named(cups: Path):
    open_printer(PrinterConfig(kind="cups")).print_ticket(ticket())
    assert "-d kiosk" in (cups / "args-0.txt").read_text()


def test_cups_status_knows_only_the_queue(cups: Path):
    printer = open_printer(PrinterConfig(kind="cups", queue="kiosk"))
    assert printer.status() is PrinterStatus.UNKNOWN  # enabled, but paper is not CUPS's to see
    (cups / "disabled").write_text("")
    assert printer.status() is PrinterStatus.OFFLINE
    assert open_printer(PrinterConfig(kind="cups", queue="hall")).status() is PrinterStatus.OFFLINE
    assert list(cups.glob("job-*")) == []  # reading the status printed nothing


def test_cups_queue_that_does_not_exist_is_offline(cups: Path):
    with pytest.raises(PrinterOffline):
        open_printer(PrinterConfig(kind="cups", queue="hall")).print_ticket(ticket())


def test_cups_without_lp_installed_is_a_config_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrinterConfigError) as caught:
        open_printer(PrinterConfig(kind="cups", queue="kiosk"))
    assert "lp" in str(caught.value) and caught.value.reason_code == "printer_config"


@pytest.mark.parametrize(
    ("code", "output", "expected"),
    [
        (0, "printer kiosk is idle.  enabled since Tue 24 Nov", PrinterStatus.UNKNOWN),
        (0, "printer kiosk now printing kiosk-12.  enabled since …", PrinterStatus.UNKNOWN),
        (0, "printer kiosk disabled since Tue 24 Nov -\n\treason unknown", PrinterStatus.OFFLINE),
        (1, "", PrinterStatus.OFFLINE),
        (0, "", PrinterStatus.OFFLINE),
    ],
)
def test_lpstat_answers(code, output, expected):
    assert queue_status(code, output) is expected


# --- file and dummy --------------------------------------------------------------------


def test_file_gets_the_raw_job(tmp_path):
    path = tmp_path / "ticket.bin"
    printer = open_printer(PrinterConfig(kind="file", path=path))
    result = printer.print_ticket(ticket())
    assert path.read_bytes() == result.data
    assert printer.status() is PrinterStatus.UNKNOWN  # a file cannot say if paper is left


def test_file_that_cannot_be_opened_is_offline(tmp_path):
    printer = open_printer(PrinterConfig(kind="file", path=tmp_path / "no" / "such" / "lp0"))
    with pytest.raises(PrinterOffline):
        printer.print_ticket(ticket())


def test_dummy_keeps_every_job_and_cannot_answer():
    printer = open_printer(PrinterConfig(kind="dummy"))
    assert isinstance(printer, EscposTicketPrinter)
    first = printer.print_ticket(ticket(number="A007")).data
    second = printer.print_ticket(ticket(number="A008")).data
    connection = printer.connection
    assert isinstance(connection, DummyConnection)
    assert connection.output == first + second
    assert printer.status() is PrinterStatus.UNKNOWN
