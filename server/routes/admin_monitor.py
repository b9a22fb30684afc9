"""The console's live monitor and the supervisor's actions from it.

- `GET /admin/monitor` — the page; its script keeps `#live` current from the monitor's
  own stream, `/admin/monitor/events` (the site's events in batches and the figures'
  changed parts, made once per site for every monitor: server/monitor_feed.py).
- `GET /admin/monitor/live` — the live part alone (the same HTML the stream's parts are).
- `POST /admin/monitor/actions/{action}` — one supervisor action (a form with the CSRF
  token, confirmed in the page first), run by its use case as the signed-in supervisor,
  so its event names them in the audit. JSON answer: `{"message": …}` or the API's error
  shape, in the console's language.
- `GET /admin/region` — every site side by side (a regional admin; others see their own).

The figures come from server/monitor.py; routes only wire.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Path, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse, JSONResponse

from kolejka.core.errors import DomainError, Forbidden
from kolejka.core.states import Priority
from kolejka.i18n import N_, translator
from server.console import LANGUAGE_COOKIE, Staff, console_language
from server.deps import Services, lookup_token
from server.display_reads import SitePosition
from server.guard import error_response
from server.monitor import Hall, service_name
from server.monitor_feed import Watcher
from server.params import OptionalAfterSeq
from server.routes.admin_console import (
    CONSOLE_HEADERS,
    NAV,
    ConsoleForm,
    StaffDep,
    admit_stream,
    console_page,
    request_language,
    staff_cache,
)
from server.routes.events_ws import (
    CLOSE_AUTH,
    CLOSE_TOO_SLOW,
    catch_up,
    drain_client,
    replay,
)
from server.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)

SITE_CODE = r"^[a-z0-9][a-z0-9-]{0,39}$"
SiteQuery = Annotated[str | None, Query(pattern=SITE_CODE)]


class BadInput(DomainError):
    status = 422
    default_code = "console_bad_input"


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def watched_site(staff: Staff, site: str | None) -> str:
    """The site a page shows: the staff member's own; another only for a regional admin."""
    if site is None or site == staff.site_code:
        return staff.site_code
    if not staff.regional:
        raise Forbidden("wrong_site")
    return site


def hall_context(hall: Hall, language: str) -> dict[str, Any]:
    return {"hall": hall, "service_name": lambda row: service_name(row.names, language, row.code)}


@router.get("/monitor", response_class=HTMLResponse)
async def monitor_page(request: Request, staff: StaffDep, site: SiteQuery = None) -> HTMLResponse:
    code = watched_site(staff, site)
    hall = await to_thread.run_sync(_services(request).monitor.hall, code)
    language = request.state.console_language
    return console_page(
        request,
        "admin/monitor.html",
        section="monitor",
        own_site=code == staff.site_code,
        **hall_context(hall, language),
    )


def live_fragment(hall: Hall, language: str, own_site: bool) -> str:
    """The monitor's live part: the same HTML for every monitor of a site in one language
    (no session's token in it: the script sends that from the page), so the live feed
    renders each reading once for all of them (server/monitor_feed.py)."""
    return render(
        "admin/monitor_live.html",
        language,
        staff=None,
        nav=NAV,
        section=None,
        csrf="",
        path="/admin/monitor/live",
        own_site=own_site,
        **hall_context(hall, language),
    )


_rendered: dict[tuple[str, int, str, str, bool], str] = {}


@router.get("/monitor/live", response_class=HTMLResponse)
async def monitor_live(request: Request, staff: StaffDep, site: SiteQuery = None) -> HTMLResponse:
    """The monitor's live part alone, for its script (no layout)."""
    code = watched_site(staff, site)
    hall = await to_thread.run_sync(_services(request).monitor.hall, code)
    language = request.state.console_language
    own = code == staff.site_code
    key = (hall.site, hall.seq, hall.at.isoformat(), language, own)
    html = _rendered.get(key)
    if html is None:
        html = live_fragment(hall, language, own)
        if len(_rendered) > 64:
            _rendered.clear()
        _rendered[key] = html
    return HTMLResponse(html, headers=CONSOLE_HEADERS)


@router.websocket("/monitor/events")
async def monitor_events(
    websocket: WebSocket,
    after: OptionalAfterSeq = None,
    epoch: str | None = None,
    site: str | None = None,
) -> None:
    """The monitor's own stream, by the session cookie: first what `/admin/events` sends
    (the events after `?after=&epoch=`, or a reset), then the site's events in batches
    and the figures' changed parts, each made once for every monitor of the site
    (server/monitor_feed.py). A regional admin may name another `site`."""
    services: Services = websocket.app.state.services
    admitted = await admit_stream(websocket, services, site)
    if admitted is None:
        return
    token, staff, code, position = (
        admitted.token,
        admitted.staff,
        admitted.site_code,
        admitted.position,
    )
    view = (console_language(websocket.cookies.get(LANGUAGE_COOKIE)), code == staff.site_code)
    hub = services.monitor_feed
    watcher = await hub.watch(code, position.id, view, staff.actor.key)
    try:
        try:  # revoked between the first look and joining the feed: the feed missed it
            await to_thread.run_sync(lookup_token, services, token)
        except DomainError as exc:
            await websocket.close(code=CLOSE_AUTH, reason=exc.code)
            return
        await _watch(websocket, services, code, position, after, epoch, watcher)
    finally:
        await hub.leave(position.id, watcher)


async def _watch(
    websocket: WebSocket,
    services: Services,
    code: str,
    position: SitePosition,
    after: int | None,
    epoch: str | None,
    watcher: Watcher,
) -> None:
    async def reader() -> None:
        await drain_client(websocket)
        watcher.close("gone")

    reading = asyncio.create_task(reader())
    try:
        sent = await catch_up(
            websocket,
            services,
            code,
            position.id,
            after,
            epoch,
            position.epoch,
            position.last_seq,
            snapshot=False,  # the figures come in the feed's own frames
        )
        while True:
            await watcher.ready.wait()
            watcher.ready.clear()
            if watcher.closing == "gone":
                return
            if watcher.closing == "signed_out":  # the token was revoked: not one event more
                await websocket.close(code=CLOSE_AUTH, reason="invalid_token")
                return
            if watcher.closing == "too_slow":
                await websocket.close(code=CLOSE_TOO_SLOW, reason="too_slow_resume_with_after")
                return
            while watcher.frames and watcher.closing is None:
                first, last, text = watcher.frames.popleft()
                if last and last <= sent:
                    continue  # the catch-up sent these already
                if last and first > sent + 1:  # never skip a seq: the gap from the log
                    sent = await replay(websocket, services, position.id, sent, first - 1)
                await websocket.send_text(text)
                sent = max(sent, last)
            if watcher.closing is not None:
                watcher.ready.set()
    except (WebSocketDisconnect, RuntimeError):
        return
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reading


@router.get("/region", response_class=HTMLResponse)
async def region_page(request: Request, staff: StaffDep) -> HTMLResponse:
    services = _services(request)
    if staff.regional:
        halls = await to_thread.run_sync(services.monitor.region)
    else:
        halls = [await to_thread.run_sync(services.monitor.hall, staff.site_code)]
    return console_page(request, "admin/region.html", section="region", halls=halls)


@router.get("/region/live", response_class=HTMLResponse)
async def region_live(request: Request, staff: StaffDep) -> HTMLResponse:
    services = _services(request)
    if staff.regional:
        halls = await to_thread.run_sync(services.monitor.region)
    else:
        halls = [await to_thread.run_sync(services.monitor.hall, staff.site_code)]
    return console_page(request, "admin/region_live.html", halls=halls)


# --- actions -------------------------------------------------------------------------------


def int_field(form: dict[str, str], name: str, low: int = 1, high: int = 2**31 - 1) -> int:
    value = form.get(name, "").strip()
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadInput(field=name)
    return int(value)


def text_field(form: dict[str, str], name: str, pattern: Callable[[str], bool]) -> str:
    value = form.get(name, "").strip()
    if not value or len(value) > 40 or not pattern(value):
        raise BadInput(field=name)
    return value


def _service_code(value: str) -> bool:
    return value.isascii() and value.isalnum() and len(value) <= 3


async def run_action(
    services: Services, staff: Staff, action: str, form: dict[str, str]
) -> tuple[str, dict[str, Any]]:
    """Run `action` as `staff`; answers the message's text (to translate) and its values."""
    site, actor, run = staff.site_code, staff.actor, services.writer.run
    if action == "pause_counter":
        number = int_field(form, "counter", high=10_000)
        await run(services.counters.pause_counter, site, actor, number)
        return N_("Counter {counter} is paused."), {"counter": number}
    if action == "close_counter":
        number = int_field(form, "counter", high=10_000)
        await run(services.counters.close_counter, site, actor, number)
        return N_("Counter {counter} is closed."), {"counter": number}
    if action == "sign_out_clerk":
        signed_out = await run(
            services.counters.sign_out_clerk, site, actor, int_field(form, "clerk")
        )
        services.actors.forget_all()  # their token is refused from the next request on
        return N_("{name} is signed out."), {"name": signed_out.display_name}
    if action == "cancel_ticket":
        ticket = await run(services.queue.cancel_ticket, site, actor, int_field(form, "ticket"))
        return N_("Ticket {ticket} is cancelled."), {"ticket": ticket.number}
    if action == "reinstate_ticket":
        ticket = await run(services.queue.reinstate_ticket, site, actor, int_field(form, "ticket"))
        return N_("Ticket {ticket} is waiting again."), {"ticket": ticket.number}
    if action == "move_ticket":
        ticket_id = int_field(form, "ticket")
        target = text_field(form, "service", _service_code)
        ticket = await run(services.queue.move_ticket, site, actor, ticket_id, target)
        return N_("Ticket {ticket} now waits for {service}."), {
            "ticket": ticket.number,
            "service": ticket.service,
        }
    if action == "prioritise_ticket":
        ticket = await run(
            services.queue.prioritise_ticket,
            site,
            actor,
            int_field(form, "ticket"),
            Priority.PRIORITY,
        )
        return N_("Ticket {ticket} now has priority."), {"ticket": ticket.number}
    if action == "reprint":
        reprinted: int | None = int_field(form, "ticket") if form.get("ticket") else None
        reprint = await run(
            services.printer_status.request_reprint,
            site,
            actor,
            int_field(form, "device"),
            reprinted,
        )
        return N_("Kiosk {device} prints ticket {ticket} again."), {
            "device": reprint.device,
            "ticket": reprint.ticket.number,
        }
    raise BadInput(field="action")


ACTIONS = (
    "pause_counter",
    "close_counter",
    "sign_out_clerk",
    "cancel_ticket",
    "reinstate_ticket",
    "move_ticket",
    "prioritise_ticket",
    "reprint",
)
ACTION_PATH = r"^[a-z_]{1,40}$"


@router.post("/monitor/actions/{action}")
async def monitor_action(
    request: Request,
    action: Annotated[str, Path(pattern=ACTION_PATH)],
    staff: StaffDep,
    form: ConsoleForm,
) -> JSONResponse:
    """One supervisor action; 4xx with the reason (in the console's language) when refused."""
    if action not in ACTIONS:
        raise BadInput(field="action")
    language = request_language(request)
    try:
        text, params = await run_action(_services(request), staff, action, form)
    except DomainError as exc:
        return error_response(exc.status, exc.code, exc.params, accept_language=language)
    _services(request).monitor.forget(staff.site_code)
    if action == "sign_out_clerk":  # a console session of theirs ends as well
        staff_cache(request).forget_all()
    message = translator(language).gettext(text).format(**params)
    return JSONResponse({"message": message, "action": action, **params})
