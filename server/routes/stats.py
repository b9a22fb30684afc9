"""Statistics of a range for integrators: figures, tables as CSV and XLSX, charts, forecast.

Staff of the site only; per-clerk figures for supervisors and admins (a clerk gets the
rest, and 403 where they ask for a clerk). Days are the site's days (its time zone).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kolejka.core.errors import Forbidden, NotFound
from kolejka.core.rollups import Scope
from kolejka.schemas import MAX_ID, Day, RangeStats, StaffingForecast
from server.actors import Actor
from server.deps import ActorDep, Services, ServicesDep, request_language
from server.routes.tickets import ERRORS
from server.statistics import RangeResult, forecast_public, range_public
from server.stats_charts import forecast_chart, range_chart
from server.stats_tables import find_table, forecast_table, range_tables, to_csv, to_xlsx

router = APIRouter(prefix="/sites/{site}/stats", tags=["statistics"])

FromDay = Annotated[
    Day | None, Query(alias="from", description="First day (YYYY-MM-DD, site time); default: to.")
]
ToDay = Annotated[Day | None, Query(alias="to", description="Last day, inclusive; default today.")]
ServiceFilter = Annotated[
    str | None, Query(max_length=3, pattern=r"^[A-Za-z0-9]{1,3}$", description="One service.")
]
CounterFilter = Annotated[int | None, Query(ge=1, le=MAX_ID, description="One counter number.")]
ClerkFilter = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="One clerk's id (supervisors only).")
]
TableName = Literal["summary", "days", "services", "counters", "clerks", "arrivals"]
ChartName = Literal["days", "services", "arrivals", "estimates"]

FILES: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}}, **ERRORS}


def resolve_range(
    services: Services, site: str, start: date | None, end: date | None
) -> tuple[date, date]:
    end = end or services.statistics.today(site)
    return (start or end), end


def _range(
    services: Services,
    site: str,
    actor: Actor,
    start: date | None,
    end: date | None,
    service: str | None,
    counter: int | None,
    clerk: int | None,
) -> RangeResult:
    first, last = resolve_range(services, site, start, end)
    scope = Scope(service=service, counter=counter, clerk=clerk)
    return services.statistics.range_stats(site, actor, first, last, scope)


@router.get("/range", operation_id="range_stats", response_model=RangeStats, responses=ERRORS)
async def range_stats(
    site: str,
    actor: ActorDep,
    services: ServicesDep,
    start: FromDay = None,
    end: ToDay = None,
    service: ServiceFilter = None,
    counter: CounterFilter = None,
    clerk: ClerkFilter = None,
) -> RangeStats:
    """Figures of a day or any range (at most 400 days) for the site, or one service,
    counter or clerk: issued, served, no-show, cancelled, transferred; median and p90
    wait and service time; the share called within each service's target wait; arrivals
    by weekday and hour; how far the estimate shown on the ticket was from the wait."""
    result = await run_in_threadpool(
        _range, services, site, actor, start, end, service, counter, clerk
    )
    return range_public(result)


@router.get(
    "/range/{table}.csv",
    operation_id="range_stats_csv",
    responses=FILES,
    response_class=Response,
)
async def range_stats_csv(
    site: str,
    table: TableName,
    request: Request,
    actor: ActorDep,
    services: ServicesDep,
    start: FromDay = None,
    end: ToDay = None,
    service: ServiceFilter = None,
    counter: CounterFilter = None,
    clerk: ClerkFilter = None,
) -> Response:
    """One table of the range as CSV (UTF-8 with BOM), headers in the caller's language."""
    if table == "clerks" and not actor.is_supervisor:
        raise Forbidden("supervisor_required", action="per_clerk_stats")
    language = request_language(request)
    result = await run_in_threadpool(
        _range, services, site, actor, start, end, service, counter, clerk
    )
    found = find_table(range_tables(result, language), table)
    if found is None:
        raise NotFound("not_found")
    name = f"{site}-{table}-{result.figures.start}-{result.figures.end}.csv"
    return Response(
        to_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/range.xlsx",
    operation_id="range_stats_xlsx",
    responses={200: {"content": {XLSX: {}}}, **ERRORS},
    response_class=Response,
)
async def range_stats_xlsx(
    site: str,
    request: Request,
    actor: ActorDep,
    services: ServicesDep,
    start: FromDay = None,
    end: ToDay = None,
    service: ServiceFilter = None,
    counter: CounterFilter = None,
    clerk: ClerkFilter = None,
) -> Response:
    """Every table of the range, a sheet each (per-clerk only for supervisors)."""
    language = request_language(request)

    def build() -> tuple[bytes, str]:
        result = _range(services, site, actor, start, end, service, counter, clerk)
        tables = range_tables(result, language)
        name = f"{site}-{result.figures.start}-{result.figures.end}.xlsx"
        return to_xlsx(tables, lambda t: t.title), name

    body, name = await run_in_threadpool(build)
    return Response(
        body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


SVG_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}


@router.get(
    "/range/charts/{chart}.svg",
    operation_id="range_stats_chart",
    responses={200: {"content": {"image/svg+xml": {}}}, **ERRORS},
    response_class=Response,
)
async def range_stats_chart(
    site: str,
    chart: ChartName,
    request: Request,
    actor: ActorDep,
    services: ServicesDep,
    start: FromDay = None,
    end: ToDay = None,
    service: ServiceFilter = None,
    counter: CounterFilter = None,
    clerk: ClerkFilter = None,
) -> Response:
    """A chart of the range as SVG, drawn on the server: `days`, `services`, `arrivals`
    (a heat map by weekday and hour), `estimates`."""
    language = request_language(request)

    def build() -> bytes:
        result = _range(services, site, actor, start, end, service, counter, clerk)
        return range_chart(result, chart, language)

    return Response(await run_in_threadpool(build), media_type="image/svg+xml", headers=SVG_HEADERS)


ForecastDay = Annotated[Day | None, Query(description="The day to staff; default tomorrow.")]


@router.get(
    "/forecast",
    operation_id="staffing_forecast",
    response_model=StaffingForecast,
    responses=ERRORS,
)
async def staffing_forecast(
    site: str, actor: ActorDep, services: ServicesDep, day: ForecastDay = None
) -> StaffingForecast:
    """Counters each service needs per hour on a day (default tomorrow) to call 80 % of
    visitors within the service's target wait (Erlang C), from the same weekday of the
    past six weeks' arrivals and the last four weeks' service times; beside it the
    counters that served on that weekday."""
    result = await run_in_threadpool(services.statistics.staffing_forecast, site, actor, day)
    return forecast_public(result)


@router.get(
    "/forecast.svg",
    operation_id="staffing_forecast_chart",
    responses={200: {"content": {"image/svg+xml": {}}}, **ERRORS},
    response_class=Response,
)
async def staffing_forecast_chart(
    site: str, request: Request, actor: ActorDep, services: ServicesDep, day: ForecastDay = None
) -> Response:
    """The forecast as an SVG chart."""
    language = request_language(request)

    def build() -> bytes:
        result = services.statistics.staffing_forecast(site, actor, day)
        return forecast_chart(result, language)

    return Response(await run_in_threadpool(build), media_type="image/svg+xml", headers=SVG_HEADERS)


@router.get(
    "/forecast.csv",
    operation_id="staffing_forecast_csv",
    responses=FILES,
    response_class=Response,
)
async def staffing_forecast_csv(
    site: str, request: Request, actor: ActorDep, services: ServicesDep, day: ForecastDay = None
) -> Response:
    """The forecast's table as CSV."""
    language = request_language(request)
    result = await run_in_threadpool(services.statistics.staffing_forecast, site, actor, day)
    return Response(
        to_csv(forecast_table(result, language)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{site}-forecast-{result.day}.csv"'},
    )


__all__ = ["router"]
