"""PostgreSQL's pool pings a connection only after it sat idle (server/db.py): a
connection taken again at once costs no round trip, one whose backend went away while
idle is replaced, not handed out."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server import db as dbmod
from tests.support import postgres_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine():
    for url in postgres_database():
        engine = dbmod.create_db_engine(url)
        yield engine
        engine.dispose()


def test_a_connection_taken_again_at_once_is_not_pinged(engine, monkeypatch):
    monkeypatch.setattr(dbmod, "IDLE_PING_S", 3600.0)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    pings = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or True)
    for _ in range(3):
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    assert pings == []


def test_an_idle_connection_whose_backend_went_away_is_replaced(engine, monkeypatch):
    monkeypatch.setattr(dbmod, "IDLE_PING_S", 0.0)  # every connection counts as idle
    with engine.connect() as conn:
        gone = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    killer = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
    with killer.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": gone})
    killer.dispose()
    with engine.connect() as conn:  # the pool's one idle connection was that one
        assert conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() != gone
