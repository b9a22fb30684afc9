"""The server's commits leave SQLite's checkpoints to a thread of their own
(server/checkpointer.py): no ticket pays for copying the WAL back."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

from server.checkpointer import SAFETY_PAGES, WalCheckpointer
from server.db import Database

PAGE = 4096
ROWS = 1500  # a page and more each: past SQLite's default checkpoint at 1,000 pages


def _fill(db: Database) -> None:
    with db.write() as session:
        session.execute(sa.text("CREATE TABLE IF NOT EXISTS filler (body BLOB)"))
    for start in range(0, ROWS, 100):
        with db.write() as session:
            session.execute(
                sa.text("INSERT INTO filler (body) VALUES (:body)"),
                [{"body": os.urandom(PAGE)} for _ in range(start, start + 100)],
            )


def test_with_the_default_a_commit_checkpoints_by_itself(tmp_path: Path) -> None:
    """The contrast the next test needs: here the writes land in the file as they go."""
    path = tmp_path / "default.sqlite3"
    db = Database(f"sqlite:///{path}")
    try:
        _fill(db)
        assert path.stat().st_size > 1000 * PAGE
    finally:
        db.dispose()


def test_the_servers_commits_leave_the_wal_to_the_checkpointer(tmp_path: Path) -> None:
    path = tmp_path / "server.sqlite3"
    db = Database(f"sqlite:///{path}", wal_autocheckpoint=SAFETY_PAGES)
    try:
        _fill(db)
        assert path.stat().st_size < 100 * PAGE  # everything is still in the WAL
        checkpoints = WalCheckpointer(str(path), interval_s=0.05).start()
        try:
            assert checkpoints.wait_passes(1, timeout_s=30)
            assert path.stat().st_size > ROWS * PAGE
        finally:
            checkpoints.stop()
        assert not checkpoints.running
        with db.read() as session:  # nothing lost on the way
            assert session.execute(sa.text("SELECT count(*) FROM filler")).scalar() == ROWS
    finally:
        db.dispose()


def test_a_checkpoint_that_fails_does_not_end_the_thread(tmp_path: Path) -> None:
    """Not a WAL database (yet): the pass fails, is logged, and the next one runs."""
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    checkpoints = WalCheckpointer(str(path), interval_s=0.01).start()
    try:
        assert checkpoints.wait_passes(3, timeout_s=30)
        assert checkpoints.running
    finally:
        checkpoints.stop()


def test_the_server_runs_one_for_its_sqlite_file_and_stops_it(sqlite_server, kiosk_client):
    checkpoints = sqlite_server.app.state.wal_checkpoints
    assert isinstance(checkpoints, WalCheckpointer)
    assert checkpoints.path == sqlite_server.services.db.sqlite_file
    with kiosk_client(sqlite_server) as kiosk:
        kiosk.issue_ticket("A")
    assert checkpoints.wait_passes(checkpoints.passes + 1, timeout_s=30)
    with sqlite_server.services.db.engine.connect() as conn:
        limit = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert limit == SAFETY_PAGES
    assert checkpoints.running
    sqlite_server.stop()
    assert not checkpoints.running


def test_no_checkpointer_on_postgresql(tmp_path: Path) -> None:
    assert Database("postgresql://127.0.0.1/test").sqlite_file is None
    assert Database(f"sqlite:///{tmp_path / 'k.sqlite3'}").sqlite_file == str(
        tmp_path / "k.sqlite3"
    )
