"""`kolejka server`: run the server with uvicorn."""

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
    from server.limits import uvicorn_options
    from server.siteconfig import ConfigError

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
        f"(database: {settings.database_url})",
        flush=True,
    )
    target: Any = app
    if args.workers > 1:
        # Each worker process builds its own app from the same validated settings.
        for key, value in settings.model_dump(exclude_none=True).items():
            os.environ[f"KOLEJKA_{key.upper()}"] = str(value)
        target = "server.asgi:create"
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
    return 0
