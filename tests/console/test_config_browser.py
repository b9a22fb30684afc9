"""The configuration pages in headless Chromium, on the demo office: a renamed service
reaches `list_services` and a running web board, a bad value is refused beside its
field, a form opened before someone else's save is refused, a revoked display token stops
its board at once; axe-core finds no WCAG 2.1 AA violation on any page."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.display.chromium import Browser
from tests.support import LiveServer
from tests.web.demo import DEMO_DISPLAY_TOKEN, DEMO_KIOSK_TOKEN, demo_server

__all__ = ["demo_server"]

ADMIN, ADMIN_PASSWORD = "admin", "demo-admin"
PAGES = [
    "/admin/config",
    "/admin/config/services",
    "/admin/config/services/new",
    "/admin/config/services/A",
    "/admin/config/counters",
    "/admin/config/clerks",
    "/admin/config/devices",
    "/admin/config/hall",
    "/admin/config/file",
]
SIZES = {"desk": (1366, 900), "phone": (390, 844)}


def sign_in(browser: Browser, server: LiveServer, username: str, password: str) -> None:
    browser.open(f"{server.url}/admin/login?next=/admin/config")
    browser.evaluate(
        f"document.getElementById('username').value = {json.dumps(username)};"
        f"document.getElementById('password').value = {json.dumps(password)};"
        "document.querySelector('form.stacked').submit(); true"
    )
    browser.wait_for("location.pathname === '/admin/config' && document.readyState === 'complete'")


@pytest.fixture(scope="module")
def admin(demo_server: LiveServer) -> Iterator[Browser]:
    with Browser(width=1366, height=900) as chromium:
        sign_in(chromium, demo_server, ADMIN, ADMIN_PASSWORD)
        yield chromium


@pytest.fixture(scope="module")
def board(demo_server: LiveServer) -> Iterator[Browser]:
    with Browser(width=1280, height=720) as chromium:
        yield chromium


def api_token(server: LiveServer) -> str:
    answer = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"site": "demo", "username": ADMIN, "password": ADMIN_PASSWORD},
    )
    return str(answer.json()["access_token"])


def open_form(browser: Browser, server: LiveServer, path: str) -> None:
    browser.open(server.url + path)
    browser.wait_for("document.querySelector('form[data-config]') !== null")


def set_field(browser: Browser, form: str, name: str, value: str) -> None:
    browser.evaluate(
        f"document.querySelector('#{form} [name=\"{name}\"]').value = {json.dumps(value)}; true"
    )


def submit(browser: Browser, form: str) -> None:
    browser.evaluate(
        f"document.body.dataset.lastAnswer = '';"
        f"document.getElementById('{form}').requestSubmit(); true"
    )
    browser.wait_for("document.body.dataset.lastAnswer !== ''")


def test_a_renamed_service_reaches_list_services_and_a_running_board(
    admin: Browser, board: Browser, demo_server: LiveServer
) -> None:
    board.open(f"{demo_server.url}/display/demo?token={DEMO_DISPLAY_TOKEN}")
    board.wait_for("document.body.dataset.connection === 'online'")
    open_form(admin, demo_server, "/admin/config/services/A")
    set_field(admin, "service", "names.pl", "Pobyt czasowy — nowy wniosek")
    submit(admin, "service")
    assert admin.evaluate("document.body.dataset.lastAnswer") == "200", admin.log
    assert "Zapisano" in admin.evaluate("document.getElementById('config-status').textContent")
    listed = httpx.get(
        f"{demo_server.url}/api/v1/sites/demo/services",
        headers={"Authorization": f"Bearer {DEMO_KIOSK_TOKEN}"},
    ).json()["data"]
    assert listed[0]["names"]["pl"] == "Pobyt czasowy — nowy wniosek"
    board.wait_for("document.body.textContent.includes('Pobyt czasowy — nowy wniosek')")


def test_a_bad_value_is_refused_beside_its_field(admin: Browser, demo_server: LiveServer) -> None:
    open_form(admin, demo_server, "/admin/config/services/A")
    set_field(admin, "service", "daily_limit", "0")
    set_field(admin, "service", "hours.mon", "8-15")
    submit(admin, "service")
    assert admin.evaluate("document.body.dataset.lastAnswer") == "422"
    limit = admin.evaluate(
        "(() => { const i = document.getElementById('service-daily_limit');"
        " const e = document.getElementById('service-daily_limit-error');"
        " return [i.getAttribute('aria-invalid'), e.hidden, e.textContent,"
        " document.activeElement === i]; })()"
    )
    assert limit == ["true", False, "Co najmniej 1.", True]
    hours = admin.evaluate("document.getElementById('service-hours-mon-error').textContent")
    assert "HH:MM-HH:MM" in hours
    assert admin.evaluate("document.getElementById('config-status').classList.contains('error')")


def test_a_form_opened_before_another_save_is_refused(
    admin: Browser, demo_server: LiveServer
) -> None:
    open_form(admin, demo_server, "/admin/config/services/B")
    token = api_token(demo_server)
    config = f"{demo_server.url}/api/v1/sites/demo/config"
    headers = {"Authorization": f"Bearer {token}"}
    listing = httpx.get(f"{config}/services", headers=headers).json()
    b = next(s for s in listing["services"] if s["code"] == "B")
    b["daily_limit"] = 77
    other = httpx.put(
        f"{config}/services/B",
        json={"revision": listing["revision"], "service": b},
        headers=headers,
    )
    assert other.status_code == 200, other.text
    set_field(admin, "service", "daily_limit", "55")
    submit(admin, "service")
    assert admin.evaluate("document.body.dataset.lastAnswer") == "409"
    said = admin.evaluate("document.getElementById('config-status').textContent")
    assert "od otwarcia" in said
    again = httpx.get(f"{config}/services", headers=headers).json()
    assert next(s for s in again["services"] if s["code"] == "B")["daily_limit"] == 77


def test_a_revoked_display_token_stops_its_board_at_once(
    admin: Browser, board: Browser, demo_server: LiveServer
) -> None:
    open_form(admin, demo_server, "/admin/config/devices")
    admin.evaluate("document.querySelector('#new-device [name=kind]').value = 'display'; true")
    set_field(admin, "new-device", "name", "Telewizor w poczekalni B")
    submit(admin, "new-device")
    assert admin.evaluate("document.body.dataset.lastAnswer") == "200", admin.log
    token = admin.wait_for(
        "!document.getElementById('device-token').hidden"
        " && document.getElementById('device-token-value').textContent"
    )
    assert len(token) >= 24
    board.open(f"{demo_server.url}/display/demo?token={token}")
    board.wait_for("document.body.dataset.connection === 'online'")
    admin.open(f"{demo_server.url}/admin/config/devices")
    assert token not in admin.evaluate("document.body.innerHTML")  # shown once only
    form = admin.evaluate(
        "Array.from(document.querySelectorAll('form[data-ask]'))"
        ".find(f => f.textContent.includes('Telewizor w poczekalni B')).id"
    )
    admin.evaluate(
        "document.body.dataset.lastAnswer = '';"
        f"document.getElementById('{form}').requestSubmit(); true"
    )
    admin.wait_for("document.getElementById('confirm').open")
    admin.evaluate("document.querySelector('#confirm button[value=yes]').click(); true")
    board.wait_for("document.body.dataset.connection === 'refused'")
    admin.wait_for(  # the page reloads with the list, saying what happened
        "document.readyState === 'complete' && document.body !== null"
        " && !document.getElementById('config-status').hidden"
    )
    said = admin.evaluate("document.getElementById('config-status').textContent")
    assert "unieważniony" in said
    assert "Telewizor w poczekalni B" not in admin.evaluate(
        "document.querySelector('main').textContent"
    )
    refused = httpx.get(
        f"{demo_server.url}/api/v1/sites/demo/queue", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 401


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_21_aa_violations(
    admin: Browser, demo_server: LiveServer, path: str, size: str
) -> None:
    width, height = SIZES[size]
    admin.viewport(width, height, mobile=size == "phone")
    try:
        admin.open(demo_server.url + path)
        admin.wait_for("document.querySelector('main h1') !== null")
        violations = admin.axe()
    finally:
        admin.viewport(1366, 900)
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


def test_the_form_errors_pass_axe_too(admin: Browser, demo_server: LiveServer) -> None:
    open_form(admin, demo_server, "/admin/config/services/A")
    set_field(admin, "service", "slot_minutes", "1")
    submit(admin, "service")
    assert admin.axe() == []
