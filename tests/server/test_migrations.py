"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import server.models  # noqa: F401 - the tables
from server.db import Database


def test_migrations_match_the_models(database_url):
    db = Database(database_url)
    try:
        db.upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
        assert diff == []
    finally:
        db.dispose()


def test_upgrade_is_idempotent(sqlite_url):
    db = Database(sqlite_url)
    try:
        db.upgrade()
        db.upgrade()
    finally:
        db.dispose()


def test_messages_queued_before_priorities_get_theirs(sqlite_url):
    """0015 on a database that has messages waiting: each gets its kind's priority."""
    import sqlite3
    from datetime import UTC, datetime

    import sqlalchemy as sa
    from alembic import command

    from kolejka.core.booking import delivery_priority
    from server.db import alembic_config

    db = Database(sqlite_url)
    kinds = ["reminder", "called", "booking_confirmed", "ahead", "booking_cancelled"]
    try:
        command.upgrade(alembic_config(db.engine), "0014_addressday")
        now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC).isoformat(" ")
        raw = sqlite3.connect(db.sqlite_file or "")
        with raw:  # the site row does not matter here
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.executemany(
                "INSERT INTO outbox (site_id, kind, channel, language, status, attempts, "
                "next_attempt_at, created_at) VALUES (1, ?, 'email', 'pl', 'pending', 0, ?, ?)",
                [(kind, now, now) for kind in kinds],
            )
        raw.close()
        db.upgrade()
        with db.engine.connect() as conn:
            got = conn.execute(sa.text("SELECT kind, priority FROM outbox ORDER BY id")).all()
        assert [tuple(r) for r in got] == [(k, delivery_priority(k)) for k in kinds]
    finally:
        db.dispose()
