"""Clerk sign-in (server/signin.py): the account lookup, the answers, the throttling."""

from __future__ import annotations

import httpx
import jsonschema_rs
import pytest

from server.settings import Settings
from server.signin import SignIn
from tests.support import PASSWORD


def login(server, username="clerk1", password=PASSWORD, **headers):
    return httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"site": "test", "username": username, "password": password},
        headers=headers,
    )


def test_the_service_finds_active_accounts_only(site_db, clock):
    signin = SignIn(site_db, clock, Settings(environment="test", database_url="sqlite://"))
    found = signin.account("test", "clerk1")
    assert found.clerk is not None and found.clerk.username == "clerk1"
    assert found.password_hash is not None and found.password_hash.startswith("$argon2")
    unknown = signin.account("test", "nobody")
    assert unknown.clerk is None and unknown.password_hash is None
    assert unknown.site_code == "test"


def test_a_good_sign_in_answers_a_token_for_the_clerk(live_server):
    answer = login(live_server)
    assert answer.status_code == 200
    assert answer.json()["clerk"] == {
        "username": "clerk1",
        "display_name": "clerk1",
        "role": "clerk",
        "site": "test",
    }
    assert login(live_server, password="wrong").json()["code"] == "invalid_credentials"


def test_the_declared_422_is_what_login_sends(sqlite_server):
    document = httpx.get(f"{sqlite_server.url}/openapi.json").json()
    declared = document["paths"]["/api/v1/auth/login"]["post"]["responses"]["422"]
    schema = {
        **declared["content"]["application/json"]["schema"],
        "components": document["components"],
    }
    answer = httpx.post(
        f"{sqlite_server.url}/api/v1/auth/login", json={"site": "test", "username": "x"}
    )
    assert answer.status_code == 422
    jsonschema_rs.validate(schema, answer.json())
    assert answer.json()["code"] == "invalid_request"


@pytest.mark.parametrize("field", ["username", "password"])
def test_an_empty_field_is_422_not_401(sqlite_server, field):
    body = {"site": "test", "username": "clerk1", "password": PASSWORD, field: ""}
    answer = httpx.post(f"{sqlite_server.url}/api/v1/auth/login", json=body)
    assert answer.status_code == 422
