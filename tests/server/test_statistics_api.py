"""The statistics over HTTP: range_stats, CSV and XLSX that match it, charts, the
forecast, who may see per-clerk figures, and bad input answered 4xx (never 500)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import httpx
import pytest
from openpyxl import load_workbook

from kolejka.simulation import DayPlan
from server.history import write_history
from tests.support import PASSWORD

FIRST, LAST = date(2026, 11, 2), date(2026, 11, 23)
RANGE = {"from": FIRST.isoformat(), "to": LAST.isoformat()}


@pytest.fixture
def server(sqlite_server):
    days = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    write_history(sqlite_server.services.db, "test", days, DayPlan(visitors=40, counters=4))
    return sqlite_server


def token(server, username: str) -> dict[str, str]:
    answer = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"site": "test", "username": username, "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def boss(server):
    with httpx.Client(base_url=f"{server.url}/api/v1/sites/test/stats", timeout=60) as c:
        c.headers.update(token(server, "boss"))
        yield c


@pytest.fixture
def clerk(server):
    with httpx.Client(base_url=f"{server.url}/api/v1/sites/test/stats", timeout=60) as c:
        c.headers.update(token(server, "clerk1"))
        yield c


def test_range_stats(boss):
    answer = boss.get("/range", params=RANGE)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["start"] == FIRST.isoformat() and body["timezone"] == "Europe/Warsaw"
    assert len(body["days"]) == 22
    assert body["total"]["issued"] == sum(d["issued"] for d in body["days"]) > 0
    assert {s["service"] for s in body["services"]} <= {"A", "B", "C", "D"}
    assert body["clerks"] and all(c["name"] for c in body["clerks"])
    assert len(body["arrivals"]) == 7 and len(body["arrivals"][0]) == 24
    one = boss.get("/range", params={**RANGE, "service": "A"}).json()
    assert (
        one["total"]["issued"] == next(s for s in body["services"] if s["service"] == "A")["issued"]
    )


def test_csv_and_xlsx_match_the_json(boss):
    body = boss.get("/range", params=RANGE).json()
    answer = boss.get("/range/services.csv", params=RANGE, headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    head, data = rows[0], rows[1:]
    assert head[:4] == ["Service", "Name", "Target wait (min)", "Issued"]
    by_code = {s["service"]: s for s in body["services"]}
    assert [r[0] for r in data] == list(by_code)
    for row in data:
        s = by_code[row[0]]
        assert int(row[3]) == s["issued"]
        assert int(row[4]) == s["served"]
        assert float(row[8]) == round(s["wait_median_s"] / 60, 1)

    book = load_workbook(io.BytesIO(boss.get("/range.xlsx", params=RANGE).content))
    assert len(book.sheetnames) == 6
    sheet = book[book.sheetnames[1]]  # by day
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + 22
    for row, day in zip(values[1:], body["days"], strict=True):
        assert row[0] == day["day"]
        assert row[2] == day["issued"] and row[3] == day["served"]
    services = list(book[book.sheetnames[2]].iter_rows(values_only=True))
    assert [r[3] for r in services[1:]] == [s["issued"] for s in body["services"]]


def test_a_clerk_sees_no_per_clerk_figures(clerk):
    body = clerk.get("/range", params=RANGE).json()
    assert body["clerks"] is None
    assert body["total"]["issued"] > 0
    for path, params in (
        ("/range", {**RANGE, "clerk": 1}),
        ("/range/clerks.csv", RANGE),
        ("/range/charts/days.svg", {**RANGE, "clerk": 1}),
    ):
        answer = clerk.get(path, params=params)
        assert answer.status_code == 403, path
        assert answer.json()["code"] == "supervisor_required"
    book = load_workbook(io.BytesIO(clerk.get("/range.xlsx", params=RANGE).content))
    assert len(book.sheetnames) == 5  # no clerks' sheet


def test_devices_get_no_statistics(server):
    answer = httpx.get(
        f"{server.url}/api/v1/sites/test/stats/range",
        headers={"Authorization": "Bearer test-kiosk-token-000001"},
    )
    assert answer.status_code == 403


def test_charts_are_svg(boss):
    for chart in ("days", "services", "arrivals", "estimates"):
        answer = boss.get(f"/range/charts/{chart}.svg", params=RANGE)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "image/svg+xml"
        assert b"<svg" in answer.content[:400]
        assert b"<script" not in answer.content


def test_forecast(boss):
    answer = boss.get("/forecast", params={"day": "2026-11-30"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["day"] == "2026-11-30" and body["weeks"] == 4  # the Mondays 2–23 November
    assert any(max(s["counters"]) > 0 for s in body["services"])
    assert boss.get("/forecast.svg").status_code == 200
    rows = list(csv.reader(io.StringIO(boss.get("/forecast.csv").content.decode("utf-8-sig"))))
    assert len(rows) >= 3


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        ("/range", {"from": "2026-11-05", "to": "2026-11-01"}, "invalid_range"),
        ("/range", {"from": "2024-01-01", "to": "2026-11-01"}, "invalid_range"),
        ("/range", {"from": "yesterday"}, None),
        ("/range", {"service": "ABCD"}, None),
        ("/range", {"counter": "0"}, None),
        ("/range", {"counter": "99999999999999999999"}, None),
        ("/range/nothing.csv", {}, None),
        ("/range/charts/pie.svg", {}, None),
        ("/forecast", {"day": "2026-02-30"}, None),
    ],
)
def test_bad_input_is_4xx(boss, path, params, code):
    answer = boss.get(path, params=params)
    assert 400 <= answer.status_code < 500, answer.text
    assert "code" in answer.json()
    if code:
        assert answer.json()["code"] == code


def test_unknown_service_or_counter_is_an_empty_range(boss):
    body = boss.get("/range", params={**RANGE, "service": "Z"}).json()
    assert body["total"]["issued"] == 0 and body["total"]["wait_median_s"] is None
