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
