"""Housekeeping the server does by itself, at start and then every hour: erase the
personal data of appointments past their site's retention period, and forget idempotency
answers too old to be asked for again."""

from __future__ import annotations

import asyncio
import logging

from anyio import to_thread

from server import idempotency
from server.clock import Clock
from server.db import Database
from server.personal_data import purge_personal_data

log = logging.getLogger(__name__)

INTERVAL_S = 3600.0


async def keep_house(db: Database, clock: Clock, interval_s: float = INTERVAL_S) -> None:
    """Run until cancelled (started in the app's lifespan)."""
    while True:
        try:
            erased = await to_thread.run_sync(purge_personal_data, db, clock.now())
            if erased:
                log.info("erased personal data of %d appointment(s)", erased)
            await to_thread.run_sync(idempotency.purge, db, clock.now())
        except Exception:  # a database hiccup must not end the task
            log.exception("housekeeping failed; will retry")
        await asyncio.sleep(interval_s)
