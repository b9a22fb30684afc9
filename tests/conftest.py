"""Fixtures that build the world: a fixed clock, a site, a running server on a free port.

The server is real: uvicorn on 127.0.0.1 with a real database (SQLite file, or a fresh
PostgreSQL database per test for the `postgres`-parametrised tests). The helpers behind
them live in `tests/support.py`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.support import (
    KIOSK_TOKEN,
    PASSWORD,
    T0,
    LiveServer,
    make_server,
    postgres_database,
    site_config_dict,
)


@pytest.fixture(scope="session")
def password_hash() -> str:
    from server.security import hash_password

    return hash_password(PASSWORD)


@pytest.fixture
def clock() -> Any:
    from server.clock import ManualClock

    return ManualClock(T0)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kolejka.sqlite3'}"
    else:
        yield from postgres_database()


@pytest.fixture
def site_db(database_url: str, password_hash: str) -> Iterator[Any]:
    """The test office in a migrated database, for tests of the server's parts without HTTP."""
    from server.db import Database
    from server.provisioning import apply_config
    from server.siteconfig import parse_config

    db = Database(database_url)
    db.upgrade()
    apply_config(db, parse_config(site_config_dict(password_hash)))
    yield db
    db.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kolejka.sqlite3'}"


@pytest.fixture
def live_server(database_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    server = make_server(database_url, clock, password_hash).start()
    yield server
    server.stop()


@pytest.fixture
def sqlite_server(sqlite_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    """A live server on SQLite only (for tests that do not depend on the database)."""
    server = make_server(sqlite_url, clock, password_hash).start()
    yield server
    server.stop()


@pytest.fixture
def kiosk(live_server: LiveServer) -> Iterator[Any]:
    from kolejka.client import KolejkaClient

    with KolejkaClient(live_server.url, "test", KIOSK_TOKEN) as client:
        yield client


@pytest.fixture
def kiosk_client() -> Iterator[Any]:
    """Factory: `kiosk_client(server)` is a KolejkaClient with the first kiosk's token."""
    from kolejka.client import KolejkaClient

    made: list[KolejkaClient] = []

    def make(server: LiveServer, token: str = KIOSK_TOKEN) -> KolejkaClient:
        client = KolejkaClient(server.url, "test", token)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def clerk_client() -> Iterator[Any]:
    """Factory: `clerk_client(server, "clerk1", counter=1)` signs in (and opens the counter)."""
    from kolejka.client import KolejkaClient

    made: list[KolejkaClient] = []

    def make(server: LiveServer, username: str, counter: int | None = None) -> KolejkaClient:
        client = KolejkaClient(server.url, "test")
        made.append(client)
        client.login(username, PASSWORD)
        if counter is not None:
            client.open_counter(counter)
        return client

    yield make
    for client in made:
        client.close()
