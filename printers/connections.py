"""The ways to a printer an office has, each opened for one job or one status read.

Every connection wraps one python-escpos device class and turns its failures into our
errors: a printer that cannot be reached is `PrinterOffline`, a driver library or command
that is not installed is `PrinterConfigError`. Opening afresh for each job means a printer
that was switched off and on, or re-plugged, works again with the next ticket.

Status is read where the connection can carry an answer: TCP, USB and serial send the
printer's real-time status query (DLE EOT) and read its byte, also just before each job
so that a ticket is not sent into a printer without paper; a CUPS queue reports only
whether the queue is there and enabled; a file or the in-memory dummy cannot answer. A
query that gets no answer within `status_timeout_s` counts as no answer ("unknown").
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import socket
import subprocess
from abc import ABC, abstractmethod
from typing import Any

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import LP, Dummy, File, Network

from printers.config import PrinterConfig
from printers.errors import CoverOpen, PaperOut, PrinterConfigError, PrinterError, PrinterOffline
from printers.status import (
    QUERY_OFFLINE_CAUSE,
    QUERY_PAPER,
    QUERY_PRINTER,
    PrinterStatus,
    decode_status,
)

log = logging.getLogger(__name__)


class Connection(ABC):
    """Print a job, read the status; opens the link when needed and closes it after, or
    keeps it for the next use where reopening is costly (`keep_open`)."""

    keep_open = False

    def __init__(self, config: PrinterConfig) -> None:
        self.config = config
        self._is_open = False

    @property
    @abstractmethod
    def name(self) -> str:
        """Where the printer is, for messages ("network printer 10.0.0.7:9100")."""

    @abstractmethod
    def _device(self) -> Any:
        """The python-escpos device."""

    def print_job(self, job: bytes) -> None:
        """Send `job`; first ask the printer, where it can answer, whether it can print."""
        try:
            self._open()
            _refuse_if_cannot_print(self._status_before_print(), self.name)
            self._send(job)
        except PrinterError:
            self._release(failed=True)
            raise
        self._release(failed=False)

    def status(self) -> PrinterStatus:
        """What the printer says about itself now; UNKNOWN where it cannot say."""
        return PrinterStatus.UNKNOWN

    def close(self) -> None:
        self._is_open = False
        try:
            self._device().close()
        except Exception as exc:  # closing a dead link must not hide the job's own outcome
            log.debug("closing %s: %r", self.name, exc)

    def _open(self) -> None:
        if self._is_open:
            return
        try:
            self._device().open()
        except DeviceNotFoundError as exc:
            raise PrinterOffline(f"{self.name} cannot be opened: {exc}") from exc
        self._is_open = True

    def _release(self, *, failed: bool) -> None:
        if failed or not self.keep_open:
            self.close()

    def _status_before_print(self) -> PrinterStatus:
        """Where the link carries no answers there is nothing to ask before a job."""
        return PrinterStatus.UNKNOWN

    def _send(self, data: bytes) -> None:
        try:
            self._device()._raw(data)
        except Exception as exc:  # each driver fails in its own types; all mean the same here
            raise PrinterOffline(f"{self.name} stopped taking data: {exc!r}") from exc


def _refuse_if_cannot_print(status: PrinterStatus, name: str) -> None:
    if status is PrinterStatus.PAPER_OUT:
        raise PaperOut(f"{name} reports that it is out of paper")
    if status is PrinterStatus.COVER_OPEN:
        raise CoverOpen(f"{name} reports that its cover is open")
    if status is PrinterStatus.OFFLINE:
        raise PrinterOffline(f"{name} reports that it is offline")


class _Answering(Connection):
    """A link that carries the printer's answers back (DLE EOT 1, 2 and 4)."""

    def status(self) -> PrinterStatus:
        try:
            self._open()
            status = self._read_status()
        except PrinterOffline:
            self._release(failed=True)
            return PrinterStatus.OFFLINE
        self._release(failed=False)
        return status

    def _status_before_print(self) -> PrinterStatus:
        return self._read_status()

    def _read_status(self) -> PrinterStatus:
        printer = self._query(QUERY_PRINTER)
        if not printer:  # a printer that does not answer this will not answer the rest
            return PrinterStatus.UNKNOWN
        return decode_status(printer, self._query(QUERY_OFFLINE_CAUSE), self._query(QUERY_PAPER))

    def _query(self, command: bytes) -> bytes:
        self._send(command)
        return self._answer()

    @abstractmethod
    def _answer(self) -> bytes:
        """The printer's reply; b"" when none came within `status_timeout_s`."""


_DRAIN_S = 0.2


class _TcpPrinter(Network):
    """python-escpos's Network, but a failed connect closes its socket instead of leaking it."""

    _link: socket.socket | None = None

    def open(self, raise_not_found: bool = True) -> None:
        self.close()
        try:
            link = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            self.device = None
            raise DeviceNotFoundError(f"cannot connect: {exc}") from exc
        self.device = self._link = link

    def close(self) -> None:
        """Half-close, then take what the printer still had to say before closing: a socket
        closed with unread bytes resets the connection, which can cut off a job's tail."""
        link, self._link = self._link, None
        self.device = None  # python-escpos: set up, not connected
        if link is None:
            return
        try:
            # Already gone, or nothing more came in time: either way, done.
            with contextlib.suppress(OSError):
                link.shutdown(socket.SHUT_WR)
                link.settimeout(_DRAIN_S)
                while link.recv(4096):
                    continue
        finally:
            link.close()


class NetworkConnection(_Answering):
    def __init__(self, config: PrinterConfig) -> None:
        super().__init__(config)
        self.device = _TcpPrinter(config.host or "", port=config.port, timeout=config.timeout_s)

    @property
    def name(self) -> str:
        return f"network printer {self.config.host}:{self.config.port}"

    def _device(self) -> Any:
        return self.device

    def _answer(self) -> bytes:
        link = self.device.device
        if link is None:
            raise PrinterOffline(f"{self.name} is not connected")
        link.settimeout(self.config.status_timeout_s)
        try:
            answer = bytes(link.recv(16))
        except TimeoutError:
            return b""
        except OSError as exc:
            raise PrinterOffline(f"{self.name} dropped the connection: {exc}") from exc
        finally:
            link.settimeout(self.config.timeout_s)
        if not answer:
            raise PrinterOffline(f"{self.name} closed the connection")
        return answer


class UsbConnection(_Answering):
    keep_open = True  # python-escpos resets the USB device on every open

    def __init__(self, config: PrinterConfig) -> None:
        super().__init__(config)
        from escpos.printer.usb import is_usable

        if not is_usable():
            raise PrinterConfigError("kind: usb printing needs the pyusb package")
        from escpos.printer import Usb

        self.device = Usb(
            config.vendor_id,
            config.product_id,
            timeout=int(config.timeout_s * 1000),
            in_ep=config.usb_in_ep,
            out_ep=config.usb_out_ep,
        )

    @property
    def name(self) -> str:
        return f"USB printer {self.config.vendor_id:04x}:{self.config.product_id:04x}"

    def _device(self) -> Any:
        return self.device

    def _open(self) -> None:
        import usb.core

        try:
            super()._open()
        except usb.core.NoBackendError as exc:
            raise PrinterConfigError("kind: usb printing needs libusb-1.0 installed") from exc

    def _answer(self) -> bytes:
        import usb.core

        try:
            return bytes(
                self.device.device.read(
                    self.config.usb_in_ep, 16, int(self.config.status_timeout_s * 1000)
                )
            )
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            raise PrinterOffline(f"{self.name} stopped answering: {exc}") from exc


class SerialConnection(_Answering):
    keep_open = True  # opening a port toggles its control lines, which resets some printers

    def __init__(self, config: PrinterConfig) -> None:
        super().__init__(config)
        from escpos.printer.serial import is_usable

        if not is_usable():
            raise PrinterConfigError("kind: serial printing needs the pyserial package")
        from escpos.printer import Serial

        self.device = Serial(
            config.device or "", baudrate=config.baudrate, timeout=config.timeout_s, dsrdtr=False
        )

    @property
    def name(self) -> str:
        return f"serial printer {self.config.device}"

    def _device(self) -> Any:
        return self.device

    def _query(self, command: bytes) -> bytes:
        self.device.device.reset_input_buffer()  # a late answer to an earlier query
        return super()._query(command)

    def _answer(self) -> bytes:
        import serial

        port = self.device.device
        try:
            port.timeout = self.config.status_timeout_s
            return bytes(port.read(1))  # status answers are one byte
        except serial.SerialException as exc:
            raise PrinterOffline(f"{self.name} stopped answering: {exc}") from exc


class CupsConnection(Connection):
    """A CUPS queue, through the `lp` command in raw mode (no CUPS driver in between)."""

    def __init__(self, config: PrinterConfig) -> None:
        super().__init__(config)
        if shutil.which("lp") is None or shutil.which("lpstat") is None:
            raise PrinterConfigError(
                "kind: cups printing needs the lp and lpstat commands (Debian's cups-client)"
            )
        self.device = LP(config.queue or "")

    @property
    def name(self) -> str:
        return f"CUPS queue {self.config.queue or '(default)'}"

    def _device(self) -> Any:
        return self.device

    def status(self) -> PrinterStatus:
        queue = self.device.printer_name or self.config.queue or ""
        try:
            answer = subprocess.run(
                ["lpstat", "-p", queue],
                capture_output=True,
                text=True,
                timeout=self.config.timeout_s,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return PrinterStatus.UNKNOWN
        return queue_status(answer.returncode, answer.stdout)


def queue_status(returncode: int, lpstat_output: str) -> PrinterStatus:
    """`lpstat -p QUEUE`'s answer: a missing or disabled queue prints nothing; an enabled
    one may still be out of paper, which CUPS does not know, so that is "unknown"."""
    if returncode != 0 or not lpstat_output.strip():
        return PrinterStatus.OFFLINE
    first = lpstat_output.strip().splitlines()[0]
    if " disabled" in first:
        return PrinterStatus.OFFLINE
    return PrinterStatus.UNKNOWN


class FileConnection(Connection):
    """A device file (/dev/usb/lp0) or a plain file that receives the raw job."""

    def __init__(self, config: PrinterConfig) -> None:
        super().__init__(config)
        self.device = File(str(config.path), auto_flush=True)

    @property
    def name(self) -> str:
        return f"file {self.config.path}"

    def _device(self) -> Any:
        return self.device


class DummyConnection(Connection):
    """python-escpos's in-memory printer: keeps every byte sent, answers nothing."""

    keep_open = True

    def __init__(self, config: PrinterConfig) -> None:
        super().__init__(config)
        self.device = Dummy()

    @property
    def name(self) -> str:
        return "dummy printer"

    def _device(self) -> Any:
        return self.device

    @property
    def output(self) -> bytes:
        return bytes(self.device.output)


CONNECTIONS: dict[str, type[Connection]] = {
    "network": NetworkConnection,
    "usb": UsbConnection,
    "serial": SerialConnection,
    "cups": CupsConnection,
    "file": FileConnection,
    "dummy": DummyConnection,
}
