"""Every error the server raises, in one tree (the HTTP status it answers with, if any).

    Exception
    ├── DomainError                 kolejka.core.errors: a stable `code`, `params` fill the
    │   │                           message; answered as ErrorPublic with its `status`
    │   ├── NotFound                (core) something named does not exist              404
    │   ├── InvalidTransition       (core) the ticket's state does not allow it        409
    │   ├── Conflict                (core) the world changed: counter busy, limit hit… 409
    │   ├── Forbidden               (core) the actor may not do this                   403
    │   ├── NotAuthenticated        no token, an unknown or revoked one, a bad password 401
    │   ├── Unprocessable           well-formed, but the content cannot be used        422
    │   │   ├── MissingPassword     a new clerk without a password or its hash
    │   │   └── IdempotencyKeyMismatch  a key reused for another request
    │   ├── RateLimited             an address asking too often                        429
    │   ├── SignInThrottled         too many failed sign-ins for an account or address 429
    │   ├── SignInBusy              too many password checks waiting                   503
    │   ├── NotReady                database down or not at the newest migration       503
    │   └── DatabaseUnavailable     the database lost or busy during a request         503
    ├── KeptRefusal                 (server/transactions.py) a use case's refusal whose
    │                               writes stay: the runner commits, then raises the
    │                               DomainError it carries (a counted wrong document number)
    ├── RequestRefused              the request guard's own answer, sent before any route
    │                               runs (it carries the response: 400, 413, 422)
    ├── ConfigError                 a site file that cannot be used; names the field   (CLI)
    ├── BackupError                 a backup or restore refused, for the administrator (CLI)
    ├── ValueError
    │   ├── SecretError             no usable signing secret                   (start-up)
    │   └── ForgedCode              not a booking code this server issued (answered 422
    │                               `appointment_forged` by the check-in)
    └── RuntimeError
        └── FontsMissing            the DejaVu fonts are not installed (confirmation PDFs)

The core's four (and DomainError) live in kolejka/core/errors.py, because the core raises
them and imports nothing from the server; they are re-exported here so that one import
names them all. The apps' own trees are kolejka/client/errors.py (what a client sees of
the HTTP answers above) and printers/errors.py. No error builds a sentence: the edges turn
`code` into text through the catalogues (server/messages.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kolejka.core.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound

if TYPE_CHECKING:
    from starlette.responses import Response

__all__ = [
    "BackupError",
    "ConfigError",
    "Conflict",
    "DatabaseUnavailable",
    "DomainError",
    "FontsMissing",
    "Forbidden",
    "ForgedCode",
    "IdempotencyKeyMismatch",
    "InvalidTransition",
    "MissingPassword",
    "NotAuthenticated",
    "NotFound",
    "NotReady",
    "RateLimited",
    "RequestRefused",
    "SecretError",
    "SignInBusy",
    "SignInThrottled",
    "Unprocessable",
]


# --- answered to the caller, with a code --------------------------------------------------


class NotAuthenticated(DomainError):
    status = 401
    default_code = "not_authenticated"


class Unprocessable(DomainError):
    """The request is well-formed JSON but its content cannot be used (HTTP 422)."""

    status = 422
    default_code = "invalid_request"


class MissingPassword(Unprocessable):
    """A new clerk without a password or its hash (HTTP 422)."""


class IdempotencyKeyMismatch(Unprocessable):
    default_code = "idempotency_key_mismatch"


class RateLimited(DomainError):
    status = 429
    default_code = "rate_limited"


class SignInThrottled(DomainError):
    status = 429
    default_code = "signin_throttled"


class SignInBusy(DomainError):
    status = 503
    default_code = "signin_busy"


class NotReady(DomainError):
    status = 503
    default_code = "not_ready"


class DatabaseUnavailable(DomainError):
    """The database went away or is busy for a moment (a restart, a lost connection, a
    lock held too long): the caller retries; the pool has dropped the broken connection."""

    status = 503
    default_code = "database_unavailable"


# --- the request guard ---------------------------------------------------------------------


class RequestRefused(Exception):
    """The guard's answer, already built (server/guard.py): it never reaches a route."""

    def __init__(self, response: Response) -> None:
        self.response = response


# --- for an operator, not a caller ---------------------------------------------------------


class ConfigError(Exception):
    """A site configuration that cannot be used; the message names the field."""


class BackupError(Exception):
    """Refused, with a message for the administrator."""


class SecretError(ValueError):
    """No usable signing secret."""


class ForgedCode(ValueError):
    """Not a code this server issued: wrong format, wrong check characters or signature."""


class FontsMissing(RuntimeError):
    """The DejaVu fonts are not installed (Debian/Ubuntu: apt install fonts-dejavu-core)."""
