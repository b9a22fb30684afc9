"""How much a request may carry, and the HTTP server options that enforce the header part.

Bodies are bounded per operation by `server/guard.py`; headers by the HTTP parser, before
the application sees anything: uvicorn's h11 parser has a buffer limit, the faster
httptools parser none, so it is given one here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from server.messages import message_for

# What a caller without a valid token may send: the sign-in form is a few hundred bytes.
ANONYMOUS_BODY_MAX = 16 * 1024
# A JSON request (a ticket, a transfer, a booking) is well under a kilobyte.
JSON_BODY_MAX = 64 * 1024
# The request line and all headers together; a browser sends 1-2 KiB.
HEADERS_MAX = 32 * 1024


@dataclass(frozen=True)
class BodyLimits:
    """Bytes a request body may have: per operation id, else `default`."""

    default: int = JSON_BODY_MAX
    anonymous: int = ANONYMOUS_BODY_MAX
    by_operation: dict[str, int] = field(default_factory=dict)

    def for_operation(self, operation_id: str | None) -> int:
        if operation_id is None:
            return self.anonymous
        return self.by_operation.get(operation_id, self.default)


def error_bytes(status: int, code: str, params: dict[str, Any]) -> bytes:
    """A complete HTTP response in the API's error shape, for the parser's own refusals
    (no headers were read, so no Accept-Language: English)."""
    body = json.dumps(
        {"code": code, "detail": message_for(code, params, "en"), "params": params}
    ).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def uvicorn_options() -> dict[str, Any]:
    """The options every server start passes to uvicorn (the CLI, the tests' LiveServer)."""
    # No per-message deflate on WebSockets: an event is a few hundred bytes on an office
    # network, and deflate compresses each frame again on every socket (a call fanned out
    # to 1,000 screens is 1,000 compressions) and keeps a compressor's window per socket.
    common = {"h11_max_incomplete_event_size": HEADERS_MAX, "ws_per_message_deflate": False}
    try:
        from server.bounded_httptools import BoundedHttpToolsProtocol
    except ImportError:  # no httptools: uvicorn's h11 parser, which has the limit built in
        return {"http": "h11", **common}
    return {"http": BoundedHttpToolsProtocol, **common}
