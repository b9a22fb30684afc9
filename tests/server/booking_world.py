"""The world of the online-booking tests: an office whose services A and B are bookable
online, a live server that mails through a real SMTP server and texts through a local
SMSAPI-style gateway, and a visitor who walks the pages as a browser without script would
(plain GETs and form POSTs, the cookie kept)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.messaging import Mailbox, SenderThread, SmsGateway
from tests.support import KIOSK_TOKEN, LiveServer, site_config_dict

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
SMS_TOKEN = "sms-token-1"


def booking_config(password_hash: str, **rules: Any) -> dict[str, Any]:
    config = site_config_dict(password_hash, **rules)
    services = config["sites"][0]["services"]
    a, b = services[0], services[1]
    a["hours"] = {day: ["08:00-16:00"] for day in WEEKDAYS}
    a["slot_minutes"] = 30
    a["online_booking"] = {
        "enabled": True,
        "days_ahead": 7,
        "until_hours_before": 2,
        "contact": "either",
        "fields": [
            {
                "key": "case",
                "labels": {
                    "pl": "Numer sprawy",
                    "en": "Case number",
                    "ru": "Номер дела",
                    "uk": "Номер справи",
                },
                "max_length": 20,
                "pattern": "[A-Z0-9./-]+",
            }
        ],
    }
    b["hours"] = {day: ["08:00-09:00"] for day in WEEKDAYS}
    b["slot_minutes"] = 30
    b["slot_capacity"] = 2
    b["online_booking"] = {
        "enabled": True,
        "days_ahead": 14,
        "until_hours_before": 1,
        "online_share": 0.5,
        "contact": "email",
        "document_check": True,
    }
    return config


@dataclass
class World:
    server: LiveServer
    mailbox: Mailbox
    sms: SmsGateway
    sender: SenderThread
    visitors: list[Visitor] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def db(self) -> Any:
        return self.server.services.db

    def visitor(self) -> Visitor:
        visitor = Visitor(self.url)
        self.visitors.append(visitor)
        return visitor


@pytest.fixture
def world(sqlite_url: str, clock: Any, password_hash: str, tmp_path: Path) -> Iterator[World]:
    yield from make_world(sqlite_url, clock, password_hash, tmp_path)


def make_world(
    database_url: str,
    clock: Any,
    password_hash: str,
    tmp_path: Path,
    *,
    deliver: bool = True,
    **rules: Any,
) -> Iterator[World]:
    """`deliver=False`: no sender at all, only the API (which never delivers itself)."""
    from server.app import create_app
    from server.settings import Settings
    from server.siteconfig import parse_config

    mailbox = Mailbox(tmp_path).start()
    sms = SmsGateway(SMS_TOKEN).start()
    settings = Settings(
        environment="test",
        database_url=database_url,
        kiosk_rate_per_minute=100_000,
        sms_gateway="smsapi",
        sms_url=sms.url,
        sms_token=SMS_TOKEN,
        sms_sender="UrzadWSC",
        sender_poll_s=0.2,
        **mailbox.settings(),
    )
    config = parse_config(booking_config(password_hash, **rules))
    server = LiveServer(lambda: create_app(settings, clock=clock, site_config=config)).start()
    sender = SenderThread(settings, server.services.db, clock)
    if deliver:
        sender.start()
    world = World(server, mailbox, sms, sender)
    try:
        yield world
    finally:
        for visitor in world.visitors:
            visitor.close()
        if deliver:
            sender.stop()
        server.stop()
        mailbox.stop()
        sms.stop()


# --- a visitor without script -------------------------------------------------------------


def alert(page: str) -> str | None:
    """The refusal a page shows, as text."""
    found = re.search(r'role="alert"[^>]*>(.*?)</div>', page, re.S)
    if found is None:
        return None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found is not None, f"no hidden field {name}"
    return html.unescape(found.group(1))


class Visitor:
    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, follow_redirects=False, timeout=30)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(html.unescape(path))

    def free_starts(self, service: str, day: str | None = None, lang: str = "en") -> list[str]:
        page = self.get(f"/book/test/{service}?lang={lang}" + (f"&day={day}" if day else ""))
        assert page.status_code == 200, page.text
        links = re.findall(rf'href="/book/test/{service}/form\?[^"]*start=([^"&]+)"', page.text)
        return [httpx.URL(f"/?s={s}").params["s"] for s in links]

    def book(
        self,
        service: str,
        start: str,
        *,
        lang: str = "en",
        email: str = "",
        phone: str = "",
        document: str = "",
        consent: bool = True,
        fields: dict[str, str] | None = None,
    ) -> httpx.Response:
        form = self.get(f"/book/test/{service}/form?lang={lang}&start={start}")
        assert form.status_code == 200, form.text
        data = {
            "csrf": hidden(form.text, "csrf"),
            "nonce": hidden(form.text, "nonce"),
            "start": hidden(form.text, "start"),
            "lang": lang,
            "email": email,
            "phone": phone,
            "document": document,
            **{f"f_{k}": v for k, v in (fields or {}).items()},
        }
        if consent:
            data["consent"] = "yes"
        self.last_form = data
        return self.http.post(f"/book/test/{service}/form", data=data)

    def resend(self, service: str) -> httpx.Response:
        return self.http.post(f"/book/test/{service}/form", data=self.last_form)

    def manage(self, location: str) -> str:
        page = self.get(location)
        assert page.status_code == 200, page.text
        return page.text

    def close(self) -> None:
        self.http.close()


def manage_path(response: httpx.Response) -> str:
    assert response.status_code == 303, alert(response.text) or response.text
    return response.headers["location"].split("?")[0]


def short_code(page: str) -> str:
    found = re.search(r'id="short-code">([^<]+)<', page)
    assert found is not None
    return found.group(1).strip()


def kiosk_check_in(url: str, code: str, **extra: Any) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/sites/test/appointments/check-in",
        json={"code": code, "language": "pl", **extra},
        headers={"Authorization": f"Bearer {KIOSK_TOKEN}"},
        timeout=30,
    )


def appointments(db: Any) -> list[Any]:
    from sqlmodel import select

    from server.models import Appointment

    with db.read() as session:
        return list(session.exec(select(Appointment).order_by(Appointment.id)))
