"""/healthz and /readyz: unauthenticated, cheap, and 503 until the database is usable."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from kolejka import __version__
from server.db import alembic_config


def head_and_previous() -> tuple[str, str]:
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_revision(script.get_current_head())
    return head.revision, str(head.down_revision)


def statements_during(engine: sa.Engine, call) -> list[str]:
    """The read statements run meanwhile (the housekeeping task may write at any time)."""
    seen: list[str] = []

    def record(conn, _cursor, statement, *_args) -> None:
        if conn.get_execution_options().get("kolejka_read_only"):
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def test_healthz_answers_without_a_token(live_server):
    response = httpx.get(f"{live_server.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


def test_readyz_answers_with_the_newest_migration_and_one_small_query(live_server):
    head, _ = head_and_previous()
    engine = live_server.services.db.engine
    answers: list[httpx.Response] = []
    statements = statements_during(
        engine, lambda: answers.append(httpx.get(f"{live_server.url}/readyz"))
    )
    assert answers[0].status_code == 200, answers[0].text
    assert answers[0].json() == {"status": "ok", "version": __version__, "migration": head}
    # The notification sender and the shared presence read on their own schedule.
    background = ("outbox", "device_presence")
    mine = [s for s in statements if not any(table in s for table in background)]
    assert len(mine) == 1 and "alembic_version" in mine[0], statements


def test_readyz_is_503_while_the_schema_is_behind_or_missing(live_server):
    head, previous = head_and_previous()
    engine = live_server.services.db.engine
    url = f"{live_server.url}/readyz"
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    behind = httpx.get(url, headers={"Accept-Language": "pl"})
    assert behind.status_code == 503
    assert behind.json()["code"] == "not_ready"
    assert behind.json()["params"] == {"database": "ok", "migration": previous, "expected": head}
    assert "baza danych" in behind.json()["detail"]
    assert httpx.get(f"{live_server.url}/healthz").status_code == 200  # the process is up

    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE alembic_version RENAME TO alembic_version_gone"))
    missing = httpx.get(url)
    assert missing.status_code == 503
    assert missing.json()["code"] == "not_ready"
    assert missing.json()["params"]["database"] == "failed"

    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE alembic_version_gone RENAME TO alembic_version"))
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    assert httpx.get(url).status_code == 200


def test_both_probes_are_in_the_openapi_document(live_server):
    paths = httpx.get(f"{live_server.url}/openapi.json").json()["paths"]
    assert paths["/healthz"]["get"]["operationId"] == "healthz"
    readyz = paths["/readyz"]["get"]
    assert readyz["operationId"] == "readyz" and {"200", "503"} <= set(readyz["responses"])
    assert "security" not in readyz
