"""The configuration console's API: one service, counter, clerk or device at a time.

Routes only wire: the work is in server/config_admin.py. Every write carries the
`revision` its form was opened at (409 `config_changed` when someone saved meanwhile).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from kolejka.schemas import MAX_ID
from server.config_admin import (
    ClerkAnswer,
    ClerkCreate,
    ClerkList,
    ClerkUpdate,
    ConfigImport,
    CounterAnswer,
    CounterList,
    CounterWrite,
    DeviceAnswer,
    DeviceList,
    DeviceRegister,
    DeviceRegistered,
    DeviceUpdate,
    Imported,
    PasswordReset,
    Revision,
    Rules,
    RulesWrite,
    ServiceAnswer,
    ServiceList,
    ServiceOrder,
    ServiceWrite,
    Ticker,
    TickerWrite,
)
from server.deps import ActorDep, ServicesDep
from server.params import CounterNumber
from server.routes.tickets import ERRORS

router = APIRouter(prefix="/sites/{site}/config", tags=["configuration"])

ServiceCode = Annotated[str, Path(min_length=1, max_length=3, description="The ticket prefix.")]
Username = Annotated[str, Path(min_length=1, max_length=100, description="The clerk's login.")]
DeviceId = Annotated[int, Path(ge=1, le=MAX_ID, description="The device's id.")]
RevisionQuery = Annotated[
    int, Query(ge=0, le=MAX_ID, description="The configuration revision the form was opened at.")
]


# --- services ---------------------------------------------------------------------------


@router.get(
    "/services", operation_id="list_config_services", response_model=ServiceList, responses=ERRORS
)
def list_config_services(site: str, actor: ActorDep, services: ServicesDep) -> ServiceList:
    """Every service with all its settings (disabled ones too), and the revision."""
    return services.config.list_services(site, actor)


@router.post(
    "/services",
    operation_id="create_service",
    response_model=ServiceAnswer,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def create_service(
    site: str, body: ServiceWrite, actor: ActorDep, services: ServicesDep
) -> ServiceAnswer:
    """A new service: prefix, names and what to bring in four languages, group, hours
    with special days, daily limit, slots, wait threshold."""
    return await services.writer.run(services.config.create_service, site, actor, body)


@router.put(
    "/services/{code}",
    operation_id="update_service",
    response_model=ServiceAnswer,
    responses=ERRORS,
)
async def update_service(
    site: str, code: ServiceCode, body: ServiceWrite, actor: ActorDep, services: ServicesDep
) -> ServiceAnswer:
    """Change a service's settings (its prefix stays; `enabled: false` withdraws it)."""
    return await services.writer.run(services.config.update_service, site, actor, code, body)


@router.put(
    "/service-order", operation_id="order_services", response_model=ServiceList, responses=ERRORS
)
async def order_services(
    site: str, body: ServiceOrder, actor: ActorDep, services: ServicesDep
) -> ServiceList:
    """The order of the services on the kiosk and the board: every prefix once."""
    return await services.writer.run(services.config.order_services, site, actor, body)


# --- counters ---------------------------------------------------------------------------


@router.get(
    "/counters", operation_id="list_config_counters", response_model=CounterList, responses=ERRORS
)
def list_config_counters(site: str, actor: ActorDep, services: ServicesDep) -> CounterList:
    """Every counter with the services it serves (order or weight) and the revision."""
    return services.config.list_counters(site, actor)


@router.post(
    "/counters",
    operation_id="create_counter",
    response_model=CounterAnswer,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def create_counter(
    site: str, body: CounterWrite, actor: ActorDep, services: ServicesDep
) -> CounterAnswer:
    return await services.writer.run(services.config.create_counter, site, actor, body)


@router.put(
    "/counters/{number}",
    operation_id="update_counter",
    response_model=CounterAnswer,
    responses=ERRORS,
)
async def update_counter(
    site: str, number: CounterNumber, body: CounterWrite, actor: ActorDep, services: ServicesDep
) -> CounterAnswer:
    """A counter's name, routing (order or weights) and services."""
    return await services.writer.run(services.config.update_counter, site, actor, number, body)


@router.delete(
    "/counters/{number}",
    operation_id="remove_counter",
    response_model=CounterList,
    responses=ERRORS,
)
async def remove_counter(
    site: str,
    number: CounterNumber,
    revision: RevisionQuery,
    actor: ActorDep,
    services: ServicesDep,
) -> CounterList:
    """Take a closed counter out of service (it keeps its history)."""
    return await services.writer.run(services.config.remove_counter, site, actor, number, revision)


# --- clerks -----------------------------------------------------------------------------


@router.get("/clerks", operation_id="list_clerks", response_model=ClerkList, responses=ERRORS)
def list_clerks(site: str, actor: ActorDep, services: ServicesDep) -> ClerkList:
    """Every account, disabled ones too: never a password or its hash."""
    return services.config.list_clerks(site, actor)


@router.post(
    "/clerks",
    operation_id="create_clerk",
    response_model=ClerkAnswer,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def create_clerk(
    site: str, body: ClerkCreate, actor: ActorDep, services: ServicesDep
) -> ClerkAnswer:
    return await services.writer.run(services.config.create_clerk, site, actor, body)


@router.put(
    "/clerks/{username}", operation_id="update_clerk", response_model=ClerkAnswer, responses=ERRORS
)
async def update_clerk(
    site: str, username: Username, body: ClerkUpdate, actor: ActorDep, services: ServicesDep
) -> ClerkAnswer:
    """A clerk's shown name and role."""
    return await services.writer.run(services.config.update_clerk, site, actor, username, body)


@router.post(
    "/clerks/{username}/disable",
    operation_id="disable_clerk",
    response_model=ClerkAnswer,
    responses=ERRORS,
)
async def disable_clerk(
    site: str, username: Username, body: Revision, actor: ActorDep, services: ServicesDep
) -> ClerkAnswer:
    """The account can no longer sign in; its open sessions stop at once."""
    return await services.writer.run(services.config.disable_clerk, site, actor, username, body)


@router.post(
    "/clerks/{username}/enable",
    operation_id="enable_clerk",
    response_model=ClerkAnswer,
    responses=ERRORS,
)
async def enable_clerk(
    site: str, username: Username, body: Revision, actor: ActorDep, services: ServicesDep
) -> ClerkAnswer:
    return await services.writer.run(services.config.enable_clerk, site, actor, username, body)


@router.post(
    "/clerks/{username}/password",
    operation_id="reset_clerk_password",
    response_model=ClerkAnswer,
    responses=ERRORS,
)
async def reset_clerk_password(
    site: str, username: Username, body: PasswordReset, actor: ActorDep, services: ServicesDep
) -> ClerkAnswer:
    """Set a new password (only its Argon2 hash is kept; it is never shown again)."""
    return await services.writer.run(services.config.reset_password, site, actor, username, body)


# --- devices ----------------------------------------------------------------------------


@router.get("/devices", operation_id="list_devices", response_model=DeviceList, responses=ERRORS)
def list_devices(site: str, actor: ActorDep, services: ServicesDep) -> DeviceList:
    """The registered kiosks, displays, counter desks and integrations (no tokens)."""
    return services.config.list_devices(site, actor)


@router.post(
    "/devices",
    operation_id="register_device",
    response_model=DeviceRegistered,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def register_device(
    site: str, body: DeviceRegister, actor: ActorDep, services: ServicesDep
) -> DeviceRegistered:
    """A new device and its token: the token is in this answer only (the server keeps
    its SHA-256)."""
    return await services.writer.run(services.config.register_device, site, actor, body)


@router.put(
    "/devices/{device_id}",
    operation_id="update_device",
    response_model=DeviceAnswer,
    responses=ERRORS,
)
async def update_device(
    site: str, device_id: DeviceId, body: DeviceUpdate, actor: ActorDep, services: ServicesDep
) -> DeviceAnswer:
    """A device's name, counter (counter desks) or zone (displays)."""
    return await services.writer.run(services.config.update_device, site, actor, device_id, body)


@router.post(
    "/devices/{device_id}/revoke",
    operation_id="revoke_device",
    response_model=DeviceList,
    responses=ERRORS,
)
async def revoke_device(
    site: str, device_id: DeviceId, body: Revision, actor: ActorDep, services: ServicesDep
) -> DeviceList:
    """The device's token stops working at once, its open event stream too (4401)."""
    return await services.writer.run(services.config.revoke_device, site, actor, device_id, body)


# --- ticker, rules, the file ------------------------------------------------------------


@router.get("/ticker", operation_id="get_ticker", response_model=Ticker, responses=ERRORS)
def get_ticker(site: str, actor: ActorDep, services: ServicesDep) -> Ticker:
    return services.config.get_ticker(site, actor)


@router.put("/ticker", operation_id="set_ticker", response_model=Ticker, responses=ERRORS)
async def set_ticker(
    site: str, body: TickerWrite, actor: ActorDep, services: ServicesDep
) -> Ticker:
    """The hall display's running text per language; the boards show it at once."""
    return await services.writer.run(services.config.set_ticker, site, actor, body)


@router.get("/rules", operation_id="get_rules", response_model=Rules, responses=ERRORS)
def get_rules(site: str, actor: ActorDep, services: ServicesDep) -> Rules:
    return services.config.get_rules(site, actor)


@router.put("/rules", operation_id="set_rules", response_model=Rules, responses=ERRORS)
async def set_rules(site: str, body: RulesWrite, actor: ActorDep, services: ServicesDep) -> Rules:
    """The site's rules (recalls, priority, languages, check-in window, personal data)."""
    return await services.writer.run(services.config.set_rules, site, actor, body)


@router.get(
    "/export",
    operation_id="export_site_config",
    response_class=Response,
    responses={
        **ERRORS,
        200: {
            "content": {"application/toml": {"schema": {"type": "string"}}},
            "description": "The site's TOML file; `ETag` is its revision.",
        },
    },
)
def export_site_config(site: str, actor: ActorDep, services: ServicesDep) -> Response:
    """The site's configuration as the documented TOML file (no passwords, token hashes)."""
    text, revision = services.config.export_toml(site, actor)
    return Response(
        text,
        media_type="application/toml",
        headers={
            "ETag": f'"{revision}"',
            "Content-Disposition": f'attachment; filename="{site}.toml"',
        },
    )


@router.post(
    "/import", operation_id="import_site_config", response_model=Imported, responses=ERRORS
)
async def import_site_config(
    site: str, body: ConfigImport, actor: ActorDep, services: ServicesDep
) -> Imported:
    """Replace the configuration with a TOML file (as exported); the same file again
    changes nothing."""
    return await services.writer.run(services.config.import_toml, site, actor, body)
