"""Site configuration through the admin API."""

import json
from datetime import UTC, datetime

import pytest

from kolejka.client import ConflictError, Refused


def test_admin_reads_the_config_without_secrets(sqlite_server, clerk_client, password_hash):
    root = clerk_client(sqlite_server, "root")
    response = root.request("GET", "/api/v1/sites/test/config")
    config = response.json()
    assert [s["code"] for s in config["services"]] == ["A", "B", "C", "D"]
    assert all("token" not in d or d["token"] is None for d in config["devices"])
    assert all(c["password"] is None and c["password_hash"] is None for c in config["clerks"])
    assert "$argon2" not in response.text and password_hash not in response.text
    assert sqlite_server.services.settings.signing_key not in response.text


def test_clerks_sent_back_without_a_password_keep_theirs(sqlite_server, clerk_client):
    root = clerk_client(sqlite_server, "root")
    config = root.request("GET", "/api/v1/sites/test/config").json()
    config["clerks"][0]["display_name"] = "Anna K."
    updated = root.request("PUT", "/api/v1/sites/test/config", json=config).json()
    assert updated["clerks"][0]["display_name"] == "Anna K."
    assert all(c["password_hash"] is None for c in updated["clerks"])
    assert clerk_client(sqlite_server, config["clerks"][0]["username"]).token


def test_a_new_clerk_needs_a_password(sqlite_server, clerk_client):
    root = clerk_client(sqlite_server, "root")
    config = root.request("GET", "/api/v1/sites/test/config").json()
    config["clerks"].append({"username": "newbie"})
    response = root._http.put(
        "/api/v1/sites/test/config",
        json=config,
        headers={"Authorization": f"Bearer {root.token}", "Accept-Language": "pl"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "clerk_needs_password"
    assert "newbie" in response.json()["detail"] and "hasło" in response.json()["detail"]
    again = root.request("GET", "/api/v1/sites/test/config").json()
    assert "newbie" not in [c["username"] for c in again["clerks"]]


def test_admin_changes_a_service_and_kiosks_see_it(sqlite_server, clerk_client, kiosk_client):
    root = clerk_client(sqlite_server, "root")
    config = root.request("GET", "/api/v1/sites/test/config").json()
    config["services"][0]["names"]["en"] = "Temporary stay"
    config["services"][0]["daily_limit"] = 1
    updated = root.request("PUT", "/api/v1/sites/test/config", json=config).json()
    assert updated["services"][0]["names"]["en"] == "Temporary stay"
    kiosk = kiosk_client(sqlite_server)
    service = kiosk.list_services().data[0]
    assert service.names["en"] == "Temporary stay" and service.daily_limit == 1
    kiosk.issue_ticket("A")
    with pytest.raises(ConflictError):
        kiosk.issue_ticket("A")


def test_bad_config_is_refused_naming_the_field_and_changes_nothing(sqlite_server, clerk_client):
    root = clerk_client(sqlite_server, "root")
    config = root.request("GET", "/api/v1/sites/test/config").json()
    config["services"][1]["code"] = "b1"
    response = root._http.put(
        "/api/v1/sites/test/config", json=config, headers={"Authorization": f"Bearer {root.token}"}
    )
    assert response.status_code == 422
    locations = [e["loc"] for e in response.json()["params"]["errors"]]
    assert ["body", "services", "1", "code"] in locations
    again = root.request("GET", "/api/v1/sites/test/config").json()
    assert again["services"][1]["code"] == "B"


def test_only_an_admin_may_read_or_change_the_config(sqlite_server, clerk_client):
    boss = clerk_client(sqlite_server, "boss")
    with pytest.raises(Refused) as info:
        boss.request("GET", "/api/v1/sites/test/config")
    assert info.value.code == "admin_required"


def test_admin_cannot_remove_their_own_admin_role(sqlite_server, clerk_client):
    root = clerk_client(sqlite_server, "root")
    config = root.request("GET", "/api/v1/sites/test/config").json()
    config["clerks"] = [c for c in config["clerks"] if c["username"] != "root"]
    with pytest.raises(ConflictError) as info:
        root.request("PUT", "/api/v1/sites/test/config", json=config)
    assert info.value.code == "admin_would_lock_out"


CONFIG = "/api/v1/sites/test/config"
# Monday 30 November 2026: service D is open 08:00-09:00 (Warsaw, UTC+1).
MONDAY_8 = "2026-11-30T08:00:00+01:00"


def book(client, start: str, service: str = "D") -> int:
    response = client.request(
        "POST", "/api/v1/sites/test/appointments", json={"service": service, "start": start}
    )
    return int(response.json()["id"])


def with_service_d(config: dict, **changes) -> dict:
    d = next(s for s in config["services"] if s["code"] == "D")
    d.update(changes)
    return config


def test_slot_settings_come_back_as_they_are_and_putting_them_back_keeps_the_slots(
    sqlite_server, clerk_client
):
    root = clerk_client(sqlite_server, "root")
    config = with_service_d(root.request("GET", CONFIG).json(), slot_capacity=2, slot_minutes=30)
    root.request("PUT", CONFIG, json=config)
    answer = root.request("GET", CONFIG).json()
    d = next(s for s in answer["services"] if s["code"] == "D")
    assert (d["slot_capacity"], d["slot_minutes"], d["enabled"]) == (2, 30, True)
    book(root, MONDAY_8)
    root.request("PUT", CONFIG, json=answer)  # the unchanged answer, put back
    assert root.request("GET", CONFIG).json() == answer
    book(root, MONDAY_8)  # the second place of the slot is still there
    with pytest.raises(ConflictError) as info:
        book(root, MONDAY_8)
    assert info.value.code == "slot_full"


def test_a_disabled_service_stays_in_the_answer_and_in_its_counters(sqlite_server, clerk_client):
    root = clerk_client(sqlite_server, "root")
    config = with_service_d(root.request("GET", CONFIG).json(), enabled=False)
    config["counters"][0]["services"].append({"service": "D", "order": 3, "weight": 1.0})
    root.request("PUT", CONFIG, json=config)
    answer = root.request("GET", CONFIG).json()
    assert with_service_d(answer, enabled=False) == answer
    assert {"service": "D", "order": 3, "weight": 1.0} in answer["counters"][0]["services"]
    root.request("PUT", CONFIG, json=answer)
    assert root.request("GET", CONFIG).json() == answer


@pytest.mark.parametrize(
    ("change", "stranded"),
    [
        (lambda c: with_service_d(c, slot_capacity=1), "08:00"),
        (lambda c: with_service_d(c, slot_capacity=0), "08:00+08:30"),
        (lambda c: with_service_d(c, enabled=False), "08:00+08:30"),
        (lambda c: c.update(services=[s for s in c["services"] if s["code"] != "D"]), "all"),
        (lambda c: with_service_d(c, hours={"mon": ["08:30-09:00"]}), "08:00"),
        (lambda c: with_service_d(c, slot_minutes=20), "08:30"),
        (lambda c: c.update(timezone="Europe/London"), "08:00+08:30"),
    ],
)
def test_a_change_that_strands_booked_appointments_is_refused_naming_them(
    sqlite_server, clerk_client, change, stranded
):
    root = clerk_client(sqlite_server, "root")
    config = root.request("GET", CONFIG).json()
    config["counters"] = [  # D must not be left on a counter when the change removes it
        c for c in config["counters"] if all(link["service"] != "D" for link in c["services"])
    ]
    root.request("PUT", CONFIG, json=with_service_d(config, slot_capacity=2))
    before = root.request("GET", CONFIG).json()
    at_8 = [book(root, MONDAY_8), book(root, MONDAY_8)]
    at_830 = [book(root, "2026-11-30T08:30:00+01:00")]
    expected = {"08:00": at_8, "08:30": at_830, "08:00+08:30": at_8 + at_830}
    expected["all"] = at_8 + at_830
    attempt = json.loads(json.dumps(before))
    change(attempt)
    response = root._http.put(
        CONFIG,
        json=attempt,
        headers={"Authorization": f"Bearer {root.token}", "Accept-Language": "pl"},
    )
    assert response.status_code == 409, response.text
    error = response.json()
    assert error["code"] == "config_strands_appointments"
    assert error["params"]["appointments"] == expected[stranded]
    assert error["params"]["count"] == len(expected[stranded])
    first = "07:00" if attempt["timezone"] == "Europe/London" else "08:00"
    if at_8[0] in expected[stranded]:
        assert f"D 30.11.2026 {first} (2)" in error["detail"]
    assert "wizyty" in error["detail"]
    assert root.request("GET", CONFIG).json() == before  # nothing changed


def test_missed_and_cancelled_appointments_do_not_block_a_change(
    sqlite_server, clerk_client, clock
):
    root = clerk_client(sqlite_server, "root")
    config = with_service_d(root.request("GET", CONFIG).json(), slot_capacity=2)
    root.request("PUT", CONFIG, json=config)
    cancelled = book(root, "2026-11-30T08:30:00+01:00")
    root.request("POST", f"/api/v1/sites/test/appointments/{cancelled}/cancel")
    book(root, MONDAY_8)
    with pytest.raises(ConflictError):
        root.request("PUT", CONFIG, json=with_service_d(config, slot_capacity=0))
    clock.set(datetime(2026, 11, 30, 7, 16, tzinfo=UTC))  # 08:16 there: check-in closed
    root = clerk_client(sqlite_server, "root")  # signed in again: the token's day is over
    root.request("PUT", CONFIG, json=with_service_d(config, slot_capacity=0))
    answer = root.request("GET", CONFIG).json()
    assert with_service_d(answer, slot_capacity=0) == answer
