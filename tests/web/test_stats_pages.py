"""The console's statistics pages in headless Chromium, on the demo office with weeks of
history: sign in, pick a range, the charts load, the CSV and XLSX the page links to read
back (csv, openpyxl) into the page's own tables, and axe-core finds nothing."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests.display.chromium import Browser
from tests.support import LiveServer
from tests.web.demo import DEMO_PASSWORD, SIZES, demo_server

__all__ = ["demo_server"]

TODAY = date(2026, 11, 24)  # the demo server's clock (tests.support.T0)


@pytest.fixture(scope="module")
def office(demo_server: LiveServer) -> LiveServer:
    from kolejka.simulation import DayPlan
    from server.history import write_history

    days = [TODAY - timedelta(days=n) for n in range(35, 0, -1)]
    write_history(demo_server.services.db, "demo", days, DayPlan(visitors=150, counters=8))
    return demo_server


@pytest.fixture(scope="module")
def browser(office: LiveServer) -> Iterator[Browser]:
    with Browser(width=1280, height=900) as chromium:
        chromium.open(f"{office.url}/admin/login?next=/admin/stats")
        chromium.evaluate(
            "document.getElementById('username').value = 'kierownik';"
            f"document.getElementById('password').value = '{DEMO_PASSWORD}';"
            "document.querySelector('form.stacked').requestSubmit(); true"
        )
        chromium.wait_for("location.pathname === '/admin/stats' && !!document.querySelector('h1')")
        yield chromium


def table_of(browser: Browser, table_id: str) -> list[list[str]]:
    return browser.evaluate(
        f"[...document.querySelectorAll('#data-{table_id} tr')]"
        ".map(tr => [...tr.children].map(c => c.textContent.trim()))"
    )


def fetch(browser: Browser, selector: str) -> tuple[int, str, bytes]:
    """What a click on the link would download: its status, type and body."""
    found = browser.evaluate(
        f"fetch(document.querySelector({selector!r}).href).then(async r => {{"
        " const blob = await r.blob();"
        " const url = await new Promise(ok => { const f = new FileReader();"
        " f.onload = () => ok(f.result); f.readAsDataURL(blob); });"
        " return [r.status, r.headers.get('content-type'), url.split(',')[1]]; })",
        await_promise=True,
    )
    return found[0], found[1], base64.b64decode(found[2])


def same(page_cell: str, file_cell: object) -> bool:
    """A cell of the page and of a file hold the same value (a spreadsheet gives 30.0
    back as 30; a CSV gives text)."""
    if file_cell is None or file_cell == "":
        return page_cell == "—"
    if isinstance(file_cell, (int, float)) or page_cell.replace(".", "", 1).isdigit():
        try:
            return float(page_cell) == float(file_cell)  # type: ignore[arg-type]
        except ValueError:
            return False
    return page_cell == str(file_cell)


def test_pick_a_range_and_see_the_charts(browser: Browser, office: LiveServer) -> None:
    browser.open(f"{office.url}/admin/stats")
    browser.evaluate(
        "document.getElementById('from').value = '2026-11-02';"
        "document.getElementById('to').value = '2026-11-15';"
        "document.querySelector('form.range-form').requestSubmit(); true"
    )
    browser.wait_for("location.search.includes('from=2026-11-02')")
    browser.wait_for("document.readyState === 'complete'")
    days = table_of(browser, "days")
    assert len(days) == 1 + 14
    assert days[1][0] == "2026-11-02" and days[-1][0] == "2026-11-15"
    browser.wait_for(
        "[...document.querySelectorAll('.chart img')].every(i => i.complete && i.naturalWidth > 0)",
        timeout=120,
    )
    assert browser.evaluate("document.querySelectorAll('.chart img').length") == 4
    clerks = table_of(browser, "clerks")
    assert len(clerks) > 1  # a supervisor sees the clerks


def test_the_exports_match_the_page(browser: Browser, office: LiveServer) -> None:
    browser.open(f"{office.url}/admin/stats?from=2026-11-02&to=2026-11-15")
    for table_id in ("summary", "days", "services", "counters", "clerks", "arrivals"):
        status, kind, body = fetch(browser, f"a[href^='/admin/stats/export/{table_id}.csv']")
        assert status == 200 and kind.startswith("text/csv")
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        page = table_of(browser, table_id)
        assert rows[0] == page[0]
        assert len(rows) == len(page)
        for file_row, page_row in zip(rows[1:], page[1:], strict=True):
            assert all(same(p, f) for p, f in zip(page_row, file_row, strict=True)), (
                table_id,
                page_row,
                file_row,
            )
    status, _kind, body = fetch(browser, "a[href^='/admin/stats/export.xlsx']")
    assert status == 200
    book = load_workbook(io.BytesIO(body))
    titles = browser.evaluate(
        "[...document.querySelectorAll('.table-section h2')].map(h => h.textContent.trim())"
    )
    assert book.sheetnames == [t[:31] for t in titles]
    for sheet, table_id in zip(
        book.worksheets,
        ("summary", "days", "services", "counters", "clerks", "arrivals"),
        strict=True,
    ):
        page = table_of(browser, table_id)
        cells = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert len(cells) == len(page)
        for file_row, page_row in zip(cells[1:], page[1:], strict=True):
            assert all(same(p, f) for p, f in zip(page_row, file_row, strict=True)), (
                table_id,
                page_row,
                file_row,
            )
    status, kind, body = fetch(browser, "a[href^='/admin/stats/report.pdf']")
    assert status == 200 and kind == "application/pdf" and body.startswith(b"%PDF")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "path", ["/admin/stats?preset=month", "/admin/stats/forecast", "/admin/stats?preset=today"]
)
def test_no_wcag_21_aa_violations(browser: Browser, office: LiveServer, path: str, size: str):
    width, height = SIZES[size]
    browser.viewport(width, height, mobile=size == "phone")
    try:
        browser.open(f"{office.url}{path}")
        browser.wait_for("!!document.querySelector('h1')")
        violations = browser.axe()
    finally:
        browser.viewport(1280, 900)
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


def test_the_forecast_page(browser: Browser, office: LiveServer) -> None:
    browser.open(f"{office.url}/admin/stats/forecast?day=2026-11-25")
    rows = table_of(browser, "forecast")
    assert rows[0][0] and len(rows) >= 3
    browser.wait_for(
        "[...document.querySelectorAll('.chart img')].every(i => i.complete && i.naturalWidth > 0)",
        timeout=120,
    )
