"""The visitor's live ticket page: `/t/{public_id}`, opened from the QR code on the ticket.

No sign-in: the public id (128 random bits) is the secret, and the page and its endpoint
show only the number, the service name, the status, how many are ahead, the estimated
wait and, once called, the counter — no site, time, language or anything else.

- `GET /t/{public_id}` — the page (server/web/status/), with its captions in all four
  languages and the ticket's current state baked in, so it shows at once;
- `GET /api/v1/public/tickets/{public_id}` — the same state as JSON; the page polls it
  (plain HTTP survives mobile networks and proxies better than a socket, and costs a
  handful of indexed reads): every 3 s near the front of the line, every 15 s far back, as
  each answer says, and at most 60 times a minute per ticket (429 beyond).

Both are limited per ticket (60 asks a minute, shared by the page and its polls), and the
ids that match no ticket per client address (20 a minute): a hall of phones may share one
address on the guest Wi-Fi, so the misses are counted there, never the hits. A flood of
page loads is for the reverse proxy in front to stop (install/nginx/).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from kolejka.core.errors import NotFound
from kolejka.i18n import LANGUAGES, N_, NATIVE_NAMES, normalize_language, translator
from kolejka.schemas import ErrorPublic, TicketStatusPublic
from server.deps import Services, ServicesDep
from server.routes.assets import asset_response
from server.routes.pages import page_headers, template, with_boot
from server.ticket_status import POLL_MS, read_ticket_status

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/public", tags=["public"])

WEB_DIR = FilePath(__file__).resolve().parents[1] / "web" / "status"
ASSETS = {
    "status.css": "text/css; charset=utf-8",
    "status.js": "text/javascript; charset=utf-8",
}
PUBLIC_ID = r"^[A-Za-z0-9_-]{16,40}$"
PAGE_HEADERS = page_headers(noindex=True)
API_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def read_status(
    services: Services, request: Request, public_id: str
) -> tuple[TicketStatusPublic, str]:
    """The ticket's public state and its language; NotFound for an unknown id, or
    RateLimited when the caller's address has missed too often."""
    try:
        return read_ticket_status(
            services.db,
            public_id,
            services.clock.now(),
            recent_limit=services.settings.recent_durations,
            estimates=services.queue.writes.estimates,
        )
    except NotFound:
        services.miss_limiter.check(client_address(request))
        raise


def client_address(request: Request) -> str:
    """The caller's address (behind the proxy, the one it forwards: uvicorn reads
    X-Forwarded-For from the trusted proxy addresses)."""
    return request.client.host if request.client else "unknown"


def limit_page(services: Services, public_id: str) -> None:
    """One ticket's page may ask only so often (a few open tabs are fine; a script is not).
    Per ticket, not per address: a hall of phones may share one address on the guest Wi-Fi."""
    services.status_limiter.check(public_id)


@api_router.get(
    "/tickets/{public_id}",
    operation_id="get_ticket_status",
    response_model=TicketStatusPublic,
    responses={code: {"model": ErrorPublic} for code in (404, 422, 429)},
)
def ticket_status(
    public_id: Annotated[str, Path(pattern=PUBLIC_ID)], request: Request, services: ServicesDep
) -> JSONResponse:
    """A ticket's live state for the visitor's phone (no sign-in: the id is the secret)."""
    limit_page(services, public_id)
    status, _language = read_status(services, request, public_id)
    return JSONResponse(status.model_dump(mode="json"), headers=API_HEADERS)


# --- the page ----------------------------------------------------------------------------

CAPTIONS = {
    "title": N_("Your ticket"),
    "number": N_("Your number"),
    "service": N_("Service"),
    "counter": N_("Counter"),
    "waiting": N_("Please wait: your number will be called."),
    "nobody_ahead": N_("No one is ahead of you."),
    "estimate": N_("Estimated wait: {wait}"),
    "minutes": N_("about {minutes} min"),
    "hours": N_("about {hours} h {minutes} min"),
    "unknown": N_("Waiting time unknown"),
    "called": N_("It's your turn!"),
    "go_to": N_("Please go to counter"),
    "serving": N_("You are being served at counter {counter}."),
    "done": N_("Your visit is finished. Thank you!"),
    "no_show": N_("You were called but did not come. Please ask at the information desk."),
    "cancelled": N_("This ticket has been cancelled."),
    "parked": N_("Please complete what the clerk asked for; you will be called back."),
    "missing": N_("This ticket does not exist or is no longer valid."),
    "offline": N_("No connection to the server. Reconnecting…"),
    "updated": N_("Updated at {time}"),
    "keep_open": N_("Keep this page open: it updates by itself."),
    "languages": N_("Choose your language"),
    "notify": N_("Send me a message when my turn is near"),
}
AHEAD = ("{n} person ahead of you", "{n} people ahead of you")
PLURAL_SAMPLES = (1, 2, 5)  # one of each plural form in pl, ru, uk (and en)


@cache
def captions_by_language() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for language in LANGUAGES:
        t = translator(language)
        texts: dict[str, Any] = {key: t.gettext(msgid) for key, msgid in CAPTIONS.items()}
        texts["ahead"] = [t.ngettext(AHEAD[0], AHEAD[1], n) for n in PLURAL_SAMPLES]
        out[language] = texts
    return out


def page_language(request: Request, ticket_language: str | None) -> str:
    """`?lang=`, else the language chosen at the kiosk (the visitor picked it there: a
    Ukrainian ticket opens in Ukrainian on an English phone, and offers the switch), else,
    for no ticket, a language the browser names."""
    asked = (request.query_params.get("lang") or "").lower()
    if asked in LANGUAGES:
        return asked
    if ticket_language:
        return normalize_language(ticket_language)
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return normalize_language(None)


def render_page(public_id: str, language: str, initial: TicketStatusPublic | None) -> str:
    boot = {
        "public_id": public_id,
        "language": language,
        "languages": list(LANGUAGES),
        "native_names": NATIVE_NAMES,
        "captions": captions_by_language(),
        "poll_ms": POLL_MS,
        "initial": initial.model_dump(mode="json") if initial else None,
    }
    page = with_boot(template(WEB_DIR / "status.html"), boot)
    # The opt-in form for "N people ahead" and the call (server/routes/book.py); the id
    # is URL-safe by its pattern.
    page = page.replace("__KOLEJKA_NOTIFY__", f"{public_id}/notify?lang={language}", 1)
    return page.replace('lang="pl"', f'lang="{language}"', 1)


@router.get("/t/{public_id}", response_class=HTMLResponse)
def status_page(
    public_id: Annotated[str, Path(pattern=PUBLIC_ID)], request: Request, services: ServicesDep
) -> HTMLResponse:
    """The live page; an unknown ticket gets the same page saying so (404)."""
    limit_page(services, public_id)
    try:
        initial, ticket_language = read_status(services, request, public_id)
    except NotFound:
        language = page_language(request, None)
        return HTMLResponse(
            render_page(public_id, language, None), status_code=404, headers=PAGE_HEADERS
        )
    language = page_language(request, ticket_language)
    return HTMLResponse(render_page(public_id, language, initial), headers=PAGE_HEADERS)


@router.get("/t/assets/{name}")
def status_asset(name: str) -> FileResponse:
    """The page's style sheet and script; nothing else is served from the folder."""
    return asset_response(WEB_DIR, ASSETS, name)
