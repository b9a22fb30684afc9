"""The request's boundary, checked once before any route runs.

- No NUL character in the path, the query or a JSON body (raw or as the JSON escape).
  PostgreSQL cannot store one and answered 500; no text here needs one. Other bodies (the
  CSV import) are left to their parser, which names the line that holds it.
- A JSON body is UTF-8 (RFC 8259); anything else is refused as such, not half-parsed.
- A body has at most its operation's limit (server/limits.py): 413, and the connection
  is closed, before the rest is read when Content-Length says so.
- A caller sends more than a small body only with a valid token, checked before the
  body is read: a 20 MB body from nobody is never read, let alone parsed.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kolejka.i18n import best_language
from server.errors import DomainError, RequestRefused
from server.limits import BodyLimits
from server.messages import message_for

# `\u0000` in JSON text, unless its backslash is itself escaped (`\\u0000` is six characters).
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_WS_POLICY_VIOLATION = 1008
_READ_HEADERS = {
    b"content-length",
    b"transfer-encoding",
    b"content-type",
    b"authorization",
    b"accept-language",
}

Authenticate = Callable[[str], Awaitable[None]]


def error_response(
    status: int,
    code: str,
    params: dict[str, Any] | None = None,
    *,
    accept_language: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The API's error shape: a stable code, the message in the caller's language, params."""
    params = params or {}
    language = best_language(accept_language)
    return JSONResponse(
        status_code=status,
        content={"code": code, "detail": message_for(code, params, language), "params": params},
        headers=headers,
    )


class OperationTable:
    """Which operation a method and path name, from the OpenAPI document (the public
    description of the routes), compiled once on first use."""

    def __init__(self, openapi: Callable[[], dict[str, Any]]) -> None:
        self._openapi = openapi
        self._paths: list[tuple[re.Pattern[str], dict[str, str]]] | None = None

    def _compiled(self) -> list[tuple[re.Pattern[str], dict[str, str]]]:
        if self._paths is None:
            paths = []
            for template, operations in self._openapi().get("paths", {}).items():
                parts = re.split(r"(\{[^}]+\})", template)
                pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
                by_method = {
                    method.upper(): op.get("operationId", "")
                    for method, op in operations.items()
                    if isinstance(op, dict)
                }
                paths.append((re.compile(f"^{pattern}$"), by_method))
            self._paths = paths
        return self._paths

    def operation(self, method: str, path: str) -> str | None:
        for pattern, by_method in self._compiled():
            if method in by_method and pattern.match(path):
                return by_method[method]
        return None

    def methods(self, path: str) -> set[str]:
        found: set[str] = set()
        for pattern, by_method in self._compiled():
            if pattern.match(path):
                found.update(by_method)
        return found


class RequestGuard:
    """Pure ASGI middleware (a BaseHTTPMiddleware would cost every request a task)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        operations: OperationTable,
        limits: BodyLimits,
        authenticate: Authenticate,
    ) -> None:
        self.app = app
        self.operations = operations
        self.limits = limits
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if _has_nul(scope):
            if scope["type"] == "websocket":  # closed before the handshake: HTTP 403
                await send({"type": "websocket.close", "code": _WS_POLICY_VIOLATION})
                return
            response = self._refusal(headers, 422, "null_character")
            await response(scope, receive, send)
            return
        if scope["type"] == "websocket" or not _may_have_body(headers):
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read_body(scope, receive, headers)
            _check_body(body, headers)
        except RequestRefused as refused:
            await refused.response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _refusal(
        self,
        headers: dict[str, str],
        status: int,
        code: str,
        params: dict[str, Any] | None = None,
        extra: dict[str, str] | None = None,
    ) -> JSONResponse:
        return error_response(
            status,
            code,
            params,
            accept_language=headers.get("accept-language"),
            headers=extra,
        )

    def _too_large(self, headers: dict[str, str], limit: int) -> RequestRefused:
        # Closing the connection is what stops the rest of the body from being read.
        return RequestRefused(
            self._refusal(
                headers, 413, "request_too_large", {"max_bytes": limit}, {"Connection": "close"}
            )
        )

    async def _read_body(self, scope: Scope, receive: Receive, headers: dict[str, str]) -> bytes:
        length = _content_length(headers)
        small = length is not None and length <= self.limits.anonymous
        limit = self.limits.anonymous if small else self._limit(scope)
        if length is not None and length > limit:
            raise self._too_large(headers, limit)
        authenticated = False
        if length is not None and length > self.limits.anonymous:
            await self._authenticate(headers)
            authenticated = True
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                raise RequestRefused(self._refusal(headers, 400, "invalid_request"))
            chunk = message.get("body", b"")
            size += len(chunk)
            # Past what anyone may send, on an operation that takes more: who is it?
            if size > self.limits.anonymous and limit > self.limits.anonymous and not authenticated:
                await self._authenticate(headers)
                authenticated = True
            if size > limit:
                raise self._too_large(headers, limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _limit(self, scope: Scope) -> int:
        """The operation's limit; only looked up for bodies past the small size."""
        operation = self.operations.operation(scope["method"], scope["path"])
        return self.limits.for_operation(operation)

    async def _authenticate(self, headers: dict[str, str]) -> None:
        auth = headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise DomainError("not_authenticated")
            await self.authenticate(token.strip())
        except DomainError as exc:
            raise RequestRefused(
                self._refusal(
                    headers,
                    401,
                    exc.code,
                    exc.params,
                    {"WWW-Authenticate": "Bearer", "Connection": "close"},
                )
            ) from None


def _headers(scope: Scope) -> dict[str, str]:
    return {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in scope.get("headers", ())
        if name in _READ_HEADERS
    }


def _has_nul(scope: Scope) -> bool:
    query: bytes = scope.get("query_string", b"")
    return "\x00" in scope.get("path", "") or (
        b"%00" in query or b"\x00" in query or b"\x00" in unquote_to_bytes(query)
    )


def _may_have_body(headers: dict[str, str]) -> bool:
    return "transfer-encoding" in headers or _content_length(headers) not in (None, 0)


def _content_length(headers: dict[str, str]) -> int | None:
    value = headers.get("content-length")
    if value is None or not value.isdigit():
        return None
    return int(value)


def _is_json(headers: dict[str, str]) -> bool:
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    return media in ("", "application/json") or media.endswith("+json")


def _check_body(body: bytes, headers: dict[str, str]) -> None:
    language = headers.get("accept-language")
    if not _is_json(headers):
        return  # e.g. the CSV import, whose parser names the line that holds the NUL
    if b"\x00" in body:
        raise RequestRefused(error_response(422, "null_character", accept_language=language))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestRefused(
            error_response(422, "invalid_encoding", accept_language=language)
        ) from None
    if "\\" in text and _JSON_NUL.search(text):
        raise RequestRefused(error_response(422, "null_character", accept_language=language))


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read here, handed to the app as if it came from the socket."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
