"""Schemathesis over the whole OpenAPI document, against a live server on SQLite.

Every operation, as nobody, a kiosk, a clerk and an administrator, with data that fits
the declared schema and data that does not: no answer may be a server error, and every
answer must be one the document declares (status, content type, headers, body schema).

Bounded to fit in a few minutes on two cores: a fixed number of examples per operation,
caller and mode, generated from a fixed seed (the same requests every run), without
Hypothesis' example database. Failures are collected, not raised, so one run lists them
all (and nothing is spent shrinking them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support import KIOSK_TOKEN, PASSWORD, T0, LiveServer, make_server

SEED = 20261124
EXAMPLES = 10  # per operation, caller and mode
# The configuration console's operations share one validation path and refuse a stale
# revision first: fewer examples each keep the run within its few minutes.
CONFIG_EXAMPLES = 4
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Replacing the configuration, or the tokens and accounts the callers use, changes every
# caller's world: last.
LAST = (
    "put_site_config",
    "import_site_config",
    "revoke_device",
    "disable_clerk",
    "reset_clerk_password",
    "update_clerk",
    "set_rules",
    "remove_counter",
)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from server.clock import ManualClock
    from server.security import hash_password

    path: Path = tmp_path_factory.mktemp("fuzz") / "kolejka.sqlite3"
    server = make_server(f"sqlite:///{path}", ManualClock(T0), hash_password(PASSWORD)).start()
    yield server
    server.stop()


def bearer(server: LiveServer, username: str) -> dict[str, str]:
    answer = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"site": "test", "username": username, "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def seed_office(server: LiveServer, callers: dict[str, dict[str, str]]) -> None:
    """Something for small generated ids to find: tickets in each state, a booking."""
    api = f"{server.url}/api/v1/sites/test"
    for service in ("A", "A", "B", "C"):
        answer = httpx.post(f"{api}/tickets", json={"service": service}, headers=callers["kiosk"])
        assert answer.status_code == 201, answer.text
    clerk = callers["clerk"]
    assert httpx.post(f"{api}/counters/1/open", headers=clerk).status_code == 200
    called = httpx.post(f"{api}/counters/1/call-next", headers=clerk)
    assert called.status_code == 200, called.text
    booking = {"service": "A", "start": "2026-11-25T09:00:00Z"}
    answer = httpx.post(f"{api}/appointments", json=booking, headers=callers["admin"])
    assert answer.status_code in (201, 409, 422), answer.text


def describe(case: Any, response: Any, exc: BaseException) -> str:
    return (
        f"{case.method} {case.formatted_path} query={case.query} body={str(case.body)[:200]}"
        f" -> {response.status_code} {response.text[:300]}\n  {str(exc)[:600]}"
    )


@pytest.mark.timeout(900)
def test_every_operation_answers_as_declared(fuzz_server: LiveServer) -> None:
    callers = {
        "nobody": {},
        "kiosk": {"Authorization": f"Bearer {KIOSK_TOKEN}"},
        "clerk": bearer(fuzz_server, "clerk1"),
        "admin": bearer(fuzz_server, "root"),
    }
    seed_office(fuzz_server, callers)
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: op.definition.raw.get("operationId") in LAST)
    assert len(operations) >= 25
    failures: list[str] = []
    session = requests.Session()
    calls = 0
    statuses: Counter[int] = Counter()

    def fuzz(operation: Any, mode: GenerationMode, caller: str, headers: dict[str, str]) -> None:
        # The test office, so that requests get past "no such site" to the routes' work.
        names = {p.name for p in operation.path_parameters}
        site = {"site": "test"} if "site" in names else None
        configuration = "configuration" in operation.definition.raw.get("tags", [])

        @seed(SEED)
        @settings(
            max_examples=CONFIG_EXAMPLES if configuration else EXAMPLES,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=site))
        def run(case: Any) -> None:
            nonlocal calls
            calls += 1
            response = case.call(session=session, headers=headers, timeout=30)
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"[{caller}, {mode.value}] {describe(case, response, exc)}")

        try:
            run()
        except Unsatisfiable:
            # Nothing to get wrong (e.g. /healthz takes no input): no negative case.
            if mode is not GenerationMode.NEGATIVE:
                raise

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for caller, headers in callers.items():
                fuzz(operation, mode, caller, headers)

    print(
        f"schemathesis: {len(operations)} operations, {calls} requests, {len(failures)} failures;"
        f" answers by status: {dict(sorted(statuses.items()))}"
    )
    # The run reached the routes' work, not only their refusals.
    assert sum(n for status, n in statuses.items() if status < 300) > calls // 20
    assert failures == [], "\n".join(failures[:40])
