"""PostgreSQL LISTEN: wakes this process's event pumps when another process commits."""

from __future__ import annotations

import asyncio
import logging

import psycopg

from server.broadcast import Broadcaster
from server.eventlog import NOTIFY_CHANNEL

log = logging.getLogger(__name__)


def libpq_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


async def listen_forever(url: str, broadcaster: Broadcaster) -> None:
    backoff = 0.5
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                libpq_url(url), autocommit=True
            ) as conn:
                await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                backoff = 0.5
                # Anything committed while we were not listening: wake every pump once.
                broadcaster.wake(list(broadcaster._wake))
                async for note in conn.notifies():
                    try:
                        broadcaster.wake([int(note.payload)])
                    except ValueError:
                        log.warning("ignoring notify payload %r", note.payload)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("LISTEN connection lost (%s); retrying in %.1fs", exc, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)
