"""The SQLite writer thread's group commit (server/writer.py): writes that queued up share
one transaction, each in its own savepoint, and no answer leaves before the commit."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select

from kolejka.core.errors import Conflict
from kolejka.schemas import TicketCreate
from server.clock import ManualClock
from server.db import Database
from server.models import DailySequence, Event, Site, Ticket
from server.ticketing import QueueService
from server.writer import Writer
from tests.support import T0, kiosk_actor


@pytest.fixture
def db(sqlite_url: str, password_hash: str):
    from server.provisioning import apply_config
    from server.siteconfig import parse_config
    from tests.support import site_config_dict

    database = Database(sqlite_url)
    database.upgrade()
    apply_config(database, parse_config(site_config_dict(password_hash)))
    yield database
    database.dispose()


async def _queued_behind(writer: Writer, *calls: tuple) -> list:
    """Run `calls` through the writer all queued up behind one blocked write, so that
    the writer takes them as one batch; answers (or exceptions) in order."""
    gate = threading.Event()
    blocker = asyncio.ensure_future(writer.run(gate.wait, 10))
    await asyncio.sleep(0.05)  # the writer thread is now inside `gate.wait`
    tasks = [asyncio.ensure_future(writer.run(fn, *args)) for fn, *args in calls]
    await asyncio.sleep(0.05)
    gate.set()
    await blocker
    return await asyncio.gather(*tasks, return_exceptions=True)


def _batches(db: Database) -> list[int]:
    """Sizes of the transactions committed from now on."""
    sizes: list[int] = []

    @sa.event.listens_for(db.engine, "commit")
    def counted(conn: sa.Connection) -> None:
        sizes.append(conn.info.pop("writes", 0))

    @sa.event.listens_for(db.engine, "savepoint")
    def savepoint(conn: sa.Connection, _name: str) -> None:
        conn.info["writes"] = conn.info.get("writes", 0) + 1

    return sizes


def test_queued_writes_share_a_commit_and_a_refused_one_gives_its_number_back(db):
    queue = QueueService(db, ManualClock(T0))
    kiosk = kiosk_actor(db)
    writer = Writer(db)
    sizes = _batches(db)
    calls = [
        (queue.issue_ticket, "test", kiosk, TicketCreate(service=code))
        for code in "ACACACACAC"  # C: three a day
    ]
    answers = asyncio.run(_queued_behind(writer, *calls))
    writer.close()
    refused = [a for a in answers if isinstance(a, Exception)]
    assert [a.code for a in refused] == ["daily_limit_reached", "daily_limit_reached"]
    assert all(isinstance(a, Conflict) for a in refused)
    numbers = [a.number for a in answers if not isinstance(a, Exception)]
    assert sorted(numbers) == [f"A00{n}" for n in range(1, 6)] + ["C001", "C002", "C003"]
    assert sizes[-1] == len(calls)  # one transaction for all of them
    with db.read() as session:  # the refused ones left no ticket and no event behind
        assert len(session.exec(select(Ticket)).all()) == 8
        assert session.exec(select(Site)).one().last_seq == 8
        c_numbers = session.exec(select(DailySequence).where(DailySequence.prefix == "C")).one()
        assert c_numbers.last == 3  # the refused ones' numbers were given back


def test_a_failed_commit_fails_every_write_of_its_batch_and_keeps_none(db):
    writer = Writer(db)
    site_id = kiosk_actor(db).site_id
    at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def log(seq: int, site: int) -> int:
        with db.write() as session:
            # Foreign keys checked at COMMIT: a bad one fails the commit, not the insert.
            session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            session.add(Event(site_id=site, seq=seq, type="test", at=at, payload={}))
        return seq

    answers = asyncio.run(_queued_behind(writer, (log, 1, site_id), (log, 2, 999)))
    writer.close()
    assert all(isinstance(a, sa.exc.IntegrityError) for a in answers), answers
    with db.read() as session:
        assert session.exec(select(Event).where(Event.type == "test")).all() == []


def test_a_write_whose_caller_went_away_before_its_turn_is_not_made(db):
    queue = QueueService(db, ManualClock(T0))
    kiosk = kiosk_actor(db)
    writer = Writer(db)

    async def scenario() -> None:
        gate = threading.Event()
        blocker = asyncio.ensure_future(writer.run(gate.wait, 10))
        await asyncio.sleep(0.05)
        gone = asyncio.ensure_future(
            writer.run(queue.issue_ticket, "test", kiosk, TicketCreate(service="A"))
        )
        kept = asyncio.ensure_future(
            writer.run(queue.issue_ticket, "test", kiosk, TicketCreate(service="B"))
        )
        await asyncio.sleep(0.05)
        gone.cancel()  # the kiosk's connection dropped while it waited
        gate.set()
        await blocker
        assert (await kept).number == "B001"

    asyncio.run(scenario())
    writer.close()
    with db.read() as session:
        assert [t.number for t in session.exec(select(Ticket))] == ["B001"]


def test_the_writer_starts_again_after_close(db):
    queue = QueueService(db, ManualClock(T0))
    kiosk = kiosk_actor(db)
    writer = Writer(db)
    for expected in ("A001", "A002"):
        ticket = asyncio.run(
            writer.run(queue.issue_ticket, "test", kiosk, TicketCreate(service="A"))
        )
        assert ticket.number == expected
        writer.close()


def test_a_server_that_owns_its_process_freezes_start_up_objects_out_of_the_gc(sqlite_url):
    """`kolejka server` (not the demo, not tests) takes start-up objects out of the
    collector's full passes (without it a full pass stalled every request ~100 ms),
    collects the young less often, and compiles what a crowd's first requests would."""
    import gc

    from server.app import YOUNG_THRESHOLD, create_app
    from server.prepared import Prepared
    from server.settings import Settings
    from server.templating import environment
    from tests.support import LiveServer

    settings = Settings(environment="test", database_url=sqlite_url)
    shared = LiveServer(lambda: create_app(settings)).start()
    try:
        assert gc.get_freeze_count() == 0
    finally:
        shared.stop()
    thresholds = gc.get_threshold()
    environment.cache_clear()
    owner = LiveServer(lambda: create_app(settings, own_process=True)).start()
    try:
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        cached = environment("uk").cache
        assert cached is not None
        assert {key[1] for key in cached} >= {"book/message.html", "book/manage.html"}
        assert all(p._plans for p in Prepared.made)
    finally:
        owner.stop()
        gc.unfreeze()
        gc.set_threshold(*thresholds)
