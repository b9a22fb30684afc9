"""The manager's console in headless Chromium: signing in through the form, the monitor
following the site's event stream (a call made through the API appears; a lost
connection says so and resumes from its last event), a confirmed supervisor action that
lands in the audit log, and axe-core's WCAG 2.1 AA rules on every console page at a
1920×1080 screen and a 1366×768 laptop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.display.chromium import Browser
from tests.support import LiveServer
from tests.web.console_office import (
    ADMIN,
    CLERK,
    SUPERVISOR,
    client,
    fill_hall,
    sign_in,
    start_office,
)

SIZES = {"full-hd": (1920, 1080), "laptop": (1366, 768)}
LIVE = "document.body.dataset.connection === 'online'"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    url = f"sqlite:///{tmp_path_factory.mktemp('console') / 'console.sqlite3'}"
    server = start_office(url)
    fill_hall(server)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as chromium:
        yield chromium


def test_a_call_made_through_the_api_appears_on_the_monitor(
    office: LiveServer, browser: Browser
) -> None:
    sign_in(browser, office, SUPERVISOR)
    assert browser.evaluate("location.pathname") == "/admin/monitor"
    browser.wait_for(LIVE)
    marek = client(office, "demo")
    marek.login("marek", "demo1234")
    try:
        marek.open_counter(4)
        called = marek.call_next(4)
    finally:
        marek.close()
    assert called is not None
    browser.wait_for(
        "(document.querySelector('tr[data-counter=\"4\"] td.client') || {}).textContent"
        f".includes({called.number!r})"
    )
    assert not [line for line in browser.log if line.startswith("exception")]


def test_a_lost_connection_is_shown_and_resumes_from_the_last_event(
    office: LiveServer, browser: Browser
) -> None:
    sign_in(browser, office, SUPERVISOR)
    browser.wait_for(LIVE)
    browser.wait_for("document.body.dataset.seq !== undefined")
    seen = int(browser.evaluate("document.body.dataset.seq"))
    office.restart()
    browser.wait_for("Number(document.body.dataset.lost || 0) > 0")
    browser.wait_for(LIVE, timeout=30)
    assert int(browser.evaluate("document.body.dataset.resumedFrom")) == seen
    with client(office, "demo", "demo-kiosk-token-0002") as kiosk:
        ticket = kiosk.issue_ticket("B", "pl", "normal")
    browser.wait_for(f"document.querySelector('tr[data-ticket=\"{ticket.number}\"]') !== null")
    assert int(browser.evaluate("document.body.dataset.seq")) > seen


def test_a_confirmed_supervisor_action_lands_in_the_audit_log(
    office: LiveServer, browser: Browser
) -> None:
    from server.audit import audit_rows

    sign_in(browser, office, SUPERVISOR)
    browser.wait_for(LIVE)
    button = "document.getElementById('pause-1')"
    browser.wait_for(f"{button} !== null")
    browser.evaluate(f"{button}.click(); true")
    browser.wait_for("document.getElementById('confirm').open")
    assert "1" in browser.evaluate("document.getElementById('confirm-text').textContent")
    browser.evaluate("document.querySelector('#confirm button[value=yes]').click(); true")
    browser.wait_for("document.body.dataset.lastAction === 'ok'")
    assert "Stanowisko 1" in browser.evaluate("document.getElementById('status').textContent")
    day = office.services.clock.now().date()
    paused = [
        r for r in audit_rows(office.services.db, "demo", day, day) if r.action == "counter.paused"
    ]
    assert paused[-1].actor_name == "Kierownik zmiany" and paused[-1].actor_role == "supervisor"
    assert paused[-1].target == "1"


def test_a_clerk_cannot_open_the_console(office: LiveServer, browser: Browser) -> None:
    sign_in(browser, office, CLERK)
    assert browser.evaluate("document.querySelector('h1').textContent").startswith("Konsola jest")
    browser.open(f"{office.url}/admin/monitor")
    assert browser.evaluate("location.pathname") == "/admin/login"


def test_a_clerks_token_cannot_open_the_console(office: LiveServer, browser: Browser) -> None:
    """The token the counter application gets (`POST /auth/login`), as the console's
    cookie or as a bearer header: the console is for supervisors and admins only."""
    import httpx

    token = httpx.post(
        f"{office.url}/api/v1/auth/login",
        json={"site": "demo", "username": CLERK[0], "password": CLERK[1]},
    ).json()["access_token"]
    browser.send("Network.deleteCookies", name="kolejka_console", url=f"{office.url}/admin")
    browser.send(
        "Network.setCookie",
        name="kolejka_console",
        value=token,
        url=f"{office.url}/admin",
        path="/admin",
        httpOnly=True,
        sameSite="Strict",
    )
    browser.open(f"{office.url}/admin/monitor")
    assert browser.evaluate("document.querySelector('h1').textContent").startswith("Konsola jest")
    answer = browser.evaluate(
        f"fetch('/admin/monitor', {{headers: {{Authorization: 'Bearer {token}',"
        " Accept: 'application/json'}, credentials: 'omit', redirect: 'manual'})"
        ".then(r => r.status)",
        await_promise=True,
    )
    assert answer == 401  # a bearer header is no console session
    browser.send("Network.deleteCookies", name="kolejka_console", url=f"{office.url}/admin")


PAGES = {
    "login": ("/admin/login", None, "document.getElementById('username') !== null"),
    "refused": ("/admin/login", CLERK, "document.querySelector('h1') !== null"),
    "monitor": ("/admin/monitor", SUPERVISOR, LIVE),
    "monitor-en": ("/admin/monitor", SUPERVISOR, LIVE),
    "reception": ("/admin/reception", SUPERVISOR, LIVE),
    "region": ("/admin/region", ADMIN, "document.querySelectorAll('.site-card').length === 2"),
    "branch-monitor": ("/admin/monitor?site=legnica", ADMIN, LIVE),
}


def open_page(browser: Browser, office: LiveServer, page: str) -> None:
    path, user, ready = PAGES[page]
    browser.open(
        f"{office.url}/admin/language?to={'en' if page.endswith('-en') else 'pl'}&next=/admin/login"
    )
    if user is not None:
        sign_in(browser, office, user)
    if page != "refused":
        browser.open(f"{office.url}{path}")
    browser.wait_for(ready)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_no_wcag_21_aa_violations_on_the_console(
    office: LiveServer, browser: Browser, page: str, size: str
) -> None:
    browser.viewport(*SIZES[size])
    open_page(browser, office, page)
    violations = browser.axe()
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


def test_the_confirm_dialog_passes_axe_too(office: LiveServer, browser: Browser) -> None:
    browser.viewport(1366, 768)
    open_page(browser, office, "monitor")
    browser.evaluate("document.querySelector('form[data-confirm] button').click(); true")
    browser.wait_for("document.getElementById('confirm').open")
    assert browser.axe() == []
    browser.evaluate("document.querySelector('#confirm button[value=no]').click(); true")


def save_screenshots(office: LiveServer, browser: Browser, out: Path) -> list[Path]:
    """Each console page at 1920×1080 (and the monitor on a laptop), for the README."""
    shots = []
    for page, name in (
        ("login", "console-login.png"),
        ("monitor", "console-monitor.png"),
        ("monitor-en", "console-monitor-en.png"),
        ("reception", "console-reception.png"),
        ("region", "console-region.png"),
        ("refused", "console-refused.png"),
    ):
        browser.viewport(1920, 1080)
        open_page(browser, office, page)
        if page.startswith("monitor"):  # the whole page, down to the appointments
            height = int(browser.evaluate("document.documentElement.scrollHeight"))
            browser.viewport(1920, max(1080, height))
        browser.screenshot(out / name)
        shots.append(out / name)
    browser.viewport(1366, 768)
    open_page(browser, office, "monitor")
    browser.screenshot(out / "console-monitor-laptop.png")
    shots.append(out / "console-monitor-laptop.png")
    return shots
