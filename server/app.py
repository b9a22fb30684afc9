"""The FastAPI application, built by `create_app(settings)`: nothing happens at import."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import fastapi.routing
import sqlalchemy as sa
from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kolejka import __version__
from kolejka.core.errors import DomainError
from kolejka.i18n import LANGUAGES
from server import checkpointer
from server.admin import SiteAdmin
from server.appointment_import import AppointmentImportService
from server.backup import ServerLock
from server.booking import BookingService
from server.broadcast import Broadcaster
from server.checkin import CheckInService
from server.clock import Clock, SystemClock
from server.config_admin import ConfigAdmin
from server.counters import CounterService
from server.db import Database
from server.deps import ActorCache, Services, resolve_token
from server.errors import DatabaseUnavailable
from server.guard import OperationTable, RequestGuard, error_response
from server.housekeeping import keep_house, keep_rollups
from server.limits import ANONYMOUS_BODY_MAX, BodyLimits
from server.monitor import MonitorService
from server.monitor_feed import MonitorHub
from server.notifications import WatchObserver
from server.open_feed import OpenFeed
from server.prepared import Prepared
from server.presence import Presence
from server.printer_status import PrinterStatusService
from server.provisioning import apply_config
from server.public_booking import PublicBooking
from server.ratelimit import RateLimiter
from server.readmodels import ReadModels
from server.routes import (
    admin,
    admin_config,
    admin_console,
    admin_monitor,
    admin_reception,
    admin_stats,
    auth,
    config_admin,
    counters,
    events_ws,
    health,
    home,
    open_data,
    public_status,
    queue,
    stats,
    tickets,
    web_display,
)
from server.routes import appointments as appointment_routes
from server.routes import book as book_routes
from server.routes import public as public_routes
from server.settings import Settings
from server.signin import SignIn
from server.siteconfig import KolejkaConfig, load_config
from server.statistics import Statistics
from server.templating import WEB_DIR, environment
from server.ticketing import QueueService
from server.transactions import WriteRunner
from server.writer import Writer

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
DEMO_CONFIG = Path(__file__).with_name("demo_site.toml")


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    # On SQLite the commits leave checkpoints to the lifespan's WalCheckpointer.
    db = Database(settings.database_url, wal_autocheckpoint=checkpointer.SAFETY_PAGES)
    clock = clock or SystemClock()
    reads = ReadModels(db, clock, recent_durations=settings.recent_durations)
    broadcaster = Broadcaster(reads, settings.subscriber_queue)
    db.after_commit.append(broadcaster.wake_threadsafe)
    # One runner for every use case: one catalog of sites, one cache of estimate inputs.
    writes = WriteRunner(db, clock, recent_durations=settings.recent_durations)
    queue = QueueService(db, clock, recent_durations=settings.recent_durations, writes=writes)
    booking = BookingService(writes, db, clock, settings.signing_key)
    presence = Presence(clock.now())
    actors = ActorCache()
    # A revoked device or disabled clerk: forgotten by this process at once, by the
    # others when PostgreSQL tells them (server/credentials.py) or, failing that, when
    # their event pump reads the `site.configured` that says so.
    broadcaster.on_signed_out = actors.forget
    broadcaster.on_reconnected = actors.forget_all
    monitor = MonitorService(
        db, clock, presence, recent_durations=settings.recent_durations, estimates=writes.estimates
    )
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        queue=queue,
        counters=CounterService(writes),
        printer_status=PrinterStatusService(writes),
        booking=booking,
        check_in=CheckInService(writes, queue, settings.signing_key),
        appointment_import=AppointmentImportService(booking),
        reads=reads,
        broadcaster=broadcaster,
        kiosk_limiter=RateLimiter(settings.kiosk_rate_per_minute),
        admin=SiteAdmin(db, clock),
        writer=Writer(db),
        signin=SignIn(db, clock, settings),
        open_feed=OpenFeed(
            db,
            clock,
            recent_limit=settings.recent_durations,
            max_age_s=settings.open_feed_max_age_s,
        ),
        open_feed_limiter=RateLimiter(
            settings.open_feed_rate_per_minute,
            burst=max(20, settings.open_feed_rate_per_minute // 10),
        ),
        presence=presence,
        monitor=monitor,
        monitor_feed=MonitorHub(broadcaster, monitor, admin_monitor.live_fragment),
        config=ConfigAdmin(db, clock, actors.forget),
        actors=actors,
        statistics=Statistics(db, clock),
    )


def demo_history(services: Services, site_code: str, weeks: int) -> None:
    """Weeks of simulated days before today, once (a database that has none), rolled up
    in the background after."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    import sqlalchemy as sa

    from kolejka.simulation import DayPlan
    from server.history import write_history
    from server.models import Site, Ticket

    sites, tickets = Site.__table__, Ticket.__table__  # type: ignore[attr-defined]
    with services.db.read() as session:
        site_id, zone = session.execute(
            sa.select(sites.c.id, sites.c.timezone).where(sites.c.code == site_code)
        ).one()
        today = services.clock.now().astimezone(ZoneInfo(zone)).date()
        earlier = session.execute(
            sa.select(tickets.c.id)
            .where(tickets.c.site_id == site_id, tickets.c.day < today)
            .limit(1)
        ).first()
    if earlier is not None:
        return
    days = [today - timedelta(days=n) for n in range(7 * weeks, 0, -1)]
    count = write_history(services.db, site_code, days, DayPlan(visitors=340, counters=8))
    log.info("demo: %d tickets of the past %d weeks written", count, weeks)
    threading.Thread(
        target=services.statistics.catch_up, args=(site_id,), name="stats-roll-up", daemon=True
    ).start()


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    site_config: KolejkaConfig | None = None,
    demo: bool = False,
    own_process: bool = False,
    history_weeks: int = 0,
) -> FastAPI:
    """`own_process`: the server is the whole process (`kolejka server`, workers), so it
    may tune the process-wide garbage collector; not when it shares one (tests, demo)."""
    services = build_services(settings, clock)
    if site_config is None and settings.site_config is not None:
        site_config = load_config(settings.site_config)  # refuse a bad file at start-up
    if site_config is None and demo:
        site_config = load_config(DEMO_CONFIG)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        server_lock = ServerLock.take(settings.database_url)  # restore refuses while held
        with services.db.startup_lock():
            services.db.upgrade()
            if site_config is not None:
                apply_config(services.db, site_config)
        if history_weeks and site_config is not None:
            # `kolejka demo`: past weeks of finished tickets, so every chart has data
            await to_thread.run_sync(
                demo_history, services, site_config.sites[0].code, history_weeks
            )
        # Few worker threads: the database serialises writers anyway, and fewer threads
        # contending for the GIL answer faster than many.
        to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        await services.broadcaster.start()
        if own_process:
            warm_up(app, services.db)
            settle_garbage_collector()
        probe = None
        if settings.loop_probe is not None:
            from server.loop_probe import LoopProbe

            probe = LoopProbe(settings.loop_probe)
            probe.install(asyncio.get_running_loop())
        wal_file = services.db.sqlite_file
        checkpoints = checkpointer.WalCheckpointer(wal_file).start() if wal_file else None
        app.state.wal_checkpoints = checkpoints
        purger = asyncio.create_task(keep_house(services.db, services.clock))
        rolling = asyncio.create_task(keep_rollups(services.statistics, settings.stats_rollup_s))
        listener = sharing = None
        if services.db.is_postgres:  # other server processes may share the database
            from server.pglisten import wake_across_processes
            from server.presence import share_presence

            listener = asyncio.create_task(wake_across_processes(services.db, services.broadcaster))
            sharing = asyncio.create_task(
                share_presence(services.db, services.presence, services.clock)
            )
        try:
            yield
        finally:
            if probe is not None:
                probe.uninstall(asyncio.get_running_loop())
            for task in (purger, rolling, *([sharing] if sharing else [])):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
            await services.monitor_feed.stop()
            await services.broadcaster.stop()
            services.writer.close()
            if checkpoints is not None:
                checkpoints.stop()
            services.db.dispose()
            server_lock.release()

    app = FastAPI(
        title="Kolejka",
        version=__version__,
        summary="Queue and kiosk management for public offices.",
        openapi_url="/openapi.json",
        docs_url=None,  # served by server/routes/home.py from local files
        redoc_url=None,  # ReDoc comes only from a CDN; /docs is the documentation
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.public_booking = PublicBooking(
        services.queue.writes, services.db, services.clock, settings.signing_key
    )
    app.state.booking_limits = book_routes.PageLimits(settings.booking_posts_per_minute)
    services.queue.observers.append(WatchObserver())
    # The router tries every route in turn, a few µs each (~0.5 ms for all 150): what
    # kiosks, counters, displays and visitors' phones call all day comes first, the
    # set-up and the statistics last. The order decides nothing else (no route hides
    # another: tests/server/test_routing.py).
    app.include_router(health.router)
    for module in (tickets, counters, queue):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(events_ws.router, prefix=API_PREFIX)
    app.include_router(public_routes.api_router, prefix=API_PREFIX)
    app.include_router(public_routes.router)
    app.include_router(public_status.router)
    app.include_router(book_routes.router)
    app.include_router(appointment_routes.router, prefix=API_PREFIX)
    app.include_router(web_display.router)
    app.include_router(open_data.router)  # its hot GET is answered before any routing
    for module in (auth, admin, config_admin, stats):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(book_routes.api_router, prefix=API_PREFIX)
    app.include_router(home.router)
    admin_console.install(app)  # the /admin console's shell, sign-in and error pages
    app.include_router(admin_monitor.router)
    app.include_router(admin_reception.router)
    app.include_router(admin_config.router)
    app.include_router(admin_stats.router)
    _install_error_handlers(app)
    _install_guard(app, services)
    app.add_middleware(open_data.FeedFastPath, services=services)  # outermost: first
    _document_errors(app)

    return app


# Container allocations between two young collections (CPython's default: 700). A
# booking POST allocates ~2,000, so a burst of 100 bookers ran ~18 young and one or two
# middle collections (5-8 ms each, every request stopped meanwhile); at 50,000 it runs
# none, and what a collection finds (cycles only: the rest is freed as it goes) is a few
# megabytes at most.
YOUNG_THRESHOLD = 50_000


def settle_garbage_collector() -> None:
    """Keep the objects of start-up (modules, the app, compiled queries) out of the
    collector's full passes: they live as long as the process, and walking them all made
    a full pass under load stall every request for ~100 ms. Then collect the young less
    often (YOUNG_THRESHOLD)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])


# The pages a crowd opens at once (a day's slots released, the status page on a busy
# morning): their templates are compiled at start-up, not by the first visitor's request.
CROWD_TEMPLATES = ("book", "public_status", "status")


def warm_up(app: FastAPI, db: Database) -> None:
    """Compile at start-up what the first requests would compile while they wait (and
    every request behind them): the crowd's templates, in every language; the prebuilt
    statements (server/prepared.py); FastAPI's per-endpoint context (it reads the
    endpoint's source file once, at the endpoint's first request)."""
    for folder in CROWD_TEMPLATES:
        for path in sorted((WEB_DIR / folder).glob("*.html")):
            for language in LANGUAGES:
                environment(language).get_template(f"{folder}/{path.name}")
    Prepared.compile_all(db.engine.dialect)
    endpoint_context = getattr(fastapi.routing, "_extract_endpoint_context", None)
    if endpoint_context is None:  # another FastAPI: nothing to warm
        return
    for call in _endpoints(app.routes):
        endpoint_context(call)


def _endpoints(routes: Any) -> Iterator[Any]:
    for route in routes:
        included = getattr(route, "original_router", None)  # an included router's routes
        if included is not None:
            yield from _endpoints(included.routes)
        call = getattr(getattr(route, "dependant", None), "call", None)
        if call is not None:
            yield call


def _error(
    request: Request,
    status: int,
    code: str,
    params: dict | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return error_response(
        status,
        code,
        params,
        accept_language=request.headers.get("accept-language"),
        headers=headers,
    )


# Bodies larger than the JSON default: a whole site's configuration, a day's bookings.
BODY_LIMITS = BodyLimits(
    by_operation={
        "login": ANONYMOUS_BODY_MAX,
        "put_site_config": 1024 * 1024,
        "import_site_config": 2 * 1024 * 1024,  # the file as JSON text: escapes add up
        "import_appointments": appointment_routes.IMPORT_MAX_BYTES,
    }
)


def _install_guard(app: FastAPI, services: Services) -> None:
    async def authenticate(token: str) -> None:
        await run_in_threadpool(resolve_token, services, token)

    app.state.operations = OperationTable(app.openapi)
    app.add_middleware(
        RequestGuard,
        operations=app.state.operations,
        limits=BODY_LIMITS,
        authenticate=authenticate,
    )


def _document_errors(app: FastAPI) -> None:
    """Declare the errors as the handlers send them, for every operation at once: FastAPI
    declares its own validation-error shape for a 422, which the API never sends, and
    knows nothing of the guard's 413."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = build()
        error = {
            "description": "Error",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ErrorPublic"}}
            },
        }
        for item in spec.get("paths", {}).values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                if "422" in responses or operation.get("parameters"):
                    responses["422"] = {**error, "description": "Bad input"}
                if "requestBody" in operation:
                    responses.setdefault("413", {**error, "description": "Body too large"})
        schemas = spec.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        _drop_unreferenced(spec)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def _drop_unreferenced(spec: dict[str, Any]) -> None:
    """Drop the component schemas nothing refers to: pydantic lists an enum whose field
    spells its own schema (server/siteconfig.py's device kind) all the same."""
    schemas = spec.get("components", {}).get("schemas", {})
    while True:
        text = json.dumps(spec)
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]


def allowed_methods(request: Request, exc: StarletteHTTPException) -> str:
    """Every method the path answers: Starlette names only those of the first route that
    matched the path, and GET /config and PUT /config are two routes."""
    methods = request.app.state.operations.methods(request.scope["path"])
    named = (exc.headers or {}).get("Allow", "")
    methods.update(m.strip() for m in named.split(",") if m.strip())
    return ", ".join(sorted(methods))


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        headers = None
        if exc.status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        if exc.status in (429, 503) and "retry_after" in exc.params:
            headers = {"Retry-After": str(max(1, round(float(exc.params["retry_after"]))))}
        return _error(request, exc.status, exc.code, exc.params, headers)

    @app.exception_handler(sa.exc.OperationalError)
    @app.exception_handler(sa.exc.InterfaceError)
    async def database_error(request: Request, exc: sa.exc.DBAPIError) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc.orig).__name__)  # no statement
        error = DatabaseUnavailable(retry_after=2)
        return _error(request, error.status, error.code, error.params, {"Retry-After": "2"})

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in err.get("loc", ())], "msg": err.get("msg", "")}
            for err in exc.errors()
        ]
        return _error(request, 422, "invalid_request", {"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            allow = allowed_methods(request, exc)
            return _error(request, 405, "method_not_allowed", {"allow": allow}, {"Allow": allow})
        code = {401: "not_authenticated", 404: "not_found"}.get(exc.status_code, "http_error")
        return _error(request, exc.status_code, code, headers=dict(exc.headers or {}))
