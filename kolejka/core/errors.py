"""Domain errors: what the queue rules refuse, as stable codes.

    DomainError                 base; `code` is stable, `params` fill the message
    ├── NotFound                something named does not exist             (HTTP 404)
    ├── InvalidTransition       the ticket's state does not allow the action (409)
    ├── Conflict                the world changed: counter busy, limit hit… (409)
    ├── Invalid                 a value the rules do not know (an outcome)  (422)
    └── Forbidden               the actor may not do this                   (403)

The core never builds sentences: the edges turn `code` into text through the catalogues.
The server adds its own subclasses (401, 422, 429, 503…); the whole tree is drawn in
server/errors.py.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    default_code = "domain_error"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or self.default_code
        self.params = params
        super().__init__(self.code, params)


class NotFound(DomainError):
    status = 404
    default_code = "not_found"


class InvalidTransition(DomainError):
    status = 409
    default_code = "invalid_transition"


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class Invalid(DomainError):
    status = 422
    default_code = "invalid"


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"
