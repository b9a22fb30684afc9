"""The console's live monitor: `/admin/monitor` and the fragment its script fetches."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from server.routes.admin_console import StaffDep, console_page

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/monitor", response_class=HTMLResponse)
async def monitor_page(request: Request, staff: StaffDep) -> HTMLResponse:
    return console_page(request, "admin/monitor.html", section="monitor")
