"""The FastAPI application, built by `create_app(settings)`: nothing happens at import."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kolejka import __version__
from kolejka.core.errors import DomainError
from kolejka.i18n import best_language
from server.admin import SiteAdmin
from server.broadcast import Broadcaster
from server.clock import Clock, SystemClock
from server.db import Database
from server.deps import Services
from server.housekeeping import keep_house
from server.messages import message_for
from server.provisioning import apply_config
from server.ratelimit import RateLimiter
from server.readmodels import ReadModels
from server.routes import admin, auth, counters, events_ws, queue, tickets, web_display
from server.routes import appointments as appointment_routes
from server.routes import public as public_routes
from server.settings import Settings
from server.siteconfig import KolejkaConfig, load_config
from server.ticketing import QueueService
from server.writer import Writer

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
DEMO_CONFIG = Path(__file__).with_name("demo_site.toml")


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    db = Database(settings.database_url)
    clock = clock or SystemClock()
    reads = ReadModels(db, clock, recent_durations=settings.recent_durations)
    broadcaster = Broadcaster(reads, settings.subscriber_queue)
    db.after_commit.append(broadcaster.wake_threadsafe)
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        queue=QueueService(db, clock, recent_durations=settings.recent_durations),
        reads=reads,
        broadcaster=broadcaster,
        kiosk_limiter=RateLimiter(settings.kiosk_rate_per_minute),
        admin=SiteAdmin(db, clock),
        writer=Writer(db),
    )


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    site_config: KolejkaConfig | None = None,
    demo: bool = False,
    own_process: bool = False,
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
        with services.db.startup_lock():
            services.db.upgrade()
            if site_config is not None:
                apply_config(services.db, site_config)
        # Few worker threads: the database serialises writers anyway, and fewer threads
        # contending for the GIL answer faster than many.
        to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        await services.broadcaster.start()
        if own_process:
            settle_garbage_collector()
        purger = asyncio.create_task(keep_house(services.db, services.clock))
        listener = None
        if services.db.is_postgres:
            from server.pglisten import wake_across_processes

            listener = asyncio.create_task(wake_across_processes(services.db, services.broadcaster))
        try:
            yield
        finally:
            purger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purger
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
            await services.broadcaster.stop()
            services.writer.close()
            services.db.dispose()

    app = FastAPI(
        title="Kolejka",
        version=__version__,
        summary="Queue and kiosk management for public offices.",
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.services = services
    for module in (auth, tickets, counters, queue, admin):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(events_ws.router, prefix=API_PREFIX)
    app.include_router(web_display.router)
    app.include_router(appointment_routes.router, prefix=API_PREFIX)
    app.include_router(public_routes.api_router, prefix=API_PREFIX)
    app.include_router(public_routes.router)
    _install_error_handlers(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


def settle_garbage_collector() -> None:
    """Keep the objects of start-up (modules, the app, compiled queries) out of the
    collector's full passes: they live as long as the process, and walking them all made
    a full pass under load stall every request for ~100 ms."""
    gc.collect()
    gc.freeze()


def _error(
    request: Request,
    status: int,
    code: str,
    params: dict | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    language = best_language(request.headers.get("accept-language"))
    params = params or {}
    return JSONResponse(
        status_code=status,
        content={"code": code, "detail": message_for(code, params, language), "params": params},
        headers=headers,
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        headers = None
        if exc.status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        if exc.status == 429 and "retry_after" in exc.params:
            headers = {"Retry-After": str(max(1, round(float(exc.params["retry_after"]))))}
        return _error(request, exc.status, exc.code, exc.params, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in err.get("loc", ())], "msg": err.get("msg", "")}
            for err in exc.errors()
        ]
        return _error(request, 422, "invalid_request", {"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "not_authenticated", 404: "not_found"}.get(exc.status_code, "http_error")
        return _error(request, exc.status_code, code)
