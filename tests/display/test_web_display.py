"""The web board: the page and its assets, and the page itself in headless Chromium."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server.routes.web_display import render_page
from tests.display.chromium import Browser
from tests.support import DISPLAY_TOKEN, KIOSK_TOKEN, LiveServer


def boot_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="kolejka-boot">(.*?)</script>', html)
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_the_page_carries_the_captions_in_every_language_and_never_the_token(
    sqlite_server: LiveServer,
) -> None:
    response = httpx.get(f"{sqlite_server.url}/display/test?token={DISPLAY_TOKEN}&zone=5-8")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert DISPLAY_TOKEN not in response.text
    boot = boot_data(response.text)
    assert boot["site"] == "test"
    assert boot["captions"]["pl"]["counter"] == "Stanowisko"
    assert boot["captions"]["uk"]["now_calling"] == "Запрошуємо"
    assert set(boot["captions"]) == {"pl", "en", "ru", "uk"}


def set_display_zone(server: LiveServer, zone: list[int]) -> None:
    from sqlmodel import select

    from server.models import Device

    with server.services.db.write() as session:
        device = session.exec(select(Device).where(Device.kind == "display")).one()
        device.zone = zone
        session.add(device)


@pytest.mark.parametrize(
    ("token", "zone"),
    [(DISPLAY_TOKEN, [3, 4]), (KIOSK_TOKEN, None), ("no-such-token", None), ("", None)],
)
def test_the_page_brings_the_zone_registered_for_its_display(
    sqlite_server: LiveServer, token: str, zone: list[int] | None
) -> None:
    set_display_zone(sqlite_server, [4, 3])
    response = httpx.get(f"{sqlite_server.url}/display/test", params={"token": token})
    assert response.status_code == 200
    assert boot_data(response.text)["zone"] == zone


def test_the_boot_data_cannot_close_its_script_block() -> None:
    page = render_page("demo")
    script = page.split('id="kolejka-boot">', 1)[1].split("</script>", 1)[0]
    assert "</" not in script


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/display/nowhere", 404, "site_not_found"),
        ("/display/Bad_Site!", 422, "invalid_request"),
        ("/display/assets/display.html", 404, "not_found"),
        ("/display/assets/..%2F..%2Fapp.py", 404, "not_found"),
    ],
)
def test_unknown_pages_and_files_are_refused(
    sqlite_server: LiveServer, path: str, status: int, code: str
) -> None:
    response = httpx.get(sqlite_server.url + path)
    assert response.status_code == status
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    ("name", "media_type", "marker"),
    [
        ("display.js", "text/javascript", "Board.prototype.apply"),
        ("display.css", "text/css", "#current-panel"),
    ],
)
def test_the_assets_are_served_with_their_types(
    sqlite_server: LiveServer, name: str, media_type: str, marker: str
) -> None:
    response = httpx.get(f"{sqlite_server.url}/display/assets/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert marker in response.text


# --- the page in a real browser -----------------------------------------------------------


@pytest.fixture
def browser() -> Iterator[Browser]:
    with Browser() as chromium:
        chromium.send(
            "Emulation.setDeviceMetricsOverride",
            width=1920,
            height=1080,
            deviceScaleFactor=1,
            mobile=False,
        )
        yield chromium


NUMBER = "document.getElementById('current-number').textContent"
COUNTER = "document.getElementById('current-counter').textContent"


def board_text(browser: Browser) -> str:
    return str(browser.evaluate("document.getElementById('board').innerText"))


def test_the_web_board_shows_a_call_made_after_the_page_loaded(
    sqlite_server: LiveServer, clerk_client: Any, browser: Browser
) -> None:
    from kolejka.client import KolejkaClient

    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as kiosk:
        issued = [kiosk.issue_ticket("A", "uk", "normal"), kiosk.issue_ticket("B", "pl", "normal")]
    browser.open(f"{sqlite_server.url}/display/test?token={DISPLAY_TOKEN}")
    browser.wait_for("document.body.dataset.connection === 'online'")
    browser.wait_for("kolejkaDisplay.board.epoch !== null")
    assert browser.evaluate(NUMBER) == "—"
    waiting = "document.querySelector('#service-list [data-service=\"A\"] .count').textContent"
    assert browser.evaluate(waiting) == "1"

    clerk = clerk_client(sqlite_server, "clerk1", counter=1)
    called = clerk.call_next(1)
    assert called is not None and called.number == issued[0].number
    browser.wait_for(f"{NUMBER} === '{called.number}'")
    assert browser.evaluate(COUNTER) == "1"
    assert browser.evaluate(waiting) == "0"
    # The caller's language (Ukrainian) joins Polish on the captions while it blinks.
    assert browser.evaluate("document.getElementById('current-panel').classList.contains('lit')")
    assert "Запрошуємо" in board_text(browser)
    assert browser.log == []


def test_the_web_board_drops_a_transferred_call_from_now_calling_live_and_on_reload(
    sqlite_server: LiveServer, clerk_client: Any, browser: Browser
) -> None:
    from kolejka.client import KolejkaClient

    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as kiosk:
        kiosk.issue_ticket("A", "pl", "normal")
        kiosk.issue_ticket("B", "pl", "normal")
    browser.open(f"{sqlite_server.url}/display/test?token={DISPLAY_TOKEN}")
    browser.wait_for("document.body.dataset.connection === 'online'")
    first, second = (
        clerk_client(sqlite_server, "clerk1", 1),
        clerk_client(sqlite_server, "clerk2", 2),
    )
    earlier = first.call_next(1)
    moved = second.call_next(2)
    assert earlier is not None and moved is not None
    browser.wait_for(f"{NUMBER} === '{moved.number}'")
    second.start_service(moved.id)
    second.transfer_ticket(moved.id, service="C")
    browser.wait_for(f"{NUMBER} === '{earlier.number}'")  # the transferred call left
    live = browser.evaluate("kolejkaDisplay.board.calls.map(c => c.number)")
    assert live == [earlier.number]
    browser.open(f"{sqlite_server.url}/display/test?token={DISPLAY_TOKEN}")  # the snapshot
    browser.wait_for("kolejkaDisplay.board.epoch !== null")
    browser.wait_for(f"{NUMBER} === '{earlier.number}'")
    numbers = browser.evaluate("kolejkaDisplay.board.calls.map(c => c.number)")
    assert numbers == [earlier.number]
    assert browser.log == []


def test_the_web_board_resumes_after_a_server_restart_without_missing_a_call(
    sqlite_server: LiveServer, clerk_client: Any, browser: Browser
) -> None:
    from kolejka.client import KolejkaClient

    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as kiosk:
        for _ in range(3):
            kiosk.issue_ticket("A", "pl", "normal")
    set_display_zone(sqlite_server, [5])  # the address's zone wins over the registered one
    browser.open(f"{sqlite_server.url}/display/test?token={DISPLAY_TOKEN}&zone=1,2")
    browser.wait_for("document.body.dataset.connection === 'online'")
    clerk = clerk_client(sqlite_server, "clerk1", counter=1)
    first = clerk.call_next(1)
    assert first is not None
    browser.wait_for(f"{NUMBER} === '{first.number}'")

    sqlite_server.stop()
    browser.wait_for("document.body.dataset.connection === 'offline'")
    assert "Brak połączenia z serwerem" in str(
        browser.evaluate("document.getElementById('banner').textContent")
    )
    assert browser.evaluate(NUMBER) == first.number  # the last known call stays up
    sqlite_server.start()
    clerk.mark_no_show(first.id)
    second = clerk.call_next(1)
    assert second is not None
    browser.wait_for(f"{NUMBER} === '{second.number}'")
    browser.wait_for("document.body.dataset.connection === 'online'")
    assert browser.evaluate("document.getElementById('banner').hidden")
    previous = browser.evaluate(
        "Array.from(document.querySelectorAll('#recent-list .number')).map(e => e.textContent)"
    )
    assert previous == [first.number]
    # It resumed with after=<seq> in the same epoch: the only reset was the first load.
    assert browser.evaluate("kolejkaDisplay.ui.resets") == 1
    assert browser.evaluate("kolejkaDisplay.board.seq") == int(
        httpx.get(
            f"{sqlite_server.url}/api/v1/sites/test/events?after=0",
            headers={"Authorization": f"Bearer {DISPLAY_TOKEN}"},
        ).json()["last_seq"]
    )


def test_the_board_clock_shows_the_offices_time_whatever_the_tvs_zone(
    sqlite_server: LiveServer,
) -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    page = httpx.get(f"{sqlite_server.url}/display/test?token={DISPLAY_TOKEN}").text
    assert boot_data(page)["timezone"] == "Europe/Warsaw"
    with Browser() as chromium:
        chromium.send("Emulation.setTimezoneOverride", timezoneId="Asia/Tokyo")  # the TV's
        before = datetime.now(UTC)
        chromium.open(f"{sqlite_server.url}/display/test?token={DISPLAY_TOKEN}")
        shown = chromium.wait_for("(document.getElementById('clock-time') || {}).textContent || ''")
        after = datetime.now(UTC)
    warsaw = ZoneInfo("Europe/Warsaw")
    # the minute may turn while the page loads: either side of it is right
    expected = {
        (moment.astimezone(warsaw)).strftime("%H:%M")
        for moment in (before, after, before + (after - before) / 2, after + timedelta(0))
    }
    assert shown in expected, (shown, expected)
