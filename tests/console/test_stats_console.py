"""The console's statistics pages over HTTP: they answer, export, refuse bad input with
4xx (never 500) and are for a signed-in supervisor only."""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from datetime import date, timedelta

import httpx
import pytest

from kolejka.simulation import DayPlan
from server.history import write_history
from tests.console.helpers import sign_in

FIRST, LAST = date(2026, 11, 9), date(2026, 11, 20)


@contextmanager
def console(server, username: str):
    """A signed-in console client with room for a slow chart or PDF on a busy machine."""
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=300) as client:
        assert sign_in(client, username).status_code == 303
        yield client


@pytest.fixture
def server(sqlite_server):
    days = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    write_history(sqlite_server.services.db, "test", days, DayPlan(visitors=30, counters=3))
    return sqlite_server


def test_pages_and_exports(server):
    query = f"from={FIRST}&to={LAST}"
    with console(server, "boss") as client:
        page = client.get(f"/admin/stats?{query}", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "script-src 'self'" in page.headers["content-security-policy"]
        for table in ("summary", "days", "services", "counters", "clerks", "arrivals"):
            assert f'id="data-{table}"' in page.text
            assert f"/admin/stats/export/{table}.csv?" in page.text
        for chart in ("days", "services", "arrivals", "estimates"):
            answer = client.get(f"/admin/stats/chart/{chart}.svg?{query}")
            assert answer.status_code == 200 and answer.content.lstrip().startswith(b"<?xml")
        # the page's charts as it names them: the figures it read, by their mark
        sources = re.findall(r'<img src="(/admin/stats/chart/[^"]+)"', page.text)
        assert len(sources) == 4 and all("&amp;at=" in src for src in sources)
        for src in sources:
            answer = client.get(html.unescape(src))
            assert answer.status_code == 200 and answer.content.lstrip().startswith(b"<?xml")
        bad = client.get(f"/admin/stats/chart/days.svg?{query}&at=no-mark")
        assert bad.status_code == 422
        assert client.get(f"/admin/stats/export.xlsx?{query}").content[:2] == b"PK"
        assert client.get(f"/admin/stats/report.pdf?{query}").content[:4] == b"%PDF"
        preset = client.get("/admin/stats?preset=last_month", headers={"Accept": "text/html"})
        assert preset.status_code == 200 and "2026-10-01" in preset.text
        forecast = client.get("/admin/stats/forecast", headers={"Accept": "text/html"})
        assert forecast.status_code == 200 and 'id="data-forecast"' in forecast.text
        assert client.get("/admin/stats/forecast.svg").status_code == 200
        assert client.get("/admin/stats/forecast.csv").status_code == 200
        assert client.get("/admin/stats/assets/stats.css").status_code == 200
        assert client.get("/admin/stats/assets/stats.html").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/admin/stats?from=2026-13-01",
        "/admin/stats?from=2026-11-05&to=2026-11-01",
        "/admin/stats?from=2020-01-01&to=2026-11-01",
        "/admin/stats?preset=forever",
        "/admin/stats?service=ABCDE",
        "/admin/stats?counter=x",
        "/admin/stats/chart/pie.svg",
        "/admin/stats/export/nothing.csv",
        "/admin/stats/forecast?day=yesterday",
    ],
)
def test_bad_input_is_4xx(server, path):
    with console(server, "boss") as client:
        answer = client.get(path)
        assert 400 <= answer.status_code < 500, (path, answer.status_code, answer.text[:200])


def test_signed_out_goes_to_the_sign_in(server):
    with httpx.Client(base_url=server.url, follow_redirects=False) as client:
        answer = client.get("/admin/stats", headers={"Accept": "text/html"})
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/admin/login")
        assert client.get("/admin/stats/export.xlsx").status_code == 401
