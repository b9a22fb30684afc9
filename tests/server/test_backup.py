"""`kolejka backup` and `kolejka restore`: a consistent copy while kiosks issue, and a
restore that never replaces the database under a running server."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from kolejka.cli import main
from kolejka.client import KolejkaClient
from kolejka.schemas import TicketPublic
from tests.support import KIOSK2_TOKEN, KIOSK_TOKEN, make_server

KIOSK_TOKENS = [KIOSK_TOKEN, KIOSK2_TOKEN] + [f"test-kiosk-token-b{i:05d}" for i in range(4)]


def sqlite_file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


class KioskLoad:
    """Kiosks issuing tickets through the live server in threads until stopped."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.acknowledged: list[TicketPublic] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._grown = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._kiosk, args=(token, n), daemon=True)
            for n, token in enumerate(KIOSK_TOKENS)
        ]

    def _kiosk(self, token: str, n: int) -> None:
        try:
            with KolejkaClient(self.url, "test", token, timeout=30) as client:
                while not self._stop.is_set():
                    ticket = client.issue_ticket("AB"[n % 2])
                    with self._grown:
                        self.acknowledged.append(ticket)
                        self._grown.notify_all()
        except BaseException as exc:  # the test fails on it below
            self.errors.append(exc)
            with self._grown:
                self._grown.notify_all()

    def start(self) -> KioskLoad:
        for thread in self._threads:
            thread.start()
        return self

    def wait_for(self, count: int) -> list[TicketPublic]:
        """Blocks until `count` tickets are acknowledged; returns those acknowledged so far."""
        with self._grown:
            self._grown.wait_for(lambda: len(self.acknowledged) >= count or self.errors, 60)
            assert not self.errors, self.errors
            assert len(self.acknowledged) >= count
            return list(self.acknowledged)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        assert not self.errors, self.errors


def test_backup_during_load_restores_every_ticket_acknowledged_before_it(
    sqlite_url, tmp_path, clock, password_hash, capsys
):
    server = make_server(sqlite_url, clock, password_hash).start()
    load = KioskLoad(server.url).start()
    try:
        load.wait_for(60)
        before = load.wait_for(0)  # acknowledged before the backup begins
        backup = tmp_path / "copy.sqlite3"
        assert main(["backup", "--database", sqlite_url, str(backup)]) == 0
        load.wait_for(len(before) + 30)  # the kiosks went on meanwhile and after
    finally:
        load.stop()
        server.stop()
    assert f"-> {backup}" in capsys.readouterr().out

    # One consistent snapshot: every number the counter row handed out is a ticket in it.
    with sqlite3.connect(backup) as conn:
        issued = dict(conn.execute("SELECT prefix, last FROM dailysequence").fetchall())
        counted = dict(
            conn.execute(
                "SELECT s.code, count(*) FROM ticket t JOIN service s ON s.id = t.service_id "
                "GROUP BY s.code"
            ).fetchall()
        )
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert issued == counted and sum(counted.values()) >= len(before)

    fresh_url = f"sqlite:///{tmp_path / 'fresh' / 'kolejka.sqlite3'}"
    assert main(["restore", "--database", fresh_url, str(backup)]) == 0
    fresh = make_server(fresh_url, clock, password_hash).start()
    try:
        with KolejkaClient(fresh.url, "test", KIOSK_TOKEN) as kiosk:
            for ticket in before:
                again = kiosk.get_ticket(ticket.id)
                assert (again.number, again.public_id) == (ticket.number, ticket.public_id)
            # Numbering goes on from the copy: no number handed out twice.
            new = kiosk.issue_ticket("A")
            assert int(new.number.removeprefix("A")) == issued["A"] + 1
    finally:
        fresh.stop()


def test_restore_keeps_the_replaced_database_aside(sqlite_url, tmp_path, clock, password_hash):
    server = make_server(sqlite_url, clock, password_hash).start()
    backup = tmp_path / "backups"
    backup.mkdir()
    try:
        with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
            kept = kiosk.issue_ticket("A")
            assert main(["backup", "--database", sqlite_url, str(backup)]) == 0
            later = kiosk.issue_ticket("A")
    finally:
        server.stop()
    (copy,) = backup.iterdir()  # a dated file in the directory
    assert copy.name.startswith("kolejka-") and copy.suffix == ".sqlite3"

    database = sqlite_file(sqlite_url)
    database.chmod(0o640)
    if os.geteuid() == 0:  # `sudo kolejka restore` of a file the server's user owns
        os.chown(database, 4321, 4321)
    assert main(["restore", "--database", sqlite_url, str(copy)]) == 0
    assert stat.S_IMODE(database.stat().st_mode) == 0o640
    if os.geteuid() == 0:
        assert (database.stat().st_uid, database.stat().st_gid) == (4321, 4321)
    (aside,) = database.parent.glob("kolejka.sqlite3.before-restore-*")
    with sqlite3.connect(aside) as conn:
        assert {row[0] for row in conn.execute("SELECT id FROM ticket")} == {kept.id, later.id}
    with sqlite3.connect(database) as conn:
        assert {row[0] for row in conn.execute("SELECT id FROM ticket")} == {kept.id}
        (epoch,) = conn.execute("SELECT epoch FROM site").fetchone()
    with sqlite3.connect(aside) as conn:
        (old_epoch,) = conn.execute("SELECT epoch FROM site").fetchone()
    # The log lost its last events and will number new ones again: clients must reset.
    assert epoch != old_epoch


def test_restore_is_refused_while_a_server_runs_on_the_database(
    sqlite_url, tmp_path, clock, password_hash, capsys
):
    server = make_server(sqlite_url, clock, password_hash).start()
    try:
        with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
            assert main(["backup", "--database", sqlite_url, str(tmp_path / "b.sqlite3")]) == 0
            after = kiosk.issue_ticket("A")
            assert main(["restore", "--database", sqlite_url, str(tmp_path / "b.sqlite3")]) == 1
            assert "server is running" in capsys.readouterr().err
            assert kiosk.get_ticket(after.id).number == after.number  # nothing replaced
    finally:
        server.stop()
    assert not list(sqlite_file(sqlite_url).parent.glob("*.before-restore-*"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ticket,number\n1,A001\n", "is not a SQLite database"),
        (b"", "is not a SQLite database"),
        ("sqlite-other", "not Kolejka's"),
        ("newer", "newer Kolejka"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_kolejka_database(
    content, message, sqlite_url, tmp_path, clock, password_hash, capsys
):
    server = make_server(sqlite_url, clock, password_hash).start()
    server.stop()
    candidate = tmp_path / "candidate"
    if content == "sqlite-other":
        with sqlite3.connect(candidate) as conn:
            conn.execute("CREATE TABLE notes (text TEXT)")
    elif content == "newer":
        assert main(["backup", "--database", sqlite_url, str(candidate)]) == 0
        with sqlite3.connect(candidate) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
    else:
        candidate.write_bytes(content)
    before = sqlite_file(sqlite_url).read_bytes()
    capsys.readouterr()

    assert main(["restore", "--database", sqlite_url, str(candidate)]) == 1
    err = capsys.readouterr().err
    assert message in err and str(candidate) in err
    assert sqlite_file(sqlite_url).read_bytes() == before


def test_backup_refuses_to_overwrite_a_file(sqlite_url, tmp_path, clock, password_hash, capsys):
    server = make_server(sqlite_url, clock, password_hash).start()
    server.stop()
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("keep me")
    assert main(["backup", "--database", sqlite_url, str(existing)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert existing.read_text() == "keep me"


def test_backup_of_a_missing_database_says_so(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'nothing.sqlite3'}"
    assert main(["backup", "--database", url, str(tmp_path / "b.sqlite3")]) == 1
    assert "there is no database" in capsys.readouterr().err


def test_postgresql_gets_the_pg_dump_and_pg_restore_commands_without_the_password(capsys):
    url = "postgresql+psycopg://kolejka:s3cret@db.example:5433/office"
    assert main(["backup", "--database", url, "/var/backups/office.dump"]) == 3
    err = capsys.readouterr().err
    assert (
        "pg_dump --format=custom --file=/var/backups/office.dump --host=db.example "
        "--port=5433 --username=kolejka --dbname=office"
    ) in err
    assert "PGPASSWORD" in err and "s3cret" not in err

    assert main(["restore", "--database", url, "/var/backups/office.dump"]) == 3
    err = capsys.readouterr().err
    assert (
        "pg_restore --clean --if-exists --no-owner --host=db.example --port=5433 "
        "--username=kolejka --dbname=office /var/backups/office.dump"
    ) in err
    assert "psql --no-psqlrc --quiet --host=db.example" in err and "UPDATE site SET epoch" in err
    assert "s3cret" not in err


@pytest.mark.postgres
def test_the_printed_pg_dump_and_pg_restore_commands_work(tmp_path, clock, password_hash, capsys):
    import shlex
    import shutil

    from tests.support import postgres_database

    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed on this machine")
    source_db, target_db = postgres_database(), postgres_database()
    source_url, target_url = next(source_db), next(target_db)
    try:
        server = make_server(source_url, clock, password_hash).start()
        try:
            with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
                tickets = [kiosk.issue_ticket("A") for _ in range(3)]
                epoch = kiosk.list_events().epoch
            dump = tmp_path / "office.dump"
            capsys.readouterr()
            assert main(["backup", "--database", source_url, str(dump)]) == 3
            command = capsys.readouterr().err.splitlines()[1].strip()
            subprocess.run(shlex.split(command), check=True, timeout=120)
        finally:
            server.stop()
        assert main(["restore", "--database", target_url, str(dump)]) == 3
        for command in capsys.readouterr().err.splitlines()[1:3]:
            subprocess.run(shlex.split(command.strip()), check=True, timeout=120)
        restored = make_server(target_url, clock, password_hash).start()
        try:
            with KolejkaClient(restored.url, "test", KIOSK_TOKEN) as kiosk:
                assert [kiosk.get_ticket(t.id).number for t in tickets] == [
                    t.number for t in tickets
                ]
                assert kiosk.list_events().epoch != epoch  # clients start afresh
        finally:
            restored.stop()
    finally:
        source_db.close()
        target_db.close()
