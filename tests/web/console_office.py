"""A main office and its delegation on one live server, with a hall in full swing, for
the console's browser tests and screenshots (the demo office's real names)."""

from __future__ import annotations

import copy
import tomllib
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tests.display.chromium import Browser
from tests.support import T0, LiveServer

SUPERVISOR = ("kierownik", "demo1234")
ADMIN = ("admin", "demo-admin")
CLERK = ("anna", "demo1234")
KIOSK = "demo-kiosk-token-0001"
BRANCH_KIOSK = "branch-kiosk-token-0001"
HALL_DISPLAY = "demo-display-token-0001"


def region_config() -> Any:
    """The demo office (overseeing the region) and a delegation with its own hall."""
    from server.app import DEMO_CONFIG
    from server.siteconfig import parse_config

    data = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))
    main = data["sites"][0]
    main["rules"]["oversees_region"] = True
    branch = copy.deepcopy(main)
    branch.update(code="legnica", name="Delegatura w Legnicy", address="ul. Delegacka 2, Legnica")
    branch["rules"]["oversees_region"] = False
    branch["counters"] = branch["counters"][:3]
    branch["devices"] = [
        {"kind": "kiosk", "name": "Kiosk Legnica", "token": BRANCH_KIOSK},
        {"kind": "display", "name": "Tablica Legnica", "token": "branch-display-token-01"},
    ]
    # One clerk there: each account's password is hashed at start-up (Argon2, ~170 ms).
    branch["clerks"] = [{**branch["clerks"][0], "username": "l-anna"}]
    data["sites"].append(branch)
    return parse_config(data)


def start_office(database_url: str) -> LiveServer:
    from server.app import create_app
    from server.clock import ManualClock
    from server.settings import Settings

    settings = Settings(
        environment="test", database_url=database_url, kiosk_rate_per_minute=100_000
    )
    clock = ManualClock(T0)
    config = region_config()
    return LiveServer(lambda: create_app(settings, clock=clock, site_config=config)).start()


def client(server: LiveServer, site: str, token: str | None = None) -> Any:
    from kolejka.client import KolejkaClient

    return KolejkaClient(server.url, site, token)


def fill_hall(server: LiveServer) -> dict[str, Any]:
    """Tickets waiting for a while, counters serving, one paused, a printer low on paper."""
    clock = server.services.clock
    issued: dict[str, Any] = {}
    with client(server, "demo", KIOSK) as kiosk:
        for service, language in (("A", "pl"), ("A", "uk"), ("B", "ru"), ("A", "en"), ("C", "pl")):
            issued.setdefault(service, []).append(kiosk.issue_ticket(service, language, "normal"))
        clock.advance(minutes=18)
        for service, language in (("A", "uk"), ("B", "pl"), ("D", "en"), ("E", "ru")):
            issued.setdefault(service, []).append(kiosk.issue_ticket(service, language, "normal"))
        kiosk.report_printer_status("paper_low", "roll nearly empty")
    clerks = []
    for username, counter in (("anna", 1), ("olena", 2), ("marek", 4)):
        clerk = client(server, "demo")
        clerk.login(username, "demo1234")
        clerk.open_counter(counter)
        clerks.append((clerk, counter))
    anna, olena, marek = (c for c, _ in clerks)
    called = anna.call_next(1)
    anna.start_service(called.id)
    olena.call_next(2)
    marek.pause_counter(4)
    clock.advance(minutes=21)  # the first A has waited 39 min: over the 30 min rule
    boss = client(server, "demo")
    boss.login(*SUPERVISOR)
    zone = ZoneInfo("Europe/Warsaw")
    day = T0.astimezone(zone).date()
    for hour, minute, service, language in (
        (11, 0, "A", "uk"),
        (11, 30, "B", "ru"),
        (12, 0, "A", "en"),
    ):
        boss.create_appointment(service, datetime.combine(day, time(hour, minute), zone), language)
    boss.issue_ticket("B", "uk", "priority")  # at the reception desk
    boss.close()
    with client(server, "legnica", BRANCH_KIOSK) as kiosk:
        for service in ("A", "A", "B"):
            kiosk.issue_ticket(service, "pl", "normal")
    for clerk, _ in clerks:
        clerk.close()
    return issued


def sign_in(
    browser: Browser, server: LiveServer, user: tuple[str, str], site: str = "demo"
) -> None:
    """Through the real sign-in form, as a person does."""
    browser.open(f"{server.url}/admin/login")
    browser.evaluate(
        "(() => { window.__signingIn = true;"
        f"document.getElementById('site').value = {site!r};"
        f"document.getElementById('username').value = {user[0]!r};"
        f"document.getElementById('password').value = {user[1]!r};"
        "document.querySelector('form.stacked button[type=submit]').click(); return true; })()"
    )
    browser.wait_for("window.__signingIn === undefined && document.readyState === 'complete'")
