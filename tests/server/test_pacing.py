"""The sender starts its deliveries evenly spaced (server/pacing.py)."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from server.outbox import Outgoing
from server.pacing import Pacer
from server.sender import Sender
from tests.server.test_outbox import queue, rows

SLACK_S = 0.001  # asyncio's timers may fire a hair early, never a millisecond


async def test_starts_are_spaced_by_the_rate_however_many_ask_at_once() -> None:
    pacer = Pacer(per_s=500)
    loop = asyncio.get_running_loop()
    starts: list[float] = []

    async def start() -> None:
        await pacer.wait()
        starts.append(loop.time())

    await asyncio.gather(*(start() for _ in range(12)))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 12
    assert min(gaps) >= pacer.interval_s - SLACK_S


async def test_no_rate_means_no_waiting() -> None:
    pacer = Pacer(per_s=0)
    loop = asyncio.get_running_loop()
    began = loop.time()
    for _ in range(1000):
        await pacer.wait()
    assert pacer.interval_s == 0
    assert loop.time() - began < 0.5  # a thousand waits that never sleep


class Recording:
    """A transport that notes when each delivery began (the pace is the sender's)."""

    def __init__(self) -> None:
        self.began: list[float] = []

    async def send(self, message: Outgoing) -> None:
        self.began.append(asyncio.get_running_loop().time())
        await asyncio.sleep(0)

    async def close(self) -> None:
        return None


async def test_the_sender_paces_a_round_and_delivers_all_of_it(site_db: Any, clock: Any) -> None:
    queue(site_db, 10)
    transport = Recording()
    run = Sender(
        site_db,
        clock,
        {"email": transport},
        secret="s",
        base_url=None,
        concurrency=10,
        rate_per_s=200,
    )
    assert await run.round() == 10
    gaps = [b - a for a, b in itertools.pairwise(transport.began)]
    assert len(transport.began) == 10 and min(gaps) >= 1 / 200 - SLACK_S
    assert {r.status for r in rows(site_db)} == {"sent"}


def test_the_setting_reaches_the_sender(sqlite_url: str, clock: Any, monkeypatch: Any) -> None:
    from server.db import Database
    from server.sender import build_sender
    from server.settings import Settings

    monkeypatch.setenv("KOLEJKA_SENDER_RATE_PER_S", "20")
    settings = Settings(environment="test", database_url=sqlite_url)
    db = Database(sqlite_url)
    try:
        assert build_sender(settings, db, clock).pacer.interval_s == 1 / 20
        unpaced = Settings(environment="test", database_url=sqlite_url, sender_rate_per_s=0)
        assert build_sender(unpaced, db, clock).pacer.interval_s == 0
    finally:
        db.dispose()
