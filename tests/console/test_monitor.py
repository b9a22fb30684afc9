"""The live monitor's figures and the supervisor's actions, on a live server over HTTP.

The browser side (the page follows the event stream) is tests/web/test_console.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.console.helpers import console, page_csrf
from tests.support import DISPLAY_TOKEN, KIOSK_TOKEN, LiveServer


@pytest.fixture
def server(sqlite_server: LiveServer) -> Iterator[LiveServer]:
    yield sqlite_server


def live(client: httpx.Client) -> str:
    answer = client.get("/admin/monitor/live", headers={"Accept": "text/html"})
    assert answer.status_code == 200, answer.text
    return answer.text


def act(client: httpx.Client, action: str, **fields: Any) -> httpx.Response:
    token = page_csrf(client)
    return client.post(
        f"/admin/monitor/actions/{action}",
        data={"csrf": token, **{k: str(v) for k, v in fields.items()}},
        headers={"Accept": "application/json"},
    )


def audit(server: LiveServer, action: str) -> list[dict[str, Any]]:
    from server.audit import audit_rows

    day = server.services.clock.now().date()
    return [
        {"actor": r.actor_name, "role": r.actor_role, "target": r.target, "detail": r.detail}
        for r in audit_rows(server.services.db, "test", day, day)
        if r.action == action
    ]


def test_the_monitor_shows_counters_services_and_devices(
    server: LiveServer, kiosk_client: Any, clerk_client: Any
) -> None:
    kiosk = kiosk_client(server)
    first = kiosk.issue_ticket("A", "pl", "normal")
    kiosk.issue_ticket("A", "en", "normal")
    clerk = clerk_client(server, "clerk1", 1)
    called = clerk.call_next(1)
    assert called is not None and called.number == first.number
    with console(server) as client:
        html = live(client)
    assert f"<strong>{first.number}</strong>" in html  # the client at counter 1
    assert 'data-counter="1"' in html and "wzywa" in html  # called, not yet served
    assert 'data-service="A"' in html
    assert 'data-kiosk="k1"' in html and 'data-display="d1"' in html


def test_alerts_for_a_long_wait_a_pause_and_a_service_near_its_limit(
    server: LiveServer, kiosk_client: Any, clerk_client: Any
) -> None:
    kiosk = kiosk_client(server)
    kiosk.issue_ticket("A", "pl", "normal")
    kiosk.issue_ticket("C", "pl", "normal")  # C: 3 a day, so 2 left
    clerk = clerk_client(server, "clerk2", 2)
    clerk.pause_counter(2)
    server.services.clock.advance(minutes=45)  # past the 30 min and 15 min rules
    with console(server) as client:
        html = live(client)
    assert "Sprawa A: interesant czeka już 45 min." in html
    assert "Stanowisko 2: przerwa od 45 min." in html
    assert "Sprawa C: na dziś zostało biletów: 2." in html
    assert "Wyświetlacz d1: brak połączenia" in html  # never connected since start


def test_a_supervisor_action_lands_in_the_audit_log_with_who_did_it(
    server: LiveServer, kiosk_client: Any
) -> None:
    ticket = kiosk_client(server).issue_ticket("A", "pl", "normal")
    with console(server) as client:
        answer = act(client, "cancel_ticket", ticket=ticket.id)
        assert answer.status_code == 200, answer.text
        assert answer.json()["message"] == f"Bilet {ticket.number} anulowano."
        again = act(client, "reinstate_ticket", ticket=ticket.id)
        assert again.status_code == 200, again.text
    cancelled = audit(server, "ticket.cancelled")
    assert cancelled and cancelled[-1]["role"] == "supervisor"
    assert cancelled[-1]["target"] == ticket.number
    assert audit(server, "ticket.reinstated")[-1]["role"] == "supervisor"
    assert server.services.queue.get_ticket("test", _boss(server), ticket.id).status == "waiting"


def _boss(server: LiveServer) -> Any:
    from sqlmodel import select

    from server.actors import Actor
    from server.models import Clerk

    with server.services.db.read() as session:
        boss = session.exec(select(Clerk).where(Clerk.username == "boss")).one()
    return Actor("clerk", boss.site_id, boss.id, boss.display_name, boss.role)


def test_move_prioritise_pause_close_and_reprint(
    server: LiveServer, kiosk_client: Any, clerk_client: Any
) -> None:
    kiosk = kiosk_client(server)
    ticket = kiosk.issue_ticket("A", "pl", "normal")
    clerk_client(server, "clerk3", 3)
    with console(server) as client:
        moved = act(client, "move_ticket", ticket=ticket.id, service="B")
        assert moved.status_code == 200, moved.text
        assert moved.json()["service"] == "B"
        assert act(client, "move_ticket", ticket=ticket.id, service="B").status_code == 409
        assert act(client, "prioritise_ticket", ticket=ticket.id).status_code == 200
        assert act(client, "prioritise_ticket", ticket=ticket.id).status_code == 409
        assert act(client, "pause_counter", counter=3).status_code == 200
        assert act(client, "close_counter", counter=3).status_code == 200
        reprint = act(client, "reprint", device=_kiosk_id(server))
        assert reprint.status_code == 200, reprint.text
    view = server.services.queue.get_ticket("test", _boss(server), ticket.id)
    assert view.service == "B" and view.priority == "priority"
    assert audit(server, "ticket.moved")[-1]["role"] == "supervisor"
    assert audit(server, "counter.closed")[-1]["actor"] is not None
    events = server.services.reads.events_page("test", _boss(server), 0, 500).data
    reprinted = [e for e in events if e.type == "kiosk.reprint"]
    assert reprinted and reprinted[-1].payload["ticket"]["number"] == ticket.number


def _kiosk_id(server: LiveServer) -> int:
    from tests.support import kiosk_actor

    return int(kiosk_actor(server.services.db).id)


def test_signing_a_clerk_out_closes_their_counter_and_stops_their_token(
    server: LiveServer, clerk_client: Any
) -> None:
    clerk = clerk_client(server, "clerk4", 4)
    clerk_id = _clerk_id(server, "clerk4")
    with console(server) as client:
        answer = act(client, "sign_out_clerk", clerk=clerk_id)
        assert answer.status_code == 200, answer.text
    from kolejka.client.errors import ApiError

    with pytest.raises(ApiError) as refused:
        clerk.open_counter(4)
    assert refused.value.status == 401
    assert audit(server, "clerk.signed_out")[-1]["role"] == "supervisor"


def _clerk_id(server: LiveServer, username: str) -> int:
    from sqlmodel import select

    from server.models import Clerk

    with server.services.db.read() as session:
        return int(session.exec(select(Clerk).where(Clerk.username == username)).one().id)


def test_bad_action_input_is_a_4xx_and_a_forged_csrf_token_is_refused(
    server: LiveServer,
) -> None:
    with console(server) as client:
        for action, fields in (
            ("cancel_ticket", {"ticket": "x"}),
            ("cancel_ticket", {}),
            ("cancel_ticket", {"ticket": "99999999999999"}),
            ("move_ticket", {"ticket": "1", "service": "<script>"}),
            ("pause_counter", {"counter": "-1"}),
            ("no_such_action", {}),
            ("cancel_ticket", {"ticket": "424242"}),  # no such ticket: 404
            ("reprint", {"device": "424242"}),
        ):
            answer = act(client, action, **fields)
            assert 400 <= answer.status_code < 500, (action, fields, answer.text)
            assert "code" in answer.json()
        forged = client.post(
            "/admin/monitor/actions/pause_counter",
            data={"csrf": "0" * 40, "counter": "1"},
            headers={"Accept": "application/json"},
        )
        assert forged.status_code == 403 and forged.json()["code"] == "csrf_failed"
        missing = client.post("/admin/monitor/actions/pause_counter", data={"counter": "1"})
        assert missing.status_code == 403


def test_the_consoles_event_stream_needs_the_session_cookie(server: LiveServer) -> None:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    url = server.url.replace("http", "ws") + "/admin/events"
    with connect(url) as ws:  # no cookie
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=10)
        assert ws.close_code == 4401
    with console(server) as client:
        cookie = client.cookies["kolejka_console"]
    with connect(url, additional_headers={"Cookie": f"kolejka_console={cookie}"}) as ws:
        first = json.loads(ws.recv(timeout=10))
        assert first["type"] == "reset"
    evil = {"Cookie": f"kolejka_console={cookie}", "Origin": "http://evil.example"}
    with connect(url, additional_headers=evil) as ws:
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=10)
        assert ws.close_code == 4401


def test_a_display_on_the_stream_shows_as_connected(server: LiveServer) -> None:
    from websockets.sync.client import connect

    url = server.url.replace("http", "ws") + f"/api/v1/sites/test/events?token={DISPLAY_TOKEN}"
    with connect(url) as ws, console(server) as client:
        ws.recv(timeout=10)
        html = live(client)
        row = html.split('data-display="d1"', 1)[1].split("</tr>", 1)[0]
        assert "połączony" in row and "brak połączenia" not in row


def test_a_regional_view_for_the_main_office_and_own_site_for_others(server: LiveServer) -> None:
    with console(server) as client:
        page = client.get("/admin/region", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert 'data-site="test"' in page.text
        other = client.get("/admin/monitor/live", params={"site": "elsewhere"})
        assert other.status_code == 403
        assert client.get("/admin/monitor/live", params={"site": "<x>"}).status_code == 422
    assert KIOSK_TOKEN
