"""The configuration console's API (server/config_admin.py): one part at a time, with the
revision the form was opened at, the field named in every refusal, an event and an audit
row for every change, and no secret in any answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import websockets

from kolejka.client import KolejkaClient
from server.audit import audit_rows
from tests.support import DISPLAY_TOKEN, KIOSK_TOKEN, PASSWORD, LiveServer

CONFIG = "/api/v1/sites/test/config"


class Admin:
    """An administrator's HTTP session against the live server."""

    def __init__(self, server: LiveServer, username: str = "root", language: str = "en") -> None:
        self.server = server
        login = httpx.post(
            f"{server.url}/api/v1/auth/login",
            json={"site": "test", "username": username, "password": PASSWORD},
        )
        assert login.status_code == 200, login.text
        self.token = login.json()["access_token"]
        self.http = httpx.Client(
            base_url=server.url + CONFIG,
            headers={"Authorization": f"Bearer {self.token}", "Accept-Language": language},
        )

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.server.url + CONFIG + path  # "" is the whole document, not "config/"
        response = self.http.request(method, url, **kwargs)
        assert response.status_code < 500, response.text
        return response

    def ok(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self(method, path, **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()  # type: ignore[no-any-return]

    def revision(self) -> int:
        return int(self.ok("GET", "/services")["revision"])

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def admin(live_server: LiveServer) -> Iterator[Admin]:
    made = Admin(live_server)
    yield made
    made.close()


@pytest.fixture
def sqlite_admin(sqlite_server: LiveServer) -> Iterator[Admin]:
    made = Admin(sqlite_server)
    yield made
    made.close()


def field_of(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 422, response.text
    body = response.json()
    return [error["loc"] for error in body["params"]["errors"]]


def events(server: LiveServer, type_: str = "site.configured") -> list[dict[str, Any]]:
    with httpx.Client(base_url=server.url) as http:
        page = http.get(
            "/api/v1/sites/test/events",
            params={"after": 0, "limit": 1000},
            headers={"Authorization": f"Bearer {DISPLAY_TOKEN}"},
        ).json()
    return [e for e in page["data"] if e["type"] == type_]


def service(admin: Admin, code: str) -> dict[str, Any]:
    listing = admin.ok("GET", "/services")
    return next(s for s in listing["services"] if s["code"] == code)


# --- services -------------------------------------------------------------------------


def test_a_renamed_service_reaches_the_kiosks_the_log_and_the_audit(admin, live_server):
    listing = admin.ok("GET", "/services")
    a = listing["services"][0]
    assert a["code"] == "A" and "wait_threshold_min" in a
    a["names"]["en"] = "Temporary stay"
    a["bring_text"] = {"pl": "Paszport", "en": "Passport", "ru": "Паспорт", "uk": "Паспорт"}
    a["wait_threshold_min"] = 45
    answer = admin.ok("PUT", "/services/A", json={"revision": listing["revision"], "service": a})
    assert answer["revision"] > listing["revision"]
    assert answer["service"]["names"]["en"] == "Temporary stay"
    assert answer["service"]["wait_threshold_min"] == 45

    with KolejkaClient(live_server.url, "test", KIOSK_TOKEN) as kiosk:
        assert kiosk.list_services().data[0].names["en"] == "Temporary stay"

    [event] = events(live_server)
    payload = event["payload"]
    assert (payload["change"], payload["target"], payload["revision"]) == (
        "update_service",
        "A",
        answer["revision"],
    )
    assert payload["board"]["services"][0] == {"code": "A", "names": a["names"]}
    [row] = [
        r
        for r in audit_rows(live_server.services.db, "test", date(2026, 11, 1), date(2026, 12, 1))
        if r.action == "site.configured"
    ]
    assert (row.actor_name, row.actor_role, row.target_kind) == ("root", "admin", "site")
    assert row.detail == "update_service A"


def test_a_save_against_an_older_revision_is_refused(admin, live_server):
    opened = admin.ok("GET", "/services")
    first, second = opened["services"][0], json.loads(json.dumps(opened["services"][0]))
    first["daily_limit"] = 10
    admin.ok("PUT", "/services/A", json={"revision": opened["revision"], "service": first})
    second["daily_limit"] = 20
    refused = admin("PUT", "/services/A", json={"revision": opened["revision"], "service": second})
    assert refused.status_code == 409
    assert refused.json()["code"] == "config_changed"
    assert "changed since you opened it" in refused.json()["detail"]
    assert service(admin, "A")["daily_limit"] == 10
    polish = Admin(live_server, language="pl")
    again = polish("PUT", "/services/A", json={"revision": 0, "service": second})
    assert again.status_code == 409 and "od otwarcia" in again.json()["detail"]
    polish.close()


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"daily_limit": 0}, ["body", "service", "daily_limit"]),
        ({"slot_minutes": 1}, ["body", "service", "slot_minutes"]),
        ({"slot_capacity": -1}, ["body", "service", "slot_capacity"]),
        ({"wait_threshold_min": 0}, ["body", "service", "wait_threshold_min"]),
        ({"names": {"en": "no Polish"}}, ["body", "service", "names"]),
        ({"names": {"pl": "x", "de": "y"}}, ["body", "service", "names"]),
        ({"hours": {"mon": ["18:00-08:00"]}}, ["body", "service", "hours", "mon"]),
        ({"hours": {"special": {"2026-13-01": []}}}, ["body", "service", "hours", "special"]),
        ({"group": "g" * 41}, ["body", "service", "group"]),
        ({"code": "a1"}, ["body", "service", "code"]),
    ],
)
def test_a_bad_value_is_refused_with_the_field_named(sqlite_admin, change, where):
    a = service(sqlite_admin, "A")
    a.update(change)
    refused = sqlite_admin("PUT", "/services/A", json={"revision": 0, "service": a})
    assert any(loc[: len(where)] == where for loc in field_of(refused))
    assert refused.json()["params"]["errors"][0]["msg"]


def test_special_days_open_a_saturday_and_close_a_holiday(sqlite_admin, sqlite_server):
    a = service(sqlite_admin, "A")
    a["hours"] = {
        "mon": ["08:00-15:00"],
        "tue": ["08:00-15:00"],
        # Saturday 28 November: an information day; today (Tuesday 24th) a holiday.
        "special": {"2026-11-28": ["09:00-13:00"], "2026-11-24": []},
    }
    revision = sqlite_admin.revision()
    saved = sqlite_admin.ok("PUT", "/services/A", json={"revision": revision, "service": a})
    assert saved["service"]["hours"]["special"] == {
        "2026-11-28": ["09:00-13:00"],
        "2026-11-24": [],
    }
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as kiosk:
        refused = kiosk._http.post(
            "/api/v1/sites/test/tickets",
            json={"service": "A"},
            headers={"Authorization": f"Bearer {KIOSK_TOKEN}"},
        )
    assert refused.status_code == 409 and refused.json()["code"] == "closed_today"


def test_services_are_created_ordered_and_their_prefix_kept(sqlite_admin, sqlite_server):
    new = {
        "code": "F",
        "names": {"pl": "Legalizacja pracy", "en": "Work permit", "ru": "Работа", "uk": "Робота"},
        "group": "praca",
        "daily_limit": 40,
        "slot_minutes": 20,
        "slot_capacity": 2,
        "wait_threshold_min": 30,
    }
    revision = sqlite_admin.revision()
    created = sqlite_admin("POST", "/services", json={"revision": revision, "service": new})
    assert created.status_code == 201
    assert created.json()["service"]["slot_capacity"] == 2
    revision = created.json()["revision"]
    twice = sqlite_admin("POST", "/services", json={"revision": revision, "service": new})
    assert field_of(twice) == [["body", "service", "code"]]
    assert twice.json()["code"] == "service_exists"
    renamed = sqlite_admin(
        "PUT", "/services/F", json={"revision": revision, "service": {**new, "code": "G"}}
    )
    assert field_of(renamed) == [["body", "service", "code"]]
    missing = sqlite_admin(
        "PUT", "/services/Q", json={"revision": revision, "service": {**new, "code": "Q"}}
    )
    assert missing.status_code == 404
    order = sqlite_admin.ok(
        "PUT", "/service-order", json={"revision": revision, "codes": ["F", "D", "C", "B", "A"]}
    )
    assert [s["code"] for s in order["services"]] == ["F", "D", "C", "B", "A"]
    incomplete = sqlite_admin(
        "PUT", "/service-order", json={"revision": order["revision"], "codes": ["F", "A"]}
    )
    assert field_of(incomplete) == [["body", "codes"]]
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as kiosk:
        assert [s.code for s in kiosk.list_services().data][:2] == ["F", "D"]


# --- counters -------------------------------------------------------------------------


def test_counters_with_orders_or_weights(sqlite_admin, clerk_client, sqlite_server):
    listing = sqlite_admin.ok("GET", "/counters")
    assert [c["number"] for c in listing["counters"]] == list(range(1, 9))
    counter = {
        "number": 9,
        "name": "Okienko 9",
        "routing": "weighted",
        "services": [{"service": "A", "weight": 3}, {"service": "C", "weight": 1}],
    }
    created = sqlite_admin.ok(
        "POST", "/counters", json={"revision": listing["revision"], "counter": counter}
    )
    assert created["counter"]["services"][0]["weight"] == 3
    unknown = sqlite_admin(
        "PUT",
        "/counters/9",
        json={
            "revision": created["revision"],
            "counter": {**counter, "services": [{"service": "A"}, {"service": "Z"}]},
        },
    )
    assert field_of(unknown) == [["body", "counter", "services", "1", "service"]]
    twice = sqlite_admin(
        "POST", "/counters", json={"revision": created["revision"], "counter": counter}
    )
    assert field_of(twice) == [["body", "counter", "number"]]
    clerk = clerk_client(sqlite_server, "clerk1", counter=1)
    assert clerk.token
    busy = sqlite_admin("DELETE", "/counters/1", params={"revision": created["revision"]})
    assert busy.status_code == 409 and busy.json()["code"] == "counter_in_use"
    removed = sqlite_admin.ok("DELETE", "/counters/9", params={"revision": created["revision"]})
    assert 9 not in [c["number"] for c in removed["counters"]]
    gone = sqlite_admin("DELETE", "/counters/9", params={"revision": removed["revision"]})
    assert gone.status_code == 404


# --- clerks ---------------------------------------------------------------------------


def login(server: LiveServer, username: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"site": "test", "username": username, "password": password},
    )


def test_clerks_are_created_reset_and_disabled_and_no_secret_leaves(
    admin, live_server, password_hash
):
    revision = admin.revision()
    created = admin(
        "POST",
        "/clerks",
        json={
            "revision": revision,
            "clerk": {"username": "nowa", "display_name": "Nowa", "password": "first-pass-1"},
        },
    )
    assert created.status_code == 201
    assert "first-pass-1" not in created.text and "argon2" not in created.text
    assert created.json()["clerk"] == {
        "username": "nowa",
        "display_name": "Nowa",
        "role": "clerk",
        "active": True,
        "directory": False,
    }
    assert login(live_server, "nowa", "first-pass-1").status_code == 200
    reset = admin.ok(
        "POST",
        "/clerks/nowa/password",
        json={"revision": created.json()["revision"], "password": "second-pass-2"},
    )
    assert login(live_server, "nowa", "first-pass-1").status_code == 401
    session = login(live_server, "nowa", "second-pass-2")
    assert session.status_code == 200
    headers = {"Authorization": f"Bearer {session.json()['access_token']}"}
    counters = f"{live_server.url}/api/v1/sites/test/counters"
    assert httpx.get(counters, headers=headers).status_code == 200  # cached now
    disabled = admin.ok("POST", "/clerks/nowa/disable", json={"revision": reset["revision"]})
    assert disabled["clerk"]["active"] is False
    assert httpx.get(counters, headers=headers).status_code == 401  # at once
    assert login(live_server, "nowa", "second-pass-2").status_code == 401
    listing = admin.ok("GET", "/clerks")
    assert next(c for c in listing["clerks"] if c["username"] == "nowa")["active"] is False
    for text in (
        admin("GET", "/clerks").text,
        admin("GET", "").text,
        admin("GET", "/export").text,
        json.dumps(events(live_server)),
    ):
        assert "argon2" not in text and password_hash not in text and "second-pass" not in text
    enabled = admin.ok("POST", "/clerks/nowa/enable", json={"revision": disabled["revision"]})
    assert enabled["clerk"]["active"] is True
    assert login(live_server, "nowa", "second-pass-2").status_code == 200
    promoted = admin.ok(
        "PUT",
        "/clerks/nowa",
        json={
            "revision": enabled["revision"],
            "clerk": {"display_name": "N.", "role": "supervisor"},
        },
    )
    assert promoted["clerk"]["role"] == "supervisor"
    taken = admin(
        "POST",
        "/clerks",
        json={
            "revision": promoted["revision"],
            "clerk": {"username": "nowa", "password": "whatever-1"},
        },
    )
    assert field_of(taken) == [["body", "clerk", "username"]]
    short = admin(
        "POST",
        "/clerks",
        json={"revision": promoted["revision"], "clerk": {"username": "x", "password": "short"}},
    )
    assert field_of(short) == [["body", "clerk", "password"]]


def test_a_password_reset_or_a_disabled_account_ends_every_session_at_once(admin, live_server):
    """The clerk's bearer token, the supervisor's console cookie and an open event stream
    stop working with the reset, not at their expiry; the new password signs in."""
    from tests.console.helpers import console

    clerk = login(live_server, "clerk1", PASSWORD).json()["access_token"]
    boss = login(live_server, "boss", PASSWORD).json()["access_token"]
    counters = f"{live_server.url}/api/v1/sites/test/counters"

    def status(token: str) -> int:
        return httpx.get(counters, headers={"Authorization": f"Bearer {token}"}).status_code

    assert status(clerk) == 200 and status(boss) == 200  # cached now

    async def reset_while_streaming() -> int | None:
        url = live_server.url.replace("http", "ws") + f"/api/v1/sites/test/events?token={clerk}"
        async with websockets.connect(url) as socket:
            assert json.loads(await socket.recv())["type"] == "reset"
            await asyncio.to_thread(
                admin.ok,
                "POST",
                "/clerks/clerk1/password",
                json={"revision": admin.revision(), "password": "brand-new-pass-1"},
            )
            try:
                while True:
                    await asyncio.wait_for(socket.recv(), timeout=10)
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None

    with console(live_server, "boss") as monitor:
        assert monitor.get("/admin/monitor").status_code == 200  # its session cached
        assert asyncio.run(reset_while_streaming()) == 4401
        assert status(clerk) == 401  # at once, not 10 s later
        assert status(boss) == 200  # somebody else's reset leaves them be
        assert monitor.get("/admin/monitor").status_code == 200
        fresh = login(live_server, "clerk1", "brand-new-pass-1").json()["access_token"]
        assert status(fresh) == 200  # the new password's session works in the same second

        admin.ok(
            "POST",
            "/clerks/boss/password",
            json={"revision": admin.revision(), "password": "boss-new-pass-1"},
        )
        assert status(boss) == 401
        page = monitor.get("/admin/monitor", headers={"Accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"].startswith("/admin/login")

    with console(live_server, "boss", "boss-new-pass-1") as monitor:
        assert monitor.get("/admin/monitor").status_code == 200
        admin.ok("POST", "/clerks/boss/disable", json={"revision": admin.revision()})
        page = monitor.get("/admin/monitor", headers={"Accept": "text/html"})
        assert page.status_code == 303
        admin.ok("POST", "/clerks/boss/enable", json={"revision": admin.revision()})
        page = monitor.get("/admin/monitor", headers={"Accept": "text/html"})
        assert page.status_code == 303  # enabled again: the old session stays ended
    resets = [e for e in events(live_server) if e["payload"]["change"] == "reset_clerk_password"]
    assert resets[0]["payload"]["signed_out"] == [f"clerk:{_clerk_id(live_server, 'clerk1')}"]


def _clerk_id(server: LiveServer, username: str) -> int:
    from sqlmodel import select

    from server.models import Clerk

    with server.services.db.read() as session:
        clerk = session.exec(select(Clerk).where(Clerk.username == username)).one()
        return int(clerk.id)


def test_an_admin_cannot_lock_themselves_out_and_others_may_not_configure(
    sqlite_admin, sqlite_server
):
    revision = sqlite_admin.revision()
    myself = sqlite_admin("POST", "/clerks/root/disable", json={"revision": revision})
    assert myself.status_code == 409 and myself.json()["code"] == "admin_would_lock_out"
    demoted = sqlite_admin(
        "PUT", "/clerks/root", json={"revision": revision, "clerk": {"role": "clerk"}}
    )
    assert demoted.json()["code"] == "admin_would_lock_out"
    boss = Admin(sqlite_server, "boss")
    for method, path in [("GET", "/services"), ("GET", "/clerks"), ("GET", "/export")]:
        refused = boss(method, path)
        assert refused.status_code == 403 and refused.json()["code"] == "admin_required"
    refused = boss("POST", "/clerks/clerk1/disable", json={"revision": revision})
    assert refused.status_code == 403
    boss.close()
    kiosk = httpx.get(
        sqlite_server.url + CONFIG + "/devices", headers={"Authorization": f"Bearer {KIOSK_TOKEN}"}
    )
    assert kiosk.status_code == 403


# --- devices --------------------------------------------------------------------------


async def first_messages(url: str, count: int) -> list[dict[str, Any]]:
    async with websockets.connect(url) as socket:
        return [json.loads(await socket.recv()) for _ in range(count)]


def test_a_registered_device_token_is_shown_once_and_revoked_at_once(admin, live_server):
    revision = admin.revision()
    registered = admin(
        "POST",
        "/devices",
        json={
            "revision": revision,
            "device": {"kind": "display", "name": "Hall TV 2", "zone": [3, 1]},
        },
    )
    assert registered.status_code == 201
    token = registered.json()["token"]
    device = registered.json()["device"]
    assert device["zone"] == [1, 3] and len(token) >= 24
    listing = admin.ok("GET", "/devices")
    assert token not in json.dumps(listing) and token not in admin("GET", "/export").text
    assert "Hall TV 2" in [d["name"] for d in listing["devices"]]

    board = f"{live_server.url}/api/v1/sites/test/queue"
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(board, headers=headers).status_code == 200  # cached now

    async def revoke_while_streaming() -> tuple[int | None, str]:
        url = live_server.url.replace("http", "ws") + f"/api/v1/sites/test/events?token={token}"
        async with websockets.connect(url) as socket:
            first = json.loads(await socket.recv())
            assert first["type"] == "reset"
            answer = await asyncio.to_thread(
                admin.ok,
                "POST",
                f"/devices/{device['id']}/revoke",
                json={"revision": registered.json()["revision"]},
            )
            assert "Hall TV 2" not in [d["name"] for d in answer["devices"]]
            try:
                while True:
                    await asyncio.wait_for(socket.recv(), timeout=10)
            except websockets.ConnectionClosed as closed:
                return (
                    closed.rcvd.code if closed.rcvd else None,
                    closed.rcvd.reason if closed.rcvd else "",
                )

    code, reason = asyncio.run(revoke_while_streaming())
    assert (code, reason) == (4401, "invalid_token")
    assert httpx.get(board, headers=headers).status_code == 401  # at once, not 10 s later
    again = admin("POST", f"/devices/{device['id']}/revoke", json={"revision": admin.revision()})
    assert again.status_code == 404
    [event] = [e for e in events(live_server) if e["payload"]["change"] == "revoke_device"]
    assert event["payload"]["signed_out"] == [f"display:{device['id']}"]


def test_device_fields_are_checked(sqlite_admin):
    revision = sqlite_admin.revision()
    cases = [
        ({"kind": "kiosk", "name": "k1"}, ["body", "device", "name"]),  # taken
        ({"kind": "kiosk", "name": "k9", "zone": [1]}, ["body", "device", "zone"]),
        ({"kind": "display", "name": "d9", "counter": 2}, ["body", "device", "counter"]),
        ({"kind": "display", "name": "d9", "zone": [0]}, ["body", "device", "zone"]),
        ({"kind": "toaster", "name": "t"}, ["body", "device", "kind"]),
        ({"kind": "kiosk", "name": "  "}, ["body", "device", "name"]),
    ]
    for device, where in cases:
        refused = sqlite_admin("POST", "/devices", json={"revision": revision, "device": device})
        assert any(loc[: len(where)] == where for loc in field_of(refused)), (device, refused.text)
    listing = sqlite_admin.ok("GET", "/devices")
    k2 = next(d for d in listing["devices"] if d["name"] == "k2")
    renamed = sqlite_admin.ok(
        "PUT", f"/devices/{k2['id']}", json={"revision": revision, "device": {"name": "Kiosk 2"}}
    )
    assert renamed["device"]["name"] == "Kiosk 2"
    taken = sqlite_admin(
        "PUT",
        f"/devices/{k2['id']}",
        json={"revision": renamed["revision"], "device": {"name": "k1"}},
    )
    assert field_of(taken) == [["body", "device", "name"]]
    missing = sqlite_admin(
        "PUT", "/devices/99999", json={"revision": renamed["revision"], "device": {"name": "x"}}
    )
    assert missing.status_code == 404


# --- ticker, rules --------------------------------------------------------------------


def test_the_ticker_and_the_rules_reach_a_running_board(admin, live_server):
    url = live_server.url.replace("http", "ws") + f"/api/v1/sites/test/events?token={DISPLAY_TOKEN}"

    async def watch() -> list[dict[str, Any]]:
        async with websockets.connect(url) as socket:
            assert json.loads(await socket.recv())["type"] == "reset"
            await asyncio.to_thread(
                admin.ok,
                "PUT",
                "/ticker",
                json={"revision": admin.revision(), "ticker": {"pl": "Dziś do 15:00", "en": " "}},
            )
            return [json.loads(await asyncio.wait_for(socket.recv(), timeout=10))]

    [event] = asyncio.run(watch())
    assert event["type"] == "site.configured"
    assert event["payload"]["board"]["ticker"] == {"pl": "Dziś do 15:00"}
    assert admin.ok("GET", "/ticker")["ticker"] == {"pl": "Dziś do 15:00"}
    bad = admin("PUT", "/ticker", json={"revision": admin.revision(), "ticker": {"de": "Hallo"}})
    assert field_of(bad)[0][:3] == ["body", "ticker", "de"]

    rules = admin.ok("GET", "/rules")
    rules["rules"]["max_recalls"] = 4
    saved = admin.ok("PUT", "/rules", json=rules)
    assert saved["rules"]["max_recalls"] == 4
    rules["rules"]["max_recalls"] = 11
    refused = admin("PUT", "/rules", json={**rules, "revision": saved["revision"]})
    assert field_of(refused) == [["body", "rules", "max_recalls"]]
    unknown = admin("PUT", "/rules", json={"revision": saved["revision"], "rules": {"nap": True}})
    assert field_of(unknown) == [["body", "rules", "nap"]]


# --- the file -------------------------------------------------------------------------


def test_export_then_import_changes_nothing(admin, live_server):
    exported = admin("GET", "/export")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/toml")
    assert "[[sites]]" in exported.text and "token_sha256" in exported.text
    revision = int(exported.headers["etag"].strip('"'))
    before = len(events(live_server))
    same = admin.ok("POST", "/import", json={"revision": revision, "toml": exported.text})
    assert same == {"revision": revision, "changed": False}
    assert len(events(live_server)) == before
    assert admin("GET", "/export").text == exported.text

    changed = exported.text.replace('name = "Test Office"', 'name = "Test Office 2"')
    answer = admin.ok("POST", "/import", json={"revision": revision, "toml": changed})
    assert answer["changed"] is True and answer["revision"] > revision
    stale = admin("POST", "/import", json={"revision": revision, "toml": exported.text})
    assert stale.status_code == 409 and stale.json()["code"] == "config_changed"


def test_a_bad_file_is_refused_with_its_line_or_field(sqlite_admin):
    revision = sqlite_admin.revision()
    text = sqlite_admin("GET", "/export").text
    broken = sqlite_admin("POST", "/import", json={"revision": revision, "toml": "[[sites]\n"})
    assert field_of(broken) == [["body", "toml"]] and broken.json()["code"] == "config_not_toml"
    bad = text.replace('code = "B"', 'code = "b1"', 1)
    refused = sqlite_admin("POST", "/import", json={"revision": revision, "toml": bad})
    assert ["body", "toml", "sites", "0", "services", "1", "code"] in field_of(refused)
    other = text.replace('code = "test"', 'code = "elsewhere"', 1)
    assert field_of(sqlite_admin("POST", "/import", json={"revision": revision, "toml": other}))
    none = sqlite_admin("POST", "/import", json={"revision": revision, "toml": "x = 1"})
    assert field_of(none) == [["body", "toml", "sites"]]


def test_the_whole_document_put_honours_if_match(sqlite_admin):
    read = sqlite_admin("GET", "")
    etag = read.headers["etag"]
    document = read.json()
    document["name"] = "Renamed"
    saved = sqlite_admin("PUT", "", json=document, headers={"If-Match": etag})
    assert saved.status_code == 200 and saved.headers["etag"] != etag
    stale = sqlite_admin("PUT", "", json=document, headers={"If-Match": etag})
    assert stale.status_code == 409 and stale.json()["code"] == "config_changed"
    bad = sqlite_admin("PUT", "", json=document, headers={"If-Match": '"seven"'})
    assert field_of(bad) == [["header", "If-Match"]]
    assert sqlite_admin("PUT", "", json=document).status_code == 200  # no If-Match: as before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/services", {"revision": -1}),
        ("POST", "/services", {"revision": 0, "service": None}),
        ("PUT", "/services/AAAA", {"revision": 0}),
        ("PUT", "/service-order", {"revision": 0, "codes": []}),
        ("POST", "/counters", {"revision": 0, "counter": {"number": 0, "services": []}}),
        ("DELETE", "/counters/1", None),
        ("POST", "/clerks", {"revision": 0, "clerk": {"username": "a b", "password": "12345678"}}),
        ("POST", "/clerks/nobody/disable", {"revision": 0}),
        ("POST", "/clerks/nobody/password", {"revision": 0, "password": "12345678"}),
        ("POST", "/devices/0/revoke", {"revision": 0}),
        ("PUT", "/rules", {"revision": 0, "rules": {"max_recalls": "many"}}),
        ("POST", "/import", {"revision": 0, "toml": "\x00"}),
        ("POST", "/import", "not json"),
    ],
)
def test_garbage_is_a_client_error(sqlite_admin, method, path, body):
    kwargs: dict[str, Any] = {}
    if isinstance(body, str):
        kwargs["content"] = body
    elif body is not None:
        kwargs["json"] = body
    response = sqlite_admin(method, path, **kwargs)
    assert 400 <= response.status_code < 500
    assert response.json()["code"]
