"""The server's front door: `GET /` for the office's staff, and `/docs` that works offline.

- `GET /` — a small page, in the visitor's language (`?lang=`, else the browser's), that
  says what this server is and links to what a person at the office looks for: the web
  board of each site, the health probe and the API's documentation;
- `GET /docs` — Swagger UI with its script and style served from this server (the
  `fastapi-swagger` package, Swagger UI 5), so the documentation shows in a hall without internet.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse
from sqlmodel import select

from kolejka.i18n import LANGUAGES, NATIVE_NAMES, best_language, translator
from server.deps import ServicesDep
from server.models import Site
from server.routes.assets import asset_response
from server.routes.pages import page_headers

router = APIRouter(include_in_schema=False)

WEB_DIR = Path(__file__).resolve().parents[1] / "web" / "home"
HOME_ASSETS = {"home.css": "text/css; charset=utf-8"}
DOCS_DIR = Path(str(files("fastapi_swagger.resources")))
DOCS_STYLE = "/docs/assets/kolejka-docs.css"  # our contrast fixes over Swagger UI's own
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
OPENAPI_URL = "/openapi.json"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"


def home_language(request: Request) -> str:
    asked = (request.query_params.get("lang") or "").lower()
    return asked if asked in LANGUAGES else best_language(request.headers.get("accept-language"))


def render_home(language: str, sites: list[tuple[str, str]]) -> str:
    _ = translator(language).gettext
    board_items = "".join(
        f'<li><a href="/display/{escape(code)}">{escape(name)}</a>'
        f" <code>/display/{escape(code)}?token=…</code></li>"
        for code, name in sites
    )
    booking_items = "".join(
        f'<li><a href="/book/{escape(code)}?lang={language}">{escape(name)}</a></li>'
        for code, name in sites
    )
    current = {code: ' aria-current="page"' if code == language else "" for code in LANGUAGES}
    switch = "".join(
        f'<li><a href="/?lang={code}" hreflang="{code}" lang="{code}"{current[code]}>'
        f"{NATIVE_NAMES[code]}</a></li>"
        for code in LANGUAGES
    )
    return f"""<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Kolejka</title>
<link rel="stylesheet" href="/home/assets/home.css">
</head>
<body>
<header>
<h1>Kolejka</h1>
<nav aria-label="{escape(_("Choose your language"))}"><ul class="languages">{switch}</ul></nav>
</header>
<main>
<p>{escape(_("This is the queue server of the office."))}</p>
<section aria-labelledby="boards">
<h2 id="boards">{escape(_("Hall board in a browser"))}</h2>
<p>{escape(_("For a TV with a browser: open the address with the token of a display."))}</p>
<ul>{board_items}</ul>
</section>
<section aria-labelledby="visitors">
<h2 id="visitors">{escape(_("For visitors"))}</h2>
<ul>
<li><a href="/status?lang={language}">{escape(_("Queue status"))}</a></li>
</ul>
<h3>{escape(_("Book an appointment"))}</h3>
<ul>{booking_items}</ul>
</section>
<section aria-labelledby="tickets">
<h2 id="tickets">{escape(_("Ticket page"))}</h2>
<p>{escape(_("Visitors open their ticket's page from the QR code on the ticket."))}</p>
</section>
<section aria-labelledby="server">
<h2 id="server">{escape(_("For the administrator"))}</h2>
<ul>
<li><a href="/admin">{escape(_("Kolejka console"))}</a></li>
<li><a href="/docs">{escape(_("API documentation"))}</a></li>
<li><a href="/readyz">{escape(_("Server status"))}</a></li>
</ul>
</section>
</main>
</body>
</html>
"""


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, services: ServicesDep) -> HTMLResponse:
    """Where the server's address leads: what it is and where to go from here."""
    with services.db.read() as session:
        sites = [(s.code, s.name) for s in session.exec(select(Site).order_by(Site.code))]
    return HTMLResponse(render_home(home_language(request), sites), headers=page_headers())


@router.get("/home/assets/{name}")
def home_asset(name: str) -> FileResponse:
    return asset_response(WEB_DIR, HOME_ASSETS, name)


@router.get("/docs", response_class=HTMLResponse)
def docs_page() -> HTMLResponse:
    """Swagger UI, all of it from this server; English, as the API's own words are."""
    page = get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title="Kolejka — API",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js",
        swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/docs/assets/favicon-32x32.png",
        oauth2_redirect_url=OAUTH2_REDIRECT_URL,
        # No badge asking an outside validator about the document; no links inside the
        # operations' buttons (deep links nest a link in a button: WCAG 4.1.2).
        swagger_ui_parameters={"validatorUrl": None, "deepLinking": False},
    )
    html = (
        bytes(page.body)
        .decode()
        .replace("<html>", '<html lang="en">', 1)
        .replace("</head>", f'<link rel="stylesheet" href="{DOCS_STYLE}">\n</head>', 1)
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-cache"})


@router.get(OAUTH2_REDIRECT_URL, response_class=HTMLResponse)
def docs_oauth2_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/docs/assets/{name}")
def docs_asset(name: str) -> FileResponse:
    """Swagger UI's files, from the package, and our style over it; nothing else."""
    if name == "kolejka-docs.css":
        return asset_response(WEB_DIR.parent / "docs", {name: "text/css; charset=utf-8"}, name)
    return asset_response(DOCS_DIR, DOCS_ASSETS, name)
