"""The web board and the ticket page fit their screens: no text clipped, none overlapping.

The demo office with its longest names, every language, in headless Chromium at the sizes
the pages meet: TVs (1920×1080, 1280×720, a portrait 1080×1920) for the board, phones and
the same TVs for the ticket page. The check itself is tests/web/fit.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.display.chromium import Browser
from tests.support import LiveServer
from tests.web.demo import (
    DEMO_DISPLAY_TOKEN,
    DEMO_ZONE_TOKEN,
    PHONE,
    clerk,
    demo_server,
    issue,
)
from tests.web.fit import FIT_PROBLEMS

__all__ = ["demo_server"]

BOARD_SIZES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720), "portrait": (1080, 1920)}
PAGE_SIZES = {"phone": PHONE, "1920x1080": (1920, 1080), "1280x720": (1280, 720)}
SECOND_LANGUAGES = ("en", "ru", "uk")  # the board's second language; Polish is always up


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def hall(demo_server: LiveServer) -> Iterator[dict[str, Any]]:
    """A busy morning: every service has people waiting, in every language, and counters
    4 (B first) and 5 (zone 5-8) have called six tickets one after the other."""
    for service in "BBBBBBBCCCCCCC":
        issue(demo_server, service, "uk")
    anna = clerk(demo_server, "anna", 4)
    marek = clerk(demo_server, "marek", 5)
    try:
        for desk, counter in ((anna, 4), (marek, 5)):
            for _ in range(7):
                called = desk.call_next(counter)
                assert called is not None
                if _ < 6:
                    desk.start_service(called.id)
                    desk.finish_ticket(called.id)
        waiting = {}
        for language in ("pl", "en", "ru", "uk"):
            for service in "ABCDE":
                waiting[service, language] = issue(demo_server, service, language)
        yield {"waiting": waiting, "marek": marek, "last_at_5": called}
    finally:
        anna.close()
        marek.close()


def problems_at(browser: Browser, url: str, size: tuple[int, int], ready: str) -> list[str]:
    browser.viewport(*size, mobile=size == PHONE)
    browser.open(url)
    browser.wait_for(ready)
    found: list[str] = browser.evaluate(FIT_PROBLEMS)
    return found


BOARD_READY = (
    "document.body.dataset.connection === 'online'"
    " && document.getElementById('current-number').textContent !== '—'"
)


@pytest.mark.parametrize("language", SECOND_LANGUAGES)
@pytest.mark.parametrize("size", BOARD_SIZES)
def test_the_web_board_fits(
    demo_server: LiveServer, hall: dict[str, Any], browser: Browser, size: str, language: str
) -> None:
    url = f"{demo_server.url}/display/demo?token={DEMO_DISPLAY_TOKEN}&languages={language}"
    assert problems_at(browser, url, BOARD_SIZES[size], BOARD_READY) == []


@pytest.mark.parametrize("language", SECOND_LANGUAGES)
@pytest.mark.parametrize("size", ["1920x1080", "1280x720"])
def test_a_zones_board_showing_a_recall_fits(
    demo_server: LiveServer, hall: dict[str, Any], browser: Browser, size: str, language: str
) -> None:
    marek, last = hall["marek"], hall["last_at_5"]
    if not hall.get("recalled"):
        marek.recall_ticket(last.id)
        hall["recalled"] = True
    url = f"{demo_server.url}/display/demo?token={DEMO_ZONE_TOKEN}&languages={language}"
    ready = BOARD_READY + " && !document.getElementById('recall-label').hidden"
    assert problems_at(browser, url, BOARD_SIZES[size], ready) == []


@pytest.mark.parametrize("language", ["pl", "en", "ru", "uk"])
@pytest.mark.parametrize("size", PAGE_SIZES)
@pytest.mark.parametrize("status", ["waiting", "called"])
def test_the_ticket_page_fits(
    demo_server: LiveServer,
    hall: dict[str, Any],
    browser: Browser,
    size: str,
    language: str,
    status: str,
) -> None:
    # B has the longest names; the called one is the last one counter 5 called.
    ticket = hall["waiting"]["B", language] if status == "waiting" else hall["last_at_5"]
    url = f"{demo_server.url}/t/{ticket.public_id}?lang={language}"
    ready = f"document.body.dataset.status === '{status}'"
    assert problems_at(browser, url, PAGE_SIZES[size], ready) == []


BROKEN = (
    "data:text/html;charset=utf-8,<body style='margin:0'>"
    "<div style='width:80px;overflow:hidden;white-space:nowrap'>Pobyt stały / rezydent</div>"
    "<div style='display:flex'><span style='width:40px'>Stanowisko</span>"
    "<span style='margin-left:-30px'>Numer</span></div>"
    "<div style='height:20px;overflow:hidden'><p>one</p><p>two</p><p>three</p></div>"
    "<div id='ticker' style='width:10px;overflow:hidden;white-space:nowrap'>runs on</div>"
    "</body>"
)


def test_the_check_finds_clipped_cut_and_overlapping_text(browser: Browser) -> None:
    browser.viewport(800, 600)
    browser.open(BROKEN)
    found = browser.evaluate(FIT_PROBLEMS)
    assert any(p.startswith("clipped: div «Pobyt stały") for p in found), found
    assert any(p.startswith("overlap: span «Stanowisko» and span «Numer»") for p in found), found
    assert any(p.startswith("cut by div: p «three»") for p in found), found
    assert not any("runs on" in p for p in found), found
