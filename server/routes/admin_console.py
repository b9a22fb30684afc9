"""The manager's console at `/admin`: sign-in, the shell every console page shares, and
the console's own event stream. The pages themselves are in their own modules
(admin_monitor.py, …) and use what is here:

- `StaffDep` — the signed-in supervisor or admin (`server.console.Staff`: the actor, the
  site, the CSRF token); a visitor without a session is sent to the sign-in page, a clerk
  gets a page saying the console is not for them (403). `SupervisorDep` is the same,
  `AdminDep` only for admins.
- `ConsoleForm` — a form post's fields, after its CSRF token was checked (403 otherwise).
- `console_page(request, "folder/page.html", section="monitor", **ctx)` — the page,
  rendered in the staff member's language, with the security headers. The template
  `{% extends "admin/base.html" %}` and fills `{% block title %}` and `{% block content %}`;
  `section` is the NAV entry it belongs to (highlighted in the navigation).

Errors of a console page are pages, not the API's JSON: `install(app)` registers them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from anyio import to_thread
from fastapi import APIRouter, Depends, FastAPI, Query, Request, WebSocket
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import select

from kolejka.core.errors import DomainError, Forbidden
from kolejka.i18n import LANGUAGES, N_
from kolejka.schemas import LoginRequest
from server.actors import acting_actor
from server.console import (
    CSRF_FIELD,
    CSRF_HEADER,
    LANGUAGE_COOKIE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    STAFF_ROLES,
    ConsoleRefused,
    CsrfRefused,
    Staff,
    check_csrf,
    console_language,
    csrf_token,
    delete_cookie,
    new_login_token,
    parse_form,
    safe_next,
    set_cookie,
)
from server.deps import Services, resolve_token
from server.display_reads import SitePosition, site_position
from server.errors import NotAuthenticated
from server.messages import message_for
from server.models import Site
from server.params import OptionalAfterSeq
from server.routes.assets import asset_response
from server.routes.events_ws import CLOSE_AUTH, CLOSE_FORBIDDEN, stream_events
from server.routes.pages import page_headers
from server.security import read_clerk_token
from server.templating import render

log = logging.getLogger(__name__)

router = APIRouter(prefix="/admin", include_in_schema=False)

WEB_DIR = Path(__file__).resolve().parents[1] / "web" / "admin"
ASSETS = {
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
}
# Forms post to the console itself; the script talks to it and to its event stream.
CONSOLE_HEADERS = {
    **page_headers(connect_src="'self' ws: wss:", noindex=True),
}
CONSOLE_HEADERS["Content-Security-Policy"] = CONSOLE_HEADERS["Content-Security-Policy"].replace(
    "form-action 'none'", "form-action 'self'"
)


@dataclass(frozen=True, slots=True)
class NavEntry:
    section: str
    path: str
    label: str  # translated when the page is rendered


# The console's navigation, in this order. Configuration (admin_config) and Statistics
# (admin_stats) are other modules' routers under the same paths.
NAV: tuple[NavEntry, ...] = (
    NavEntry("monitor", "/admin/monitor", N_("Monitor")),
    NavEntry("reception", "/admin/reception", N_("Reception")),
    NavEntry("config", "/admin/config", N_("Configuration")),
    NavEntry("stats", "/admin/stats", N_("Statistics")),
    NavEntry("region", "/admin/region", N_("Region")),
)


class SignInNeeded(NotAuthenticated):
    """No session, or one that expired: a page goes to the sign-in form."""


# --- the session ----------------------------------------------------------------------


def request_language(request: Request) -> str:
    return console_language(request.cookies.get(LANGUAGE_COOKIE))


def staff_from_token(services: Services, token: str) -> Staff:
    """The staff member a session token belongs to: SignInNeeded for a bad or expired
    token, ConsoleRefused for a clerk's (or a device's) token."""
    try:
        actor = resolve_token(services, token)
    except DomainError:
        raise SignInNeeded("invalid_token") from None
    if actor.kind != "clerk" or actor.role not in STAFF_ROLES:
        raise ConsoleRefused()
    with services.db.read() as session:
        site = session.get(Site, actor.site_id)
        if site is None:
            raise SignInNeeded("invalid_token")
        regional = actor.is_admin and site.rules.oversees_region
        return Staff(
            actor=actor,
            token=token,
            site_code=site.code,
            site_name=site.name,
            regional=regional,
            csrf=csrf_token(token, services.settings.signing_key),
        )


class StaffCache:
    """Who a session cookie belongs to, for a few seconds, while the token cache
    (server/deps.ActorCache) still knows the token: what that one forgets (a revoked
    account, a reset password) is looked up again here too.
    An open monitor asks every few seconds; this spares each ask its database read."""

    def __init__(self, ttl_s: float = 10.0) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[str, tuple[float, Staff]] = {}

    def get(self, token: str, now: float) -> Staff | None:
        entry = self._entries.get(token)
        return entry[1] if entry is not None and entry[0] > now else None

    def put(self, token: str, staff: Staff, now: float) -> None:
        if len(self._entries) > 1000:
            self._entries.clear()
        self._entries[token] = (now + self.ttl_s, staff)

    def forget_all(self) -> None:
        self._entries.clear()


def staff_cache(request: Request) -> StaffCache:
    cache = getattr(request.app.state, "console_staff_cache", None)
    if cache is None:
        cache = request.app.state.console_staff_cache = StaffCache()
    return cache


async def console_staff(request: Request) -> Staff:
    """The signed-in supervisor or admin; also records them as the request's actor, so
    every event their actions write names them (server/eventlog.py)."""
    services: Services = request.app.state.services
    request.state.console_language = request_language(request)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInNeeded()
    cache, moment = staff_cache(request), time.monotonic()
    staff = cache.get(token, moment)
    if staff is not None and services.actors.get(token) is None:
        staff = None  # the token cache forgot them: revoked, or its own entry ran out
    if staff is None or not read_clerk_token(
        token, secret=services.settings.signing_key, now=services.clock.now()
    ):
        staff = await to_thread.run_sync(staff_from_token, services, token)
        cache.put(token, staff, moment)
    request.state.console_staff = staff
    acting_actor.set(staff.actor)
    return staff


StaffDep = Annotated[Staff, Depends(console_staff)]
SupervisorDep = StaffDep  # every console session is a supervisor's or an admin's


async def console_admin(staff: StaffDep) -> Staff:
    if not staff.is_admin:
        raise Forbidden("admin_required", action="configure")
    return staff


AdminDep = Annotated[Staff, Depends(console_admin)]


async def console_form(request: Request, staff: StaffDep) -> dict[str, str]:
    """The posted form's fields, once its CSRF token (field `csrf` or header
    `X-CSRF-Token`) matches the session's."""
    form = parse_form(await request.body())
    check_csrf(staff.csrf, form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER))
    return form


ConsoleForm = Annotated[dict[str, str], Depends(console_form)]


def console_page(
    request: Request, template: str, *, status_code: int = 200, **ctx: Any
) -> HTMLResponse:
    """A console page: `template` (e.g. "admin/monitor.html", extending admin/base.html)
    rendered in the staff member's language with the shell's context (`staff`, `nav`,
    `section`, `csrf`, `path`), answered with the console's security headers."""
    staff: Staff | None = getattr(request.state, "console_staff", None)
    language = getattr(request.state, "console_language", None) or request_language(request)
    html = render(
        template,
        language,
        staff=staff,
        nav=NAV,
        section=ctx.pop("section", None),
        csrf=staff.csrf if staff is not None else "",
        path=request.url.path,
        **ctx,
    )
    return HTMLResponse(html, status_code=status_code, headers=CONSOLE_HEADERS)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


# --- sign-in, sign-out, language ------------------------------------------------------


@router.get("", response_class=HTMLResponse)
async def console_home(request: Request) -> Response:
    target = "/admin/monitor" if request.cookies.get(SESSION_COOKIE) else "/admin/login"
    return RedirectResponse(target, status_code=303)


def _sites(services: Services) -> list[tuple[str, str]]:
    with services.db.read() as session:
        return [(s.code, s.name) for s in session.exec(select(Site).order_by(Site.code))]


def _login_page(
    request: Request,
    services: Services,
    *,
    error: str | None = None,
    status_code: int = 200,
    site: str = "",
    username: str = "",
    next_path: str = "/admin/monitor",
) -> HTMLResponse:
    token = new_login_token()
    sites = _sites(services)
    response = console_page(
        request,
        "admin/login.html",
        status_code=status_code,
        sites=sites,
        chosen_site=site or (sites[0][0] if sites else ""),
        username=username,
        error=error,
        login_csrf=token,
        next_path=next_path,
    )
    set_cookie(response, LOGIN_COOKIE, token, secure=_secure(request))
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_page(
    request: Request, next: Annotated[str | None, Query(max_length=300)] = None
) -> HTMLResponse:
    services: Services = request.app.state.services
    page = await to_thread.run_sync(
        lambda: _login_page(request, services, next_path=safe_next(next))
    )
    return page


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    """Check the form's double-submit token, then the password (throttled like the API's
    sign-in); a clerk's account is refused here with a page that says why."""
    services: Services = request.app.state.services
    language = request_language(request)
    form = parse_form(await request.body())
    site, username = form.get("site", "")[:40], form.get("username", "")[:100]
    next_path = safe_next(form.get("next"))

    def again(code: str, status_code: int, **params: Any) -> HTMLResponse:
        return _login_page(
            request,
            services,
            error=message_for(code, params, language),
            status_code=status_code,
            site=site,
            username=username,
            next_path=next_path,
        )

    expected = request.cookies.get(LOGIN_COOKIE)
    try:
        check_csrf(expected or "", form.get(CSRF_FIELD) if expected else None)
    except CsrfRefused:
        return await to_thread.run_sync(again, "csrf_failed", 403)
    password = form.get("password", "")
    if not site or not username or not password or len(password) > 200:
        return await to_thread.run_sync(again, "invalid_credentials", 422)
    address = request.client.host if request.client else "unknown"
    try:
        answer = await services.signin.login(
            LoginRequest(site=site, username=username, password=password), address
        )
    except DomainError as exc:
        status = 401 if exc.status == 404 else exc.status  # an unknown site says no more
        code = "invalid_credentials" if exc.status == 404 else exc.code
        params = exc.params
        return await to_thread.run_sync(lambda: again(code, status, **params))
    if answer.clerk.role not in STAFF_ROLES:
        refused = refused_page(request)  # and whoever was signed in here is no longer
        delete_cookie(refused, SESSION_COOKIE, secure=_secure(request))
        return refused
    response = RedirectResponse(next_path, status_code=303)
    max_age = services.settings.clerk_token_ttl_s
    secure = _secure(request)
    set_cookie(response, SESSION_COOKIE, answer.access_token, secure=secure, max_age=max_age)
    delete_cookie(response, LOGIN_COOKIE, secure=secure)
    return response


@router.post("/logout")
async def logout(request: Request, _form: ConsoleForm) -> Response:
    response = RedirectResponse("/admin/login", status_code=303)
    delete_cookie(response, SESSION_COOKIE, secure=_secure(request))
    return response


@router.get("/language")
async def choose_language(
    to: Annotated[str, Query(max_length=5)],
    next: Annotated[str | None, Query(max_length=300)] = None,
    *,
    request: Request,
) -> Response:
    """Remember the console's language (a preference, not a change of state) and go back."""
    response = RedirectResponse(safe_next(next, "/admin"), status_code=303)
    if to in LANGUAGES:
        set_cookie(response, LANGUAGE_COOKIE, to, secure=_secure(request), max_age=365 * 86400)
    return response


@router.get("/assets/{name}")
def console_asset(name: str) -> FileResponse:
    """The console's style sheet and script; nothing else is served from the folder."""
    return asset_response(WEB_DIR, ASSETS, name)


# --- the console's event stream -------------------------------------------------------


def same_origin(websocket: WebSocket) -> bool:
    """A browser's WebSocket sends its page's Origin; only the console's own pages may
    open the stream with the session cookie (cross-site WebSocket hijacking)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser: the cookie must still be valid
    host = websocket.headers.get("host", "")
    return urlsplit(origin).netloc == host


@router.websocket("/events")
async def console_events(
    websocket: WebSocket,
    after: OptionalAfterSeq = None,
    epoch: str | None = None,
    site: str | None = None,
) -> None:
    """The site's event stream (docs/events.md) for the signed-in console, by its cookie:
    `?after=SEQ&epoch=E` resumes. A regional admin may name another `site`."""
    services: Services = websocket.app.state.services
    admitted = await admit_stream(websocket, services, site)
    if admitted is None:
        return
    position = admitted.position
    await stream_events(
        websocket,
        services,
        admitted.site_code,
        position.id,
        after,
        epoch,
        position.epoch,
        position.last_seq,
        token=admitted.token,
        actor_key=admitted.staff.actor.key,
    )


@dataclass(frozen=True, slots=True)
class StreamAdmission:
    """Who a console WebSocket is and which site's stream it reads."""

    token: str
    staff: Staff
    site_code: str
    position: SitePosition


async def admit_stream(
    websocket: WebSocket, services: Services, site: str | None
) -> StreamAdmission | None:
    """Accept a console WebSocket by its session cookie (same origin only), for the
    staff's own site or, for a regional admin, the one named; None once it is closed
    with the reason."""
    await websocket.accept()
    token = websocket.cookies.get(SESSION_COOKIE)
    if not token or not same_origin(websocket):
        await websocket.close(code=CLOSE_AUTH, reason="not_authenticated")
        return None
    try:
        staff = await to_thread.run_sync(staff_from_token, services, token)
        code = site or staff.site_code
        position = await to_thread.run_sync(site_position, services.db, code)
    except DomainError as exc:
        await websocket.close(code=CLOSE_AUTH, reason=exc.code)
        return None
    if position.id != staff.actor.site_id and not staff.regional:
        await websocket.close(code=CLOSE_FORBIDDEN, reason="wrong_site")
        return None
    return StreamAdmission(token, staff, code, position)


# --- errors as pages -------------------------------------------------------------------


def refused_page(request: Request) -> HTMLResponse:
    return console_page(request, "admin/refused.html", status_code=403)


def _wants_page(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    """Add the console's router and its error pages to `app`."""
    app.include_router(router)

    @app.exception_handler(SignInNeeded)
    async def sign_in_needed(request: Request, exc: SignInNeeded) -> Response:
        if not request.url.path.startswith("/admin"):
            return _json_error(request, exc)
        if _wants_page(request):
            target = "/admin/login?next=" + quote(request.url.path, safe="/")
            return RedirectResponse(target, status_code=303)
        return _json_error(request, exc)

    @app.exception_handler(ConsoleRefused)
    async def console_refused(request: Request, exc: ConsoleRefused) -> Response:
        if _wants_page(request):
            return refused_page(request)
        return _json_error(request, exc)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
        return _json_error(request, exc)


def _json_error(request: Request, exc: DomainError) -> JSONResponse:
    from server.guard import error_response

    language = getattr(request.state, "console_language", None) or request_language(request)
    return error_response(exc.status, exc.code, exc.params, accept_language=language)
