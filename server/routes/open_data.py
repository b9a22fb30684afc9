"""The open queue feed: `/api/open/v1/…`, no token, for city portals, apps and the public
status page (docs/open-feed.md).

- `GET /api/open/v1/sites` — the sites this server publishes (a region: the main office
  and its branches), each with the address of its feed and of its status page;
- `GET /api/open/v1/sites/{site}/queues` — the site's queues now (kolejka.open_data).

Answers are shared by everyone (`Cache-Control: public, max-age`), carry an ETag (a
matching `If-None-Match` gets 304 with no body) and may be read from any web page (CORS
`*`: the data is public). Each client address may ask `open_feed_rate_per_minute` times a
minute, in bursts; beyond that 429 with `Retry-After`. The URL and the fields are stable:
fields may be added, none renamed or removed within v1.
"""

from __future__ import annotations

import asyncio
import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from kolejka.open_data import OpenSiteQueues, OpenSites
from kolejka.schemas import ErrorPublic
from server.deps import Services, ServicesDep
from server.open_feed import FeedEntry
from server.ratelimit import RateLimited
from server.routes.public import client_address

OPEN_PREFIX = "/api/open/v1"
SITE_CODE = r"^[a-z0-9][a-z0-9-]{0,39}$"
SITES_MAX_AGE_S = 60

router = APIRouter(prefix=OPEN_PREFIX, tags=["open data"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorPublic} for code in (404, 422, 429)}


def open_headers(max_age_s: int, etag: str | None = None) -> dict[str, str]:
    headers = {
        "Cache-Control": f"public, max-age={max_age_s}",
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
    }
    if etag is not None:
        headers["ETag"] = etag
    return headers


def limit_address(services: Services, request: Request) -> None:
    """Per client address: a portal polling every few seconds is fine, a flood is not."""
    wait = services.open_feed_limiter.acquire(client_address(request))
    if wait is not None:
        raise RateLimited("open_feed_rate_limited", retry_after=round(wait, 1))


def not_modified(request: Request, etag: str) -> bool:
    asked = request.headers.get("if-none-match")
    if not asked:
        return False
    return asked.strip() == "*" or etag in (tag.strip() for tag in asked.split(","))


_refreshing: set[asyncio.Task[None]] = set()  # referenced until done


def kept_feed(services: Services, site: str) -> FeedEntry | None:
    """The site's kept answer (never older than max_age_s), or None; starts the next one
    in the background when it is due, so that no request waits for it."""
    feed = services.open_feed
    entry, due = feed.lookup(site)
    if due:
        task = asyncio.ensure_future(run_in_threadpool(feed.refresh_quietly, site))
        _refreshing.add(task)
        task.add_done_callback(_refreshing.discard)
    return entry


async def site_feed(services: Services, site: str) -> FeedEntry:
    """The site's kept answer, else one worked out now (an unknown site: NotFound)."""
    entry = kept_feed(services, site)
    if entry is None:
        entry = await run_in_threadpool(services.open_feed.refresh, site)
    return entry


@router.get(
    "/sites/{site}/queues",
    operation_id="open_site_queues",
    response_model=OpenSiteQueues,
    responses={**ERRORS, 304: {"description": "Not modified (If-None-Match)"}},
)
async def site_queues(
    site: Annotated[str, Path(pattern=SITE_CODE)], request: Request, services: ServicesDep
) -> Response:
    """The site's queues now: per matter its status, open counters, people waiting, the
    number called last, the median service time, the estimated wait for a ticket taken
    now and when the day's tickets will likely run out. No sign-in; refreshed every few
    seconds (`max_age_s`)."""
    limit_address(services, request)
    entry = await site_feed(services, site)
    headers = open_headers(services.open_feed.max_age_s, entry.etag)
    if not_modified(request, entry.etag):
        return Response(status_code=304, headers=headers)
    return Response(entry.body, media_type="application/json", headers=headers)


@router.get("/sites", operation_id="open_sites", response_model=OpenSites, responses=ERRORS)
async def sites(request: Request, services: ServicesDep) -> Response:
    """The sites this server publishes, with the addresses of their feeds and status pages."""
    limit_address(services, request)
    listing = await run_in_threadpool(services.open_feed.sites)
    return Response(
        listing.model_dump_json(),
        media_type="application/json",
        headers=open_headers(SITES_MAX_AGE_S),
    )


_QUEUES_PATH = re.compile(r"^/api/open/v1/sites/([a-z0-9][a-z0-9-]{0,39})/queues$")


class FeedFastPath:
    """The open feed's kept answers, sent before FastAPI's routing (pure ASGI).

    A feed request is the commonest request a busy server gets and its answer is bytes
    already made; routing, dependencies and validation cost several times what sending
    them does. A kept answer within the address's limit goes out here, with the same
    headers as `site_queues`; anything else (none kept, refused, a query string, another
    method) goes on to the route, which answers as documented."""

    def __init__(self, app: ASGIApp, *, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["query_string"]:
            match = _QUEUES_PATH.match(scope["path"])
            if match is not None and await self._answer(scope, send, match[1]):
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, send: Send, site: str) -> bool:
        feed = self.services.open_feed
        entry = kept_feed(self.services, site)
        if entry is None:
            return False
        client = scope.get("client")
        address = client[0] if client else "unknown"
        if self.services.open_feed_limiter.acquire(address) is not None:
            return False  # the route refuses it (the refusal takes no token)
        asked = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
        headers = [
            (k.lower().encode(), v.encode())
            for k, v in open_headers(feed.max_age_s, entry.etag).items()
        ]
        if asked is not None and entry.etag.encode() in (t.strip() for t in asked.split(b",")):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return True
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(entry.body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})
        return True
