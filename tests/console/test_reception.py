"""The reception desk: a ticket on a visitor's behalf, printed on a kiosk or read out,
reprint and cancel, and today's appointments checked in by their code."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.console.helpers import console, page_csrf
from tests.support import LiveServer


@pytest.fixture
def server(sqlite_server: LiveServer) -> Iterator[LiveServer]:
    yield sqlite_server


def post(client: httpx.Client, path: str, **fields: Any) -> httpx.Response:
    token = page_csrf(client, "/admin/reception")
    return client.post(
        path,
        data={"csrf": token, **{k: str(v) for k, v in fields.items()}},
        headers={"Accept": "application/json"},
    )


def events(server: LiveServer, type_: str) -> list[Any]:
    from tests.console.test_monitor import _boss

    page = server.services.reads.events_page("test", _boss(server), 0, 1000)
    return [e for e in page.data if e.type == type_]


def test_a_ticket_read_out_or_printed_on_a_chosen_kiosk(server: LiveServer) -> None:
    from tests.console.test_monitor import _kiosk_id

    with console(server) as client:
        page = client.get("/admin/reception", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Bilet dla interesanta" in page.text
        read_out = post(client, "/admin/reception/issue", service="A", language="uk")
        assert read_out.status_code == 200, read_out.text
        assert "Proszę odczytać numer" in read_out.json()["message"]
        printed = post(
            client,
            "/admin/reception/issue",
            service="B",
            language="en",
            priority="priority",
            kiosk=_kiosk_id(server),
        )
        assert printed.status_code == 200, printed.text
        number = printed.json()["ticket"]
        live = client.get("/admin/reception/live", headers={"Accept": "text/html"}).text
        assert f'data-ticket="{read_out.json()["ticket"]}"' in live
        reprint = post(
            client,
            "/admin/monitor/actions/reprint",
            ticket=printed.json()["ticket_id"],
            device=_kiosk_id(server),
        )
        assert reprint.status_code == 200, reprint.text
        cancel = post(
            client, "/admin/monitor/actions/cancel_ticket", ticket=read_out.json()["ticket_id"]
        )
        assert cancel.status_code == 200
    reprints = events(server, "kiosk.reprint")
    assert [e.payload["ticket"]["number"] for e in reprints] == [number, number]
    assert reprints[0].payload["device"] == "k1"
    issued = events(server, "ticket.issued")
    assert issued[-1].payload["ticket"]["priority"] == "priority"


def test_bad_desk_input_is_refused_with_the_field_named(server: LiveServer) -> None:
    with console(server) as client:
        for fields, field in (
            ({"service": ""}, "service"),
            ({"service": "A", "language": "xx"}, "language"),
            ({"service": "A", "priority": "vip"}, "priority"),
            ({"service": "A", "kiosk": "abc"}, "kiosk"),
        ):
            answer = post(client, "/admin/reception/issue", **fields)
            assert answer.status_code == 422, (fields, answer.text)
            assert answer.json()["params"] == {"field": field}
        unknown = post(client, "/admin/reception/issue", service="Z")
        assert unknown.status_code == 404
        assert post(client, "/admin/reception/check-in", code="").status_code == 422
        assert post(client, "/admin/reception/check-in", code="NOPE-NOPE").status_code in (404, 422)


def test_todays_appointment_checked_in_by_its_code(server: LiveServer) -> None:
    from kolejka.client import KolejkaClient

    boss = KolejkaClient(server.url, "test")
    boss.login("boss", "secret-pass")
    start = datetime(2026, 11, 24, 10, 15, tzinfo=ZoneInfo("Europe/Warsaw"))
    booked = boss.create_appointment("A", start, "ru")
    boss.close()
    with console(server) as client:
        live = client.get("/admin/reception/live", headers={"Accept": "text/html"}).text
        assert f'data-appointment="{booked.code}"' in live
        answer = post(client, "/admin/reception/check-in", code=booked.code, language="ru")
        assert answer.status_code == 200, answer.text
        assert "Przybycie zgłoszone" in answer.json()["message"]
        again = post(client, "/admin/reception/check-in", code=booked.code)
        assert again.status_code == 409 and again.json()["code"] == "appointment_used"
        live = client.get("/admin/reception/live", headers={"Accept": "text/html"}).text
        row = live.split(f'data-appointment="{booked.code}"', 1)[1].split("</tr>", 1)[0]
        assert "zgłoszona" in row
