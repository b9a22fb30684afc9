"""Delivery happens outside the API's processes: the app never sends, `kolejka sender`
does, in a process of its own that `kolejka server` starts and restarts."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from server import outbox
from server.models import OutboxMessage, Site
from tests.messaging import Mailbox
from tests.server.booking_world import appointments, make_world, manage_path


def test_the_api_does_not_deliver_in_process(
    sqlite_url: str, clock: Any, password_hash: str, tmp_path: Path
) -> None:
    for world in make_world(sqlite_url, clock, password_hash, tmp_path, deliver=False):
        visitor = world.visitor()
        start = visitor.free_starts("A")[0]
        manage_path(visitor.book("A", start, email="a@example.com", phone="600100200"))
        assert len(appointments(world.db)) == 1
        with world.db.read() as session:
            queued = list(session.exec(select(OutboxMessage)))
        # Written with the booking, untouched by the API: no claim, no attempt.
        assert {(m.channel, m.status, m.attempts) for m in queued} == {
            ("email", "pending", 0),
            ("sms", "pending", 0),
        }
        assert not hasattr(world.server.app.state, "sender")
        assert not [t for t in threading.enumerate() if "sender" in t.name]
        assert world.mailbox.empty()
        world.sender.start()  # a sender (here a thread with its own loop) delivers it
        try:
            assert world.mailbox.next()["To"] == "a@example.com"
            assert world.sms.next()["to"] == "48600100200"
        finally:
            world.sender.stop()


def queue_now(db: Any, recipient: str) -> None:
    with db.read() as session:
        site_id = session.exec(select(Site.id)).one()
    with db.write() as session:
        outbox.enqueue(
            session,
            site_id=site_id,
            kind="reminder",
            channel="email",
            recipient=recipient,
            language="pl",
            subject="Przypomnienie",
            body="Kod",
            now=datetime.now(UTC),
        )


@pytest.fixture
def child(site_db: Any, tmp_path: Path) -> Iterator[tuple[Any, Mailbox]]:
    from server.sender_process import SenderProcess
    from server.settings import Settings

    box = Mailbox(tmp_path).start()
    settings = Settings(
        environment="test", database_url=site_db.url, sender_poll_s=0.2, **box.settings()
    )
    process = SenderProcess(settings).start()
    try:
        yield process, box
    finally:
        process.stop()
        box.stop()


def test_kolejka_sender_delivers_from_its_own_process_and_is_restarted(
    site_db: Any, child: tuple[Any, Mailbox]
) -> None:
    process, box = child
    assert process.wait_started(1, timeout=30)
    first = process.process
    assert first.pid != os.getpid()
    queue_now(site_db, "one@example.com")
    assert box.next(timeout=60)["To"] == "one@example.com"
    # Past start-up (it delivered): it runs at a lower priority than the server's own.
    assert os.getpriority(os.PRIO_PROCESS, first.pid) > os.getpriority(os.PRIO_PROCESS, 0)

    first.send_signal(signal.SIGKILL)  # the sender dies: the server starts another
    assert process.wait_started(2, timeout=60)
    queue_now(site_db, "two@example.com")
    assert box.next(timeout=60)["To"] == "two@example.com"
    assert box.empty() and box.count == 2  # each once

    second = process.process
    process.stop()  # SIGTERM: the round in hand finishes, then the process ends
    assert second.returncode == 0
    with site_db.read() as session:
        sent = [m.status for m in session.exec(select(OutboxMessage))]
    # The first may have been killed between handing it over and writing so down: then
    # it stays under its lease, for the admin once that runs out, and is never sent again.
    assert sent[0] in ("sent", "sending") and sent[1] == "sent"


def test_the_sender_runs_on_uvloop_where_it_is_installed() -> None:
    uvloop = pytest.importorskip("uvloop", reason="uvloop is not installed (Windows)")
    from server.sender_cli import _loop_factory

    factory = _loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()
