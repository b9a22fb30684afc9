"""A thermal printer at the hardware edge: it keeps every byte it is sent and answers the
real-time status query DLE EOT n with the byte set for n (or stays silent), over TCP on
127.0.0.1 or over a pseudo-terminal standing in for a serial port."""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty

OK = 0x12  # the fixed bits of every status byte, nothing wrong


class StatusAnswers:
    """What the printer answers to DLE EOT n; None: it says nothing."""

    def __init__(self) -> None:
        self.by_query: dict[int, bytes | None] = {1: bytes([OK]), 2: bytes([OK]), 4: bytes([OK])}
        self.received = bytearray()
        self.lock = threading.Lock()
        self._state = 0  # bytes of a DLE EOT seen so far

    def set(
        self,
        *,
        printer: bytes | None = None,
        cause: bytes | None = None,
        paper: bytes | None = None,
    ) -> None:
        with self.lock:
            self.by_query = {1: printer, 2: cause, 4: paper}

    def feed(self, data: bytes) -> bytes:
        """Take bytes from the host; return the answers the printer sends back."""
        reply = bytearray()
        with self.lock:
            self.received += data
            for b in data:
                if self._state == 0:
                    self._state = 1 if b == 0x10 else 0
                elif self._state == 1:
                    self._state = 2 if b == 0x04 else (1 if b == 0x10 else 0)
                else:
                    self._state = 0
                    answer = self.by_query.get(b)
                    if answer:
                        reply += answer
        return bytes(reply)

    def wait_for_bytes(self, count: int, timeout: float = 10.0) -> bytes:
        """The job bytes once at least `count` of them arrived (or what came by `timeout`)."""
        deadline = time.monotonic() + timeout
        while len(data := self.job_bytes()) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return data

    def job_bytes(self) -> bytes:
        """What was sent apart from the status queries."""
        with self.lock:
            data = bytes(self.received)
        for n in (1, 2, 4):
            data = data.replace(bytes([0x10, 0x04, n]), b"")
        return data


class NetworkPrinter(StatusAnswers):
    """Listens on 127.0.0.1 (a free port), one connection at a time, like port 9100."""

    def __init__(self, port: int = 0) -> None:
        super().__init__()
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(0.1)
                while not self._stop.is_set():
                    try:
                        data = conn.recv(65536)
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                    if not data:
                        break
                    reply = self.feed(data)
                    if reply:
                        conn.sendall(reply)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.server.close()


class SerialPrinter(StatusAnswers):
    """The far end of a pseudo-terminal; `device` is the path the printer config names."""

    def __init__(self) -> None:
        super().__init__()
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.device = os.ttyname(slave)
        self._slave = slave
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            reply = self.feed(data)
            if reply:
                os.write(self.master, reply)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self.master)
        os.close(self._slave)
