"""`kolejka server`: run the server with uvicorn, and the outbox's sender beside it."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from server.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help="SQLAlchemy URL (default: SQLite under the user's data dir; "
        "postgresql+psycopg://… for PostgreSQL)",
    )
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="site configuration (TOML, or .yaml/.yml)"
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8420)")
    parser.add_argument("--demo", action="store_true", help="load the demo office")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes (PostgreSQL only; SQLite is one process)"
    )


def settings_from(args: argparse.Namespace) -> Settings:

    overrides = {
        key: value
        for key, value in {
            "database_url": args.database,
            "site_config": args.config,
            "host": args.host,
            "port": args.port,
        }.items()
        if value is not None
    }
    return Settings(**overrides)


def run(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from server.app import create_app
    from server.errors import ConfigError
    from server.limits import uvicorn_options

    try:
        settings = settings_from(args)
        app = create_app(settings, demo=args.demo, own_process=True)
    except (ConfigError, ValidationError) as exc:
        print(f"kolejka server: {exc}", file=sys.stderr)
        return 2
    if args.workers > 1 and settings.is_sqlite:
        print(
            "kolejka server: --workers needs PostgreSQL; SQLite runs in one process",
            file=sys.stderr,
        )
        return 2
    if args.workers > 1 and args.demo:
        print("kolejka server: --demo runs in one process", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper())
    print(
        f"Kolejka server on http://{settings.host}:{settings.port}  "
        f"(database: {settings.database_shown})",
        flush=True,
    )
    sender = None
    if settings.sender == "child":
        from server.sender_process import SenderProcess

        sender = SenderProcess(settings).start()  # delivery off the API's processes
    target: Any = app
    if args.workers > 1:
        # Each worker process builds its own app from the same validated settings.
        os.environ.update(settings.as_environment())
        target = "server.asgi:create"
    try:
        uvicorn.run(
            target,
            factory=args.workers > 1,
            workers=args.workers if args.workers > 1 else None,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level,
            ws_ping_interval=20.0,
            ws_ping_timeout=20.0,
            **uvicorn_options(),
        )
    finally:
        if sender is not None:
            sender.stop()
    return 0


# --- the administrator's tools (kolejka backup | restore | audit) --------------------


def _add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help="the server's database (default: KOLEJKA_DATABASE_URL, else the server's default)",
    )


def _database_url(args: argparse.Namespace, tool: str) -> str | None:
    try:
        return Settings(**({"database_url": args.database} if args.database else {})).database_url
    except ValidationError as exc:
        print(f"kolejka {tool}: {exc}", file=sys.stderr)
        return None


def add_backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", type=Path, help="the file to write (or a directory for a dated one)"
    )
    _add_database_argument(parser)


def run_backup(args: argparse.Namespace) -> int:
    from server.backup import backup_sqlite, pg_dump_command, sqlite_path
    from server.errors import BackupError

    url = _database_url(args, "backup")
    if url is None:
        return 2
    database = sqlite_path(url)
    if database is None:
        command, password = pg_dump_command(url, args.path)
        print(
            "kolejka backup: the database is PostgreSQL; back it up with pg_dump "
            "(consistent while the server runs):\n  " + command,
            file=sys.stderr,
        )
        if password:
            print("  (give the password in PGPASSWORD or ~/.pgpass)", file=sys.stderr)
        return 3
    try:
        result = backup_sqlite(database, args.path)
    except (BackupError, OSError) as exc:
        print(f"kolejka backup: {exc}", file=sys.stderr)
        return 1
    print(
        f"kolejka backup: {database} -> {result.path} ({result.bytes} bytes, "
        f"migration {result.revision}, {result.tickets} tickets, {result.events} events)"
    )
    return 0


def add_restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="a file written by kolejka backup")
    _add_database_argument(parser)


def run_restore(args: argparse.Namespace) -> int:
    from server.backup import (
        head_revisions,
        pg_restore_commands,
        restore_sqlite,
        sqlite_path,
    )
    from server.errors import BackupError

    url = _database_url(args, "restore")
    if url is None:
        return 2
    database = sqlite_path(url)
    if database is None:
        commands, password = pg_restore_commands(url, args.path)
        print(
            "kolejka restore: the database is PostgreSQL; stop every Kolejka server, "
            "then restore a pg_dump file and give the event log a new epoch (so displays "
            "and counters start afresh) with:\n  " + "\n  ".join(commands),
            file=sys.stderr,
        )
        if password:
            print("  (give the password in PGPASSWORD or ~/.pgpass)", file=sys.stderr)
        return 3
    try:
        result = restore_sqlite(args.path, database)
    except (BackupError, OSError) as exc:
        print(f"kolejka restore: {exc}", file=sys.stderr)
        return 1
    print(f"kolejka restore: {args.path} -> {database} (migration {result.revision})")
    if result.revision not in head_revisions():
        print("  the server upgrades it to the current migrations when it starts")
    if result.kept_aside is not None:
        print(f"  the replaced database is kept as {result.kept_aside}")
    return 0


def add_audit_arguments(parser: argparse.ArgumentParser) -> None:
    from datetime import date

    parser.add_argument("--site", required=True, help="the site's code")
    parser.add_argument(
        "--from", dest="first", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD"
    )
    parser.add_argument(
        "--to", dest="last", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD"
    )
    parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    parser.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
    _add_database_argument(parser)


def run_audit(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from kolejka.core.errors import DomainError
    from server.audit import export
    from server.backup import sqlite_path
    from server.db import Database

    if args.first > args.last:
        print("kolejka audit: --from is after --to", file=sys.stderr)
        return 2
    url = _database_url(args, "audit")
    if url is None:
        return 2
    path = sqlite_path(url)
    if path is not None and not path.is_file():  # do not create an empty one
        print(f"kolejka audit: there is no database at {path}", file=sys.stderr)
        return 1
    db = Database(url)
    partial = None
    try:
        if args.out is None:
            export(db, args.site, args.first, args.last, args.format, sys.stdout)
            return 0
        partial = args.out.with_name(args.out.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="") as out:
            count = export(db, args.site, args.first, args.last, args.format, out)
        partial.replace(args.out)
        partial = None
        print(f"kolejka audit: {count} events of {args.site} written to {args.out}")
        return 0
    except DomainError as exc:  # an unknown site
        print(f"kolejka audit: no site {args.site!r} ({exc.code})", file=sys.stderr)
        return 1
    except (OSError, sa.exc.SQLAlchemyError) as exc:
        print(f"kolejka audit: {exc}", file=sys.stderr)
        return 1
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
        db.dispose()
