"""The booking pages in headless Chromium at phone size, on the demo office: book in
Ukrainian and in Polish, the e-mail at a real SMTP server with the code and the QR code,
the kiosk's check-in with that code, moving and cancelling through the manage link, the
ticket page's opt-in — and axe-core's WCAG 2.1 AA rules on every page on the way.

With KOLEJKA_SCREENSHOTS=<folder> the pages are also saved there (docs/images for the
README: `KOLEJKA_SCREENSHOTS=docs/images pytest tests/web/test_booking_pages.py`).
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.display.chromium import Browser
from tests.messaging import Mailbox, SenderThread
from tests.support import T0, LiveServer
from tests.web.demo import DEMO_KIOSK_TOKEN, PHONE, issue


@pytest.fixture(scope="module")
def mailbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mailbox]:
    box = Mailbox(tmp_path_factory.mktemp("smtp")).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def booking_server(
    tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox
) -> Iterator[tuple[LiveServer, Any]]:
    from server.app import DEMO_CONFIG, create_app
    from server.clock import ManualClock
    from server.settings import Settings
    from server.siteconfig import load_config

    url = f"sqlite:///{tmp_path_factory.mktemp('book') / 'demo.sqlite3'}"
    settings = Settings(
        environment="test",
        database_url=url,
        kiosk_rate_per_minute=100_000,
        sender_poll_s=0.2,
        **mailbox.settings(),
    )
    clock = ManualClock(T0)
    config = load_config(DEMO_CONFIG)
    server = LiveServer(lambda: create_app(settings, clock=clock, site_config=config)).start()
    sender = SenderThread(settings, server.services.db, clock).start()
    yield server, clock
    sender.stop()
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as chromium:
        chromium.viewport(*PHONE, mobile=True)
        yield chromium


def shoot(browser: Browser, name: str | None) -> None:
    folder = os.environ.get("KOLEJKA_SCREENSHOTS")
    if not folder or not name:
        return
    height = int(browser.evaluate("document.documentElement.scrollHeight"))
    data = browser.send(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": PHONE[0], "height": max(PHONE[1], height), "scale": 1},
    )["data"]
    Path(folder, f"booking-{name}.png").write_bytes(base64.b64decode(data))


def check(browser: Browser, page: str, name: str | None) -> None:
    """The page is `page` (its body's data-page), passes axe, and is kept if asked."""
    browser.wait_for(f"document.body && document.body.dataset.page === '{page}'")
    violations = browser.axe()
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )
    shoot(browser, name)


def click(browser: Browser, selector: str) -> None:
    browser.evaluate(f"document.querySelector({selector!r}).click(); true")


def fill(browser: Browser, selector: str, value: str) -> None:
    browser.evaluate(f"document.querySelector({selector!r}).value = {value!r}; true")


def qr_payloads(png: bytes) -> list[str]:
    from PIL import Image
    from pyzbar.pyzbar import decode

    return [d.data.decode() for d in decode(Image.open(io.BytesIO(png)))]


def book(
    browser: Browser,
    base: str,
    language: str,
    service: str,
    email: str,
    name: str | None = None,
    case: str | None = None,
) -> str:
    """Walk the pages from the first one to the confirmation; the short code shown."""
    browser.open(f"{base}/book/demo?lang={language}")
    check(browser, "services", f"services-{language}" if name else None)
    click(browser, f'a[href^="/book/demo/{service}?"]')
    check(browser, "slots", f"slots-{language}" if name else None)
    click(browser, "a.slot")
    check(browser, "form", f"form-{language}" if name else None)
    fill(browser, "#email", email)
    if case is not None:
        fill(browser, "#f-case", case)
    browser.evaluate("document.getElementById('consent').checked = true; true")
    click(browser, "button.primary")
    check(browser, "manage", f"confirmation-{language}" if name else None)
    return str(browser.evaluate("document.getElementById('short-code').textContent.trim()"))


def test_book_in_ukrainian_get_the_mail_and_check_in_at_the_kiosk(
    booking_server: tuple[LiveServer, Any], browser: Browser, mailbox: Mailbox
) -> None:
    server, clock = booking_server
    code = book(browser, server.url, "uk", "D", "olena@example.com", name="uk")
    assert browser.evaluate("document.documentElement.lang") == "uk"
    assert browser.evaluate("document.querySelector('img.qr').naturalWidth") > 100

    mail = mailbox.next()
    assert mail["To"] == "olena@example.com"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert code in text
    qr = next(p for p in mail.iter_attachments() if p.get_filename() == "qr.png")
    token = qr_payloads(qr.get_payload(decode=True))[0]
    assert token.startswith("KA1.")

    clock.set(T0 + timedelta(minutes=50))  # the first free slot is 11:00; check-in from 10:30
    ticket = httpx.post(
        f"{server.url}/api/v1/sites/demo/appointments/check-in",
        json={"code": code, "language": "pl"},
        headers={"Authorization": f"Bearer {DEMO_KIOSK_TOKEN}"},
    )
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["language"] == "uk"
    clock.set(T0)


def test_book_in_polish_then_move_and_cancel_through_the_manage_link(
    booking_server: tuple[LiveServer, Any], browser: Browser, mailbox: Mailbox
) -> None:
    server, _clock = booking_server
    # A form sent without consent: refused with the reason, nothing booked.
    browser.open(f"{server.url}/book/demo/C?lang=pl")
    check(browser, "slots", None)
    click(browser, "a.slot")
    check(browser, "form", None)
    fill(browser, "#email", "jan@example.com")
    click(browser, "button.primary")
    browser.wait_for("document.getElementById('error') !== null")
    check(browser, "form", "refused-pl")

    code = book(browser, server.url, "pl", "C", "jan@example.com", name="pl", case="WSC-1/26")
    confirmed = mailbox.next()
    assert confirmed["To"] == "jan@example.com"
    assert code in confirmed.get_body(preferencelist=("plain",)).get_content()
    manage = str(browser.evaluate("location.pathname"))

    click(browser, f'a[href^="{manage}/move"]')
    check(browser, "slots", "move-pl")
    before = browser.evaluate("document.querySelectorAll('button.slot').length")
    browser.evaluate("document.querySelectorAll('button.slot')[1].click(); true")
    check(browser, "manage", "moved-pl")
    assert browser.evaluate("document.getElementById('notice') !== null")
    assert before > 1
    moved = mailbox.next()
    assert code in moved.get_body(preferencelist=("plain",)).get_content()

    browser.evaluate("document.getElementById('confirm-cancel').checked = true; true")
    click(browser, "button.danger")
    browser.wait_for("document.querySelector('[data-status=cancelled]') !== null")
    check(browser, "manage", "cancelled-pl")
    cancelled = mailbox.next()
    assert code in cancelled.get_body(preferencelist=("plain",)).get_content()
    assert mailbox.empty()

    browser.open(f"{server.url}/book/demo/manage/{'x' * 32}?lang=pl")
    check(browser, "message", "bad-link-pl")


def test_the_ticket_page_offers_the_notification_opt_in(
    booking_server: tuple[LiveServer, Any], browser: Browser
) -> None:
    server, _clock = booking_server
    ticket = issue(server, "A", "uk")
    browser.open(f"{server.url}/t/{ticket.public_id}")
    browser.wait_for("document.body.dataset.status === 'waiting'")
    assert browser.evaluate("document.getElementById('notify-link').textContent.length") > 5
    click(browser, "#notify-link")
    check(browser, "notify", "notify-uk")
    fill(browser, "#phone", "+48 600 100 200")
    click(browser, "button.primary")
    browser.wait_for("document.getElementById('status') !== null")
    check(browser, "notify", "notify-done-uk")
