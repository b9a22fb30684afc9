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


def press(browser: Browser, key: str, code: int, text: str = "") -> None:
    """A key pressed on the focused element, as the keyboard sends it (no mouse)."""
    extra = {"text": text} if text else {}
    browser.send(
        "Input.dispatchKeyEvent", type="keyDown", key=key, windowsVirtualKeyCode=code, **extra
    )
    browser.send("Input.dispatchKeyEvent", type="keyUp", key=key, windowsVirtualKeyCode=code)


def rows_of(browser: Browser, form: str) -> list[list[str]]:
    return browser.evaluate(  # type: ignore[no-any-return]
        f"Array.from(document.querySelectorAll('#{form} tbody tr')).map(r => [r.dataset.code,"
        " r.querySelector('input[name^=\"order.\"]').value,"
        " r.querySelector('input[type=checkbox]').checked ? 'on' : ''])"
    )


def test_a_counters_service_order_is_changed_with_the_keyboard(
    admin: Browser, demo_server: LiveServer
) -> None:
    """Counter 1 of the demo serves A, then E. With the keyboard only: A moves down, the
    list is numbered again, the page says where A went; saved, the routing has E first,
    the boards hear it and the audit log names who did it."""
    from server.audit import audit_rows

    open_form(admin, demo_server, "/admin/config/counters")
    assert rows_of(admin, "counter-1")[:2] == [["A", "1", "on"], ["E", "2", "on"]]
    admin.evaluate("document.querySelector('#counter-1 tr[data-code=A] [data-move=down]').focus()")
    press(admin, "Enter", 13, "\r")
    assert rows_of(admin, "counter-1") == [
        ["E", "1", "on"],
        ["A", "2", "on"],
        ["B", "3", ""],
        ["C", "4", ""],
        ["D", "5", ""],
    ]
    focused = admin.evaluate(
        "document.activeElement === document.querySelector('#counter-1 tr[data-code=A]"
        " [data-move=down]')"
    )
    assert focused
    assert admin.evaluate("document.getElementById('order-said').textContent") == (
        "A: miejsce 2 z 5."
    )
    assert admin.axe() == []
    admin.evaluate("document.querySelector('#counter-1 tr[data-code=E] [data-move=up]').focus()")
    press(admin, " ", 32, " ")  # already first: stays where it is
    assert rows_of(admin, "counter-1")[0] == ["E", "1", "on"]
    submit(admin, "counter-1")
    assert admin.evaluate("document.body.dataset.lastAnswer") == "200", admin.log

    token = api_token(demo_server)
    config = f"{demo_server.url}/api/v1/sites/demo/config"
    headers = {"Authorization": f"Bearer {token}"}
    counters = httpx.get(f"{config}/counters", headers=headers).json()
    first = next(c for c in counters["counters"] if c["number"] == 1)
    assert {link["service"]: link["order"] for link in first["services"]} == {"A": 2, "E": 1}
    day = demo_server.services.clock.now().date()
    [row] = [
        r
        for r in audit_rows(demo_server.services.db, "demo", day, day)
        if r.action == "site.configured" and r.seq == max_seq(demo_server)
    ]
    assert row.actor_name and row.actor_role == "admin"
    with demo_server.services.db.read() as session:
        from sqlmodel import select

        from server.models import Event

        event = session.exec(select(Event).where(Event.seq == row.seq)).one()
    assert (event.payload["change"], event.payload["target"]) == ("update_counter", "1")
    assert {"number": 1, "services": ["E", "A"]} in event.payload["board"]["counters"]

    # the weight field named, beside its row; then somebody else's save first: refused
    admin.evaluate("document.querySelector('#counter-1 [name=routing]').value = 'weighted'")
    set_field(admin, "counter-1", "weight.E", "0")
    submit(admin, "counter-1")
    assert admin.evaluate("document.body.dataset.lastAnswer") == "422"
    assert admin.evaluate(
        "[document.getElementById('counter-1-weight-E').getAttribute('aria-invalid'),"
        " document.getElementById('counter-1-weight-E-error').hidden,"
        " document.activeElement.id]"
    ) == ["true", False, "counter-1-weight-E"]
    first["services"] = [{"service": "A", "order": 1, "weight": 1.0}]
    other = httpx.put(
        f"{config}/counters/1",
        json={"revision": counters["revision"], "counter": first},
        headers=headers,
    )
    assert other.status_code == 200, other.text
    set_field(admin, "counter-1", "weight.E", "2")
    submit(admin, "counter-1")
    assert admin.evaluate("document.body.dataset.lastAnswer") == "409"
    again = httpx.get(f"{config}/counters", headers=headers).json()
    assert next(c for c in again["counters"] if c["number"] == 1)["services"] == [
        {"service": "A", "order": 1, "weight": 1.0}
    ]


def max_seq(server: LiveServer) -> int:
    with server.services.db.read() as session:
        from sqlmodel import select

        from server.models import Site

        return int(session.exec(select(Site).where(Site.code == "demo")).one().last_seq)


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
