"""Helpers the tests share: the test office's configuration, a live server, tokens, a clock.

Fixtures that use them are in `conftest.py`; tests import these by name from here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

PG_ADMIN_URL = os.environ.get(
    "KOLEJKA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# Tuesday 24 November 2026, 10:00 in Warsaw (09:00 UTC): offices are open.
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

KIOSK_TOKEN = "test-kiosk-token-000001"
KIOSK2_TOKEN = "test-kiosk-token-000002"
DISPLAY_TOKEN = "test-display-token-0001"
PASSWORD = "secret-pass"


def site_config_dict(password_hash: str, **rules: Any) -> dict[str, Any]:
    names = lambda pl, en: {"pl": pl, "en": en, "ru": en + " (ru)", "uk": en + " (uk)"}  # noqa: E731
    return {
        "sites": [
            {
                "code": "test",
                "name": "Test Office",
                "timezone": "Europe/Warsaw",
                "rules": {"max_recalls": 2, **rules},
                "services": [
                    {"code": "A", "names": names("Pobyt czasowy", "Temporary residence")},
                    {"code": "B", "names": names("Pobyt stały", "Permanent residence")},
                    {"code": "C", "names": names("Odbiór karty", "Card pick-up"), "daily_limit": 3},
                    {
                        "code": "D",
                        "names": names("Odciski", "Fingerprints"),
                        "hours": {"mon": ["08:00-09:00"], "tue": ["08:00-09:00"]},
                    },
                ],
                "counters": [
                    {
                        "number": 1,
                        "services": [{"service": "A", "order": 1}, {"service": "B", "order": 2}],
                    },
                    {
                        "number": 2,
                        "services": [{"service": "B", "order": 1}, {"service": "A", "order": 2}],
                    },
                    {"number": 3, "services": [{"service": "C"}]},
                    {
                        "number": 4,
                        "services": [{"service": "A"}, {"service": "B"}, {"service": "C"}],
                    },
                ]
                + [
                    {"number": n, "services": [{"service": "A"}, {"service": "B"}]}
                    for n in range(5, 9)
                ],
                "devices": [
                    {"kind": "kiosk", "name": "k1", "token": KIOSK_TOKEN},
                    {"kind": "kiosk", "name": "k2", "token": KIOSK2_TOKEN},
                    {"kind": "display", "name": "d1", "token": DISPLAY_TOKEN},
                ]
                + [
                    {"kind": "kiosk", "name": f"bench-k{i}", "token": f"test-kiosk-token-b{i:05d}"}
                    for i in range(8)
                ],
                "clerks": [
                    {"username": f"clerk{n}", "password_hash": password_hash} for n in range(1, 9)
                ]
                + [
                    {"username": "boss", "role": "supervisor", "password_hash": password_hash},
                    {"username": "root", "role": "admin", "password_hash": password_hash},
                ],
            }
        ]
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """uvicorn in a thread; `restart()` keeps the port and the database."""

    def __init__(self, make_app: Any, port: int | None = None) -> None:
        self.make_app = make_app
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def services(self) -> Any:
        return self.app.state.services

    def start(self) -> LiveServer:
        import uvicorn

        from server.limits import uvicorn_options

        self.app = self.make_app()
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            ws_ping_interval=None,
            lifespan="on",
            **uvicorn_options(),
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._server = self._thread = None

    def restart(self) -> None:
        self.stop()
        self.start()


def postgres_database() -> Iterator[str]:
    import psycopg

    name = f"kolejka_t_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def kiosk_actor(db: Any) -> Any:
    """The test office's first kiosk, as the server sees it once its token is checked."""
    from sqlmodel import select

    from server.actors import Actor
    from server.models import Device

    with db.read() as session:
        device = session.exec(select(Device).where(Device.kind == "kiosk")).first()
    return Actor("kiosk", device.site_id, device.id, device.name)


def make_server(database_url: str, clock: Any, password_hash: str, **kwargs: Any) -> LiveServer:
    from server.app import create_app
    from server.settings import Settings
    from server.siteconfig import parse_config

    rules = kwargs.pop("rules", {})
    settings = Settings(
        **{
            "environment": "test",
            "database_url": database_url,
            "kiosk_rate_per_minute": 100_000,
            **kwargs,
        }
    )
    config = parse_config(site_config_dict(password_hash, **rules))
    return LiveServer(lambda: create_app(settings, clock=clock, site_config=config))


def run_demo(
    port: int, *args: str, env: dict[str, str] | None = None, **run: Any
) -> subprocess.CompletedProcess[str]:
    """`kolejka demo --fresh --port PORT ARGS…` in a child process, its output captured."""
    command = [sys.executable, "-m", "kolejka.cli", "demo", "--fresh", "--port", str(port)]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        timeout=run.pop("timeout", 180),
        env=env or {**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        **run,
    )


def sqlite_plan(sqlite_url: str, statement: Any) -> list[str]:
    """SQLite's EXPLAIN QUERY PLAN steps for a statement, on a fresh migrated database
    (planned without the values: every parameter blank)."""
    from server.db import Database

    db = Database(sqlite_url)
    db.upgrade()
    try:
        compiled = statement.compile(dialect=db.engine.dialect)
        assert compiled.positiontup is not None
        blanks = (None,) * len(compiled.positiontup)
        with db.engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string, blanks).all()
        return [str(row[-1]) for row in plan]
    finally:
        db.dispose()
