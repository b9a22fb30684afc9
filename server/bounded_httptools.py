"""uvicorn's httptools protocol with a bound on the request head (line and headers).

httptools keeps whatever header bytes arrive (an 8 MB header was accepted); uvicorn's h11
parser has a limit, but is several times slower. This one counts the head's bytes as
the parser reports them, and the bytes of a head still incomplete after a read, and
answers 431 past the limit: the request never reaches the application. What the parser
refuses (a NUL in a header) is answered in the API's error shape too.
The class sits at module level so that worker processes can unpickle the server config.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from server.limits import HEADERS_MAX, error_bytes


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    headers_max = HEADERS_MAX

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_open = False
        self._head_bytes = 0  # as parsed: the URL, names and values
        self._pending_bytes = 0  # as read while the head stayed incomplete
        self._refused = False

    def _count(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.headers_max:
            self._refused = True

    def on_message_begin(self) -> None:
        self._head_open = True
        self._head_bytes = self._pending_bytes = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._head_open = False
        if not self._refused:
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        # A request the parser cannot read (a NUL in a header, a broken request line): the
        # API's error shape rather than uvicorn's plain text.
        self.transport.write(error_bytes(400, "invalid_request", {}))
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)
        if self._head_open and not self._refused:
            # A chunk that also ended an earlier request counts in full; the limit has room.
            self._pending_bytes += len(data)
            self._refused = self._pending_bytes > self.headers_max
        if self._refused and not self.transport.is_closing():
            self.transport.write(
                error_bytes(431, "headers_too_large", {"max_bytes": self.headers_max})
            )
            self.transport.close()
