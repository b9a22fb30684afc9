"""Site configuration through the admin API."""

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
