"""Housekeeping the server does by itself, at start and then every hour: erase the
personal data of appointments past their site's retention period, and forget idempotency
answers too old to be asked for again. And every minute, the statistics' roll-ups brought
up to the log's end, a bounded step at a time (server/statistics.py), so that a page finds
little to do and a backlog (a year of history after an upgrade) is rolled up beside the
office's work instead of inside a manager's request."""

from __future__ import annotations

import asyncio
import logging

from anyio import to_thread

from server import idempotency
from server.clock import Clock
from server.db import Database
from server.personal_data import purge_personal_data
from server.statistics import Statistics

log = logging.getLogger(__name__)

INTERVAL_S = 3600.0
ROLLUP_INTERVAL_S = 60.0
ROLLUP_PAUSE_S = 0.2  # between steps: room for the office's writes and the event loop


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


async def keep_rollups(
    statistics: Statistics,
    interval_s: float = ROLLUP_INTERVAL_S,
    pause_s: float = ROLLUP_PAUSE_S,
) -> None:
    """Run until cancelled. Each step reads a few days of events outside any transaction
    and swaps each day's rows in a short one of its own; between steps it sleeps, so the
    SQLite writer, a manager's page and the event loop all get in. The first pass waits
    one interval: a server starting up has more urgent work. Interval 0: never (the
    figures are then brought up to date only when read)."""
    if not interval_s:
        return
    while True:
        await asyncio.sleep(interval_s)
        try:
            await roll_up_all(statistics, pause_s)
        except Exception:  # a database hiccup must not end the task
            log.exception("rolling up the statistics failed; will retry")


async def roll_up_all(statistics: Statistics, pause_s: float = ROLLUP_PAUSE_S) -> int:
    """One pass: every site's roll-ups up to the log's end; returns the steps taken."""
    steps = 0
    for site_id in await to_thread.run_sync(statistics.site_ids):
        done = False
        while not done:
            _days, done = await to_thread.run_sync(statistics.catch_up_step, site_id)
            steps += 1
            if not done:
                await asyncio.sleep(pause_s)
    return steps
