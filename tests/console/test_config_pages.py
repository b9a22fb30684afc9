"""The console's configuration pages over HTTP, as a browser sends them (cookies, CSRF):
every page renders for an admin only, a form post answers the message and the revision,
or the fields a refusal names, translated."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.console.helpers import console, page_csrf
from tests.support import KIOSK_TOKEN, LiveServer

PAGES = [
    "/admin/config",
    "/admin/config/services",
    "/admin/config/services/new",
    "/admin/config/services/A",
    "/admin/config/counters",
    "/admin/config/clerks",
    "/admin/config/devices",
    "/admin/config/hall",
    "/admin/config/file",
]


@pytest.fixture
def root(sqlite_server: LiveServer) -> Iterator[httpx.Client]:
    with console(sqlite_server, "root") as client:
        yield client


def post(client: httpx.Client, path: str, fields: dict[str, Any]) -> httpx.Response:
    csrf = page_csrf(client, "/admin/config")
    answer = client.post(
        path, data=fields, headers={"X-CSRF-Token": csrf, "Accept": "application/json"}
    )
    assert answer.status_code < 500, answer.text
    return answer


def revision(client: httpx.Client) -> str:
    page = client.get("/admin/config/services/A").text
    return page.split('name="revision" value="', 1)[1].split('"', 1)[0]


def service_fields(client: httpx.Client, **changes: str) -> dict[str, str]:
    fields = {
        "revision": revision(client),
        "code": "A",
        "enabled": "on",
        "names.pl": "Pobyt czasowy",
        "names.en": "Temporary residence",
        "names.ru": "Временное пребывание",
        "names.uk": "Тимчасове перебування",
        "slot_minutes": "15",
        "slot_capacity": "1",
        "hours.mon": "08:00-15:00",
        "hours.special": "2026-11-28: 09:00-13:00\n2026-12-24: closed",
    }
    fields.update(changes)
    return fields


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_for_an_admin(root, path):
    page = root.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    assert "content-security-policy" in page.headers
    assert "<script>" not in page.text and "onclick" not in page.text
    assert 'src="/admin/config/assets/config.js"' in page.text


def test_a_supervisor_is_refused(sqlite_server):
    with console(sqlite_server, "boss") as boss:
        page = boss.get("/admin/config/services", headers={"Accept": "text/html"})
        assert page.status_code == 403
        answer = boss.post("/admin/config/services/A", data={"revision": "0"})
        assert answer.status_code == 403


def test_a_saved_service_reaches_the_kiosk(root, sqlite_server):
    answer = post(root, "/admin/config/services/A", service_fields(root, **{"names.en": "Stay"}))
    assert answer.status_code == 200, answer.text
    assert answer.json()["revision"] > 0
    page = root.get("/admin/config/services/A").text
    assert "2026-12-24: zamknięte" in page and "09:00-13:00" in page
    with httpx.Client(base_url=sqlite_server.url) as http:
        listed = http.get(
            "/api/v1/sites/test/services", headers={"Authorization": f"Bearer {KIOSK_TOKEN}"}
        ).json()
    assert listed["data"][0]["names"]["en"] == "Stay"


@pytest.mark.parametrize(
    ("changes", "field", "said"),
    [
        ({"daily_limit": "0"}, "daily_limit", "Co najmniej 1."),
        ({"daily_limit": "many"}, "daily_limit", "Proszę podać liczbę całkowitą."),
        ({"names.pl": ""}, "names", "Wymagana jest nazwa po polsku."),
        ({"hours.mon": "8-15"}, "hours.mon", "HH:MM-HH:MM"),
        ({"hours.special": "Christmas"}, "hours.special", "Wiersz 1"),
        ({"hours.special": "2026-02-30: closed"}, "hours.special", "RRRR-MM-DD"),
        ({"slot_minutes": "1"}, "slot_minutes", "Co najmniej 5."),
    ],
)
def test_a_bad_value_names_its_field_in_polish(root, changes, field, said):
    answer = post(root, "/admin/config/services/A", service_fields(root, **changes))
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert [e["field"] for e in errors] == [field], errors
    assert said in errors[0]["message"]


def test_a_second_save_from_an_older_form_is_refused(root):
    fields = service_fields(root)
    assert post(root, "/admin/config/services/A", {**fields, "daily_limit": "5"}).status_code == 200
    stale = post(root, "/admin/config/services/A", {**fields, "daily_limit": "6"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "config_changed"
    assert "od otwarcia" in stale.json()["detail"]


def test_a_post_without_the_csrf_token_is_refused(root):
    answer = root.post("/admin/config/services/A", data=service_fields(root))
    assert answer.status_code == 403


def test_counters_clerks_devices_ticker_rules_and_the_file(root):
    rev = revision(root)
    counter = post(
        root,
        "/admin/config/counters/1",
        {
            "revision": rev,
            "routing": "weighted",
            "serve.A": "on",
            "weight.A": "2",
            "serve.C": "on",
            "weight.C": "0",
        },
    )
    assert counter.status_code == 422 and counter.json()["errors"][0]["field"] == "weight.C"
    counter = post(
        root,
        "/admin/config/counters/1",
        {"revision": rev, "routing": "weighted", "serve.A": "on", "weight.A": "2"},
    )
    assert counter.status_code == 200, counter.text
    rev = str(counter.json()["revision"])
    clerk = post(
        root,
        "/admin/config/clerks",
        {"revision": rev, "username": "ewa", "role": "clerk", "password": "short"},
    )
    assert clerk.json()["errors"][0]["field"] == "password"
    clerk = post(
        root,
        "/admin/config/clerks",
        {"revision": rev, "username": "ewa", "role": "clerk", "password": "long-enough-1"},
    )
    assert clerk.status_code == 200 and "long-enough" not in clerk.text
    rev = str(clerk.json()["revision"])
    device = post(
        root,
        "/admin/config/devices",
        {"revision": rev, "kind": "display", "name": "TV", "zone": "1, 3-4"},
    )
    assert device.status_code == 200 and len(device.json()["token"]) >= 24
    assert device.json()["token"] not in root.get("/admin/config/devices").text
    rev = str(device.json()["revision"])
    zone = post(
        root,
        "/admin/config/devices",
        {"revision": rev, "kind": "display", "name": "TV2", "zone": "x"},
    )
    assert zone.json()["errors"][0]["field"] == "zone"
    ticker = post(
        root, "/admin/config/ticker", {"revision": rev, "ticker.pl": "Witamy", "ticker.en": ""}
    )
    assert ticker.status_code == 200
    rev = str(ticker.json()["revision"])
    rules = post(
        root, "/admin/config/rules", {"revision": rev, "max_recalls": "99", "languages.pl": "on"}
    )
    assert rules.json()["errors"][0]["field"] == "max_recalls"
    rules = post(
        root,
        "/admin/config/rules",
        {
            "revision": rev,
            "max_recalls": "3",
            "languages.pl": "on",
            "languages.uk": "on",
            "priority_enabled": "on",
            "checkin_before_min": "30",
            "checkin_after_min": "15",
            "personal_data_retention_days": "30",
            "alerts.wait_min": "20",
            "alerts.pause_min": "15",
            "alerts.display_offline_s": "60",
            "alerts.limit_left": "10",
            "alerts.printer_silent_min": "15",
        },
    )
    assert rules.status_code == 200, rules.text
    exported = root.get("/admin/config/export.toml")
    assert exported.status_code == 200 and "max_recalls = 3" in exported.text
    same = post(
        root,
        "/admin/config/import",
        {"revision": str(rules.json()["revision"]), "toml": exported.text},
    )
    assert same.status_code == 200 and same.json()["revision"] == rules.json()["revision"]
