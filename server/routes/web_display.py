"""The hall board as a web page, for smart TVs that only have a browser.

`GET /display/{site}?token=T&zone=5-8` answers a static page (server/web/display.html)
with the board's captions in every language baked in; the page's script then opens the
same event stream as the Qt display (`/api/v1/sites/{site}/events?token=…&after=…&epoch=…`)
and keeps the board up to date. Without `zone=` the page shows the zone the display's
device registration has (if any). The token stays in the address bar: it is never written
into the page, and the page sends no Referer.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse, HTMLResponse

from kolejka.core.errors import DomainError
from kolejka.i18n import LANGUAGES
from kolejka.i18n.board import captions_by_language
from server.deps import Services, ServicesDep, resolve_token
from server.display_reads import display_zone, site_position
from server.routes.assets import asset_response
from server.routes.pages import page_headers, template, with_boot

router = APIRouter(include_in_schema=False)

WEB_DIR = FilePath(__file__).resolve().parents[1] / "web"
ASSETS = {
    "display.css": "text/css; charset=utf-8",
    "display.js": "text/javascript; charset=utf-8",
}
SITE_CODE = r"^[a-z0-9][a-z0-9-]{0,39}$"
PAGE_HEADERS = page_headers(connect_src="'self' ws: wss:")


def render_page(site: str, zone: list[int] | None = None, timezone: str | None = None) -> str:
    """The page with its boot data: site, its time zone, device zone, captions (no token,
    no queue data)."""
    boot = {
        "site": site,
        "timezone": timezone,
        "zone": zone or None,
        "languages": list(LANGUAGES),
        "captions": captions_by_language(),
    }
    return with_boot(template(WEB_DIR / "display.html"), boot)


@router.get("/display/{site}", response_class=HTMLResponse)
def display_page(
    site: Annotated[str, Path(pattern=SITE_CODE)],
    services: ServicesDep,
    token: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """The hall board page for `site` (404 when the site is unknown)."""
    position = site_position(services.db, site)
    zone = _device_zone(services, position.id, token)
    return HTMLResponse(render_page(site, zone, position.timezone), headers=PAGE_HEADERS)


def _device_zone(services: Services, site_id: int, token: str | None) -> list[int]:
    """The zone registered for this display, [] for none or for a token that is no display's.

    A bad token is not refused here: the page then shows the event stream's refusal, in
    the hall's languages, which says more than an error page would.
    """
    if not token:
        return []
    try:
        actor = resolve_token(services, token)
    except DomainError:
        return []
    return display_zone(services.db, actor, site_id)


@router.get("/display/assets/{name}")
def display_asset(name: str) -> FileResponse:
    """The page's style sheet and script; nothing else is served from the folder."""
    return asset_response(WEB_DIR, ASSETS, name)
