"""The `/admin` console's session: who is signed in, their language, and the CSRF check.

The session is the staff member's signed token (the same JWT `POST /auth/login` gives a
clerk, server/security.py) in a cookie the page's script cannot read (HttpOnly), that no
other site's page sends along (SameSite=Strict), only over TLS when the console is served
over TLS (Secure), and only to `/admin` (Path). Only supervisors and admins get one: a
clerk's password is refused with a page that says why.

Every form post carries a CSRF token tied to the session: an HMAC of the session token
under the server's secret, so it needs no storage, changes with every sign-in and cannot
be computed by anyone who does not hold both. (SameSite=Strict already keeps other sites'
forms from carrying the cookie; the token is the second lock.) The sign-in form has no
session yet, so it uses a double-submit cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.responses import Response

from kolejka.core.errors import DomainError
from kolejka.i18n import DEFAULT_LANGUAGE, LANGUAGES
from server.actors import Actor

SESSION_COOKIE = "kolejka_console"
LOGIN_COOKIE = "kolejka_console_login"  # the sign-in form's double-submit token
LANGUAGE_COOKIE = "kolejka_console_lang"
COOKIE_PATH = "/admin"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
FORM_MAX_BYTES = 16 * 1024
STAFF_ROLES = frozenset({"supervisor", "admin"})


class ConsoleRefused(DomainError):
    """A signed-in clerk (not a supervisor or admin) asked for the console."""

    status = 403
    default_code = "console_staff_only"


class CsrfRefused(DomainError):
    status = 403
    default_code = "csrf_failed"


class FormTooLarge(DomainError):
    status = 413
    default_code = "request_too_large"


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in supervisor or admin, as every console page gets them."""

    actor: Actor
    token: str  # the session token (never rendered into a page)
    site_code: str
    site_name: str
    regional: bool  # an admin of a site that oversees the region (rules.oversees_region)
    csrf: str  # what every form post of this session carries (csrf_token)

    @property
    def role(self) -> str:
        return self.actor.role or "clerk"

    @property
    def is_admin(self) -> bool:
        return self.actor.is_admin


def csrf_token(session_token: str, secret: str) -> str:
    """The session's CSRF token: the same for the whole session, different for each."""
    mac = hmac.new(secret.encode(), b"console-csrf|" + session_token.encode(), hashlib.sha256)
    return mac.hexdigest()[:40]


def check_csrf(expected: str, given: str | None) -> None:
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise CsrfRefused()


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def console_language(cookie: str | None) -> str:
    """The language chosen with the console's switch; Polish until one is chosen."""
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


def set_cookie(
    response: Response, name: str, value: str, *, secure: bool, max_age: int | None = None
) -> None:
    """A console cookie: HttpOnly, SameSite=Strict, Secure over TLS, only for /admin."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def delete_cookie(response: Response, name: str, *, secure: bool) -> None:
    response.delete_cookie(name, path=COOKIE_PATH, secure=secure, httponly=True, samesite="strict")


def parse_form(body: bytes) -> dict[str, str]:
    """An `application/x-www-form-urlencoded` body as a dict (the last of repeated names);
    FormTooLarge past FORM_MAX_BYTES. Bytes that are not UTF-8 become U+FFFD and are then
    refused by the fields' own checks."""
    if len(body) > FORM_MAX_BYTES:
        raise FormTooLarge(max_bytes=FORM_MAX_BYTES)
    text = body.decode("utf-8", errors="replace")
    return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=100))


def safe_next(path: str | None, default: str = "/admin/monitor") -> str:
    """Where to go after sign-in or a language switch: only a console page of this server
    (never `//elsewhere` or a full address)."""
    if (
        not path
        or not path.startswith("/admin")
        or path.startswith("//")
        or "\\" in path
        or any(ord(c) < 32 for c in path)
    ):
        return default
    return path
