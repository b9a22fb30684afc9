"""The public status page in headless Chromium, on the demo office in mid-morning: it
shows a call made through the API, passes axe-core's WCAG 2.1 AA rules at phone size, and
is what the README's screenshots show (set KOLEJKA_SCREENSHOT_DIR=docs/images to keep them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.display.chromium import Browser
from tests.support import T0, LiveServer
from tests.web.demo import DEMO_KIOSK_TOKEN, PHONE, clerk

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture(scope="module")
def morning(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Any]]:
    """The demo office at 10:00 after an hour of work: four counters open, every queue
    with history, A closing at 16:00 (the demo is open all day otherwise)."""
    from kolejka.client import KolejkaClient
    from server.app import DEMO_CONFIG, create_app
    from server.clock import ManualClock
    from server.settings import Settings
    from server.siteconfig import HoursConfig, load_config

    config = load_config(DEMO_CONFIG)
    for service in config.sites[0].services:
        if service.code == "A":
            service.hours = HoursConfig(**{day: ["08:00-16:00"] for day in WEEK})
    url = f"sqlite:///{tmp_path_factory.mktemp('status') / 'demo.sqlite3'}"
    settings = Settings(
        environment="test",
        database_url=url,
        kiosk_rate_per_minute=100_000,
        open_feed_max_age_s=0,  # every poll sees the newest figures
    )
    clock = ManualClock(T0)
    server = LiveServer(lambda: create_app(settings, clock=clock, site_config=config)).start()
    kiosk = KolejkaClient(server.url, "demo", DEMO_KIOSK_TOKEN)
    desks = {1: "anna", 4: "marek", 5: "olena", 8: "piotr"}
    clerks = {n: clerk(server, name, n) for n, name in desks.items()}
    for code, count in (("A", 9), ("B", 4), ("C", 6), ("D", 3), ("E", 3)):
        for i in range(count):
            kiosk.issue_ticket(code, ("pl", "uk", "ru", "en")[i % 4], "normal")
    for _ in range(3):
        serving = {}
        for number, client in clerks.items():
            ticket = client.call_next(number)
            if ticket is not None:
                client.start_service(ticket.id)
                serving[number] = ticket
        clock.advance(minutes=7)
        for number, ticket in serving.items():
            clerks[number].finish_ticket(ticket.id)
    for code in "AAACE":
        kiosk.issue_ticket(code, "uk", "normal")
    for number, client in clerks.items():
        client.call_next(number)
    yield server, clerks
    kiosk.close()
    for client in clerks.values():
        client.close()
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as chromium:
        chromium.viewport(*PHONE, mobile=True)
        yield chromium


def shown(browser: Browser, service: str, field: str) -> str:
    return str(
        browser.evaluate(
            f'document.querySelector(\'.queue[data-service="{service}"] '
            f'[data-field="{field}"]\').textContent'
        )
    )


def test_the_page_and_the_feed_show_a_call_made_through_the_api(morning, browser):
    from kolejka.client import KolejkaClient

    server, clerks = morning
    browser.open(f"{server.url}/status/demo?lang=pl")
    before = shown(browser, "C", "current")
    with KolejkaClient(server.url, "demo", DEMO_KIOSK_TOKEN) as kiosk:
        ticket = kiosk.issue_ticket("C", "pl", "normal")
    olena = clerks[5]  # C first at counter 5
    current = olena.list_counters().data[4].current
    olena.start_service(current.id)
    olena.finish_ticket(current.id)
    called = olena.call_next(5)
    assert called is not None and called.service == "C" and called.number != before
    feed = httpx.get(f"{server.url}/api/open/v1/sites/demo/queues").json()
    assert {q["service"]: q for q in feed["queues"]}["C"]["current_number"] == called.number
    browser.evaluate("window.dispatchEvent(new Event('online')), true")  # poll now
    browser.wait_for(
        f'document.querySelector(\'.queue[data-service="C"] [data-field="current"]\')'
        f".textContent === {called.number!r}"
    )
    assert ticket.number  # the ticket taken for it stays in the line or is the one called
    assert browser.evaluate("document.body.dataset.connection") == "online"


@pytest.mark.parametrize("language", ["pl", "uk"])
def test_the_status_pages_have_no_wcag_21_aa_violations_on_a_phone(morning, browser, language):
    server, _ = morning
    for path in (f"/status/demo?lang={language}", f"/status?lang={language}"):
        browser.open(server.url + path)
        violations = browser.axe()
        assert violations == [], "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
            for v in violations
        )


def test_the_page_fits_a_phone_and_says_the_figures(morning, browser, tmp_path):
    from tests.web.fit import FIT_PROBLEMS

    server, _ = morning
    keep = os.environ.get("KOLEJKA_SCREENSHOT_DIR")
    for language, path, name in (
        ("uk", "/status/demo?lang=uk", "queue-status-uk.png"),
        ("pl", "/status/demo?lang=pl", "queue-status-pl.png"),
        ("en", "/status?lang=en", "queue-status-sites-en.png"),
    ):
        browser.open(server.url + path)
        assert browser.evaluate("document.documentElement.lang") == language
        assert browser.evaluate(FIT_PROBLEMS) == []
        image = tmp_path / name
        browser.screenshot(image)
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if keep:
            shutil.copy(image, Path(keep) / name)
    browser.open(server.url + "/status/demo?lang=en")
    assert shown(browser, "A", "wait") != "unknown"
    assert shown(browser, "A", "open_counters") == "2"  # counters 1 and 4 of the open ones
