"""The public queue status pages: `/status` (the sites of this server) and `/status/{site}`
(each matter's queue now), phone-sized, in the visitor's language, no sign-in.

The page is rendered from the open feed's kept answer (server/open_feed.py), so a page
costs no more than a feed request; its script (server/web/public_status/status.js) then
polls that feed and updates the figures, with the captions it needs sent in the page.
Only what the feed publishes is shown: counts, numbers and times, nothing about a person.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse

from kolejka.core.errors import NotFound
from kolejka.i18n import LANGUAGES, N_, best_language, translator
from kolejka.open_data import OpenQueue, OpenSiteQueues
from server.deps import ServicesDep
from server.messages import MESSAGES
from server.routes.assets import asset_response
from server.routes.open_data import OPEN_PREFIX, SITE_CODE, limit_address, site_feed
from server.routes.pages import page_headers
from server.templating import WEB_DIR, render

router = APIRouter(include_in_schema=False)

ASSET_DIR = WEB_DIR / "public_status"
ASSETS = {
    "status.css": "text/css; charset=utf-8",
    "status.js": "text/javascript; charset=utf-8",
}
PAGE_HEADERS = page_headers()
MIN_POLL_S = 10  # a phone need not ask more often than this, whatever the feed's age

# Captions the script fills in as the figures change (the rest is in the template).
CAPTIONS = {
    "minutes": N_("about {minutes} min"),
    "hours": N_("about {hours} h {minutes} min"),
    "unknown": N_("unknown"),
    "none": N_("none yet"),
    "about": N_("about {time}"),
    "issuing": N_("Tickets are being issued"),
    "run_out_limit": N_("the day's tickets will have been issued"),
    "run_out_closing": N_("a later ticket would not be served before closing"),
    "updated": N_("Updated at {time}"),
    "offline": N_("No connection to the server. The figures may be out of date."),
}
# Why a matter takes no tickets: the server's own messages for these codes.
REASONS = (
    "closed_today",
    "not_yet_open",
    "closed_for_today",
    "daily_limit_reached",
    "service_disabled",
    "wait_past_closing",
)


def page_language(request: Request) -> str:
    asked = (request.query_params.get("lang") or "").lower()
    return asked if asked in LANGUAGES else best_language(request.headers.get("accept-language"))


def captions(language: str) -> dict[str, Any]:
    t = translator(language).gettext
    texts: dict[str, Any] = {key: t(msgid) for key, msgid in CAPTIONS.items()}
    texts["reasons"] = {code: t(MESSAGES[code]) for code in REASONS if code in MESSAGES}
    return texts


def wait_text(texts: dict[str, Any], seconds: int | None) -> str:
    """As the script says it (status.js `waitText`)."""
    if seconds is None:
        return str(texts["unknown"])
    minutes = max(1, -(-seconds // 60)) if seconds > 0 else 0
    if minutes < 60:
        return str(texts["minutes"]).format(minutes=minutes)
    return str(texts["hours"]).format(hours=minutes // 60, minutes=minutes % 60)


def name_in(names: dict[str, str], language: str) -> str:
    return names.get(language) or names.get("pl") or next(iter(names.values()), "")


def queue_view(queue: OpenQueue, language: str, texts: dict[str, Any]) -> dict[str, Any]:
    run_out = queue.tickets_run_out
    return {
        "code": queue.service,
        "name": name_in(queue.names, language),
        "open": queue.status == "open",
        "state": texts["issuing"]
        if queue.status == "open"
        else texts["reasons"].get(queue.reason or "", queue.reason or ""),
        "open_counters": queue.open_counters,
        "waiting": queue.waiting,
        "current": queue.current_number or texts["none"],
        "wait": wait_text(texts, queue.estimated_wait_s),
        "run_out": str(texts["about"]).format(time=run_out.local_time) if run_out else None,
        "run_out_why": (
            texts["run_out_limit"] if run_out.reason == "daily_limit" else texts["run_out_closing"]
        )
        if run_out
        else None,
    }


def render_site(model: OpenSiteQueues, language: str, site: str) -> str:
    texts = captions(language)
    boot = {
        "feed": f"{OPEN_PREFIX}/sites/{site}/queues",
        "language": language,
        "poll_s": max(MIN_POLL_S, model.max_age_s),
        "captions": texts,
    }
    return render(
        "public_status/site.html",
        language,
        site=model,
        queues=[queue_view(q, language, texts) for q in model.queues],
        updated=str(texts["updated"]).format(time=model.local_time),
        boot=boot,
        path=f"/status/{site}",
    )


@router.get("/status", response_class=HTMLResponse)
async def sites_page(request: Request, services: ServicesDep) -> HTMLResponse:
    """The sites of this server, each linking to its status page."""
    limit_address(services, request)
    language = page_language(request)
    listing = await run_in_threadpool(services.open_feed.sites)
    html = render("public_status/sites.html", language, sites=listing.data, path="/status")
    return HTMLResponse(html, headers=PAGE_HEADERS)


@router.get("/status/{site}", response_class=HTMLResponse)
async def site_page(
    site: Annotated[str, Path(pattern=SITE_CODE)], request: Request, services: ServicesDep
) -> HTMLResponse:
    """A site's queues now; an unknown site is a 404 page in the visitor's language."""
    limit_address(services, request)
    language = page_language(request)
    try:
        entry = await site_feed(services, site)
    except NotFound:
        html = render("public_status/missing.html", language, site=site, path=f"/status/{site}")
        return HTMLResponse(html, status_code=404, headers=PAGE_HEADERS)
    return HTMLResponse(render_site(entry.model, language, site), headers=PAGE_HEADERS)


@router.get("/status/_assets/{name}")
def status_asset(name: str) -> FileResponse:
    """The pages' style sheet and script; nothing else is served from the folder."""
    return asset_response(ASSET_DIR, ASSETS, name)
