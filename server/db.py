"""Engine, transactions and schema upgrades.

Write transactions go through `Database.write()`. On SQLite they start with
`BEGIN IMMEDIATE` (the one-writer rule makes numbering and "call next" atomic) and are
serialised in-process first, so threads queue on a lock instead of spinning in SQLite's
busy handler. On PostgreSQL they are ordinary transactions; the queries that need it lock
rows (`FOR UPDATE`, `SKIP LOCKED`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from server.catalog import bump_config_rev
from server.prepared import straight_savepoints

MIGRATIONS = Path(__file__).with_name("migrations")
STARTUP_LOCK_KEY = 0x4B4F4C45  # "KOLE"
STATS_LOCK_KEY = 0x4B535441  # "KSTA": with the site's id, one roll-up of a site at a time


def normalize_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL; psycopg 3 is the driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def create_db_engine(url: str, wal_autocheckpoint: int | None = None) -> Engine:
    """`wal_autocheckpoint`: SQLite's pages of WAL after which a commit checkpoints (its
    default, 1,000, when None); the server sets it high and checkpoints in a thread of
    its own (server/checkpointer.py)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=20,
            max_overflow=20,
        )
        _configure_sqlite(engine, wal_autocheckpoint)
        straight_savepoints(engine.dialect)  # the writer's batches take one per write
        return engine
    engine = sa.create_engine(url, pool_size=20, max_overflow=10)
    _ping_idle_connections(engine)
    return engine


IDLE_PING_S = 1.0


def _ping_idle_connections(engine: Engine) -> None:
    """`pool_pre_ping`, but only for a connection that sat idle in the pool.

    A ping on every checkout was a round trip per request, as dear as a write's own
    statement on the hot path (server/issuing_pg.py issues in one). A connection used
    within the last second is taken as it is; if the database went away in that second,
    the first statement fails, SQLAlchemy drops the pool's older connections, and the
    next request gets a fresh one."""

    @sa.event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["kolejka_idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("kolejka_idle_since", 0.0) < IDLE_PING_S:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # the pool discards it and tries another
            raise sa.exc.DisconnectionError() from exc


def _configure_sqlite(engine: Engine, wal_autocheckpoint: int | None) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's BEGIN below, not pysqlite's
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if wal_autocheckpoint is not None:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(wal_autocheckpoint)}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Straight to the driver: through exec_driver_sql this cost as much as a query.
        read_only = conn.get_execution_options().get("kolejka_read_only")
        conn.connection.dbapi_connection.execute(  # type: ignore[union-attr]
            "BEGIN" if read_only else "BEGIN IMMEDIATE"
        )


class Database:
    def __init__(self, url: str, *, wal_autocheckpoint: int | None = None) -> None:
        self.url = normalize_url(url)
        self.engine = create_db_engine(self.url, wal_autocheckpoint)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self._read_engine = self.engine.execution_options(kolejka_read_only=True)
        # Every session of this database keeps the sites' config_rev honest (server/catalog.py).
        self._sessions = sessionmaker(class_=Session, expire_on_commit=False)
        sa.event.listen(self._sessions, "before_flush", bump_config_rev)
        # Called with the ids of the sites whose event log grew, once the change is durable.
        self.after_commit: list[Callable[[set[int]], None]] = []
        self._local = threading.local()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on error.

        Inside `batch()` (the same thread) it is a savepoint of the batch's transaction
        instead: rolled back alone on error, committed with the batch."""
        batch: Session | None = getattr(self._local, "batch", None)
        if batch is not None:
            with batch.begin_nested():
                yield batch
            return
        with self._transaction() as session:
            yield session

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for every `write()` this thread makes until the block ends.

        A commit is the dearest part of a small write (the pages go to the WAL, the
        transaction is set up and torn down); the writer thread groups the writes that
        queued up meanwhile into one (server/writer.py)."""
        with self._transaction() as session:
            self._local.batch = session
            try:
                yield
            finally:
                self._local.batch = None

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        lock = self._write_lock
        if lock is not None:
            lock.acquire()
        try:
            with self._sessions(bind=self.engine) as session:
                with session.begin():
                    yield session
                sites: set[int] = session.info.pop("kolejka_events", set())
        finally:
            if lock is not None:
                lock.release()
        if sites:
            for hook in self.after_commit:
                hook(sites)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions(bind=self._read_engine) as session, session.begin():
            yield session

    def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        upgrade_schema(self.engine)

    @contextmanager
    def startup_lock(self) -> Iterator[None]:
        """One server process at a time migrates and provisions (PostgreSQL advisory lock).

        Several workers or hosts starting together would otherwise race to create the same
        tables and rows. SQLite runs one process, and its file lock covers the rest.
        """
        with self._advisory_lock(STARTUP_LOCK_KEY):
            yield

    @contextmanager
    def site_lock(self, key: int, site_id: int) -> Iterator[None]:
        """One process at a time holds (key, site) on PostgreSQL (an advisory lock, waited
        for); SQLite runs one process, whose own locks are the callers' business."""
        with self._advisory_lock(key, site_id):
            yield

    @contextmanager
    def _advisory_lock(self, *keys: int) -> Iterator[None]:
        """A PostgreSQL session-level advisory lock on `keys` (one bigint or two ints),
        waited for; nothing on SQLite. Committed once taken, so no transaction stays open
        on its connection meanwhile."""
        if not self.is_postgres:
            yield
            return
        names = ", ".join(f":k{n}" for n in range(len(keys)))
        params = {f"k{n}": key for n, key in enumerate(keys)}
        with self.engine.connect() as conn:
            conn.execute(sa.text(f"SELECT pg_advisory_lock({names})"), params)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text(f"SELECT pg_advisory_unlock({names})"), params)
                conn.commit()

    @property
    def sqlite_file(self) -> str | None:
        """The SQLite database's file; None for PostgreSQL."""
        return self.engine.url.database if self.is_sqlite else None

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade_schema(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")
