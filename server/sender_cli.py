"""`kolejka sender`: deliver the outbox from a process of its own (server/sender.py).

`kolejka server` and the demo start it themselves (server/sender_process.py) unless
`KOLEJKA_SENDER=separate`; then run it as a service of its own, with the server's
settings (the same environment file). Several may run against one PostgreSQL database:
the outbox's lease keeps each message to one of them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable

from pydantic import ValidationError

from server.clock import SystemClock
from server.db import Database
from server.sender import Sender, build_sender
from server.settings import Settings

log = logging.getLogger(__name__)
PARENT_CHECK_S = 1.0
SENDER_NICE = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", metavar="URL", help="the server's database (default: as the server)"
    )
    parser.add_argument(
        "--parent",
        type=int,
        metavar="PID",
        help="stop when this process is gone (set by `kolejka server` for its child)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings(**({"database_url": args.database} if args.database else {}))
    except ValidationError as exc:
        print(f"kolejka sender: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper())
    # Background work: the API's processes get the CPU first when both want it.
    with contextlib.suppress(OSError):
        os.nice(SENDER_NICE)
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(serve(settings, args.parent))
    return 0


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (uvicorn[standard] brings it, as for the API): its TLS
    and sockets are C, where asyncio's are Python — most of the sender's CPU is 100 SMTP
    conversations over TLS, on the API's own cores."""
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


async def serve(settings: Settings, parent: int | None = None) -> None:
    """Deliver until SIGTERM/SIGINT (the round in hand finishes) or the parent is gone."""
    db = Database(settings.database_url)
    sender = build_sender(settings, db, SystemClock())
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, sender.stop_threadsafe)
    helpers = []
    if parent is not None:
        helpers.append(asyncio.create_task(_watch_parent(parent, sender)))
    if db.is_postgres:
        helpers.append(asyncio.create_task(_wake_on_notify(db.url, sender)))
    try:
        if await _schema_ready(db, sender):
            await sender.run()
    finally:
        for task in helpers:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await sender.close()
        db.dispose()


async def _schema_ready(db: Database, sender: Sender) -> bool:
    """Started beside a server that may still be creating or migrating the database: wait
    for its outbox (the server migrates; two processes migrating at once would race)."""
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from server import outbox

    while not sender.stopping:
        try:
            await asyncio.to_thread(outbox.has_due, db, datetime.now(UTC))
            return True
        except sa.exc.DBAPIError as exc:
            log.debug("the outbox is not there yet (%s)", exc)
            await asyncio.sleep(sender.poll_s)
    return False


async def _watch_parent(parent: int, sender: Sender) -> None:
    """A server killed outright leaves no one to stop its child: the child notices."""
    while os.getppid() == parent:
        await asyncio.sleep(PARENT_CHECK_S)
    log.info("the server (pid %d) is gone; the sender stops", parent)
    sender.stop_threadsafe()


async def _wake_on_notify(url: str, sender: Sender) -> None:
    """PostgreSQL: the API's processes NOTIFY after the commits that log an event (a
    booking, a call): look at the outbox then rather than at the next poll."""
    import psycopg

    from server.pglisten import NOTIFY_CHANNEL, libpq_url

    backoff = 0.5
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                libpq_url(url), autocommit=True
            ) as conn:
                await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                backoff = 0.5
                async for _note in conn.notifies():
                    sender.wake_threadsafe()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the poll still runs: a lost LISTEN only delays
            log.warning("sender's LISTEN connection lost (%s); retrying in %.1fs", exc, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)
