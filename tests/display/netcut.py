"""A TCP relay between a device and the server whose cable the test can pull.

`cut()` drops every open connection and stops listening, so new connections are refused
(the display sees a dead network while the server keeps working for the clerks);
`restore()` plugs it back in on the same port. `cut(refuse=False)` keeps listening but
hangs up on every connection before it says a word (a half-started proxy or server).
"""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.support import free_port


class NetworkCut:
    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self._open: set[socket.socket] = set()
        self._hang_up = False
        self.hung_up = 0  # connections refused by hanging up
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.restore()

    def restore(self) -> None:
        self._hang_up = False
        if self._listener is not None:
            return
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._thread = threading.Thread(target=self._accept, args=(self._listener,), daemon=True)
        self._thread.start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: cut
            if self._hang_up:
                client.close()
                self.hung_up += 1
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open |= {client, upstream}
                self.connections += 1
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        self._drop(source, sink)

    def _drop(self, *socks: socket.socket) -> None:
        with self._lock:
            for sock in socks:
                self._open.discard(sock)
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def cut(self, *, refuse: bool = True) -> None:
        if not refuse:
            self._hang_up = True
        else:
            listener, self._listener = self._listener, None
            if listener is not None:
                with contextlib.suppress(OSError):
                    listener.shutdown(socket.SHUT_RDWR)
                listener.close()
            if self._thread is not None:
                self._thread.join(timeout=5)
        with self._lock:
            socks = list(self._open)
        self._drop(*socks)

    def close(self) -> None:
        self.cut()
