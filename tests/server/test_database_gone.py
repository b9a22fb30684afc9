"""The database going away under a running server (a PostgreSQL restart, a lost
connection): the request that meets the broken connection gets a 503 in the documented
shape with Retry-After, never a 500, and the next one is answered on a fresh connection."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from server import db as server_db
from tests.support import KIOSK_TOKEN, LiveServer


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_lost_database_connection_is_a_503_then_the_next_request_is_answered(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_db, "IDLE_PING_S", 3600.0)  # no ping: the request meets it
    url = f"{live_server.url}/api/v1/sites/test/services"
    headers = {"Authorization": f"Bearer {KIOSK_TOKEN}", "Accept-Language": "pl"}
    assert httpx.get(url, headers=headers).status_code == 200  # a pooled connection
    with live_server.services.db.engine.connect() as conn:
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    answers = [httpx.get(url, headers=headers) for _ in range(12)]
    statuses = [a.status_code for a in answers]
    assert 500 not in statuses, statuses
    gone = [a for a in answers if a.status_code == 503]
    assert gone, statuses  # some pooled connection was met broken
    assert gone[0].json()["code"] == "database_unavailable"
    assert "spróbować ponownie" in gone[0].json()["detail"]
    assert gone[0].headers["Retry-After"] == "2"
    assert statuses[-1] == 200  # the pool dropped the broken connections
