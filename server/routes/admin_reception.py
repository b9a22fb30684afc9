"""The reception desk (`/admin/reception`): a ticket on a visitor's behalf (printed on a
chosen kiosk or read out), reprint and cancel, today's appointments with check-in by code.

Issuing and check-in are the kiosk's own use cases (server/ticketing.py,
server/checkin.py) run as the signed-in staff member; printing on a kiosk is the
`kiosk.reprint` event (server/printer_status.py). Reprint and cancel of a listed ticket
go through the monitor's actions (server/routes/admin_monitor.py).
"""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from kolejka.core.errors import DomainError
from kolejka.core.states import Priority
from kolejka.i18n import LANGUAGES, N_, translator
from kolejka.schemas import CheckInRequest, TicketCreate
from server.deps import Services
from server.guard import error_response
from server.monitor import desk, service_name
from server.routes.admin_console import ConsoleForm, StaffDep, console_page, request_language
from server.routes.admin_monitor import BadInput, int_field

router = APIRouter(prefix="/admin", include_in_schema=False)


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _page(request: Request, staff: StaffDep, template: str) -> HTMLResponse:
    view = await to_thread.run_sync(desk, _services(request).monitor, staff.site_code)
    language = request.state.console_language
    return console_page(
        request,
        template,
        section="reception",
        desk=view,
        service_name=lambda row: service_name(row.names, language, row.code),
    )


@router.get("/reception", response_class=HTMLResponse)
async def reception_page(request: Request, staff: StaffDep) -> HTMLResponse:
    return await _page(request, staff, "admin/reception.html")


@router.get("/reception/live", response_class=HTMLResponse)
async def reception_live(request: Request, staff: StaffDep) -> HTMLResponse:
    return await _page(request, staff, "admin/reception_live.html")


def _answer(request: Request, text: str, **params: object) -> JSONResponse:
    staff = request.state.console_staff
    _services(request).monitor.forget(staff.site_code)
    message = translator(request_language(request)).gettext(text).format(**params)
    return JSONResponse({"message": message, **params})


def _refused(request: Request, exc: DomainError) -> JSONResponse:
    return error_response(
        exc.status, exc.code, exc.params, accept_language=request_language(request)
    )


@router.post("/reception/issue")
async def issue_for_visitor(request: Request, staff: StaffDep, form: ConsoleForm) -> JSONResponse:
    """Issue a ticket for the visitor at the desk; print it on `kiosk` (a device id) or,
    with none, answer the number to read out."""
    services = _services(request)
    try:
        service = form.get("service", "").strip()
        if not service or len(service) > 3 or not service.isalnum():
            raise BadInput(field="service")
        language = form.get("language", "pl")
        if language not in LANGUAGES:
            raise BadInput(field="language")
        try:
            priority = Priority(form.get("priority") or "normal")
        except ValueError:
            raise BadInput(field="priority") from None
        kiosk = int_field(form, "kiosk") if form.get("kiosk") else None
        request_body = TicketCreate(service=service, language=language, priority=priority)
        ticket = await services.writer.run(
            services.queue.issue_ticket, staff.site_code, staff.actor, request_body
        )
        if kiosk is None:
            return _answer(
                request,
                N_("Ticket {ticket} is issued. Please read the number out to the visitor."),
                ticket=ticket.number,
                ticket_id=ticket.id,
            )
        printed = await services.writer.run(
            services.printer_status.request_reprint,
            staff.site_code,
            staff.actor,
            kiosk,
            ticket.id,
        )
    except DomainError as exc:
        return _refused(request, exc)
    return _answer(
        request,
        N_("Ticket {ticket} is issued and printing on kiosk {device}."),
        ticket=ticket.number,
        ticket_id=ticket.id,
        device=printed.device,
    )


@router.post("/reception/check-in")
async def check_in_by_code(request: Request, staff: StaffDep, form: ConsoleForm) -> JSONResponse:
    """Check a booking in by its code (no names needed): its ticket joins the queue."""
    services = _services(request)
    try:
        code = form.get("code", "").strip()
        if not code or len(code) > 200:
            raise BadInput(field="code")
        language = form.get("language", "pl")
        if language not in LANGUAGES:
            raise BadInput(field="language")
        ticket = await services.writer.run(
            services.check_in.check_in,
            staff.site_code,
            staff.actor,
            CheckInRequest(code=code, language=language),
        )
    except DomainError as exc:
        return _refused(request, exc)
    return _answer(
        request,
        N_("Checked in: ticket {ticket}. Please read the number out to the visitor."),
        ticket=ticket.number,
        ticket_id=ticket.id,
    )
