"""The client library shared by kiosk, display and counter (REST + WebSocket + Qt bridge)."""

from kolejka.client.api import KolejkaClient
from kolejka.client.errors import (
    ApiError,
    AuthError,
    ClientError,
    ConflictError,
    InvalidRequest,
    NotFoundError,
    Refused,
    ServerUnreachable,
)
from kolejka.client.events import EventStream

__all__ = [
    "ApiError",
    "AuthError",
    "ClientError",
    "ConflictError",
    "EventStream",
    "InvalidRequest",
    "KolejkaClient",
    "NotFoundError",
    "Refused",
    "ServerUnreachable",
]
