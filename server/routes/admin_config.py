"""The console's configuration pages: `/admin/config/…` (administrators only).

Pages are rendered by the server with the current values and the revision they show;
their forms are sent by server/web/admin_config/config.js and answered in JSON: the
message, the new revision, or the fields a refusal names. The work is done by the same
use cases as the API's (server/config_admin.py), as the signed-in administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import ValidationError

from kolejka.core.errors import DomainError, NotFound
from kolejka.core.hours import WEEKDAYS
from kolejka.i18n import N_, translator
from server.config_admin import (
    ClerkCreate,
    ClerkUpdate,
    ConfigImport,
    CounterWrite,
    DeviceRegister,
    DeviceUpdate,
    PasswordReset,
    Revision,
    RulesWrite,
    ServiceWrite,
    TickerWrite,
)
from server.config_forms import (
    LANGS,
    FieldError,
    FormRefused,
    counter_document,
    field_name,
    refusals,
    rule_bounds,
    rule_fields,
    rules_document,
    service_document,
    zone_list,
)
from server.console import CSRF_FIELD, CSRF_HEADER, check_csrf
from server.deps import Services
from server.messages import message_for
from server.params import CounterNumber
from server.routes.admin_console import AdminDep, console_page, request_language
from server.routes.assets import asset_response

router = APIRouter(prefix="/admin/config", include_in_schema=False)

WEB_DIR = Path(__file__).resolve().parents[1] / "web" / "admin_config"
ASSETS = {
    "config.js": "text/javascript; charset=utf-8",
    "config.css": "text/css; charset=utf-8",
}
FORM_FIELDS_MAX = 400


async def config_form(request: Request, staff: AdminDep) -> dict[str, str]:
    """The posted fields once the session's CSRF token is checked (header or field)."""
    from urllib.parse import parse_qsl

    text = (await request.body()).decode("utf-8", errors="replace")
    try:
        form = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=FORM_FIELDS_MAX))
    except ValueError:
        form = {}
    check_csrf(staff.csrf, request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD))
    return form


ConfigForm = Annotated[dict[str, str], Depends(config_form)]


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _language(request: Request) -> str:
    return getattr(request.state, "console_language", None) or request_language(request)


def _refused(request: Request, errors: list[FieldError], status: int = 422) -> JSONResponse:
    language = _language(request)
    return JSONResponse(
        {
            "code": "invalid_request",
            "detail": translator(language).gettext("Please correct the marked fields."),
            "errors": [{"field": e.field, "message": e.message} for e in errors],
        },
        status_code=status,
    )


def _error(request: Request, exc: DomainError, strip: int, rename: dict[str, str]) -> JSONResponse:
    language = _language(request)
    detail = message_for(exc.code, exc.params, language)
    body: dict[str, Any] = {"code": exc.code, "detail": detail}
    errors = exc.params.get("errors")
    if isinstance(errors, list):
        body["errors"] = [
            {"field": field_name(list(e.get("loc", [])), strip, rename), "message": detail}
            for e in errors
            if isinstance(e, dict)
        ]
    return JSONResponse(body, status_code=exc.status)


async def _save(
    request: Request,
    build: Callable[[], Any],
    use_case: Callable[..., Any],
    *args: Any,
    strip: int = 2,
    rename: dict[str, str] | None = None,
    said: str = N_("Saved."),
    reload: bool = False,
    location: str | None = None,
    extra: Callable[[Any], dict[str, Any]] | None = None,
) -> JSONResponse:
    """Build the request document from the form, run the use case in the writer, answer
    the page: the message and the new revision, or the fields and why."""
    language = _language(request)
    rename = rename or {}
    try:
        body = build()
    except FormRefused as exc:
        return _refused(request, exc.errors)
    except ValidationError as exc:
        return _refused(request, refusals(exc, strip - 1, language, rename))
    services = _services(request)
    try:
        answer = await services.writer.run(use_case, *args, body)
    except DomainError as exc:
        return _error(request, exc, strip, rename)
    result: dict[str, Any] = {
        "detail": translator(language).gettext(said),
        "revision": getattr(answer, "revision", None),
        "reload": reload,
    }
    if location:
        result["location"] = location
    if extra is not None:
        result.update(extra(answer))
    return JSONResponse(result)


def _revision(form: dict[str, str]) -> str:
    return form.get("revision", "")


def _page(request: Request, template: str, **ctx: Any) -> HTMLResponse:
    return console_page(request, f"admin_config/{template}", section="config", langs=LANGS, **ctx)


# --- assets, overview -------------------------------------------------------------------


@router.get("/assets/{name}")
def config_asset(name: str) -> FileResponse:
    return asset_response(WEB_DIR, ASSETS, name)


@router.get("", response_class=HTMLResponse)
async def config_home(request: Request, staff: AdminDep) -> HTMLResponse:
    config = _services(request).config
    services = config.list_services(staff.site_code, staff.actor)
    counters = config.list_counters(staff.site_code, staff.actor)
    clerks = config.list_clerks(staff.site_code, staff.actor)
    devices = config.list_devices(staff.site_code, staff.actor)
    return _page(
        request,
        "home.html",
        revision=services.revision,
        counts={
            "services": len(services.services),
            "counters": len(counters.counters),
            "clerks": sum(1 for c in clerks.clerks if c.active),
            "devices": len(devices.devices),
        },
    )


# --- services ---------------------------------------------------------------------------


@router.get("/services", response_class=HTMLResponse)
async def services_page(request: Request, staff: AdminDep) -> HTMLResponse:
    listing = _services(request).config.list_services(staff.site_code, staff.actor)
    return _page(request, "services.html", listing=listing)


def _service_form_page(request: Request, staff: Any, code: str | None) -> HTMLResponse:
    listing = _services(request).config.list_services(staff.site_code, staff.actor)
    service = next((s for s in listing.services if s.code == code), None) if code else None
    if code and service is None:
        raise NotFound("service_not_found", service=code)
    return _page(
        request,
        "service.html",
        service=service,
        revision=listing.revision,
        weekdays=WEEKDAYS,
    )


@router.get("/services/new", response_class=HTMLResponse)
async def new_service_page(request: Request, staff: AdminDep) -> HTMLResponse:
    return _service_form_page(request, staff, None)


@router.get("/services/{code}", response_class=HTMLResponse)
async def service_page(request: Request, code: str, staff: AdminDep) -> HTMLResponse:
    return _service_form_page(request, staff, code[:3])


@router.post("/services")
async def create_service(request: Request, staff: AdminDep, form: ConfigForm) -> JSONResponse:
    language = _language(request)

    def build() -> ServiceWrite:
        return ServiceWrite.model_validate(
            {"revision": _revision(form), "service": service_document(form, language)}
        )

    code = form.get("code", "").strip()
    return await _save(
        request,
        build,
        _services(request).config.create_service,
        staff.site_code,
        staff.actor,
        said=N_("The service was created."),
        reload=True,
        location=f"/admin/config/services/{code}",
    )


@router.post("/services/{code}")
async def update_service(
    request: Request, code: str, staff: AdminDep, form: ConfigForm
) -> JSONResponse:
    language = _language(request)

    def build() -> ServiceWrite:
        return ServiceWrite.model_validate(
            {"revision": _revision(form), "service": service_document(form, language)}
        )

    return await _save(
        request,
        build,
        _services(request).config.update_service,
        staff.site_code,
        staff.actor,
        code[:3],
    )


# --- counters ---------------------------------------------------------------------------


@router.get("/counters", response_class=HTMLResponse)
async def counters_page(request: Request, staff: AdminDep) -> HTMLResponse:
    config = _services(request).config
    listing = config.list_counters(staff.site_code, staff.actor)
    codes = [s.code for s in config.list_services(staff.site_code, staff.actor).services]
    return _page(request, "counters.html", listing=listing, codes=codes)


def _counter_rename(form: dict[str, str], codes: list[str]) -> dict[str, str]:
    served = [c for c in codes if form.get(f"serve.{c}") == "on"]
    rename = {}
    for index, code in enumerate(served):
        for part in ("order", "weight", "service"):
            rename[f"services.{index}.{part}"] = f"{part if part != 'service' else 'serve'}.{code}"
    rename["services"] = "services"
    return rename


async def _save_counter(
    request: Request, staff: Any, form: dict[str, str], number: int | None
) -> JSONResponse:
    config = _services(request).config
    codes = [s.code for s in config.list_services(staff.site_code, staff.actor).services]
    raw = number if number is not None else form.get("number", "")

    def build() -> CounterWrite:
        chosen: Any = raw
        if number is None:
            try:
                chosen = int(str(raw).strip())
            except ValueError:
                chosen = str(raw).strip()
        return CounterWrite.model_validate(
            {"revision": _revision(form), "counter": counter_document(form, chosen, codes)}
        )

    rename = _counter_rename(form, codes)
    if number is None:
        return await _save(
            request,
            build,
            config.create_counter,
            staff.site_code,
            staff.actor,
            rename=rename,
            said=N_("The counter was created."),
            reload=True,
        )
    return await _save(
        request, build, config.update_counter, staff.site_code, staff.actor, number, rename=rename
    )


@router.post("/counters")
async def create_counter(request: Request, staff: AdminDep, form: ConfigForm) -> JSONResponse:
    return await _save_counter(request, staff, form, None)


@router.post("/counters/{number}")
async def update_counter(
    request: Request, number: CounterNumber, staff: AdminDep, form: ConfigForm
) -> JSONResponse:
    return await _save_counter(request, staff, form, number)


@router.post("/counters/{number}/remove")
async def remove_counter(
    request: Request, number: CounterNumber, staff: AdminDep, form: ConfigForm
) -> JSONResponse:
    config = _services(request).config

    def build() -> int:
        return int(Revision.model_validate({"revision": _revision(form)}).revision)

    return await _save(
        request,
        build,
        config.remove_counter,
        staff.site_code,
        staff.actor,
        number,
        said=N_("The counter was taken out of service."),
        reload=True,
    )


# --- clerks -----------------------------------------------------------------------------


@router.get("/clerks", response_class=HTMLResponse)
async def clerks_page(request: Request, staff: AdminDep) -> HTMLResponse:
    listing = _services(request).config.list_clerks(staff.site_code, staff.actor)
    me = staff.actor.id
    return _page(request, "clerks.html", listing=listing, me=me, my_name=_my_username(request, me))


def _my_username(request: Request, clerk_id: int) -> str | None:
    from server.models import Clerk

    with _services(request).db.read() as session:
        clerk = session.get(Clerk, clerk_id)
        return clerk.username if clerk else None


@router.post("/clerks")
async def create_clerk(request: Request, staff: AdminDep, form: ConfigForm) -> JSONResponse:
    def build() -> ClerkCreate:
        return ClerkCreate.model_validate(
            {
                "revision": _revision(form),
                "clerk": {
                    "username": form.get("username", "").strip(),
                    "display_name": form.get("display_name", "").strip() or None,
                    "role": form.get("role", "clerk"),
                    "password": form.get("password", ""),
                },
            }
        )

    return await _save(
        request,
        build,
        _services(request).config.create_clerk,
        staff.site_code,
        staff.actor,
        said=N_("The account was created."),
        reload=True,
    )


@router.post("/clerks/{username}")
async def update_clerk(
    request: Request, username: str, staff: AdminDep, form: ConfigForm
) -> JSONResponse:
    def build() -> ClerkUpdate:
        return ClerkUpdate.model_validate(
            {
                "revision": _revision(form),
                "clerk": {
                    "display_name": form.get("display_name", "").strip() or None,
                    "role": form.get("role", ""),
                },
            }
        )

    return await _save(
        request,
        build,
        _services(request).config.update_clerk,
        staff.site_code,
        staff.actor,
        username,
        reload=True,
    )


@router.post("/clerks/{username}/{action}")
async def clerk_action(
    request: Request, username: str, action: str, staff: AdminDep, form: ConfigForm
) -> JSONResponse:
    config = _services(request).config
    if action == "password":

        def build_password() -> PasswordReset:
            return PasswordReset.model_validate(
                {"revision": _revision(form), "password": form.get("password", "")}
            )

        return await _save(
            request,
            build_password,
            config.reset_password,
            staff.site_code,
            staff.actor,
            username,
            strip=1,
            said=N_("The new password is set."),
        )
    use_cases = {
        "disable": (config.disable_clerk, N_("The account was disabled.")),
        "enable": (config.enable_clerk, N_("The account was enabled.")),
    }
    if action not in use_cases:
        raise NotFound("not_found")
    use_case, said = use_cases[action]

    def build() -> Revision:
        return Revision.model_validate({"revision": _revision(form)})

    return await _save(
        request, build, use_case, staff.site_code, staff.actor, username, said=said, reload=True
    )


# --- devices ----------------------------------------------------------------------------


@router.get("/devices", response_class=HTMLResponse)
async def devices_page(request: Request, staff: AdminDep) -> HTMLResponse:
    listing = _services(request).config.list_devices(staff.site_code, staff.actor)
    return _page(request, "devices.html", listing=listing)


def _device_fields(form: dict[str, str], language: str) -> dict[str, Any]:
    return {
        "name": form.get("name", ""),
        "counter": form.get("counter", "").strip() or None,
        "zone": zone_list(form.get("zone", ""), language),
    }


@router.post("/devices")
async def register_device(request: Request, staff: AdminDep, form: ConfigForm) -> JSONResponse:
    language = _language(request)

    def build() -> DeviceRegister:
        return DeviceRegister.model_validate(
            {
                "revision": _revision(form),
                "device": {"kind": form.get("kind", ""), **_device_fields(form, language)},
            }
        )

    return await _save(
        request,
        build,
        _services(request).config.register_device,
        staff.site_code,
        staff.actor,
        said=N_("The device is registered. Copy its token now: it is shown only this once."),
        extra=lambda answer: {"token": answer.token, "name": answer.device.name},
    )


@router.post("/devices/{device_id}")
async def update_device(
    request: Request, device_id: int, staff: AdminDep, form: ConfigForm
) -> JSONResponse:
    language = _language(request)

    def build() -> DeviceUpdate:
        return DeviceUpdate.model_validate(
            {"revision": _revision(form), "device": _device_fields(form, language)}
        )

    return await _save(
        request,
        build,
        _services(request).config.update_device,
        staff.site_code,
        staff.actor,
        device_id,
        reload=True,
    )


@router.post("/devices/{device_id}/revoke")
async def revoke_device(
    request: Request, device_id: int, staff: AdminDep, form: ConfigForm
) -> JSONResponse:
    def build() -> Revision:
        return Revision.model_validate({"revision": _revision(form)})

    return await _save(
        request,
        build,
        _services(request).config.revoke_device,
        staff.site_code,
        staff.actor,
        device_id,
        said=N_("The device's token was revoked: it no longer works."),
        reload=True,
    )


# --- hall: ticker and rules -------------------------------------------------------------


@router.get("/hall", response_class=HTMLResponse)
async def hall_page(request: Request, staff: AdminDep) -> HTMLResponse:
    config = _services(request).config
    ticker = config.get_ticker(staff.site_code, staff.actor)
    rules = config.get_rules(staff.site_code, staff.actor)
    fields = [
        {"name": name, "value": value, "bool": isinstance(value, bool), "bounds": rule_bounds(name)}
        for name, value in rule_fields(rules.rules)
    ]
    return _page(request, "hall.html", ticker=ticker, rules=rules, fields=fields)


@router.post("/ticker")
async def set_ticker(request: Request, staff: AdminDep, form: ConfigForm) -> JSONResponse:
    def build() -> TickerWrite:
        return TickerWrite.model_validate(
            {
                "revision": _revision(form),
                "ticker": {lang: form.get(f"ticker.{lang}", "") for lang in LANGS},
            }
        )

    return await _save(
        request,
        build,
        _services(request).config.set_ticker,
        staff.site_code,
        staff.actor,
        strip=1,
        said=N_("The ticker is on the hall's displays."),
    )


@router.post("/rules")
async def set_rules(request: Request, staff: AdminDep, form: ConfigForm) -> JSONResponse:
    config = _services(request).config
    current = config.get_rules(staff.site_code, staff.actor).rules

    def build() -> RulesWrite:
        return RulesWrite.model_validate(
            {"revision": _revision(form), "rules": rules_document(form, current)}
        )

    return await _save(request, build, config.set_rules, staff.site_code, staff.actor)


# --- the file ---------------------------------------------------------------------------


@router.get("/file", response_class=HTMLResponse)
async def file_page(request: Request, staff: AdminDep) -> HTMLResponse:
    _text, revision = _services(request).config.export_toml(staff.site_code, staff.actor)
    return _page(request, "file.html", revision=revision)


@router.get("/export.toml")
async def export_file(request: Request, staff: AdminDep) -> Response:
    text, revision = _services(request).config.export_toml(staff.site_code, staff.actor)
    return Response(
        text,
        media_type="application/toml",
        headers={
            "ETag": f'"{revision}"',
            "Content-Disposition": f'attachment; filename="{staff.site_code}.toml"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/import")
async def import_file(request: Request, staff: AdminDep, form: ConfigForm) -> JSONResponse:
    def build() -> ConfigImport:
        return ConfigImport.model_validate(
            {"revision": _revision(form), "toml": form.get("toml", "")}
        )

    return await _save(
        request,
        build,
        _services(request).config.import_toml,
        staff.site_code,
        staff.actor,
        strip=1,
        said=N_("The file was imported."),
    )
