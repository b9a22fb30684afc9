"""The console's statistics pages: `/admin/stats` (a range) and `/admin/stats/forecast`.

Server-rendered, no script: the range is a GET form, the charts are SVG images drawn on
the server (server/stats_charts.py), every table is HTML with its CSV beside it, and the
whole range is one XLSX or a PDF report. Console sessions are supervisors' and admins',
so per-clerk figures are always shown here; a clerk's API token gets them refused.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from kolejka.core.rollups import Scope
from kolejka.schemas import MAX_ID, Day
from server.deps import Services
from server.routes.admin_console import StaffDep, console_page, request_language
from server.routes.assets import asset_response
from server.routes.stats import SVG_HEADERS, XLSX, ChartName, TableName
from server.statistics import RangeResult
from server.stats_charts import CHARTS, forecast_chart, range_chart
from server.stats_report import report_pdf
from server.stats_tables import (
    figure_labels,
    find_table,
    forecast_table,
    range_tables,
    to_csv,
    to_xlsx,
)

router = APIRouter(prefix="/admin/stats", include_in_schema=False)

WEB_DIR = Path(__file__).resolve().parents[1] / "web" / "admin_stats"
ASSETS = {"stats.css": "text/css; charset=utf-8"}
PRESETS = ("today", "yesterday", "week", "7days", "month", "last_month", "90days")

FromDay = Annotated[Day | None, Query(alias="from")]
ToDay = Annotated[Day | None, Query(alias="to")]
Preset = Annotated[str | None, Query(pattern="^(" + "|".join(PRESETS) + ")$")]
# An empty select ("all") sends an empty value: accepted as none.
ServiceField = Annotated[str | None, Query(max_length=3, pattern=r"^[A-Za-z0-9]{0,3}$")]
NumberField = Annotated[str | None, Query(max_length=12, pattern=r"^[0-9]{0,12}$")]
# The log's (epoch, mark) a page's figures were read at, "epoch.mark": its charts are
# drawn from those same figures while this process keeps them.
ReadAt = Annotated[
    str | None, Query(alias="at", max_length=60, pattern=r"^[^.]{1,40}\.[0-9]{1,18}$")
]


def read_at_param(result: RangeResult) -> str:
    """The page's charts' `at`: the figures the page showed (empty when not known)."""
    return f"{result.read_at[0]}.{result.read_at[1]}" if result.read_at else ""


def _read_at(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    epoch, _, mark = value.rpartition(".")
    return epoch, int(mark)


def preset_range(preset: str, today: date) -> tuple[date, date]:
    if preset == "today":
        return today, today
    if preset == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if preset == "week":
        return today - timedelta(days=today.weekday()), today
    if preset == "7days":
        return today - timedelta(days=6), today
    if preset == "month":
        return today.replace(day=1), today
    if preset == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    return today - timedelta(days=89), today


def _number(value: str | None) -> int | None:
    if not value:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


class _Query:
    """The range a page, an export or a chart was asked for, as the form sends it."""

    def __init__(
        self,
        services: Services,
        site: str,
        start: date | None,
        end: date | None,
        preset: str | None,
        service: str | None,
        counter: str | None,
        clerk: str | None,
    ) -> None:
        today = services.statistics.today(site)
        if preset:
            start, end = preset_range(preset, today)
        self.end = end or today
        self.start = start or (self.end - timedelta(days=6) if end is None else self.end)
        self.scope = Scope(service=service or None, counter=_number(counter), clerk=_number(clerk))

    def params(self) -> dict[str, str]:
        values = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.scope.service:
            values["service"] = self.scope.service
        if self.scope.counter:
            values["counter"] = str(self.scope.counter)
        if self.scope.clerk:
            values["clerk"] = str(self.scope.clerk)
        return values

    @property
    def query(self) -> str:
        return urlencode(self.params())

    def run(
        self, services: Services, staff: Any, read_at: tuple[str, int] | None = None
    ) -> RangeResult:
        return services.statistics.range_stats(
            staff.site_code, staff.actor, self.start, self.end, self.scope, read_at
        )


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


@router.get("", response_class=HTMLResponse)
async def stats_page(
    request: Request,
    staff: StaffDep,
    start: FromDay = None,
    end: ToDay = None,
    preset: Preset = None,
    service: ServiceField = None,
    counter: NumberField = None,
    clerk: NumberField = None,
) -> HTMLResponse:
    services = _services(request)
    language = request_language(request)
    q = _Query(services, staff.site_code, start, end, preset, service, counter, clerk)
    result = await to_thread.run_sync(q.run, services, staff)
    tables = range_tables(result, language)
    today = services.statistics.today(staff.site_code)
    presets = [
        (name, urlencode({**_scope_params(q), "preset": name}), preset_range(name, today))
        for name in PRESETS
    ]
    return console_page(
        request,
        "admin_stats/stats.html",
        section="stats",
        q=q,
        result=result,
        info=result.site,
        tables=tables,
        charts=CHARTS,
        read_at=read_at_param(result),
        presets=presets,
        current=(q.start, q.end),
        labels=figure_labels(language),
    )


def _scope_params(q: _Query) -> dict[str, str]:
    return {k: v for k, v in q.params().items() if k not in ("from", "to")}


@router.get("/chart/{chart}.svg")
async def stats_chart(
    request: Request,
    chart: ChartName,
    staff: StaffDep,
    start: FromDay = None,
    end: ToDay = None,
    service: ServiceField = None,
    counter: NumberField = None,
    clerk: NumberField = None,
    at: ReadAt = None,
) -> Response:
    services = _services(request)
    language = request_language(request)
    q = _Query(services, staff.site_code, start, end, None, service, counter, clerk)

    def build() -> bytes:
        return range_chart(q.run(services, staff, _read_at(at)), chart, language)

    return Response(
        await to_thread.run_sync(build), media_type="image/svg+xml", headers=SVG_HEADERS
    )


@router.get("/export/{table}.csv")
async def stats_csv(
    request: Request,
    table: TableName,
    staff: StaffDep,
    start: FromDay = None,
    end: ToDay = None,
    service: ServiceField = None,
    counter: NumberField = None,
    clerk: NumberField = None,
) -> Response:
    services = _services(request)
    language = request_language(request)
    q = _Query(services, staff.site_code, start, end, None, service, counter, clerk)
    result = await to_thread.run_sync(q.run, services, staff)
    found = find_table(range_tables(result, language), table)
    if found is None:
        return Response(status_code=404)
    name = f"{staff.site_code}-{table}-{q.start}-{q.end}.csv"
    return Response(
        to_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', **_NO_STORE},
    )


_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


@router.get("/export.xlsx")
async def stats_xlsx(
    request: Request,
    staff: StaffDep,
    start: FromDay = None,
    end: ToDay = None,
    service: ServiceField = None,
    counter: NumberField = None,
    clerk: NumberField = None,
) -> Response:
    services = _services(request)
    language = request_language(request)
    q = _Query(services, staff.site_code, start, end, None, service, counter, clerk)

    def build() -> bytes:
        return to_xlsx(range_tables(q.run(services, staff), language), lambda t: t.title)

    name = f"{staff.site_code}-{q.start}-{q.end}.xlsx"
    return Response(
        await to_thread.run_sync(build),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"', **_NO_STORE},
    )


@router.get("/report.pdf")
async def stats_pdf(
    request: Request,
    staff: StaffDep,
    start: FromDay = None,
    end: ToDay = None,
    service: ServiceField = None,
    counter: NumberField = None,
    clerk: NumberField = None,
) -> Response:
    services = _services(request)
    language = request_language(request)
    q = _Query(services, staff.site_code, start, end, None, service, counter, clerk)

    def build() -> bytes:
        result = q.run(services, staff)
        forecast = services.statistics.staffing_forecast(staff.site_code, staff.actor)
        return report_pdf(result, forecast, language)

    name = f"{staff.site_code}-{q.start}-{q.end}.pdf"
    return Response(
        await to_thread.run_sync(build),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', **_NO_STORE},
    )


ForecastDay = Annotated[Day | None, Query()]


@router.get("/forecast", response_class=HTMLResponse)
async def forecast_page(request: Request, staff: StaffDep, day: ForecastDay = None) -> HTMLResponse:
    services = _services(request)
    language = request_language(request)
    result = await to_thread.run_sync(
        services.statistics.staffing_forecast, staff.site_code, staff.actor, day
    )
    return console_page(
        request,
        "admin_stats/forecast.html",
        section="stats",
        forecast=result,
        table=forecast_table(result, language),
        query=urlencode({"day": result.day.isoformat()}),
    )


@router.get("/forecast.svg")
async def forecast_svg(request: Request, staff: StaffDep, day: ForecastDay = None) -> Response:
    services = _services(request)
    language = request_language(request)

    def build() -> bytes:
        result = services.statistics.staffing_forecast(staff.site_code, staff.actor, day)
        return forecast_chart(result, language)

    return Response(
        await to_thread.run_sync(build), media_type="image/svg+xml", headers=SVG_HEADERS
    )


@router.get("/forecast.csv")
async def forecast_csv(request: Request, staff: StaffDep, day: ForecastDay = None) -> Response:
    services = _services(request)
    language = request_language(request)
    result = await to_thread.run_sync(
        services.statistics.staffing_forecast, staff.site_code, staff.actor, day
    )
    name = f"{staff.site_code}-forecast-{result.day}.csv"
    return Response(
        to_csv(forecast_table(result, language)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', **_NO_STORE},
    )


@router.get("/assets/{name}")
def stats_asset(name: str) -> FileResponse:
    return asset_response(WEB_DIR, ASSETS, name)
