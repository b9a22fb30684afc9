"""The public booking pages `/book/{site}`, the manage link, and the ticket page's opt-in.

Plain server-rendered HTML forms (server/web/book/), no script: choose a matter, a day
and a free time, give the contact and the office's fields, agree, book; the answer
redirects to the booking's private page `/book/{site}/manage/{secret}` (Post/Redirect/
Get), which shows the short code, the QR code, the PDF and the .ics file, and cancels or
moves. Every form carries a CSRF token bound to a cookie of the browser's; the booking
form also a one-time nonce, so a replayed form is refused instead of booking twice.
A refusal shows the page again with the reason and changes nothing.

`/t/{public_id}/notify` lets a waiting visitor leave a phone or e-mail for "N people
ahead of you" and "please go to counter 5" (server/notifications.py).

The admin's look at abuse and at undelivered messages is two API operations here too:
`list_suspicious_bookings`, `list_failed_notifications`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import UTC, date, datetime
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote
from zoneinfo import ZoneInfo

from babel.dates import format_date
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlmodel import select

from kolejka.core.booking import BookingRefusal
from kolejka.core.errors import Conflict, DomainError, NotFound
from kolejka.core.states import TicketStatus
from kolejka.i18n import LANGUAGES, N_, normalize_language, translator
from kolejka.schemas import (
    ErrorPublic,
    FailedNotification,
    FailedNotifications,
    SuspiciousBookers,
)
from server import outbox
from server import repository as repo
from server.actors import require_site, require_supervisor
from server.appointments import Unprocessable
from server.confirmations import render_pdf
from server.deps import ActorDep, Services, ServicesDep
from server.mailer import qr_png
from server.messages import message_for
from server.models import Site, Ticket, TicketWatch
from server.public_booking import (
    BookingForm,
    ManageView,
    PublicBooking,
    normalize_email,
    normalize_phone,
    suspicious,
)
from server.ratelimit import RateLimited, RateLimiter
from server.routes.assets import asset_response
from server.routes.pages import page_headers
from server.routes.public import PUBLIC_ID, client_address
from server.templating import render
from server.transactions import Transaction, Write

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["booking"])

WEB_DIR = FilePath(__file__).resolve().parents[1] / "web" / "book"
ASSETS = {"book.css": "text/css; charset=utf-8"}
SITE = r"^[a-z0-9][a-z0-9-]{0,39}$"
SERVICE = r"^[A-Z]{1,3}$"
SECRET = r"^[A-Za-z0-9_-]{20,64}$"
CSRF_COOKIE = "kolejka_form"
# The same headers as the other pages, but forms post to this server.
HEADERS = {
    **page_headers(noindex=True),
    "Content-Security-Policy": page_headers()["Content-Security-Policy"].replace(
        "form-action 'none'", "form-action 'self'"
    ),
}
DEFAULT_CONSENT = N_(
    "I agree that the office keeps my contact to send me the confirmation, changes and a "
    "reminder of this appointment, and erases it after the visit."
)

SiteCode = Annotated[str, Path(pattern=SITE)]
ServiceCode = Annotated[str, Path(pattern=SERVICE)]
Secret = Annotated[str, Path(pattern=SECRET)]


# Refusals that mean the chosen time is no longer to be had (someone was quicker).
SLOT_GONE = frozenset({"slot_full", BookingRefusal.ONLINE_FULL.value})


class PageLimits:
    """Per network address: bookings tried, and manage links that match nothing."""

    def __init__(self, posts_per_minute: int = 30) -> None:
        self.posts = RateLimiter(posts_per_minute, burst=max(10, posts_per_minute // 3))
        self.misses = RateLimiter(20, burst=10)


# `async def`: FastAPI runs a plain `def` dependency in the thread pool, a hop there and
# back per dependency per request (see server/deps.py).
async def booking(request: Request) -> PublicBooking:
    found: PublicBooking = request.app.state.public_booking
    return found


async def limits(request: Request) -> PageLimits:
    found: PageLimits = request.app.state.booking_limits
    return found


BookingDep = Annotated[PublicBooking, Depends(booking)]
LimitsDep = Annotated[PageLimits, Depends(limits)]


# --- shared page steps ---------------------------------------------------------------------


def page_language(request: Request, fallback: str | None = None) -> str:
    asked = (request.query_params.get("lang") or "").lower()
    if asked in LANGUAGES:
        return asked
    if fallback:
        return normalize_language(fallback)
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return "pl"


def here(request: Request) -> str:
    """This page's address without `lang` (the language links add it)."""
    query = "&".join(
        f"{quote(k)}={quote(v)}" for k, v in request.query_params.items() if k != "lang"
    )
    return request.url.path + (f"?{query}" if query else "")


def csrf_pair(request: Request, secret: str) -> tuple[str, str | None]:
    """(the form's token, a new cookie value to set, if the browser has none yet)."""
    cookie = request.cookies.get(CSRF_COOKIE)
    new = None
    if not cookie or len(cookie) > 64:
        cookie = new = secrets.token_urlsafe(24)
    return _csrf_token(secret, cookie), new


def _csrf_token(secret: str, cookie: str) -> str:
    return hmac.new(secret.encode(), f"kolejka/csrf/{cookie}".encode(), hashlib.sha256).hexdigest()[
        :32
    ]


def csrf_ok(request: Request, secret: str, token: str) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie) and hmac.compare_digest(_csrf_token(secret, cookie or ""), token or "")


def html(
    template: str,
    language: str,
    request: Request,
    status: int = 200,
    cookie: str | None = None,
    **context: Any,
) -> HTMLResponse:
    context.setdefault("error", None)
    context.setdefault("notice", None)
    # The language links lead to this page's GET address (after a POST, the form's).
    context.setdefault("here", here(request))
    body = render(f"book/{template}", language, **context)
    response = HTMLResponse(body, status_code=status, headers=HEADERS)
    if cookie:
        response.set_cookie(
            CSRF_COOKIE,
            cookie,
            httponly=True,
            samesite="lax",
            path="/",
            secure=request.url.scheme == "https",
        )
    return response


def error_text(exc: DomainError, language: str) -> str:
    return message_for(exc.code, exc.params, language)


def day_label(day: date, language: str) -> str:
    text = format_date(day, format="EEEE, d MMMM", locale=language)
    return text[:1].upper() + text[1:]


def when_label(moment: datetime, language: str) -> str:
    return f"{day_label(moment.date(), language)}, {moment:%H:%M}"


def not_found_page(
    request: Request, language: str, site_name: str, exc: DomainError, back: str
) -> HTMLResponse:
    _ = translator(language).gettext
    return html(
        "message.html",
        language,
        request,
        status=exc.status,
        site_name=site_name,
        heading=_("Not possible"),
        text=error_text(exc, language),
        back=back,
        back_text=_("Back"),
    )


async def form_data(request: Request) -> dict[str, str]:
    """A plain form's fields (application/x-www-form-urlencoded; the guard bounds the
    size). Anything else, or bytes that are not UTF-8, is an empty form."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        return {}
    try:
        text = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        return {}
    pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=50)
    return {k: v.replace("\x00", "") for k, v in pairs}


def base_url(request: Request, services: Services) -> str:
    return services.settings.public_base_url or str(request.base_url).rstrip("/")


# --- choose a matter, a day, a time -----------------------------------------------------------


@router.get("/book/assets/{name}")
def book_asset(name: str) -> FileResponse:
    return asset_response(WEB_DIR, ASSETS, name)


@router.get("/book/{site}", response_class=HTMLResponse)
def choose_service(site: SiteCode, request: Request, pages: BookingDep) -> HTMLResponse:
    language = page_language(request)
    try:
        found, offered = pages.services(site, language)
    except NotFound as exc:
        return not_found_page(request, language, "Kolejka", exc, "/")
    return html(
        "services.html",
        language,
        request,
        site_name=found.name,
        site_code=site,
        services=offered,
    )


def _slot_context(
    pages: PublicBooking, site: str, service: str, language: str, day_text: str | None
) -> dict[str, Any]:
    found, item = pages.service(site, service, language)
    days = pages.days(site, service)
    zone = ZoneInfo(found.timezone)
    chosen: date | None = None
    if day_text:
        try:
            chosen = date.fromisoformat(day_text)
        except ValueError:
            chosen = None
    if chosen is None or all(d.day != chosen for d in days):
        chosen = next((d.day for d in days if d.free), None)
    slots = pages.slots(site, service, chosen) if chosen else []
    return {
        "site_name": found.name,
        "site_code": site,
        "service_name": item.name,
        "days": [
            {"day": d.day, "label": day_label(d.day, language), "free": d.free, "open": d.open}
            for d in days
        ],
        "has_free": any(d.free for d in days),
        "day": chosen,
        "day_label": day_label(chosen, language) if chosen else "",
        "slots": [
            {
                "label": f"{s.start:%H:%M}",
                "value": s.start.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "free": s.free,
            }
            for s in slots
        ],
        "zone": zone,
    }


@router.get("/book/{site}/{service}", response_class=HTMLResponse)
def choose_slot(
    site: SiteCode,
    service: ServiceCode,
    request: Request,
    pages: BookingDep,
    day: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    language = page_language(request)
    try:
        context = _slot_context(pages, site, service, language, day)
    except NotFound as exc:
        return not_found_page(request, language, "Kolejka", exc, f"/book/{site}?lang={language}")
    return html(
        "slots.html",
        language,
        request,
        moving=False,
        base=f"/book/{site}/{service}",
        back=f"/book/{site}?lang={language}",
        csrf="",
        move_action="",
        **context,
    )


def _parse_start(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Unprocessable("invalid_request") from None
    if moment.tzinfo is None or not 2000 <= moment.year <= 2999:
        raise Unprocessable("invalid_request")
    return moment


def _form_context(
    pages: PublicBooking,
    services: Services,
    site: str,
    service: str,
    language: str,
    start_text: str,
    values: dict[str, str],
) -> dict[str, Any]:
    found, item = pages.service(site, service, language)
    start = _parse_start(start_text)
    pages.check_offered(site, service, start)
    zone = ZoneInfo(found.timezone)
    _ = translator(language).gettext
    consent = found.rules.booking_consent.get(language) or found.rules.booking_consent.get("pl")
    hints = {
        "email": _("Please give your e-mail address."),
        "phone": _("Please give your mobile phone number."),
        "either": _("Please give an e-mail address or a mobile phone number (or both)."),
        "both": _("Please give both your e-mail address and your mobile phone number."),
    }
    return {
        "site_name": found.name,
        "site_code": site,
        "service_name": item.name,
        "when": when_label(start.astimezone(zone), language),
        "start": start_text,
        "contact": item.rules.contact,
        "contact_hint": hints[item.rules.contact],
        "fields": [
            {
                "key": f.key,
                "label": f.labels.get(language) or f.labels["pl"],
                "required": f.required,
                "max_length": f.max_length,
                "value": values.get(f"f_{f.key}", ""),
            }
            for f in item.rules.fields
        ],
        "document_check": item.rules.document_check,
        "consent": consent or _(DEFAULT_CONSENT),
        "values": {
            "email": values.get("email", ""),
            "phone": values.get("phone", ""),
            "consent": values.get("consent") == "yes",
        },
        "action": f"/book/{site}/{service}/form",
        "back": f"/book/{site}/{service}?lang={language}&day={start.astimezone(zone).date()}",
    }


@router.get("/book/{site}/{service}/form", response_class=HTMLResponse)
def booking_form(
    site: SiteCode,
    service: ServiceCode,
    request: Request,
    pages: BookingDep,
    services: ServicesDep,
    start: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    language = page_language(request)
    try:
        context = _form_context(pages, services, site, service, language, start, {})
    except DomainError as exc:
        return not_found_page(
            request, language, "Kolejka", exc, f"/book/{site}/{service}?lang={language}"
        )
    token, cookie = csrf_pair(request, services.settings.signing_key)
    return html(
        "form.html",
        language,
        request,
        cookie=cookie,
        csrf=token,
        nonce=secrets.token_urlsafe(16),
        **context,
    )


@router.post("/book/{site}/{service}/form", response_class=HTMLResponse)
async def submit_booking(
    site: SiteCode,
    service: ServiceCode,
    request: Request,
    pages: BookingDep,
    services: ServicesDep,
    page_limits: LimitsDep,
) -> Response:
    values = await form_data(request)
    language = normalize_language(values.get("lang") or page_language(request))
    address = client_address(request)
    start_text = values.get("start", "")[:40]

    async def again(exc: DomainError) -> HTMLResponse:
        """The form once more, with the reason; built only for a refusal (a booking that
        goes through needs none of it)."""
        if exc.code in SLOT_GONE:
            return slot_gone(exc)
        try:
            context = await run_in_threadpool(
                _form_context, pages, services, site, service, language, start_text, values
            )
        except DomainError as other:
            return not_found_page(
                request, language, "Kolejka", other, f"/book/{site}/{service}?lang={language}"
            )
        token, cookie = csrf_pair(request, services.settings.signing_key)
        return html(
            "form.html",
            language,
            request,
            status=exc.status,
            cookie=cookie,
            csrf=token,
            nonce=values.get("nonce") or secrets.token_urlsafe(16),
            error=error_text(exc, language),
            here=f"/book/{site}/{service}/form?start={quote(start_text)}",
            **context,
        )

    def slot_gone(exc: DomainError) -> HTMLResponse:
        """The time was taken meanwhile: the reason and the way back to the day's times.
        No form (its time is gone) and no database read: when a day is released, most
        of the bookers who came too late get this page, all in the same second."""
        _ = translator(language).gettext
        try:
            day = _parse_start(start_text).astimezone(ZoneInfo(pages.site_timezone(site))).date()
            times = f"/book/{site}/{service}?day={day}"
        except DomainError:
            times = f"/book/{site}/{service}"
        return html(
            "message.html",
            language,
            request,
            status=exc.status,
            site_name=pages.site_name(site),
            heading=_("Not possible"),
            text=None,
            error=error_text(exc, language),
            back=f"{times}{'&' if '?' in times else '?'}lang={language}",
            back_text=_("Back"),
            here=times,
        )

    if not csrf_ok(request, services.settings.signing_key, values.get("csrf", "")):
        return await again(Unprocessable("form_expired"))
    limited = page_limits.posts.acquire(address)
    if limited is not None:
        return await again(RateLimited("booking_rate_limited", retry_after=round(limited)))
    try:
        form = BookingForm(
            service=service,
            start=_parse_start(start_text),
            language=language,
            email=values.get("email", "")[:254],
            phone=values.get("phone", "")[:40],
            document=values.get("document", "")[:40],
            fields={k[2:]: v[:200] for k, v in values.items() if k.startswith("f_")},
            consent=values.get("consent") == "yes",
            nonce=values.get("nonce", "")[:64],
        )
        booked = await services.writer.run(
            pages.book, site, form, address, base_url(request, services)
        )
    except DomainError as exc:
        return await again(exc)
    return RedirectResponse(
        f"/book/{site}/manage/{booked.secret}?lang={language}&booked=1", status_code=303
    )


# --- the manage link ------------------------------------------------------------------------


def _manage_or_404(
    request: Request, pages: PublicBooking, page_limits: PageLimits, site: str, secret: str
) -> ManageView | HTMLResponse:
    language = page_language(request)
    try:
        return pages.view(site, secret)
    except NotFound as exc:
        page_limits.misses.check(client_address(request))  # guessing links is slowed down
        return not_found_page(request, language, "Kolejka", exc, f"/book/{site}?lang={language}")


def _manage_page(
    request: Request,
    services: Services,
    view: ManageView,
    language: str,
    *,
    status: int = 200,
    error: str | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    _ = translator(language).gettext
    token, cookie = csrf_pair(request, services.settings.signing_key)
    secret = request.path_params["secret"]
    checkin = _(
        "Check in at the kiosk in the hall between {start} and {end}: "
        "scan the QR code or type the booking code."
    ).format(start=f"{view.checkin_from:%H:%M}", end=f"{view.checkin_until:%H:%M}")
    return html(
        "manage.html",
        language,
        request,
        status=status,
        cookie=cookie,
        csrf=token,
        site_name=view.site_name,
        site_code=view.site_code,
        view=view,
        when=when_label(view.start, language),
        checkin_text=checkin,
        base=f"/book/{view.site_code}/manage/{secret}",
        here=f"/book/{view.site_code}/manage/{secret}",
        just_booked=request.query_params.get("booked") == "1",
        error=error,
        notice=notice,
    )


@router.get("/book/{site}/manage/{secret}", response_class=HTMLResponse)
def manage(
    site: SiteCode,
    secret: Secret,
    request: Request,
    pages: BookingDep,
    services: ServicesDep,
    page_limits: LimitsDep,
) -> HTMLResponse:
    view = _manage_or_404(request, pages, page_limits, site, secret)
    if isinstance(view, HTMLResponse):
        return view
    language = page_language(request, view.language)
    notice = None
    _ = translator(language).gettext
    if request.query_params.get("moved") == "1":
        notice = _("The appointment has been moved. We have sent you the new time.")
    return _manage_page(request, services, view, language, notice=notice)


@router.get("/book/{site}/manage/{secret}/qr.png")
def manage_qr(
    site: SiteCode, secret: Secret, request: Request, pages: BookingDep, page_limits: LimitsDep
) -> Response:
    view = _manage_or_404(request, pages, page_limits, site, secret)
    if isinstance(view, HTMLResponse):
        return view
    return Response(qr_png(view.token), media_type="image/png", headers=_download_headers())


def _download_headers(filename: str | None = None) -> dict[str, str]:
    headers = {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return headers


@router.get("/book/{site}/manage/{secret}/confirmation.pdf")
def manage_pdf(
    site: SiteCode, secret: Secret, request: Request, pages: BookingDep, page_limits: LimitsDep
) -> Response:
    view = _manage_or_404(request, pages, page_limits, site, secret)
    if isinstance(view, HTMLResponse):
        return view
    language = page_language(request, view.language)
    try:
        data = pages.confirmation(site, secret)
    except DomainError as exc:
        return not_found_page(request, language, view.site_name, exc, f"/book/{site}")
    from dataclasses import replace

    body = render_pdf(replace(data, language=language))
    return Response(body, media_type="application/pdf", headers=_download_headers("booking.pdf"))


@router.get("/book/{site}/manage/{secret}/appointment.ics")
def manage_ics(
    site: SiteCode, secret: Secret, request: Request, pages: BookingDep, page_limits: LimitsDep
) -> Response:
    view = _manage_or_404(request, pages, page_limits, site, secret)
    if isinstance(view, HTMLResponse):
        return view
    try:
        text = pages.ics(site, secret)
    except DomainError as exc:
        return not_found_page(request, view.language, view.site_name, exc, f"/book/{site}")
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers=_download_headers("appointment.ics"),
    )


@router.post("/book/{site}/manage/{secret}/cancel", response_class=HTMLResponse)
async def manage_cancel(
    site: SiteCode,
    secret: Secret,
    request: Request,
    pages: BookingDep,
    services: ServicesDep,
    page_limits: LimitsDep,
) -> Response:
    values = await form_data(request)
    view = await run_in_threadpool(_manage_or_404, request, pages, page_limits, site, secret)
    if isinstance(view, HTMLResponse):
        return view
    language = normalize_language(values.get("lang") or view.language)
    try:
        if not csrf_ok(request, services.settings.signing_key, values.get("csrf", "")):
            raise Unprocessable("form_expired")
        if values.get("confirm") != "yes":
            raise Unprocessable("booking_confirm_cancel")
        await services.writer.run(pages.cancel, site, secret)
    except DomainError as exc:
        return _manage_page(
            request,
            services,
            view,
            language,
            status=exc.status,
            error=error_text(exc, language),
        )
    return RedirectResponse(f"/book/{site}/manage/{secret}?lang={language}", status_code=303)


@router.get("/book/{site}/manage/{secret}/move", response_class=HTMLResponse)
def manage_move(
    site: SiteCode,
    secret: Secret,
    request: Request,
    pages: BookingDep,
    services: ServicesDep,
    page_limits: LimitsDep,
    day: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    view = _manage_or_404(request, pages, page_limits, site, secret)
    if isinstance(view, HTMLResponse):
        return view
    language = page_language(request, view.language)
    return _move_page(request, pages, services, view, language, day)


def _move_page(
    request: Request,
    pages: PublicBooking,
    services: Services,
    view: ManageView,
    language: str,
    day: str | None,
    status: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    base = f"/book/{view.site_code}/manage/{request.path_params['secret']}"
    try:
        context = _slot_context(pages, view.site_code, view.service, language, day)
    except NotFound as exc:
        return not_found_page(request, language, view.site_name, exc, base)
    token, cookie = csrf_pair(request, services.settings.signing_key)
    return html(
        "slots.html",
        language,
        request,
        status=status,
        cookie=cookie,
        moving=True,
        base=f"{base}/move",
        here=f"{base}/move" + (f"?day={quote(day)}" if day else ""),
        back=f"{base}?lang={language}",
        csrf=token,
        move_action=f"{base}/move",
        error=error,
        **context,
    )


@router.post("/book/{site}/manage/{secret}/move", response_class=HTMLResponse)
async def manage_move_submit(
    site: SiteCode,
    secret: Secret,
    request: Request,
    pages: BookingDep,
    services: ServicesDep,
    page_limits: LimitsDep,
) -> Response:
    values = await form_data(request)
    view = await run_in_threadpool(_manage_or_404, request, pages, page_limits, site, secret)
    if isinstance(view, HTMLResponse):
        return view
    language = normalize_language(values.get("lang") or view.language)
    start_text = values.get("start", "")[:40]
    try:
        if not csrf_ok(request, services.settings.signing_key, values.get("csrf", "")):
            raise Unprocessable("form_expired")
        start = _parse_start(start_text)
        await services.writer.run(pages.move, site, secret, start, base_url(request, services))
    except DomainError as exc:
        day = start_text[:10] if len(start_text) >= 10 else None
        return await run_in_threadpool(
            _move_page,
            request,
            pages,
            services,
            view,
            language,
            day,
            exc.status,
            error_text(exc, language),
        )
    return RedirectResponse(
        f"/book/{site}/manage/{secret}?lang={language}&moved=1", status_code=303
    )


# --- the live ticket's opt-in ------------------------------------------------------------------


def _watch_context(services: Services, public_id: str) -> tuple[Ticket, Site, TicketWatch | None]:
    with services.db.read() as session:
        ticket = session.exec(select(Ticket).where(Ticket.public_id == public_id)).first()
        if ticket is None:
            raise NotFound("not_found")
        site = session.get(Site, ticket.site_id)
        assert site is not None
        watch = session.exec(select(TicketWatch).where(TicketWatch.ticket_id == ticket.id)).first()
        return ticket, site, watch


def _notify_page(
    request: Request,
    services: Services,
    public_id: str,
    language: str,
    *,
    status: int = 200,
    error: str | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    try:
        ticket, site, watch = _watch_context(services, public_id)
    except NotFound as exc:
        return not_found_page(request, language, "Kolejka", exc, "/")
    token, cookie = csrf_pair(request, services.settings.signing_key)
    return html(
        "notify.html",
        language,
        request,
        status=status,
        cookie=cookie,
        csrf=token,
        site_name=site.name,
        number=ticket.number,
        ahead=site.rules.notify_ahead,
        watching=watch is not None,
        waiting=ticket.status == TicketStatus.WAITING.value,
        values={"phone": "", "email": "", **(values or {})},
        action=f"/t/{public_id}/notify",
        back=f"/t/{public_id}?lang={language}",
        error=error,
    )


@router.get("/t/{public_id}/notify", response_class=HTMLResponse)
def notify_form(
    public_id: Annotated[str, Path(pattern=PUBLIC_ID)], request: Request, services: ServicesDep
) -> HTMLResponse:
    services.status_limiter.check(public_id)
    return _notify_page(request, services, public_id, page_language(request))


@router.post("/t/{public_id}/notify", response_class=HTMLResponse)
async def notify_submit(
    public_id: Annotated[str, Path(pattern=PUBLIC_ID)], request: Request, services: ServicesDep
) -> Response:
    services.status_limiter.check(public_id)
    values = await form_data(request)
    language = normalize_language(values.get("lang") or page_language(request))
    try:
        if not csrf_ok(request, services.settings.signing_key, values.get("csrf", "")):
            raise Unprocessable("form_expired")
        email = normalize_email(values["email"]) if values.get("email", "").strip() else None
        phone = normalize_phone(values["phone"]) if values.get("phone", "").strip() else None
        if email is None and phone is None:
            raise Unprocessable("booking_contact_required")
        ticket, site, _watch = await run_in_threadpool(_watch_context, services, public_id)
        write = Write(site.code, _public(site))
        await services.writer.run(
            services.queue.writes.run, write, _Done, _add_watch, ticket.id, email, phone, language
        )
    except DomainError as exc:
        refused = exc
        return await run_in_threadpool(
            functools.partial(
                _notify_page,
                request,
                services,
                public_id,
                language,
                status=refused.status,
                error=error_text(refused, language),
                values=values,
            )
        )
    return RedirectResponse(f"/t/{public_id}/notify?lang={language}", status_code=303)


def _public(site: Site) -> Any:
    from server.public_booking import public_actor

    return public_actor(site.id)  # type: ignore[arg-type]


from pydantic import BaseModel  # noqa: E402


class _Done(BaseModel):
    pass


def _add_watch(
    tx: Transaction, ticket_id: int, email: str | None, phone: str | None, language: str
) -> _Done:
    ticket = repo.ticket_by_id(tx.session, tx.site, ticket_id, lock=True)
    if ticket.status != TicketStatus.WAITING.value:
        raise Conflict("ticket_not_waiting")
    existing = tx.session.exec(
        select(TicketWatch).where(TicketWatch.ticket_id == ticket.id)
    ).first()
    watch = existing or TicketWatch(
        site_id=tx.site.id,
        ticket_id=ticket_id,
        service_id=ticket.service_id,
        day=ticket.day,
        created_at=tx.now,
    )
    watch.email, watch.phone, watch.language = email, phone, language
    watch.ahead = tx.site.rules.notify_ahead
    tx.session.add(watch)
    tx.session.flush()
    # Already near the front: say so now rather than at the next call.
    from server.notifications import WatchObserver

    WatchObserver()(tx.session, tx.site, ticket, "ticket.watched", tx.now)
    return _Done()


# --- for the admin ------------------------------------------------------------------------------


@api_router.get(
    "/sites/{site}/booking/suspicious",
    operation_id="list_suspicious_bookings",
    response_model=SuspiciousBookers,
    responses={code: {"model": ErrorPublic} for code in (401, 403, 404)},
)
def list_suspicious_bookings(
    site: str,
    actor: ActorDep,
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=90)] = 7,
) -> SuspiciousBookers:
    """Network addresses, e-mails and phones with many online bookings lately (as keyed
    hashes: compare them, they cannot be read back), with their bookings' ids."""
    return suspicious(services.db, site, actor, services.clock.now(), days)


@api_router.get(
    "/sites/{site}/notifications/failed",
    operation_id="list_failed_notifications",
    response_model=FailedNotifications,
    responses={code: {"model": ErrorPublic} for code in (401, 403, 404)},
)
def list_failed_notifications(
    site: str, actor: ActorDep, services: ServicesDep
) -> FailedNotifications:
    """Messages the sender gave up on (or whose outcome is unknown), newest first, with
    the recipient masked; and how many messages are in each state."""
    require_supervisor(actor, "list_failed_notifications")
    with services.db.read() as session:
        found = repo.site_by_code(session, site)
    require_site(actor, found.id)  # type: ignore[arg-type]
    rows = outbox.failed_messages(services.db, found.id)  # type: ignore[arg-type]
    data = [
        FailedNotification(
            id=r.id,
            kind=r.kind,
            channel=r.channel,
            recipient=outbox.mask(r.recipient),
            language=r.language,
            attempts=r.attempts,
            last_error=r.last_error,
            ref=r.ref,
            created_at=r.created_at,
        )
        for r in rows
    ]
    return FailedNotifications(
        counts=outbox.counts(services.db, found.id),  # type: ignore[arg-type]
        data=data,
        count=len(data),
    )
