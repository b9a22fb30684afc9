"""Client errors, one tree for every app:

ClientError
├── ServerUnreachable     no answer: network down, server stopped, timeout
└── ApiError              the server answered with an error (`status`, `code`, `detail`)
    ├── AuthError         401: not signed in, bad or expired token
    ├── Refused           403: not allowed for this device or clerk
    ├── NotFoundError     404
    ├── ConflictError     409: impossible transition, counter busy, limit reached
    └── InvalidRequest    422
"""

from __future__ import annotations

from typing import Any


class ClientError(Exception):
    pass


class ServerUnreachable(ClientError):
    pass


class ApiError(ClientError):
    def __init__(self, status: int, code: str, detail: str, params: dict[str, Any] | None = None):
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.params = params or {}


class AuthError(ApiError):
    pass


class Refused(ApiError):
    pass


class NotFoundError(ApiError):
    pass


class ConflictError(ApiError):
    pass


class InvalidRequest(ApiError):
    pass


_BY_STATUS: dict[int, type[ApiError]] = {
    401: AuthError,
    403: Refused,
    404: NotFoundError,
    409: ConflictError,
    422: InvalidRequest,
}


def api_error(status: int, body: Any) -> ApiError:
    if isinstance(body, dict):
        code = str(body.get("code", "http_error"))
        detail = str(body.get("detail", ""))
        params = body.get("params") if isinstance(body.get("params"), dict) else {}
    else:
        code, detail, params = "http_error", str(body)[:200], {}
    return _BY_STATUS.get(status, ApiError)(status, code, detail, params)
