"""Clerk sign-in (server/signin.py): the account lookup, the answers, the throttling."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

import httpx
import jsonschema_rs
import pytest

from kolejka.client import KolejkaClient
from server import security
from server.settings import Settings
from server.signin import SignIn
from server.throttle import Backoff, FailureThrottle
from tests.support import KIOSK_TOKEN, PASSWORD


def login(server, username="clerk1", password=PASSWORD, **headers):
    return httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"site": "test", "username": username, "password": password},
        headers=headers,
        timeout=30,
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


def test_wrong_passwords_throttle_the_account_then_the_wait_doubles(live_server, clock):
    for _ in range(5):
        assert login(live_server, password="wrong").status_code == 401
    refused = login(live_server, **{"Accept-Language": "pl"})  # the right password
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert refused.json() == {
        "code": "signin_throttled",
        "detail": "Zbyt wiele nieudanych prób logowania. Proszę spróbować ponownie za 1 s.",
        "params": {"retry_after": 1},
    }
    # The account, not the caller: from another address it waits too; other accounts not.
    assert login(live_server, **{"X-Forwarded-For": "10.1.2.3"}).status_code == 429
    assert login(live_server, "clerk2").status_code == 200
    clock.advance(seconds=1)
    assert login(live_server, password="wrong").status_code == 401
    again = login(live_server)
    assert again.status_code == 429 and again.headers["Retry-After"] == "2"
    clock.advance(seconds=2)
    assert login(live_server).status_code == 200
    # A success starts the account afresh.
    for _ in range(5):
        assert login(live_server, password="wrong").status_code == 401
    assert login(live_server, password="wrong").status_code == 429


def test_forty_wrong_passwords_then_the_right_one_is_still_refused(sqlite_server, clock):
    answers = [login(sqlite_server, password=f"guess-{n}").status_code for n in range(40)]
    assert answers == [401] * 5 + [429] * 35
    assert login(sqlite_server).status_code == 429
    clock.advance(seconds=1)
    assert login(sqlite_server).status_code == 200


def test_one_address_guessing_many_accounts_is_throttled(sqlite_server, clock):
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    names = [f"clerk{n}" for n in range(1, 9)] + ["boss", "root"] + [f"u{n}" for n in range(10)]
    for name in names:  # 20 accounts, one wrong guess each
        assert login(sqlite_server, name, "wrong", **guesser).status_code == 401
    refused = login(sqlite_server, "clerk1", **guesser)
    assert refused.status_code == 429 and refused.json()["code"] == "signin_throttled"
    assert login(sqlite_server, "clerk1", **{"X-Forwarded-For": "203.0.113.8"}).status_code == 200
    clock.advance(seconds=1)
    assert login(sqlite_server, "clerk1", **guesser).status_code == 200


def test_an_unknown_site_is_not_a_guess(sqlite_server):
    for _ in range(8):
        answer = httpx.post(
            f"{sqlite_server.url}/api/v1/auth/login",
            json={"site": "nope", "username": "clerk1", "password": "x"},
        )
        assert answer.status_code == 404
    assert login(sqlite_server).status_code == 200


def test_password_checks_run_one_at_a_time_and_never_starve_the_kiosk(sqlite_server, monkeypatch):
    """Sign-ins beyond the gate's queue are turned away at once (503), the checks run one
    at a time, and a kiosk issues tickets while a check hangs and the queue is full."""
    gate = sqlite_server.services.signin.gate
    inside, peak, lock = 0, 0, threading.Lock()
    release = threading.Event()
    real_verify = security.verify_password

    def observed_verify(password_hash, password):
        nonlocal inside, peak
        with lock:
            inside += 1
            peak = max(peak, inside)
        try:
            release.wait(timeout=30)  # the first check hangs until the test lets it go
            return real_verify(password_hash, password)
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr(security, "verify_password", observed_verify)
    callers = gate.slots + gate.queue + 3
    names = [f"clerk{n}" for n in range(1, 9)] + ["boss", "root", "x1", "x2", "x3", "x4"]
    with ThreadPoolExecutor(callers) as pool:
        futures = [pool.submit(login, sqlite_server, name, "wrong") for name in names[:callers]]
        first = next(as_completed(futures, timeout=30)).result()
        assert first.status_code == 503 and first.json()["code"] == "signin_busy"
        assert first.headers["Retry-After"] == "1"
        with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as kiosk:
            assert [kiosk.issue_ticket("A").number for _ in range(3)] == ["A001", "A002", "A003"]
        release.set()
        answers = [future.result(timeout=30).status_code for future in futures]
    assert peak == gate.slots == 1
    assert set(answers) <= {401, 503} and answers.count(503) >= 3
    assert login(sqlite_server, "clerk1").status_code == 200  # a busy refusal is not a guess


def test_the_throttle_forgets_quiet_keys_and_keeps_its_memory_bounded():
    now = [0.0]
    throttle = FailureThrottle(
        Backoff(free=2, base_s=10, cap_s=40, forget_s=100), lambda: now[0], max_keys=4
    )
    for _ in range(2):
        throttle.count("a")
    assert throttle.wait("a") == 10
    for _ in range(3):
        throttle.count("a")
    assert throttle.wait("a") == 40  # 10 · 2³ capped
    now[0] = 99.0
    assert throttle.wait("a") == 0
    throttle.count("a")
    now[0] = 199.0  # quiet for forget_s since the last attempt: starts afresh
    assert throttle.wait("a") == 0
    throttle.count("a")
    assert throttle.wait("a") == 0
    for n, key in enumerate("bcde"):
        now[0] = 200.0 + n
        throttle.count(key)
    assert len(throttle._counts) <= 4 and throttle.wait("e") == 0
    throttle.count("e")
    assert throttle.wait("e") == 10  # the newest keys are the ones kept
