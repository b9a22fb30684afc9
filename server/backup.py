"""Backing up and restoring the database (`kolejka backup`, `kolejka restore`).

SQLite: the online backup API copies the file page by page inside one read transaction,
so the copy is consistent while the server keeps writing (WAL: readers never block the
writer). PostgreSQL has its own tools; for it we print the `pg_dump`/`pg_restore` command.

A running server holds a shared `flock` on a file beside the SQLite database for its
whole life (`ServerLock`); restore takes it exclusively, so it cannot replace the
database under a server, and a server cannot start in the middle of a restore. The
kernel drops the lock when the process ends, however it ends (kill -9 too), so a crashed
server never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shlex
import sqlite3
import stat
import sys
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from server.db import alembic_config, normalize_url
from server.errors import BackupError

SQLITE_HEADER = b"SQLite format 3\x00"
KOLEJKA_TABLES = {"alembic_version", "site", "ticket", "event"}


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for another database (or in-memory)."""
    parsed = sa.engine.make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


# --- the server's lock ---------------------------------------------------------------


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".server-lock")


class ServerLock:
    """Held (shared) by every server on a SQLite database while it runs."""

    def __init__(self, fd: int | None) -> None:
        self._fd = fd
        # An app whose start-up failed never calls release(): let the lock go with it.
        self._finalizer = weakref.finalize(self, os.close, fd) if fd is not None else None

    @classmethod
    def take(cls, url: str) -> ServerLock:
        path = sqlite_path(url)
        if path is None or not _can_lock():
            return cls(None)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = _open_lock(path)
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a restore is replacing the file
        return cls(fd)

    def release(self) -> None:
        if self._finalizer is not None:
            self._finalizer()  # closes the descriptor (once), which drops the lock


def _open_lock(database: Path) -> int:
    """flock needs no write access: read-only, and readable by the server's user even when
    root made the file (`sudo kolejka restore`)."""
    return os.open(lock_path(database), os.O_RDONLY | os.O_CREAT, 0o644)


def _can_lock() -> bool:
    return sys.platform != "win32"


@contextlib.contextmanager
def _exclusive(database: Path) -> Iterator[None]:
    """No server runs on `database` while the block runs; BackupError if one does."""
    if not _can_lock():
        raise BackupError("restore needs a POSIX system to tell whether a server is running")
    import fcntl

    database.parent.mkdir(parents=True, exist_ok=True)
    fd = _open_lock(database)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(
                f"a Kolejka server is running on {database}; stop it first "
                "(e.g. systemctl stop kolejka-server), then restore"
            ) from None
        yield
    finally:
        os.close(fd)


# --- what a file holds ---------------------------------------------------------------


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def head_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def inspect_file(path: Path) -> str:
    """The migration a Kolejka database file is at; BackupError if it is not one we can use."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database (nor a Kolejka backup)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            missing = KOLEJKA_TABLES - tables
            if missing:
                raise BackupError(
                    f"{path} is a SQLite database but not Kolejka's "
                    f"(no {', '.join(sorted(missing))} table)"
                )
            versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database: {exc}") from None
    if check != "ok":
        raise BackupError(f"{path} is damaged: {check}")
    if len(versions) != 1:
        raise BackupError(f"{path} has no single migration version ({versions})")
    version = versions[0]
    if version not in known_revisions():
        raise BackupError(
            f"{path} was made by a newer Kolejka (migration {version}); "
            "upgrade Kolejka before restoring it"
        )
    return version


# --- backup --------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    path: Path
    bytes: int
    revision: str
    tickets: int
    events: int


def backup_sqlite(database: Path, target: Path, now: datetime | None = None) -> BackupResult:
    """Copy `database` to `target` (a file, or a directory to put a dated file in)."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    if target.is_dir():
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        target = target / f"kolejka-{stamp}.sqlite3"
    if target.exists():
        raise BackupError(f"{target} already exists; give a new file name or a directory")
    if target.resolve() == database.resolve():
        raise BackupError("the backup cannot overwrite the database itself")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # Not read-only: after a crash the WAL's index may need rebuilding before it can be read.
    source = sqlite3.connect(database, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # all pages in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            copy.commit()
        finally:
            copy.close()
    finally:
        source.close()
    _fsync(partial)
    revision = inspect_file(partial)
    os.replace(partial, target)
    _fsync_dir(target.parent)
    conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tickets = conn.execute("SELECT count(*) FROM ticket").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM event").fetchone()[0]
    finally:
        conn.close()
    return BackupResult(target, target.stat().st_size, revision, tickets, events)


# --- restore -------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    revision: str
    kept_aside: Path | None


def restore_sqlite(source: Path, database: Path, now: datetime | None = None) -> RestoreResult:
    """Replace `database` with the backup `source`; the replaced one is kept beside it."""
    revision = inspect_file(source)
    if database.exists() and source.resolve() == database.resolve():
        raise BackupError("the backup is the database itself")
    with _exclusive(database):
        incoming = database.with_name(database.name + ".restoring")
        incoming.unlink(missing_ok=True)
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(incoming)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                # Events after the backup are gone, and their numbers will be given again:
                # a new epoch tells every display and counter to start afresh (a reset)
                # rather than resume from a sequence number that now means another event.
                for (site_id,) in dst.execute("SELECT id FROM site").fetchall():
                    dst.execute(
                        "UPDATE site SET epoch = ? WHERE id = ?", (secrets.token_hex(8), site_id)
                    )
                dst.commit()
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(incoming)
        inspect_file(incoming)
        _match_owner(incoming, database)
        aside = None
        if database.exists():
            stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
            aside = database.with_name(f"{database.name}.before-restore-{stamp}")
            _move_aside(database, aside)
        for suffix in ("-wal", "-shm", "-journal"):  # would be replayed into the new file
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.replace(incoming, database)
        _fsync_dir(database.parent)
    return RestoreResult(database, revision, aside)


def _match_owner(path: Path, database: Path) -> None:
    """The restored file gets the replaced one's rights and owner (or its directory's
    owner), so the server's user can still write it after `sudo kolejka restore`."""
    if database.exists():
        st = database.stat()
        os.chmod(path, stat.S_IMODE(st.st_mode))
    else:
        st = database.parent.stat()
    if sys.platform != "win32" and os.geteuid() == 0:
        os.chown(path, st.st_uid, st.st_gid)


def _move_aside(database: Path, aside: Path) -> None:
    """Rename the database with its WAL (committed changes may live only there), then
    fold the WAL in so the kept copy is one file. A damaged file stays as it was."""
    os.replace(database, aside)
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{database}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{aside}{suffix}"))
    with contextlib.suppress(sqlite3.DatabaseError):
        conn = sqlite3.connect(aside)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if sys.platform == "win32":
        return
    _fsync(path)


# --- PostgreSQL: its own tools -------------------------------------------------------


def _libpq_args(url: str) -> tuple[list[str], bool]:
    """pg_dump/pg_restore connection options for a URL, and whether it has a password
    (which we never print: it goes in PGPASSWORD or ~/.pgpass)."""
    parsed = sa.engine.make_url(normalize_url(url))
    args = []
    if parsed.host:
        args.append(f"--host={parsed.host}")
    if parsed.port:
        args.append(f"--port={parsed.port}")
    if parsed.username:
        args.append(f"--username={parsed.username}")
    args.append(f"--dbname={parsed.database or ''}")
    return args, bool(parsed.password)


def pg_dump_command(url: str, target: Path) -> tuple[str, bool]:
    args, password = _libpq_args(url)
    command = ["pg_dump", "--format=custom", f"--file={target}", *args]
    return shlex.join(command), password


NEW_EPOCHS = "UPDATE site SET epoch = substr(md5(random()::text), 1, 16)"


def pg_restore_commands(url: str, source: Path) -> tuple[list[str], bool]:
    """pg_restore, then a new event-log epoch for every site (as `restore_sqlite` gives)."""
    args, password = _libpq_args(url)
    restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", *args, str(source)]
    epochs = ["psql", "--no-psqlrc", "--quiet", *args, f"--command={NEW_EPOCHS}"]
    return [shlex.join(restore), shlex.join(epochs)], password
