"""The ticket page opens in the ticket's language (chosen at the kiosk), not the phone's,
and offers the switch; a switch is remembered for that ticket only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.display.chromium import Browser
from tests.support import LiveServer
from tests.web.demo import PHONE, demo_server, issue

__all__ = ["demo_server"]

CAPTION = "document.getElementById('number-caption').textContent"
LANG = "document.documentElement.lang"


@pytest.fixture
def english_phone() -> Iterator[Browser]:
    with Browser() as phone:
        phone.viewport(*PHONE, mobile=True)
        phone.send(
            "Network.setUserAgentOverride",
            userAgent="Mozilla/5.0 (Linux; Android 14) Mobile",
            acceptLanguage="en-US,en;q=0.9",
        )
        yield phone


def open_ticket(phone: Browser, url: str) -> None:
    phone.open(url)
    phone.wait_for("document.body.dataset.status === 'waiting'")


def test_a_ukrainian_ticket_opens_in_ukrainian_on_an_english_phone(
    demo_server: LiveServer, english_phone: Browser
) -> None:
    english = issue(demo_server, "A", "en")
    ukrainian = issue(demo_server, "B", "uk")
    # The phone showed another ticket in Russian before (switched by hand).
    open_ticket(english_phone, f"{demo_server.url}/t/{english.public_id}")
    assert english_phone.evaluate(LANG) == "en"
    english_phone.evaluate("document.querySelector('#languages [data-language=\"ru\"]').click()")
    assert english_phone.evaluate(LANG) == "ru"

    open_ticket(english_phone, f"{demo_server.url}/t/{ukrainian.public_id}")
    assert english_phone.evaluate(LANG) == "uk"
    assert english_phone.evaluate(CAPTION) == "Ваш номер"
    assert "довгостроковий резидент ЄС" in english_phone.evaluate(
        "document.getElementById('service').textContent"
    )
    # The switch is there, in every language, and the ticket's own is the one pressed.
    pressed = english_phone.evaluate(
        "Array.from(document.querySelectorAll('#languages button'))"
        ".map(b => b.dataset.language + ':' + b.getAttribute('aria-pressed'))"
    )
    assert pressed == [
        "pl:false",
        "en:false",
        "ru:false",
        "uk:true",
    ]
    english_phone.evaluate("document.querySelector('#languages [data-language=\"en\"]').click()")
    assert english_phone.evaluate(CAPTION) == "Your number"
    open_ticket(english_phone, f"{demo_server.url}/t/{ukrainian.public_id}")
    assert english_phone.evaluate(LANG) == "en"  # this ticket's switch is remembered
    open_ticket(english_phone, f"{demo_server.url}/t/{english.public_id}")
    assert english_phone.evaluate(LANG) == "ru"  # and so is the other's
    assert [e for e in english_phone.log if e.startswith("exception")] == []
